"""Terminal output of a run: live phase progress with API calls, the summary and the diff."""

from __future__ import annotations

import io
from datetime import UTC, datetime

from rich.console import Console

from nextadvance.sync.cli._console import LiveProgress, print_diff, print_summary
from nextadvance.sync.run._report import ConflictItem, DiffItem, RejectItem, RunReport


def _console() -> tuple[Console, io.StringIO]:
    buf = io.StringIO()
    return Console(file=buf, force_terminal=True, width=120, color_system=None), buf


def test_live_progress_shows_phases_and_api_calls() -> None:
    """Each phase gets a bar with its count, and the API call total is shown."""
    console, buf = _console()
    with LiveProgress(console) as live:
        live("pull", 120, None)
        live("api_calls", 7, None)
        live("decide", 40, 80)
        live("api_calls", 9, None)
    out = buf.getvalue()
    assert "Pull changes" in out and "120" in out
    assert "Decide open deals" in out and "40/80" in out
    assert "API calls" in out and "9" in out


def test_summary_lists_counts_rejects_and_conflicts() -> None:
    """The summary shows the run's counts and every reject and conflict with its reason."""
    report = RunReport(
        connection="acme",
        started_at=datetime(2026, 11, 23, 9, 0, tzinfo=UTC),
        finished_at=datetime(2026, 11, 23, 9, 1, tzinfo=UTC),
        status="partial",
        fields_updated=12,
        rejects=[RejectItem(record="006X", code="FIELD_INTEGRITY_EXCEPTION", message="bad owner")],
        conflicts=[
            ConflictItem(
                record="fields:006Y", deal="006Y", field="NA_Next_Advance__c", ours="a", theirs="b"
            )
        ],
    )
    console, buf = _console()
    print_summary(console, report)
    out = buf.getvalue()
    assert "acme: partial" in out and "12" in out and "60.0s" in out
    assert "006X" in out and "FIELD_INTEGRITY_EXCEPTION" in out and "bad owner" in out
    assert "006Y" in out and "NA_Next_Advance__c" in out


def test_diff_prints_one_line_per_planned_write() -> None:
    """A dry run's diff names each deal, what would be written and the new values."""
    report = RunReport(
        connection="acme",
        started_at=datetime(2026, 11, 23, tzinfo=UTC),
        dry_run=True,
        diff=[DiffItem(deal="006A", op="created", key="na-006A-1", changes={"subject": "Pilot"})],
    )
    console, buf = _console()
    print_diff(console, report)
    assert "deal 006A: created subject='Pilot'" in buf.getvalue()
