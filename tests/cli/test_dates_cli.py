"""``nextadvance decide`` writes dates a rep can act on, in the owner's own time zone."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from nextadvance.sync import cli

#: Monday 7 Dec 2026 05:15 UTC (the review's run): Sunday evening in Los Angeles
NOW = "2026-12-07T05:15:00Z"
_SAID = re.compile(r"\b(Mon|Tue|Wed|Thu|Fri|Sat|Sun) (\d{1,2}) (Dec|Jan)\b")


def _deal(deal_id: str, **kw: Any) -> dict[str, Any]:
    return {
        "id": deal_id,
        "name": f"{deal_id} Rollout",
        "stage": "proposal",
        "created_at": "2026-10-01T09:00:00Z",
        "contacts": [{"id": "c1", "name": "Priya Shah", "role": "champion"}],
        **kw,
    }


def _decide(tmp_path: Path, deals: list[dict[str, Any]]) -> dict[str, Any]:
    src = tmp_path / "deals.jsonl"
    src.write_text("".join(json.dumps(d) + "\n" for d in deals))
    result = CliRunner().invoke(cli.app, ["decide", "--input", str(src), "--now", NOW])
    assert result.exit_code == 0, result.output
    return {d["deal_id"]: d for d in map(json.loads, result.stdout.splitlines())}


def test_decide_dates_are_local_workdays_with_a_lead(tmp_path: Path) -> None:
    meeting = {
        "id": "m1",
        "kind": "meeting",
        "at": "2026-12-20T05:00:00Z",  # Saturday 19 Dec, 21:00 in Los Angeles
        "outcome": "scheduled",
    }
    out = _decide(
        tmp_path,
        [
            _deal("LA", owner_timezone="America/Los_Angeles", activities=[meeting]),
            _deal("UTC", activities=[meeting]),
            _deal("SOON", close_date="2026-12-08"),  # the close date is tomorrow
            _deal("XMAS", close_date="2026-12-28"),
            _deal("HOLI", activities=[{**meeting, "at": "2026-12-18T15:00:00Z"}]),
        ],
    )
    # an advance counted from the meeting on Fri 18 Dec lands after the holidays
    assert out["HOLI"]["call_objective"]["stretch"]["by"] >= "2027-01-04"
    assert out["LA"]["coaching"]["due"] == "2026-12-19"  # the owner's day, not UTC's Sunday
    assert out["UTC"]["coaching"]["due"] == "2026-12-20"
    soon = out["SOON"]
    body = "\n".join(soon["coaching"]["body"])
    assert "Tue 8 Dec" not in soon["coaching"]["subject"]  # not an advance for tomorrow
    assert "Watch: close date Tue 8 Dec is too soon for this step" in body
    assert "agree a later close date with Priya" in body
    for d in out.values():
        # no date we propose falls in 24 Dec - 1 Jan (the Watch line quotes the CRM's close date)
        lines = [x for x in d["coaching"]["body"] if not x.startswith("Watch:")]
        text = " ".join([d["coaching"]["subject"], *lines])
        for _, day, month in _SAID.findall(text):
            said = date(2026 if month == "Dec" else 2027, 12 if month == "Dec" else 1, int(day))
            assert not date(2026, 12, 24) <= said <= date(2027, 1, 1), (d["deal_id"], text)
        by = d["call_objective"]["stretch"]["by"]
        assert d["coaching"]["due"] <= by  # the task is never due after its advance
