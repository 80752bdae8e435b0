"""A run keeps each open deal's write-back; the next run uses it where nothing it was made
from changed (the deal, the rules, the time class of ``now``), and decides the rest again.

``now`` is held still between the runs that must reuse: a real minute between two runs can
cross a whole day since one of the deal's datetimes, and then the deal is rightly decided
again (``core.time_class``).
"""

from __future__ import annotations

import itertools
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from nextadvance.mappings import default_mapping_path
from nextadvance.sync.run import _run

CRMS = ["salesforce", "hubspot"]


def _hold_now(monkeypatch: pytest.MonkeyPatch, at: datetime) -> None:
    """Every run from now on starts at ``at`` (a microsecond apart: runs keep their order)."""
    ticks = itertools.count()
    monkeypatch.setattr(_run, "_now", lambda: at + timedelta(microseconds=next(ticks)))


def _settled(make_world: Any, monkeypatch: pytest.MonkeyPatch, deals: int) -> Any:
    """A Salesforce world after a full sync and the run that reads its echo, ``now`` held."""
    world = make_world("salesforce", deals=deals)
    _hold_now(monkeypatch, datetime.now(UTC))
    for _ in range(2):
        world.sync()
    return world


@pytest.mark.parametrize("crm", CRMS)
def test_unchanged_deals_reuse_their_writeback_and_changed_ones_are_decided(
    make_world: Any, crm: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    world = make_world(crm, deals=120 if crm == "salesforce" else 80)
    _hold_now(monkeypatch, datetime.now(UTC))
    code, first = world.sync()
    assert code == 0 and first["deals"]["reused"] == 0, first
    opened = first["deals"]["open"]
    world.sync()  # reads the echo of the first run's writes: those deals changed
    code, idle = world.sync()
    assert code == 0 and idle["status"] == "ok", idle
    assert idle["deals"]["decided"] == opened
    assert idle["deals"]["reused"] == opened
    assert idle["api_calls"]["writes"] == 0
    assert idle["tasks"] == {"created": 0, "updated": 0, "closed": 0, "unchanged": opened}
    assert idle["fields_updated"] == 0

    # a rep changes one deal's next step: that deal alone is decided again
    state = world.state()
    deal = next(d for d, v in sorted(state.items()) if v["open"] and v["tasks"])
    field = "NextStep" if crm == "salesforce" else "hs_next_step"
    world.edit_deal(deal, {field: "Client agreed to a pilot starting next week"})
    code, edited = world.sync()
    assert code == 0 and edited["deals"]["pulled"] == 1, edited
    assert edited["deals"]["decided"] == opened
    assert edited["deals"]["reused"] == opened - 1

    # --full decides every deal again, and the fresh write-backs are the kept ones
    world.sync()  # the echo of the edited deal's write
    code, full = world.sync("--full")
    assert code == 0 and full["deals"]["reused"] == 0 and full["deals"]["decided"] == opened
    assert full["api_calls"]["writes"] == 0
    code, after_full = world.sync()
    assert after_full["deals"]["reused"] == opened

    # the next day every date the engine counts moved: every deal is decided again
    _hold_now(monkeypatch, datetime.now(UTC) + timedelta(days=1))
    code, tomorrow = world.sync()
    assert code == 0 and tomorrow["deals"]["reused"] == 0, tomorrow
    assert tomorrow["deals"]["decided"] == opened


def test_a_changed_mapping_decides_every_deal_again(
    make_world: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    mapping = tmp_path / "salesforce.yaml"
    shutil.copy(default_mapping_path("salesforce"), mapping)
    world = make_world("salesforce", deals=60, mapping=mapping)
    _hold_now(monkeypatch, datetime.now(UTC))
    for _ in range(3):
        code, last = world.sync()
    assert code == 0 and last["deals"]["reused"] == last["deals"]["open"] > 0, last
    text = mapping.read_text()
    assert "    due: +2 business days\n" in text
    mapping.write_text(text.replace("    due: +2 business days\n", "    due: +3 business days\n"))
    code, changed = world.sync()
    assert code == 0 and changed["deals"]["reused"] == 0, changed
    assert changed["deals"]["decided"] == changed["deals"]["open"]


def test_console_says_how_many_were_unchanged(make_world: Any) -> None:
    """The human summary names the reused deals (the JSON report counts them)."""
    from typer.testing import CliRunner

    from nextadvance.sync import cli

    world = make_world("salesforce", deals=30)
    world.sync()
    world.sync()
    result = CliRunner().invoke(
        cli.app,
        ["sync", "--connection", "salesforce", "--config", str(world.config)],
        env=world.env,
    )
    assert result.exit_code == 0, result.output
    assert "unchanged since the last run" in result.output


def test_an_unreadable_kept_row_is_decided_again(
    make_world: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A kept row that no longer reads back as a plan costs a decision, not the deal."""
    import sqlite3

    world = _settled(make_world, monkeypatch, deals=40)
    db = sqlite3.connect(world.config.parent / "state.db")
    with db:
        deal = db.execute("SELECT deal_id FROM decided ORDER BY deal_id LIMIT 1").fetchone()[0]
        db.execute("UPDATE decided SET plan = ? WHERE deal_id = ?", ('{"deal_id": 3}', deal))
    db.close()
    code, report = world.sync()
    assert code == 0 and report["status"] == "ok", report
    assert report["deals"]["failed"] == 0
    assert report["deals"]["reused"] == report["deals"]["open"] - 1
    assert report["api_calls"]["writes"] == 0


def test_a_new_activity_decides_its_deal_again(
    make_world: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A call logged on one deal (the deal row itself unchanged) changes that deal's key."""
    world = _settled(make_world, monkeypatch, deals=60)
    deal = next(d for d, v in sorted(world.state().items()) if v["open"] and v["tasks"])
    r = world.http().post(
        f"{world.sb.base_url}/services/data/v59.0/sobjects/Task",
        json={
            "WhatId": deal,
            "Subject": "Call",
            "Description": "Spoke with the CFO: budget approved for Q1, pilot next week.",
            "Status": "Completed",
            "TaskSubtype": "Call",
            "ActivityDate": (datetime.now(UTC) - timedelta(days=1)).date().isoformat(),
        },
    )
    assert r.status_code < 300, r.text
    code, report = world.sync()
    assert code == 0 and report["activities_pulled"] >= 1, report
    assert report["deals"]["reused"] == report["deals"]["open"] - 1


def test_a_deal_no_longer_open_loses_its_kept_row(
    make_world: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A kept write-back serves an open deal's next run only: a deal that closes (or whose
    pipeline the mapping no longer maps) loses its row, so the table holds the open deals,
    not every deal that was ever open."""
    import sqlite3

    world = _settled(make_world, monkeypatch, deals=40)

    def kept() -> set[str]:
        db = sqlite3.connect(world.config.parent / "state.db")
        try:
            return {row[0] for row in db.execute("SELECT deal_id FROM decided")}
        finally:
            db.close()

    before = kept()
    assert before == {d for d, v in world.state().items() if v["open"]}
    won = sorted(before)[0]
    world.edit_deal(won, {"StageName": "Closed Won"})
    code, report = world.sync()
    assert code == 0 and report["status"] == "ok", report
    assert report["deals"]["open"] == len(before) - 1
    assert kept() == before - {won}
