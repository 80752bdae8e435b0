"""Push while deciding: planned writes go out as soon as a full batch of one kind is ready.

Holding every planned write until the decide phase ends made a run's memory grow with the org
(~4 KB per open deal).  Here each write kind has its own buffer, sent as one batch (one CRM
call) whenever it holds ``batch_size`` writes; the remainders go at the end, closes first.
Batches stay as full as before, so the number of calls does not change.  Updates and closes
of our tasks are re-checked (``recheck``) in groups of ``batch_size`` keys before they are
buffered, and a new task never goes out before the close of the same deal's old task, nor
when that close was dropped (the rep edited the old task) or failed: never two open tasks.  Memory is bounded by a few batches.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from datetime import datetime

from nextadvance.connectors import Connector

from ..store._ledger import Ledger
from ._plan import PlannedOp
from ._push import push, recheck
from ._report import RunReport

__all__ = ["KIND_ORDER", "Streamer"]

#: The order remainders are sent in: closes first (never two open tasks), new tasks last.
KIND_ORDER = {"close_task": 0, "update_deal": 1, "upsert_task": 2, "upsert_rep_task": 3}
_NEW_TASKS = ("upsert_task", "upsert_rep_task")


def _checked(op: PlannedOp) -> bool:
    return op.kind == "task" and op.counted in ("updated", "closed")


class Streamer:
    """Per-kind buffers of planned writes, pushed in full batches while the run decides."""

    def __init__(
        self,
        conn: Connector,
        ledger: Ledger,
        *,
        batch_size: int,
        run_id: int | None,
        now: datetime,
        report: RunReport,
        commit: Callable[[], None],
        tick: Callable[[int], None] | None = None,
        stop: threading.Event | None = None,
    ) -> None:
        self.conn, self.ledger, self.size = conn, ledger, batch_size
        self.run_id, self.now, self.report = run_id, now, report
        self.commit, self.tick, self.stop = commit, tick, stop
        self.unchecked: list[PlannedOp] = []
        self.ready: dict[str, list[PlannedOp]] = {k: [] for k in KIND_ORDER}
        self.stopped = False
        #: deals whose old task could not be closed (the rep edited it since the pull, or
        #: the close failed): their new task waits for the next run, never a second open one
        self.held: set[str] = set()

    def add(self, ops: Iterable[PlannedOp]) -> None:
        """Buffer planned writes; send every batch that is full."""
        for op in ops:
            if self.stopped:
                return
            if _checked(op):
                self.unchecked.append(op)
                if len(self.unchecked) >= self.size:
                    self._check()
            else:
                self._ready(op)

    def finish(self) -> bool:
        """Send what is left (closes first); False if the push stopped early."""
        if self.unchecked and not self.stopped:
            self._check()
        for kind in KIND_ORDER:
            while self.ready[kind] and not self.stopped:
                self._send(kind)
        return not self.stopped

    def _ready(self, op: PlannedOp) -> None:
        kind = op.write.kind.value
        self.ready[kind].append(op)
        if len(self.ready[kind]) >= self.size:
            self._send(kind)

    def _check(self) -> None:
        todo, self.unchecked = self.unchecked, []
        for op in recheck(self.conn, self.ledger, todo, self.now, self.report, self.held):
            self._ready(op)

    def _send(self, kind: str) -> None:
        if self.stopped:
            return
        chunk = self.ready[kind][: self.size]
        del self.ready[kind][: self.size]
        if kind in _NEW_TASKS:
            deals = {op.write.deal_id for op in chunk}
            closes = [
                op
                for op in (*self.unchecked, *self.ready["close_task"])
                if op.write.kind.value == "close_task"
            ]
            if any(op.write.deal_id in deals for op in closes):
                self._flush_closes()
            chunk = [op for op in chunk if op.write.deal_id not in self.held]
        if self.stopped or not chunk:
            return
        ok = push(
            self.conn,
            self.ledger,
            chunk,
            batch_size=self.size,
            run_id=self.run_id,
            now=self.now,
            report=self.report,
            commit=self.commit,
            tick=self.tick,
            stop=self.stop,
            held=self.held,
        )
        self.ledger.release()  # sent and committed: the rows need not stay in memory
        if not ok:
            self.stopped = True

    def _flush_closes(self) -> None:
        """Send every pending close now (a new task of the same deal is about to go)."""
        todo = [op for op in self.unchecked if op.write.kind.value == "close_task"]
        if todo:
            self.unchecked = [op for op in self.unchecked if op.write.kind.value != "close_task"]
            for op in recheck(self.conn, self.ledger, todo, self.now, self.report, self.held):
                self.ready["close_task"].append(op)
        while self.ready["close_task"] and not self.stopped:
            self._send("close_task")
