"""Push: send planned writes in batches, write-ahead, one result per record.

Each batch is first recorded ``pending`` in the ledger and committed, then sent; the answers
mark each write ``done`` or ``rejected`` and go out with the next commit (the next batch's
write-ahead commit, the decide chunk's, or the run's last): one fsync per batch instead of
two.  A kill before that commit leaves ``pending`` rows that the next run reconciles before
sending anything new, as a kill between send and answer always did.  Per-record
refusals are listed with the CRM's code and retried next run (the planner sees the write
did not happen); a call that got no answer (timeout, dropped reply, 5xx) is listed too, but
its writes stay ``pending``: the CRM may have applied them, and the next run looks them up
as after a crash.  A spent quota stops the push cleanly.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from nextadvance.connectors import Connector
from nextadvance.core.errors import QuotaExhausted

from ..store._ledger import Ledger
from ..store._mirror import jsonable, task_state_json
from ._plan import PlannedOp
from ._plan_task import human_parts
from ._report import ConflictItem, RejectItem, RunReport

__all__ = ["push", "recheck"]


def recheck(
    connector: Connector,
    ledger: Ledger,
    ops: Sequence[PlannedOp],
    now: datetime,
    report: RunReport,
    held: set[str] | None = None,
) -> list[PlannedOp]:
    """Look our tasks up again right before changing them; drop writes a rep overtook.

    Between the pull and the push a rep may complete, delete or edit a task we are about
    to update or close (minutes, in a big org).  One ``find_tasks`` call per batch of keys
    narrows that window to the push itself: an update that would send a part the rep just
    changed, or a close of a task the rep edited, is dropped and each edited part reported
    as a conflict.  Creates need no check (the key is new); a deal whose close was dropped
    so is added to ``held``: its old task stays open, so its new one must wait (never two).
    """
    keys = [o.write.key for o in ops if o.kind == "task" and o.counted in ("updated", "closed")]
    if not keys:
        return list(ops)
    found = connector.find_tasks(keys)
    ledger.observe_found(found, keys, now)
    keep: list[PlannedOp] = []
    for op in ops:
        if op.kind != "task" or op.counted not in ("updated", "closed"):
            keep.append(op)
            continue
        state = found.get(op.write.key)
        if state is None or state.deleted:
            continue  # gone: nothing to update or close
        if op.counted == "closed" and state.completed:
            continue  # the rep already completed it
        if op.counted == "closed":
            ours: dict[str, Any] = {k: v for k, v in op.payload.items() if k != "completed"}
        else:
            ours = ledger.written(op.write.key) or {}
        obs = task_state_json(state)
        edited = human_parts(ours, obs)
        sending = op.write.task.only if op.write.task is not None else None
        touched = [p for p in edited if op.counted == "closed" or sending is None or p in sending]
        if touched:
            if op.counted == "closed" and held is not None:
                held.add(op.write.deal_id)
            for part in touched:
                report.conflicts.append(
                    ConflictItem(
                        record=op.write.key,
                        deal=op.write.deal_id,
                        field=f"task.{part}",
                        ours=jsonable(ours.get(part)),
                        theirs=jsonable(obs.get(part)),
                    )
                )
            continue
        if state.completed and op.counted == "updated" and not op.changes.get("reopened"):
            report.tasks.unchanged += 1  # the rep just completed it: done for this objective
            continue
        keep.append(op)
    return keep


def push(
    connector: Connector,
    ledger: Ledger,
    ops: Sequence[PlannedOp],
    *,
    batch_size: int,
    run_id: int | None,
    now: datetime,
    report: RunReport,
    commit: Callable[[], None],
    tick: Callable[[int], None] | None = None,
    stop: threading.Event | None = None,
    held: set[str] | None = None,
) -> bool:
    """Send ``ops``; return False if the push stopped early (quota, stop request).  A deal
    whose task close failed is added to ``held`` (its old task is still open)."""
    for chunk in _batches(ops, batch_size):
        if stop is not None and stop.is_set():
            report.message = "stopped on request; the rest is written next run"
            return False
        ledger.prefetch(op.write.key for op in chunk)
        rows = ledger.begin_batch(chunk, run_id, now)
        commit()  # write-ahead: the intent is durable before the CRM sees it
        try:
            results = connector.apply([op.write for op in chunk])
        except QuotaExhausted as exc:
            report.message = f"API quota exhausted while writing: {exc}; resuming next run"
            return False
        ledger.finish_batch(rows, results, now)
        for op, result in zip(chunk, results, strict=True):
            if result.ok:
                _count(report, op)
            else:
                if held is not None and op.write.kind.value == "close_task":
                    held.add(op.write.deal_id)
                record = result.crm_id or op.write.crm_id
                if record is None:
                    record = op.write.deal_id if op.kind == "fields" else op.write.key
                message = result.message or ""
                if result.unknown:  # the ledger keeps it pending: looked up next run
                    message += " (no answer: whether it was applied is checked next run)"
                report.rejects.append(
                    RejectItem(
                        record=record,
                        field=result.field,
                        code=result.error_code,
                        message=message,
                    )
                )
                ledger.record_reject(
                    record=op.write.deal_id,
                    key=op.write.key,
                    field=result.field,
                    code=result.error_code,
                    message=result.message or "",
                    run_id=run_id,
                    now=now,
                )
        # no commit here: the answers are made durable by the next commit (see the module
        # docstring); until then the rows read ``pending``, which is always safe
        if tick is not None:
            tick(len(chunk))
    return True


def _batches(ops: Sequence[PlannedOp], size: int) -> list[Sequence[PlannedOp]]:
    """Consecutive runs of one write kind, cut to ``size``: each batch is one CRM call."""
    out: list[Sequence[PlannedOp]] = []
    start = 0
    while start < len(ops):
        end = start
        kind = ops[start].write.kind
        while end < len(ops) and end - start < size and ops[end].write.kind == kind:
            end += 1
        out.append(ops[start:end])
        start = end
    return out


def _count(report: RunReport, op: PlannedOp) -> None:
    if op.counted == "fields":
        report.fields_updated += len(op.changes)
    elif op.counted == "created":
        report.tasks.created += 1
    elif op.counted == "updated":
        report.tasks.updated += 1
    else:
        report.tasks.closed += 1
