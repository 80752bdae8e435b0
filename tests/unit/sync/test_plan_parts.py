"""Task parts and write stamps: a rep's edit of any part, or of a field behind a lost store, wins."""

from __future__ import annotations

from datetime import date
from typing import Any

from nextadvance.mappings import TaskPlan, WritebackPlan
from nextadvance.sync.run._plan import LedgerView, plan_deal
from nextadvance.sync.run._plan_task import task_stamp
from nextadvance.sync.run._values import digest, make_stamp, read_stamp, slot

DEAL = "006A"
FIELD = "NA_Next_Advance__c"
STAMP = "NA_Written__c"


def _task(
    key: str = "na-006A-k2", subject: str = "Pilot signed", body: str = "Ask: budget."
) -> TaskPlan:
    return TaskPlan(
        object_type="Task",
        key_field="NA_Key__c",
        key=key,
        deal_id=DEAL,
        subject=subject,
        body=body,
        due=date(2026, 11, 25),
        priority="High",
        type=None,
        owner="005X",
    )


WRITTEN = {
    "subject": "Pilot signed",
    "body": "Ask: budget.",
    "due": "2026-11-25",
    "priority": "high",
    "owner": "005X",
    "completed": False,
}


def _row(
    observed: dict[str, Any], written: dict[str, Any] | None = WRITTEN, key: str = "na-006A-k2"
) -> LedgerView:
    return LedgerView(key, "task", DEAL, "done", dict(written or {}), written, observed, "00T1")


def _obs(**changes: Any) -> dict[str, Any]:
    return {**{k: v for k, v in WRITTEN.items() if k != "completed"}, "completed": False, **changes}


def _plan(
    task: TaskPlan | None,
    rows: list[LedgerView],
    fields: dict[str, Any] | None = None,
    crm: dict[str, Any] | None = None,
) -> Any:
    desired = WritebackPlan(DEAL, "Opportunity", dict(fields or {}), task)
    return plan_deal(DEAL, desired, crm or {}, {r.key: r for r in rows}, stamp_field=STAMP)


def test_stamp_round_trip() -> None:
    """A stamp reads back the slots it was made from; text that is not a stamp reads empty."""
    slots = {slot("a"): digest("x"), slot("b"): digest(None)}
    assert read_stamp(make_stamp(slots)) == slots
    assert read_stamp("hello") == {} and read_stamp(None) == {}


def test_an_edited_part_is_kept_and_the_others_are_updated_without_status() -> None:
    """The rep moved the due date; the body template changed: only the body is sent."""
    plan = _plan(_task(body="Ask: budget and timing."), [_row(_obs(due="2026-12-01"))])
    (op,) = plan.ops
    assert op.write.task is not None and op.write.task.only == frozenset({"body"})
    assert op.payload["due"] == "2026-11-25"  # our last write, so the edit stays visible
    assert [c.field for c in plan.conflicts] == ["task.due"]


def test_each_edited_part_is_its_own_conflict() -> None:
    """Priority and owner changed by the rep: two conflicts, nothing sent."""
    plan = _plan(_task(), [_row(_obs(priority="low", owner="005Y"))])
    assert plan.ops == []
    assert [c.field for c in plan.conflicts] == ["task.priority", "task.owner"]


def test_a_lost_store_tells_our_write_from_a_reps_edit_by_the_stamp() -> None:
    """No ledger record: parts whose hash matches the task's stamp are ours, the rest theirs."""
    stamp = task_stamp(WRITTEN)
    obs = _obs(due="2026-12-02", stamp=stamp)
    plan = _plan(_task(body="Ask: budget and timing."), [_row(obs, written=None)])
    (op,) = plan.ops
    assert op.write.task is not None and op.write.task.only == frozenset({"body"})
    assert [c.field for c in plan.conflicts] == ["task.due"]
    rewritten = _obs(subject="Rep: call Dana", stamp=stamp)
    plan = _plan(_task(body="Ask: budget and timing."), [_row(rewritten, written=None)])
    assert plan.ops == [] and [c.field for c in plan.conflicts] == ["task.subject"]


def test_a_lost_store_keeps_a_reps_deal_field_edit() -> None:
    """No ledger record: a field whose hash no longer matches the deal's stamp is a conflict."""
    crm = {FIELD: "Rep: site visit", STAMP: make_stamp({slot(FIELD): digest("Pilot")})}
    plan = _plan(None, [], {FIELD: "Pilot v2"}, crm)
    assert plan.ops == [] and [c.field for c in plan.conflicts] == [FIELD]
    crm[FIELD] = "Pilot"  # still our write: updated, with a fresh stamp
    (op,) = _plan(None, [], {FIELD: "Pilot v2"}, crm).ops
    assert read_stamp(op.write.fields[STAMP]) == {slot(FIELD): digest("Pilot v2")}


def test_a_task_the_rep_edited_is_not_closed_nor_joined_by_a_second() -> None:
    """A new objective while the rep works on our earlier task: no close, no create, a conflict."""
    old = _row(_obs(subject="Rep: call Dana"), key="na-006A-k1")
    plan = _plan(_task(key="na-006A-k9"), [old])
    assert plan.ops == []
    assert [(c.key, c.field) for c in plan.conflicts] == [("na-006A-k9", "task")]


def test_a_partial_update_that_never_left_is_sent_again_not_taken_for_an_edit() -> None:
    """A crash between the write-ahead record and the send: the body never changed in the CRM,
    so it is still ours and is sent again (no conflict)."""
    payload = {**WRITTEN, "body": "Ask: budget and timing.", "sent": ["body"]}
    row = LedgerView("na-006A-k2", "task", DEAL, "pending", payload, WRITTEN, _obs(), "00T1")
    plan = _plan(_task(body="Ask: budget and timing."), [row])
    (op,) = plan.ops
    assert op.write.task is not None and op.write.task.only == frozenset({"body"})
    assert plan.conflicts == []
    landed = LedgerView(
        "na-006A-k2", "task", DEAL, "pending", payload, WRITTEN, _obs(body=payload["body"]), "00T1"
    )
    plan = _plan(_task(body="Ask: budget and timing."), [landed])
    assert plan.ops == [] and plan.conflicts == [] and plan.promote
