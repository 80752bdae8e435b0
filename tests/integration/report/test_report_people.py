"""The report a sales manager reads: names, "not enough data", and what to do per red figure.

Through the CLI (``nextadvance report``). Before: deals listed by CRM id, percentages from
two meetings, "retire"/"demote" suggested from 0 %-vs-0 % data, and red figures with no advice.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from nextadvance.sandbox import Sandbox
from nextadvance.sync.cli import app

NOW = "2026-11-25T12:00:00Z"


def _html(*args: str, out: Path) -> str:
    result = CliRunner().invoke(app, ["report", *args, "--now", NOW, "-o", str(out)])
    assert result.exit_code in (0, 1), result.output
    text = out.read_text(encoding="utf-8")
    return re.sub(r"<script.*?</script>", "", text, flags=re.S)


def _section(html: str, title: str) -> str:
    start = html.index(f"<h2>{title}")
    return html[start : html.index("</section>", start)]


def test_tiny_samples_say_not_enough_data(tmp_path: Path, hand_jsonl: Path) -> None:
    """Four meetings: the sit rate reads "not enough data (2/4)", not 50 %."""
    html = _html("-i", str(hand_jsonl), "--period", "2026-Q4", out=tmp_path / "r.html")
    assert "not enough data (2/4)" in html
    assert ">50%<" not in _section(html, "Sit rate")


def test_meetings_without_outcome_name_the_deal_and_say_what_to_do(
    tmp_path: Path, deals_jsonl: Path
) -> None:
    """The unlogged-meetings table shows the deal's name; the section says what to do."""
    unlogged_deal = {
        "id": "0065g00000XYZAAA",
        "name": "Globex - Renewal 2027",
        "stage": "discovery",
        "created_at": "2026-10-01T09:00:00Z",
        "owner": "alice",
        "activities": [
            {"id": f"u{i}", "kind": "meeting", "at": f"2026-11-0{i}T10:00:00Z", "outcome": o}
            for i, o in ((2, "scheduled"), (3, "unknown"))
        ],
    }
    with deals_jsonl.open("a", encoding="utf-8") as f:
        f.write(json.dumps(unlogged_deal) + "\n")
    html = _html("-i", str(deals_jsonl), "--period", "2026-Q4", out=tmp_path / "r.html")
    sit = _section(html, "Sit rate")
    assert "What to do: " in sit and "past meeting(s) have no outcome" in sit
    unlogged = _section(html, "Past meetings without an outcome")
    assert "Globex - Renewal 2027" in unlogged
    assert "0065g00000XYZAAA" not in unlogged
    assert "avg won (EUR)" in html and "per day (EUR)" in html


def test_drift_never_judges_from_zero_vs_zero(tmp_path: Path, deals_jsonl: Path) -> None:
    """An objective learned in no closed deal is "insufficient data", never retire/demote."""
    html = _html("-i", str(deals_jsonl), "--period", "2026-Q4", out=tmp_path / "r.html")
    rows = re.findall(r"<tr>(.*?)</tr>", _section(html, "Drift"), flags=re.S)
    judged = [r for r in rows if re.search(r">0%<.*>0%<", r) and ("retire" in r or "demote" in r)]
    assert not judged, judged[:2]


def test_report_from_a_connection_names_the_owners(
    sandbox_factory: Callable[..., Sandbox], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Salesforce: reps appear by their User name (Owner.Name), not as 005… record ids."""
    sb = sandbox_factory(crm="salesforce", deals=20, seed=4)
    creds = sb.salesforce_credentials
    monkeypatch.setenv("NA_PEOPLE_SF", json.dumps({"session_id": creds["session_id"]}))
    config = tmp_path / "nextadvance.yaml"
    config.write_text(
        f"state_url: sqlite:///{tmp_path / 'state.db'}\nconnections:\n"
        f"  - {{name: sf, crm: salesforce, base_url: '{creds['instance_url']}',"
        f" ca_bundle: '{sb.ca_path}', credentials: {{env: NA_PEOPLE_SF}}}}\n",
        encoding="utf-8",
    )
    synced = CliRunner().invoke(app, ["sync", "-C", "sf", "-c", str(config), "--json"])
    assert synced.exit_code == 0, synced.output
    owners = {o["OwnerId"] for o in sb.snapshot()["salesforce"]["Opportunity"] if o.get("OwnerId")}
    users = {u["Id"]: u.get("Name") for u in sb.snapshot()["salesforce"].get("User", [])}
    html = _html("--connection", "sf", "-c", str(config), out=tmp_path / "r.html")
    main = html[html.index("<main>") :]
    assert not any(owner in main for owner in owners), "owner ids shown instead of names"
    named = [users[o] for o in owners if users.get(o)]
    assert named and any(name in main for name in named)
