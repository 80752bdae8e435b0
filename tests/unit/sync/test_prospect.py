"""The reps' prospecting task: rendering of today's blocks and its plan against the ledger."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from nextadvance.connectors import WriteKind
from nextadvance.core.measures import Metric, Target, WorkingDay, plan_day
from nextadvance.core.models import Activity, ActivityKind, Outcome
from nextadvance.sync.config import RepGoals, Targets
from nextadvance.sync.run._plan import LedgerView
from nextadvance.sync.run._prospect import plan_prospecting, render_day, rep_handle, rep_task_key

NOW = datetime(2026, 12, 2, 10, 30, tzinfo=UTC)  # Wednesday
TZ = ZoneInfo("Europe/Berlin")


def _calls(*ats: datetime) -> list[Activity]:
    return [
        Activity(id=f"c{i}", kind=ActivityKind.call, at=at, outcome=Outcome.completed, owner="005A")
        for i, at in enumerate(ats)
    ]


def _targets(**reps: Any) -> Targets:
    return Targets(
        working=WorkingDay(),
        reps=tuple(
            RepGoals(name, TZ, (Target(Metric.calls, 60), Target(Metric.emails, 25)), owner)
            for name, owner in reps.items()
        ),
    )


def _plan(targets: Targets | None, ledger: dict[str, Any], now: datetime = NOW, acts=()) -> Any:
    return plan_prospecting(
        targets, {"005A": list(acts)}, {"005A"}, ledger, now, "Task", "NA_Key__c"
    )


def test_render_lists_blocks_with_done_missed_and_carried_over() -> None:
    """Ended blocks show done and missed, the current one is marked, misses move to open blocks."""
    acts = _calls(NOW - timedelta(minutes=10), NOW - timedelta(minutes=40))
    plans = [plan_day(Target(Metric.calls, 60), acts, TZ, NOW)]
    subject, body = render_day(plans) or ("", "")
    assert subject == "Prospecting today: 20 calls"
    lines = body.splitlines()
    assert lines[0].startswith("08:00–09:00: ") and "missed" in lines[0]
    assert lines[1].startswith("09:00–12:00 (now): ") and "2 done" in lines[1]
    assert "carried over" in lines[2]
    assert "Done today: 2 of 20 calls." in lines
    assert "This week: 2 of 60 calls." in lines
    assert lines[-1].startswith("Missed earlier today: ")


def test_day_off_renders_nothing() -> None:
    """Saturday has no blocks: no task."""
    saturday = NOW + timedelta(days=3)
    assert render_day([plan_day(Target(Metric.calls, 60), [], TZ, saturday)]) is None


def test_first_plan_is_one_rep_level_upsert_and_unknown_reps_are_listed() -> None:
    """A known rep gets one upsert_rep_task keyed by owner and day; an unknown one is listed."""
    plan = _plan(_targets(Ava="005A", Ben="005B"), {})
    assert plan.reps == ["005A"] and plan.unknown == ["Ben"]
    [op] = plan.ops
    assert op.write.kind is WriteKind.upsert_rep_task
    assert op.write.key == rep_task_key("005A", date(2026, 12, 2)) == "na-rep-005A-2026-12-02"
    assert op.write.deal_id == rep_handle("005A")
    assert op.write.task is not None and op.write.task.owner_id == "005A"
    assert op.write.task.due == date(2026, 12, 2)


def _written(plan: Any) -> dict[str, dict[str, LedgerView]]:
    [op] = plan.ops
    row = LedgerView(op.write.key, "task", op.write.deal_id, "done", op.payload, op.payload)
    return {op.write.deal_id: {row.key: row}}


def test_same_state_plans_nothing_and_the_next_day_closes_yesterday() -> None:
    """No change, no write; a new day closes the old task and creates today's."""
    targets = _targets(Ava="005A")
    ledger = _written(_plan(targets, {}))
    assert _plan(targets, ledger, NOW + timedelta(minutes=5)).ops == []
    ops = _plan(targets, ledger, NOW + timedelta(days=1)).ops
    kinds = sorted((o.write.kind.value, o.write.key) for o in ops)
    assert kinds == [
        ("close_task", "na-rep-005A-2026-12-02"),
        ("upsert_rep_task", "na-rep-005A-2026-12-03"),
    ]


def test_progress_updates_and_a_rep_leaving_the_file_closes_their_task() -> None:
    """A logged call updates the body; a rep no longer in the file has their task closed."""
    targets = _targets(Ava="005A")
    ledger = _written(_plan(targets, {}))
    [op] = _plan(targets, ledger, NOW, _calls(NOW - timedelta(minutes=5))).ops
    assert op.counted == "updated" and op.changes == {"body": "changed"}
    [close] = _plan(None, ledger).ops
    assert close.write.kind is WriteKind.close_task


def test_date_only_activity_counts_on_its_local_date() -> None:
    """A Salesforce call dated today (midnight UTC) counts today for a New York rep."""
    ny = ZoneInfo("America/New_York")
    targets = Targets(reps=(RepGoals("Ava", ny, (Target(Metric.calls, 10),), "005A"),))
    now = datetime(2026, 12, 2, 15, 0, tzinfo=UTC)  # 10:00 in New York
    dated = _calls(datetime(2026, 12, 2, tzinfo=UTC))
    [op] = _plan(targets, {}, now, dated).ops
    assert op.write.task is not None
    assert "Done today: 1 of 4 calls." in op.write.task.body


def test_day_off_closes_the_open_task_and_writes_none() -> None:
    """On Saturday the rep gets no task, and Friday's open one is closed."""
    targets = _targets(Ava="005A")
    friday = NOW + timedelta(days=2)
    ledger = _written(_plan(targets, {}, friday))
    plan = _plan(targets, ledger, friday + timedelta(days=1))
    assert plan.day_off == ["005A"] and plan.reps == []
    [op] = plan.ops
    assert op.write.kind is WriteKind.close_task and op.write.key.endswith("2026-12-04")
