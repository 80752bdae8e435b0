"""Plan: desired write-back vs what we wrote last (ledger) vs what the CRM holds now (mirror).

Pure functions, no I/O.  Three values decide every field and every task:

- ``desired``: what the engine and the mapping want now;
- ``written``: what the CRM confirmed we wrote last (the ledger);
- ``observed``: what the CRM holds now (pulled deal values; our task as pulled or looked up).

The CRM already equal to desired: nothing to send (this is also how our own writes echoing
back on the next pull are recognised: no echo loop).  The CRM still equal to what we wrote,
or never written by us: send the change.  Anything else means a person changed it after we
wrote it: a conflict, reported and left alone.  A task the rep completed or deleted is not
recreated for the same objective (its key encodes the objective).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from nextadvance.connectors import TaskSpec, WriteKind, WriteOp
from nextadvance.mappings import WritebackPlan, coach_signature

from ..store import Conflict, LedgerView, PlannedOp, fields_key

__all__ = [
    "Conflict",
    "LedgerView",
    "Planned",
    "PlannedOp",
    "fields_key",
    "norm",
    "plan_deal",
]


@dataclass
class Planned:
    """The plan for one deal: writes, conflicts, and ledger rows found already written."""

    ops: list[PlannedOp] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    promote: dict[str, dict[str, Any]] = field(default_factory=dict)
    unchanged_task: bool = False


def norm(value: Any) -> str | None:
    """A value in one comparable form, whatever CRM typing it went through.

    Booleans as ``true``/``false``, numbers without trailing zeros, datetimes (ISO strings or
    epoch milliseconds) as UTC seconds, midnight-UTC datetimes as dates, text with ``\\n``
    line ends and without outer blanks; empty text is None.
    """
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return format(float(value), "g")
    if isinstance(value, datetime):
        return _moment(value)
    if isinstance(value, date):
        return value.isoformat()
    text = str(value).replace("\r\n", "\n").strip()
    if not text:
        return None
    if text.startswith('{"v":'):  # the coach payload: same advice = same value
        return coach_signature(text) or text
    low = text.lower()
    if low in ("true", "false"):
        return low
    if text.isdigit() and 11 <= len(text) <= 14:
        return _moment(datetime.fromtimestamp(int(text) / 1000, tz=UTC))
    if len(text) >= 10 and text[4] == "-" and text[7] == "-":
        parsed = _parse_iso(text)
        if parsed is not None:
            return parsed
    return text


def _moment(value: datetime) -> str:
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    moment = value.astimezone(UTC).replace(microsecond=0)
    if moment.hour == moment.minute == moment.second == 0:
        return moment.date().isoformat()
    return moment.strftime("%Y-%m-%dT%H:%M:%S")


def _parse_iso(text: str) -> str | None:
    candidate = text
    if len(candidate) == 10:
        try:
            return date.fromisoformat(candidate).isoformat()
        except ValueError:
            return None
    if candidate.endswith(("+0000", "-0000")):
        candidate = candidate[:-5] + "+00:00"
    try:
        return _moment(datetime.fromisoformat(candidate.replace("Z", "+00:00")))
    except ValueError:
        return None


def _same(a: Any, b: Any) -> bool:
    return norm(a) == norm(b)


def plan_deal(
    deal_id: str,
    desired: WritebackPlan | None,
    crm_values: Mapping[str, Any],
    ledger: Mapping[str, LedgerView],
    *,
    volatile: frozenset[str] = frozenset(),
    want_task: bool = True,
) -> Planned:
    """Plan one deal's writes.  ``desired`` None: the deal is gone or closed (close our task).

    ``ledger`` holds this deal's rows by key; ``volatile`` names fields that change every run
    (``last_evaluated``): they ride along with a real change but never cause a write alone.
    ``want_task`` False (a parked deal) closes our open task instead of writing one.
    """
    out = Planned()
    fields_view = ledger.get(fields_key(deal_id))
    if desired is None and fields_view is not None and fields_view.status == "pending":
        out.promote[fields_view.key] = dict(fields_view.written or {})  # nothing left to write
    if desired is not None:
        _plan_fields(deal_id, desired.deal_fields, crm_values, ledger, volatile, out)
    task = desired.task if desired is not None and want_task else None
    keep = task.key if task is not None else None
    if task is not None:
        _plan_task(deal_id, task, ledger.get(task.key), out)
    for view in ledger.values():
        if view.kind == "task" and view.key != keep:
            _plan_close(deal_id, view, out)
    return out


def _plan_fields(
    deal_id: str,
    desired: Mapping[str, Any],
    crm: Mapping[str, Any],
    ledger: Mapping[str, LedgerView],
    volatile: frozenset[str],
    out: Planned,
) -> None:
    key = fields_key(deal_id)
    view = ledger.get(key)
    written = dict(view.written or {}) if view is not None else {}
    pending = view.payload if view is not None and view.status == "pending" else {}
    changes: dict[str, Any] = {}
    promoted = False
    for name, want in desired.items():
        if name in volatile:
            continue
        have = crm.get(name)
        if name in pending and _same(have, pending[name]) and not _same(written.get(name), have):
            written[name] = pending[name]  # a write that landed before a crash
            promoted = True
        if _same(have, want):
            if name in written and not _same(written[name], want):
                written[name] = want
                promoted = True
            continue
        if name not in written or _same(have, written[name]):
            changes[name] = want
        else:
            out.conflicts.append(Conflict(deal_id, key, name, written[name], have))
    if changes:
        ride = {n: v for n, v in desired.items() if n in volatile}
        payload = {**changes, **ride}
        op = WriteOp(kind=WriteKind.update_deal, key=key, deal_id=deal_id, fields=payload)
        out.ops.append(PlannedOp(op, "fields", payload, "fields", dict(changes)))
    elif promoted or (view is not None and view.status == "pending"):
        out.promote[key] = written


def _task_payload(task: Any, due: date | None, completed: bool) -> dict[str, Any]:
    return {
        "subject": task.subject,
        "body": task.body,
        "due": due.isoformat() if due else None,
        "completed": completed,
        "owner": task.owner,
        "priority": getattr(task, "priority_level", None) or "normal",
    }


def _spec(payload: Mapping[str, Any]) -> TaskSpec:
    prio = str(payload.get("priority") or "normal").lower()
    return TaskSpec(
        subject=str(payload["subject"]),
        body=str(payload.get("body") or ""),
        due=date.fromisoformat(payload["due"]) if payload.get("due") else None,
        completed=bool(payload.get("completed")),
        owner_id=payload.get("owner"),
        priority=prio if prio in ("low", "normal", "high") else "normal",  # type: ignore[arg-type]
    )


def _effective_written(view: LedgerView | None) -> dict[str, Any] | None:
    """What the CRM holds from us: ``written``, or the pending payload if it visibly landed."""
    if view is None:
        return None
    written = dict(view.written) if view.written is not None else None
    obs = view.observed or {}
    # {"absent": True}: find_tasks found no task under our key (a pending write never sent)
    present = bool(obs) and not obs.get("deleted") and not obs.get("absent")
    if view.status == "pending" and present:
        p = view.payload
        if _same(obs.get("subject"), p.get("subject")) and bool(obs.get("completed")) == bool(
            p.get("completed")
        ):
            return dict(p)
    if written is None and present:
        # our key is on a task in the CRM but the ledger lost what we wrote: adopt it
        return {
            "subject": obs.get("subject"),
            "body": None,
            "due": obs.get("due"),
            "completed": bool(obs.get("completed")),
        }
    return written


def _plan_task(deal_id: str, task: Any, view: LedgerView | None, out: Planned) -> None:
    written = _effective_written(view)
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
        payload = _task_payload(task, task.due, False)
        op = WriteOp(WriteKind.upsert_task, task.key, deal_id, task=_spec(payload))
        out.ops.append(PlannedOp(op, "task", payload, "created", {"subject": task.subject}))
        return
    if obs and obs.get("completed") and not written.get("completed"):
        out.unchanged_task = True  # the rep completed it: done for this objective
        return
    if obs and not _same(obs.get("subject"), written.get("subject")):
        out.conflicts.append(
            Conflict(deal_id, task.key, "task.subject", written.get("subject"), obs.get("subject"))
        )
        return
    due = date.fromisoformat(written["due"]) if written.get("due") else task.due
    payload = _task_payload(task, due, False)
    body_changed = written.get("body") is not None and not _same(written["body"], task.body)
    if written.get("completed") or not _same(written.get("subject"), task.subject) or body_changed:
        op = WriteOp(WriteKind.upsert_task, task.key, deal_id, task=_spec(payload), crm_id=crm_id)
        changes = (
            {"subject": task.subject} if not _same(written.get("subject"), task.subject) else {}
        )
        if body_changed:
            changes["body"] = "changed"
        if written.get("completed"):
            changes["reopened"] = True
        out.ops.append(PlannedOp(op, "task", payload, "updated", changes))
        return
    out.unchanged_task = True


def _plan_close(deal_id: str, view: LedgerView, out: Planned) -> None:
    """Close a task of ours that is no longer the deal's suggestion (if still ours and open)."""
    written = _effective_written(view)
    if written is None or written.get("completed"):
        if view.status == "pending" and written is not None:
            out.promote[view.key] = written
        return
    obs = view.observed
    if obs and (obs.get("deleted") or obs.get("completed")):
        return  # already gone or done
    if obs and not _same(obs.get("subject"), written.get("subject")):
        return  # a person took it over; theirs to close
    payload = {**written, "completed": True}
    crm_id = (obs or {}).get("crm_id") or view.crm_id
    op = WriteOp(WriteKind.close_task, view.key, deal_id, crm_id=crm_id)
    out.ops.append(PlannedOp(op, "task", payload, "closed", {"subject": written.get("subject")}))
