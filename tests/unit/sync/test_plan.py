"""The planner: desired vs written (ledger) vs observed (CRM) gives exactly the needed writes."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from nextadvance.connectors import WriteKind
from nextadvance.mappings import TaskPlan, WritebackPlan
from nextadvance.sync.run._plan import LedgerView, fields_key, norm, plan_deal

DEAL = "006A"


def _task(key: str = "na-006A-k1", subject: str = "Next advance: pilot signed") -> TaskPlan:
    return TaskPlan(
        object_type="Task",
        key_field="NA_Key__c",
        key=key,
        deal_id=DEAL,
        subject=subject,
        body="Learn: budget.",
        due=date(2026, 11, 25),
        priority="Normal",
        type="Call",
        owner="005X",
    )


def _desired(fields: dict[str, Any], task: TaskPlan | None = None) -> WritebackPlan:
    return WritebackPlan(DEAL, "Opportunity", dict(fields), task)


def _fields_row(written: dict[str, Any], status: str = "done", payload: Any = None) -> LedgerView:
    return LedgerView(fields_key(DEAL), "fields", DEAL, status, payload or written, written)


def _task_row(
    key: str = "na-006A-k1",
    subject: str = "Next advance: pilot signed",
    observed: dict[str, Any] | None = None,
    completed: bool = False,
) -> LedgerView:
    written = {
        "subject": subject,
        "body": "Learn: budget.",
        "due": "2026-11-25",
        "completed": completed,
    }
    return LedgerView(key, "task", DEAL, "done", written, written, observed, "00T1")


def test_norm_sees_through_crm_typing() -> None:
    """One value typed differently by each CRM compares equal; real differences do not."""
    assert norm(True) == norm("true") == norm("TRUE")
    assert norm("2026-11-20T09:30:00.000+0000") == norm(datetime(2026, 11, 20, 9, 30, tzinfo=UTC))
    assert norm("1763596800000") == norm(date(2025, 11, 20)) == norm("2025-11-20")
    assert norm("a\r\nb ") == norm("a\nb")
    assert norm("") is None and norm(None) is None
    assert norm("x") != norm("y")


def test_norm_tells_apart_the_two_instants_of_a_repeated_dst_hour() -> None:
    # 01:30 on 2026-11-01 in New York happens twice (EDT, then EST): one ZoneInfo, so the
    # two are == and hash alike; each must still read as its own UTC second, in either order
    zone = ZoneInfo("America/New_York")
    first = datetime(2026, 11, 1, 1, 30, tzinfo=zone)
    second = first.replace(fold=1)
    assert first == second and hash(first) == hash(second)
    for a, b in ((first, second), (second, first)):
        assert norm(a) == norm(a.astimezone(UTC).isoformat())
        assert norm(b) == norm(b.astimezone(UTC).isoformat())
    assert norm(first) == "2026-11-01T05:30:00" and norm(second) == "2026-11-01T06:30:00"


def test_never_written_fields_are_written_and_volatile_ones_ride_along() -> None:
    """A first run writes every field; last_evaluated goes with them."""
    want = {"NA_Next_Advance__c": "Pilot", "NA_Last_Evaluated__c": "2026-11-23T10:00:00Z"}
    plan = plan_deal(DEAL, _desired(want), {}, {}, volatile=frozenset({"NA_Last_Evaluated__c"}))
    (op,) = [o for o in plan.ops if o.kind == "fields"]
    assert op.write.kind is WriteKind.update_deal
    assert dict(op.write.fields) == want
    assert op.changes == {"NA_Next_Advance__c": "Pilot"}


def test_echo_of_our_write_writes_nothing() -> None:
    """When the CRM holds what we want (our own write echoed back), only the volatile field differs: no write."""
    want = {"NA_Next_Advance__c": "Pilot", "NA_Last_Evaluated__c": "2026-11-23T11:00:00Z"}
    crm = {"NA_Next_Advance__c": "Pilot", "NA_Last_Evaluated__c": "2026-11-23T10:00:00Z"}
    ledger = {fields_key(DEAL): _fields_row(crm)}
    plan = plan_deal(
        DEAL, _desired(want), crm, ledger, volatile=frozenset({"NA_Last_Evaluated__c"})
    )
    assert plan.ops == [] and plan.conflicts == []


def test_changed_desire_over_our_own_value_is_written() -> None:
    """The CRM still holds what we wrote and the decision changed: write the new value."""
    crm = {"NA_Next_Advance__c": "Pilot", "NA_Stalled__c": False}
    ledger = {fields_key(DEAL): _fields_row(crm)}
    plan = plan_deal(
        DEAL, _desired({"NA_Next_Advance__c": "Contract", "NA_Stalled__c": False}), crm, ledger
    )
    (op,) = plan.ops
    assert op.changes == {"NA_Next_Advance__c": "Contract"}


def test_human_edit_is_a_conflict_not_a_write() -> None:
    """A value a person changed after our write is left alone and reported."""
    ledger = {fields_key(DEAL): _fields_row({"NA_Next_Advance__c": "Pilot"})}
    crm = {"NA_Next_Advance__c": "Rep: site visit first"}
    plan = plan_deal(DEAL, _desired({"NA_Next_Advance__c": "Contract"}), crm, ledger)
    assert plan.ops == []
    (c,) = plan.conflicts
    assert (c.field, c.ours, c.theirs) == ("NA_Next_Advance__c", "Pilot", "Rep: site visit first")


def test_pending_write_that_landed_is_promoted_not_resent() -> None:
    """After a crash, a pending write the CRM already holds is marked written, not sent again."""
    pending = {"NA_Next_Advance__c": "Contract"}
    ledger = {fields_key(DEAL): _fields_row({"NA_Next_Advance__c": "Pilot"}, "pending", pending)}
    plan = plan_deal(DEAL, _desired(pending), dict(pending), ledger)
    assert plan.ops == []
    assert plan.promote[fields_key(DEAL)]["NA_Next_Advance__c"] == "Contract"


def test_first_task_is_created_with_its_key() -> None:
    """No ledger row: one upsert by the task's idempotency key."""
    plan = plan_deal(DEAL, _desired({}, _task()), {}, {})
    (op,) = plan.ops
    assert (op.write.kind, op.write.key, op.counted) == (
        WriteKind.upsert_task,
        "na-006A-k1",
        "created",
    )
    assert op.write.task is not None and op.write.task.priority == "normal"


def test_completed_task_is_not_recreated_for_the_same_objective() -> None:
    """The rep completed our task: nothing is written for that objective."""
    row = _task_row(observed={"subject": "Next advance: pilot signed", "completed": True})
    plan = plan_deal(DEAL, _desired({}, _task()), {}, {row.key: row})
    assert plan.ops == [] and plan.unchanged_task


def test_edited_task_is_a_conflict() -> None:
    """The rep rewrote our task's subject: we do not overwrite it."""
    row = _task_row(observed={"subject": "Call Dana", "completed": False})
    plan = plan_deal(
        DEAL, _desired({}, _task(subject="Next advance: contract")), {}, {row.key: row}
    )
    assert plan.ops == []
    assert [c.field for c in plan.conflicts] == ["task.subject"]


def test_new_objective_closes_the_old_task_and_creates_one() -> None:
    """A new call objective (new key): the old open task is closed, a new one created: still one open."""
    old = _task_row()
    plan = plan_deal(DEAL, _desired({}, _task(key="na-006A-k2")), {}, {old.key: old})
    kinds = sorted((o.counted, o.write.key) for o in plan.ops)
    assert kinds == [("closed", "na-006A-k1"), ("created", "na-006A-k2")]


def test_parked_or_gone_deal_closes_our_open_task() -> None:
    """Parking (want_task False) and a deleted deal (no desire) both close our open task."""
    row = _task_row()
    parked = plan_deal(DEAL, _desired({}, _task()), {}, {row.key: row}, want_task=False)
    gone = plan_deal(DEAL, None, {}, {row.key: row})
    for plan in (parked, gone):
        (op,) = plan.ops
        assert op.write.kind is WriteKind.close_task and op.counted == "closed"


def test_pending_fields_of_a_gone_deal_are_settled() -> None:
    """A crashed field write for a deal that is now gone is settled, not left pending forever."""
    written = {"NA_Next_Advance__c": "Pilot"}
    row = _fields_row(written, "pending", {"NA_Next_Advance__c": "Contract"})
    plan = plan_deal(DEAL, None, {}, {row.key: row})
    assert plan.ops == [] and plan.promote == {row.key: written}


def test_pending_create_that_never_reached_the_crm_is_created() -> None:
    """A pending create whose key find_tasks did not find (crash before send) is created again."""
    payload = {
        "subject": "Next advance: pilot signed",
        "body": "Learn: budget.",
        "completed": False,
    }
    row = LedgerView(
        "na-006A-k1", "task", DEAL, "pending", payload, None, {"absent": True, "deleted": False}
    )
    plan = plan_deal(DEAL, _desired({}, _task()), {}, {row.key: row})
    (op,) = plan.ops
    assert (op.write.kind, op.counted, op.write.crm_id) == (WriteKind.upsert_task, "created", None)
