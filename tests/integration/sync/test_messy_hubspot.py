"""A messy HubSpot portal (``Sandbox(org="messy")``) syncs end to end through the CLI.

Through the real hubspot-api-client against the sandbox: several pipelines with their own
stages (one mapped, one ignored on purpose, one nobody decided about), custom deal
properties read as evidence, a deactivated owner who still owns deals, engagements on
several deals, HTML and very long note bodies, meetings in reps' time zones and a deal with
thousands of activities.  The run is ``partial`` with every undecided deal listed (file and
key named) until ops decide about the last pipeline; then it is ``ok``.  Nothing is dropped.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from nextadvance.mappings import default_mapping_path
from nextadvance.sandbox._messy import BUSY_DEAL_ACTIVITIES
from nextadvance.sync import cli

from .conftest import World

ENGAGEMENTS = ("calls", "meetings", "emails", "notes", "tasks")
RENEWALS = """  "8800001":
    label: Renewals
    stages:
      "8800002": prospecting
      "8800003": qualification
      "8800004": proposal       # renamed from 'Quote Sent' to 'Renewal Quote Out'
      "8800005": negotiation
      "8800006": negotiation
      "8800007": closed_won
      "8800008": closed_lost
"""
EVIDENCE = """  evidence:
    budget_confirmed: {field: budget_confirmed, transform: boolean}
    decision_date: {field: decision_date, transform: date}
    pain: {field: pain, transform: text}
"""


def _messy_mapping(world: World, ignored: list[str]) -> Path:
    text = default_mapping_path("hubspot").read_text(encoding="utf-8")
    text = text.replace("\ndeal:\n", RENEWALS + f"\nignore_pipelines: {ignored}\n\ndeal:\n", 1)
    old_evidence = text[text.index("  # Canonical evidence fields") : text.index("  evidence: {}")]
    text = text.replace(old_evidence + "  evidence: {}\n", EVIDENCE, 1)
    text = text.replace(
        "    amount: amount\n", "    amount: amount\n    currency: deal_currency_code\n"
    )
    path = world.config.parent / "messy-hubspot.yaml"
    path.write_text(text, encoding="utf-8")
    config = world.config.read_text(encoding="utf-8")
    if "mapping:" not in config:
        world.config.write_text(config + f"    mapping: {path}\n", encoding="utf-8")
    return path


def _db(world: World) -> sqlite3.Connection:
    return sqlite3.connect(world.config.parent / "state.db")


def _by_pipeline(deals: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for d in deals:
        out.setdefault(d["properties"]["pipeline"], []).append(d)
    return out


def test_messy_portal_syncs_partial_then_ok(make_world: Callable[..., World]) -> None:
    """Undecided pipeline listed (partial), then ignored (ok); every record is mirrored."""
    world = make_world("hubspot", deals=60, org="messy")
    snap = world.sb.snapshot()["hubspot"]
    deals = snap["objects"]["deals"]
    pipes = _by_pipeline(deals)
    assert set(pipes) == {"default", "7654321", "8800001", "8800101"}
    engagements = sum(len(snap["objects"][e]) for e in ENGAGEMENTS)
    path = _messy_mapping(world, ["7654321"])

    code, report = world.sync()
    assert code == 1 and report["status"] == "partial", report
    # nothing silently dropped: every deal and engagement was read and mirrored
    assert report["deals"]["pulled"] == len(deals)
    assert report["activities_pulled"] == engagements
    assert report["rejects"] == []
    # the pipeline nobody decided about: each open deal listed with file and keys
    undecided = report["unmapped"]
    assert undecided and {u["pipeline"] for u in undecided} == {"8800101"}
    assert all(path.name in u["message"] and "ignore_pipelines" in u["message"] for u in undecided)
    assert report["pipelines_left_out"] == {"8800101": len(undecided)}
    assert report["pipelines_undecided"] == ["8800101"]
    # the ignored pipeline: counted, not listed
    assert set(report["pipelines_ignored"]) == {"7654321"}
    # the renewals pipeline (renamed stage included) is decided like the default one
    assert report["deals"]["decided"] > 0
    # the deactivated owner's deals still get their task, unassigned, and the run says so
    owner_problems = [p for p in report["problems"] if "not an active HubSpot owner" in p]
    assert owner_problems, report["problems"]
    assert all("deal " in p and "task " in p for p in owner_problems)

    db = _db(world)
    currencies = {
        row[0] for row in db.execute("SELECT json_extract(data, '$.currency') FROM deals")
    }
    assert {"USD", "EUR", "GBP"} <= currencies  # a multi-currency portal
    bodies = [row[0] for row in db.execute("SELECT json_extract(data, '$.body') FROM activities")]
    assert not [b for b in bodies if b and ("<p>" in b or "&nbsp;" in b or "<li>" in b)]
    assert max(len(b or "") for b in bodies) > 50_000  # the very long note is kept whole
    shared = db.execute(
        "SELECT activity_id FROM deal_activities GROUP BY activity_id HAVING COUNT(*) > 1"
    ).fetchall()
    assert len(shared) >= 5  # engagements on several deals count for each of them
    busiest = db.execute(
        "SELECT COUNT(*) FROM deal_activities GROUP BY deal_id ORDER BY 1 DESC LIMIT 1"
    ).fetchone()[0]
    assert busiest >= BUSY_DEAL_ACTIVITIES
    db.close()

    # the summary a person reads says the same
    shown = CliRunner().invoke(
        cli.app,
        ["sync", "--connection", "hubspot", "--config", str(world.config)],
        env={**world.env, "COLUMNS": "200", "NO_COLOR": "1"},
    )
    assert shown.exit_code == 1, shown.output
    assert f"undecided {len(undecided)} deal(s) of pipeline '8800101'" in shown.stdout
    assert "ignored" in shown.stdout and "(ignore_pipelines)" in shown.stdout

    # ops decide: the partner channel is ignored on purpose -> the run is ok
    path.write_text(
        path.read_text().replace(
            "ignore_pipelines: ['7654321']", "ignore_pipelines: [7654321, '8800101']"
        ),
        encoding="utf-8",
    )
    code, report = world.sync()
    assert code == 0 and report["status"] == "ok", report
    assert report["unmapped"] == [] and report["pipelines_left_out"] == {}
    assert "pipelines_undecided" not in report
    assert report["conflicts"] == []  # an unassigned task of ours is not a rep's edit
    assert report["tasks"]["created"] == 0  # the first run's tasks stand (no loop)
    assert set(report["pipelines_ignored"]) == {"7654321", "8800101"}


def test_messy_mapping_without_ignore_key_keeps_old_behaviour(
    make_world: Callable[..., World],
) -> None:
    """Without ignore_pipelines, unmapped pipelines are skipped and warned, the run ok."""
    world = make_world("hubspot", deals=30, org="messy")
    _messy_mapping(world, [])
    text = world.config.parent / "messy-hubspot.yaml"
    text.write_text(text.read_text().replace("\nignore_pipelines: []\n", "\n"), encoding="utf-8")
    code, report = world.sync()
    assert code == 0 and report["status"] == "ok", report
    assert set(report["pipelines_left_out"]) == {"7654321", "8800101"}
    assert "pipelines_ignored" not in report
