"""Plan our one suggested task per deal: every part a person can edit is theirs once edited.

A task has five parts a rep can change: ``subject``, ``body``, ``due``, ``priority`` and
``owner``.  Each is compared on its own: *written* (the ledger: what we last wrote) against
*observed* (the CRM now).  A part that differs is a human edit: it is never sent again and,
when we would want it different, it is reported as a conflict (``task.<part>``).  The other
parts are still ours and are updated in place when the decision or the template changes,
unless the rep rewrote the subject: then the task is theirs and nothing of it is sent.
An update never sends the status of a task that stays open.

When the ledger does not know the task (a lost or new state store), the task's write stamp
tells which parts still hold our last write (see :mod:`._values`).  A task a rep edited
belongs to the rep: we neither close it when the objective moves on nor add a second open
task of ours beside it; a conflict ``task`` says a new suggestion waits for theirs.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from nextadvance.connectors import TaskSpec, WriteKind, WriteOp

from ..store import Conflict, LedgerView, PlannedOp
from ._values import digest, make_stamp, read_stamp, same, slot

__all__ = [
    "PARTS",
    "effective_written",
    "human_parts",
    "plan_close",
    "plan_task",
    "rep_holds",
    "task_stamp",
]

#: The parts of our task a person can edit, in report order.
PARTS = ("subject", "body", "due", "priority", "owner")
#: Ledger key listing parts a rep changed whose value from us is unknown (lost store).
THEIRS = "theirs"
#: Pending-payload key listing the parts an update sent (how a crash's leftover is judged).
SENT = "sent"


def task_payload(task: Any, due: date | None, completed: bool) -> dict[str, Any]:
    """The ledger payload of a task write: every part as we want it."""
    return {
        "subject": task.subject,
        "body": task.body,
        "due": due.isoformat() if due else None,
        "completed": completed,
        "owner": task.owner,
        "priority": getattr(task, "priority_level", None) or "normal",
        # not a part a rep edits: the zone the due day is the owner's local day in
        "tz": getattr(task, "due_tz", None),
    }


def task_stamp(payload: Mapping[str, Any], old: Any = None) -> str:
    """The write stamp of a task holding ``payload`` (slots of unknown parts kept from ``old``)."""
    slots = read_stamp(old)
    theirs = set(payload.get(THEIRS) or ())
    for part in PARTS:
        if part in payload and part not in theirs:
            if part == "owner" and payload[part] is None:
                continue  # we set no owner: the CRM chose one
            slots[slot(part)] = digest(payload[part])
    return make_stamp(slots)


def spec_of(
    payload: Mapping[str, Any], only: frozenset[str] | None = None, stamp: str | None = None
) -> TaskSpec:
    """The connector's task spec for a ledger payload."""
    prio = str(payload.get("priority") or "normal").lower()
    return TaskSpec(
        subject=str(payload["subject"]),
        body=str(payload.get("body") or ""),
        due=date.fromisoformat(payload["due"]) if payload.get("due") else None,
        due_tz=payload.get("tz"),
        completed=bool(payload.get("completed")),
        owner_id=payload.get("owner"),
        priority=prio if prio in ("low", "normal", "high") else "normal",  # type: ignore[arg-type]
        only=only,
        stamp=stamp or task_stamp(payload),
    )


def _present(obs: Mapping[str, Any] | None) -> bool:
    return bool(obs) and not obs.get("deleted") and not obs.get("absent")  # type: ignore[union-attr]


def _adopt(obs: Mapping[str, Any]) -> dict[str, Any]:
    """What we wrote, rebuilt from the task itself when the ledger lost it.

    A part whose hash matches the task's stamp holds our write; one that does not was
    changed by a person (listed under ``theirs``).  A task without a stamp (written before
    stamps existed) is taken as ours, as before.
    """
    marks = read_stamp(obs.get("stamp"))
    written: dict[str, Any] = {"completed": bool(obs.get("completed"))}
    theirs = []
    for part in PARTS:
        if part not in obs:
            continue
        mark = marks.get(slot(part))
        if mark is None or mark == digest(obs[part]):
            written[part] = obs[part]
        else:
            theirs.append(part)
    if theirs:
        written[THEIRS] = theirs
    return written


def effective_written(view: LedgerView | None) -> dict[str, Any] | None:
    """What the CRM holds from us: ``written``, or the pending payload if it visibly landed."""
    if view is None:
        return None
    written = dict(view.written) if view.written is not None else None
    obs = view.observed or {}
    # {"absent": True}: find_tasks found no task under our key (a pending write never sent)
    present = _present(obs)
    if view.status == "pending" and present:
        p = view.payload
        # an update names the parts it sent; a create or close is recognised by its subject
        sent = [x for x in p.get(SENT) or ("subject",) if x in PARTS and x in obs]
        if all(same(obs.get(x), p.get(x)) for x in sent) and bool(obs.get("completed")) == bool(
            p.get("completed")
        ):
            return {k: v for k, v in p.items() if k != SENT}
    if written is None and present:
        return _adopt(obs)  # our key is on a task in the CRM but the ledger lost what we wrote
    return written


def human_parts(written: Mapping[str, Any], obs: Mapping[str, Any] | None) -> list[str]:
    """The parts of our task a person changed since we wrote them (in :data:`PARTS` order)."""
    if not obs:
        return []
    theirs = set(written.get(THEIRS) or ())
    out = []
    for part in PARTS:
        if part not in obs:
            continue  # not mapped, or observed before this part was read
        # an owner, priority or body we never set is the CRM's default, not an edit
        known = part in written and (written[part] is not None or part in ("subject", "due"))
        if part == "owner" and obs[part] in (None, ""):
            continue  # unassigned: the CRM refused our owner (deactivated), not a rep's claim
        if part in theirs or (known and not same(obs[part], written[part])):
            out.append(part)
    return out


def rep_holds(view: LedgerView) -> bool:
    """Whether this task of ours is open and a rep has edited it (it is theirs now)."""
    written = effective_written(view)
    obs = view.observed
    if written is None or written.get("completed") or not _present(obs):
        return False
    if obs and obs.get("completed"):
        return False
    return bool(human_parts(written, obs))


def plan_task(
    deal_id: str,
    task: Any,
    view: LedgerView | None,
    out: Any,
    held: Sequence[LedgerView] = (),
) -> None:
    """Plan the deal's wanted task; ``held`` are older tasks of ours a rep edited, still open."""
    written = effective_written(view)
    obs = view.observed if view is not None else None
    if (
        view is not None
        and written is not None
        and (view.status == "pending" or written != dict(view.written or {}))
    ):
        out.promote[view.key] = written
    crm_id = (obs or {}).get("crm_id") or (view.crm_id if view is not None else None)
    if obs and obs.get("deleted") and written is not None:
        out.unchanged_task = True  # the rep deleted our task: not recreated for this objective
        return
    if written is None:
        if held:  # the rep works on our earlier task: no second open task of ours beside it
            theirs = (held[0].observed or {}).get("subject")
            out.conflicts.append(Conflict(deal_id, task.key, "task", task.subject, theirs))
            out.unchanged_task = True
            return
        payload = task_payload(task, task.due, False)
        op = WriteOp(WriteKind.upsert_task, task.key, deal_id, task=spec_of(payload))
        out.ops.append(PlannedOp(op, "task", payload, "created", {"subject": task.subject}))
        return
    if obs and obs.get("completed") and not written.get("completed"):
        out.unchanged_task = True  # the rep completed it: done for this objective
        return
    _update(deal_id, task, written, obs, crm_id, out)


def _update(
    deal_id: str,
    task: Any,
    written: dict[str, Any],
    obs: Mapping[str, Any] | None,
    crm_id: str | None,
    out: Any,
) -> None:
    due = date.fromisoformat(written["due"]) if written.get("due") else task.due
    want = task_payload(task, due, False)
    edited = human_parts(written, obs)
    for part in edited:
        if not same(obs[part], want[part]):  # type: ignore[index]
            ours = written.get(part, want[part])
            out.conflicts.append(Conflict(deal_id, task.key, f"task.{part}", ours, obs[part]))  # type: ignore[index]
    taken = "subject" in edited  # a rewritten subject: the rep took the task over, send nothing
    send = [
        part
        for part in PARTS
        if not taken
        and part not in edited
        and part in written
        and want[part] is not None
        and not same(written[part], want[part])
    ]
    reopen = bool(written.get("completed"))
    if not send and not reopen:
        out.unchanged_task = True
        return
    payload: dict[str, Any] = {
        part: want[part] if part in send else written.get(part) for part in PARTS
    }
    payload["completed"] = False
    payload["tz"] = want["tz"]
    if written.get(THEIRS):
        payload[THEIRS] = list(written[THEIRS])
    payload[SENT] = list(send)
    only = frozenset(send) | ({"status"} if reopen else frozenset())
    spec = spec_of(payload, only, task_stamp(payload, (obs or {}).get("stamp")))
    op = WriteOp(WriteKind.upsert_task, task.key, deal_id, task=spec, crm_id=crm_id)
    changes: dict[str, Any] = {
        part: (task.subject if part == "subject" else "changed") for part in send
    }
    if reopen:
        changes["reopened"] = True
    out.ops.append(PlannedOp(op, "task", payload, "updated", changes))


def plan_close(deal_id: str, view: LedgerView, out: Any) -> None:
    """Close a task of ours that is no longer the deal's suggestion (if still ours and open)."""
    written = effective_written(view)
    if written is None or written.get("completed"):
        if view.status == "pending" and written is not None:
            out.promote[view.key] = written
        return
    obs = view.observed
    if obs and (obs.get("deleted") or obs.get("completed")):
        return  # already gone or done
    if human_parts(written, obs):
        return  # a person took it over; theirs to close
    payload = {**written, "completed": True}
    crm_id = (obs or {}).get("crm_id") or view.crm_id
    op = WriteOp(WriteKind.close_task, view.key, deal_id, crm_id=crm_id)
    out.ops.append(PlannedOp(op, "task", payload, "closed", {"subject": written.get("subject")}))
