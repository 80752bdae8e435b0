"""Plan: desired write-back vs what we wrote last (ledger) vs what the CRM holds now (mirror).

Pure functions, no I/O.  Three values decide every field and every task:

- ``desired``: what the engine and the mapping want now;
- ``written``: what the CRM confirmed we wrote last (the ledger);
- ``observed``: what the CRM holds now (pulled deal values; our task as pulled or looked up).

The CRM already equal to desired: nothing to send (this is also how our own writes echoing
back on the next pull are recognised: no echo loop).  The CRM still equal to what we wrote,
or never written by us: send the change.  Anything else means a person changed it after we
wrote it: a conflict, reported and left alone.  A task the rep completed or deleted is not
recreated for the same objective (its key encodes the objective); tasks are planned part by
part in :mod:`._plan_task`.

When the ledger has no record of a field (a lost or new state store), the deal's write
stamp (:mod:`._values`) says whether the CRM's value is still our last write: a value whose
hash no longer matches was changed by a person and is left alone.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from nextadvance.connectors import WriteKind, WriteOp
from nextadvance.mappings import WritebackPlan

from ..store import Conflict, LedgerView, PlannedOp, fields_key
from ._plan_task import plan_close, plan_task, rep_holds
from ._values import digest, digest_norm, make_stamp, norm, read_stamp, same, slot

__all__ = [
    "Conflict",
    "LedgerView",
    "Planned",
    "PlannedOp",
    "fields_key",
    "norm",
    "plan_deal",
    "same",
]


@dataclass
class Planned:
    """The plan for one deal: writes, conflicts, and ledger rows found already written."""

    ops: list[PlannedOp] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    promote: dict[str, dict[str, Any]] = field(default_factory=dict)
    unchanged_task: bool = False


def plan_deal(
    deal_id: str,
    desired: WritebackPlan | None,
    crm_values: Mapping[str, Any],
    ledger: Mapping[str, LedgerView],
    *,
    volatile: frozenset[str] = frozenset(),
    want_task: bool = True,
    stamp_field: str | None = None,
) -> Planned:
    """Plan one deal's writes.  ``desired`` None: the deal is gone or closed (close our task).

    ``ledger`` holds this deal's rows by key; ``volatile`` names fields that change every run
    (``last_evaluated``): they ride along with a real change but never cause a write alone.
    ``want_task`` False (a parked deal) closes our open task instead of writing one.
    ``stamp_field`` is the deal field holding the write stamp (None: none is kept).
    """
    out = Planned()
    fields_view = ledger.get(fields_key(deal_id))
    if desired is None and fields_view is not None and fields_view.status == "pending":
        out.promote[fields_view.key] = dict(fields_view.written or {})  # nothing left to write
    if desired is not None:
        _plan_fields(deal_id, desired.deal_fields, crm_values, ledger, volatile, out, stamp_field)
    task = desired.task if desired is not None and want_task else None
    keep = task.key if task is not None else None
    olds = [v for v in ledger.values() if v.kind == "task" and v.key != keep]
    if task is not None:
        held = [v for v in olds if rep_holds(v)]
        plan_task(deal_id, task, ledger.get(task.key), out, held)
    for view in olds:
        plan_close(deal_id, view, out)
    return out


def _plan_fields(
    deal_id: str,
    desired: Mapping[str, Any],
    crm: Mapping[str, Any],
    ledger: Mapping[str, LedgerView],
    volatile: frozenset[str],
    out: Planned,
    stamp_field: str | None = None,
) -> None:
    key = fields_key(deal_id)
    view = ledger.get(key)
    written = dict(view.written or {}) if view is not None else {}
    pending = view.payload if view is not None and view.status == "pending" else {}
    changes: dict[str, Any] = {}
    promoted = False
    marks = read_stamp(crm.get(stamp_field)) if stamp_field else {}
    slots = dict(marks)  # the stamp after this write: slots of values that are ours
    for name, want in desired.items():
        # the desired value normalised once (a coach payload is parsed to normalise it)
        wanted = norm(want)
        if name in volatile:
            slots[slot(name)] = digest_norm(wanted)
            continue
        have = crm.get(name)
        if name in pending and same(have, pending[name]) and not same(written.get(name), have):
            written[name] = pending[name]  # a write that landed before a crash
            promoted = True
        had = norm(have)
        if had == wanted:
            if name in written and norm(written[name]) != wanted:
                written[name] = want
                promoted = True
            slots[slot(name)] = digest_norm(wanted)
            continue
        if name in written:
            ours = had == norm(written[name])
        else:  # the ledger never saw it (a new or lost store): ask the CRM's own stamp
            mark = marks.get(slot(name))
            ours = mark is None or mark == digest_norm(had)
        if ours:
            changes[name] = want
            slots[slot(name)] = digest_norm(wanted)
        else:
            out.conflicts.append(Conflict(deal_id, key, name, written.get(name, want), have))
            if name in written:
                slots[slot(name)] = digest(written[name])
    if changes:
        ride = {n: v for n, v in desired.items() if n in volatile}
        payload = {**changes, **ride}
        if stamp_field:
            payload[stamp_field] = make_stamp(slots)
        op = WriteOp(kind=WriteKind.update_deal, key=key, deal_id=deal_id, fields=payload)
        out.ops.append(PlannedOp(op, "fields", payload, "fields", dict(changes)))
    elif promoted or (view is not None and view.status == "pending"):
        out.promote[key] = written
