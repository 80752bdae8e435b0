"""One sync run for one connection: lock → reconcile → pull → decide → plan → push → report.

``run_sync`` is the one entry point the CLI, ``serve``, cron jobs, the demo and the
benchmarks call.  Configuration problems raise before anything is locked or sent; once the
run has started, every outcome is a :class:`RunReport` (``ok``, ``partial``, ``failed``,
``locked``) stored as run history.  ``dry_run`` runs the same code path in a transaction
that is rolled back and sends nothing; ``full`` only resets the cursor.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable
from contextlib import closing
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from nextadvance.connectors import Connector, profile
from nextadvance.core import batch_gc
from nextadvance.core.errors import ConnectorError, NextAdvanceError, QuotaExhausted
from nextadvance.core.models import Deal

from ..config._settings import Settings
from ..store import _tables as t
from ..store._db import StateStore, StoreBusy
from ..store._history import store_report
from ..store._ledger import Ledger
from ..store._lock import ConnectionLocked, RunLock
from ..store._mirror import Mirror, MirroredDeal, jsonable
from ._decide import Deciding, Outcome
from ._failure import failure_message
from ._parts import Parts, load_parts, make_connector
from ._plan import PlannedOp, plan_deal
from ._prospect import is_rep_handle, load_inputs, plan_prospecting
from ._readahead import read_ahead
from ._report import ConflictItem, DiffItem, ProspectingSummary, RunReport
from ._stream import KIND_ORDER, Streamer
from ._tally import MAX_LISTED, budget_of, count_planned, count_unmapped

__all__ = ["Progress", "run_sync"]

#: ``progress(phase, advanced_by, total)``: phases are reconcile, pull, decide, push; after
#: each tick comes ``("api_calls", calls_so_far, None)`` (ignore phases you do not show).
Progress = Callable[[str, int, int | None], None]

log = logging.getLogger("nextadvance.sync")

#: chunks decided ahead of the one being planned (each at most 500 deals)
_AHEAD = 2


def _now() -> datetime:
    return datetime.now(UTC)


def run_sync(
    settings: Settings,
    connection_name: str,
    *,
    dry_run: bool = False,
    full: bool = False,
    progress: Progress | None = None,
    stop: threading.Event | None = None,
    connector: Connector | None = None,
) -> RunReport:
    """Run one sync of ``connection_name`` and return its report (also stored as history).

    Raises ConfigError/MappingError/RuleError for bad configuration (nothing was locked or
    sent) and StateError when the state store is unusable.  ``stop`` ends the run cleanly at
    the next batch boundary; ``connector`` overrides the one built from the settings.
    """
    parts = load_parts(settings, connection_name)
    started = _now()
    report = RunReport(
        connection=connection_name,
        crm=parts.connection.crm,
        started_at=started,
        dry_run=dry_run,
        full=full,
    )
    try:
        store = StateStore.open(settings.state_url)
    except StoreBusy as exc:  # another process holds a SQLite store it is creating
        report.status = "locked"
        report.message = str(exc)
        report.finished_at = _now()
        return report
    try:
        lock = store.lock(connection_name, lease_s=settings.lock_lease_s)
        try:
            lock.acquire()
        except ConnectionLocked as exc:
            report.status = "locked"
            report.message = str(exc)
            report.finished_at = _now()
            store_report(store, report)
            return report
        # History intervals are the time the lock was held, so they can prove no overlap.
        report.started_at = _now()
        own = connector is None
        try:
            conn = connector if connector is not None else make_connector(parts)
            try:
                _Run(store, lock, parts, conn, report, progress, stop).execute()
            finally:
                report.api_calls = report.api_calls.model_validate(
                    {
                        k: v
                        for k, v in conn.calls.snapshot().items()
                        if k in ("total", "reads", "writes", "retries", "by_endpoint")
                    }
                )
                report.budget = budget_of(conn)
                report.problems = list(getattr(conn, "problems", None) or [])[:MAX_LISTED]
                if own:
                    conn.close()
        finally:
            report.finished_at = _now()
            lock.release()
        store_report(store, report)
        return report
    finally:
        store.close()


class _Run:
    """The phases of one run over one session (committed per batch, or rolled back)."""

    def __init__(
        self,
        store: StateStore,
        lock: RunLock,
        parts: Parts,
        conn: Connector,
        report: RunReport,
        progress: Progress | None,
        stop: threading.Event | None,
    ) -> None:
        self.store, self.lock, self.parts, self.conn = store, lock, parts, conn
        self.report, self.progress, self.stop = report, progress, stop
        self.name = parts.connection.name
        self.now = report.started_at
        self.dry = report.dry_run
        self.s: Session = store.new_session()
        stages = {s.key: s for s in parts.playbook.stages}

        def is_open(d: Deal) -> bool:
            return getattr(stages.get(d.stage), "closed", None) is None

        self.is_open = is_open
        self.mirror = Mirror(self.s, self.name, self.is_open, parts.mapping)
        self.ledger = Ledger(self.s, self.name)
        self._parked: dict[str, t.Parked] | None = None
        wb = parts.mapping.writeback.deal.last_evaluated
        self.volatile = frozenset({wb.field} if wb is not None else set())
        self.stamp_field = parts.mapping.writeback.deal.stamp_field
        #: stage key -> the playbook's name, for the coach payload the CRM card shows
        self.stage_titles = {s.key: s.title for s in parts.playbook.stages if s.title}

    def _tick(self, phase: str, n: int = 1, total: int | None = None) -> None:
        if self.progress is not None:
            self.progress(phase, n, total)
            self.progress("api_calls", self.conn.calls.total, None)

    def commit(self) -> None:
        """Make the work so far durable (a dry run only flushes, to roll back at the end)."""
        if self.dry:
            self.s.flush()
            return
        self.s.commit()
        self.lock.renew()

    def execute(self) -> None:
        """Run every phase; classify failures into the report instead of raising."""
        try:
            self._start()
            self._reconcile()
            complete = self._pull()
            streaming = not self.dry and self.parts.connection.writeback
            if streaming:
                stream = Streamer(
                    self.conn,
                    self.ledger,
                    batch_size=self.parts.connection.limits.batch_size
                    or profile(self.parts.connection.crm).write_batch,
                    run_id=self.report.run_id,
                    now=self.now,
                    report=self.report,
                    commit=self.commit,
                    tick=lambda n: self._tick("push", n, None),
                    stop=self.stop,
                )
                self._decide_and_plan(stream.add, lambda: stream.stopped)
                complete = stream.finish() and complete
            else:
                ops: list[PlannedOp] = []
                self._decide_and_plan(ops.extend, lambda: False)
                ops.sort(key=lambda o: KIND_ORDER[o.write.kind.value])
                self.report.diff = [
                    DiffItem(
                        deal=o.write.deal_id,
                        op=o.counted if o.kind == "task" else "update_fields",
                        key=o.write.key,
                        changes=jsonable(o.changes),
                    )
                    for o in ops
                ]
                if self.dry:
                    count_planned(self.report, ops)
                else:
                    self.report.message = (
                        f"write-back is off for this connection: {len(ops)} planned writes "
                        "not sent (listed under diff)"
                    )
            clean = (
                complete
                and not self.report.rejects
                and not self.report.deals.failed
                and not self.report.unmapped
            )
            self.report.status = "ok" if clean else "partial"
        except QuotaExhausted as exc:
            self.report.status = "partial"
            self.report.message = (
                f"API quota exhausted: {exc}; the cursor is kept, resuming next run"
            )
        except ConnectorError as exc:
            self.report.status = "failed"
            self.report.message = failure_message(exc, self.parts)
        except NextAdvanceError as exc:
            self.report.status = "failed"
            self.report.message = f"{type(exc).__name__}: {exc}"
        except Exception as exc:
            log.exception("sync run of %s failed", self.name)
            self.report.status = "failed"
            self.report.message = f"internal error: {type(exc).__name__}: {exc}"
        finally:
            if self.dry:
                self.s.rollback()
            else:
                try:
                    self.s.commit()
                except Exception as exc:  # pragma: no cover - store died mid-run
                    self.s.rollback()
                    self.report.status = "failed"
                    self.report.message = f"state store: {exc}"
            self.s.close()

    def _start(self) -> None:
        if self.s.get(t.ConnectionRow, self.name) is None:
            self.s.add(
                t.ConnectionRow(name=self.name, crm=self.parts.connection.crm, created_at=self.now)
            )
        if not self.dry:
            row = t.Run(
                connection=self.name,
                started_at=self.now,
                finished_at=None,
                status="running",
                dry_run=False,
                report={},
            )
            self.s.add(row)
            self.s.flush()
            self.report.run_id = row.id
        self.commit()

    def _reconcile(self) -> None:
        """Resolve a crashed run's pending task writes by looking them up by key."""
        pending = self.ledger.pending()
        self.report.reconciled = len(pending)
        keys = [r.idem_key for r in pending if r.kind == "task"]
        if keys:
            found = self.conn.find_tasks(keys)
            self.ledger.observe_found(found, keys, self.now)
            self._tick("reconcile", len(keys), len(keys))
        self.commit()

    def _pull(self) -> bool:
        cursor = None if self.report.full else self.mirror.cursor()
        # a listing from the start stamps every deal it lists with ``self.now``: the rest
        # are forgotten in SQL at the end (no set of listed ids held while the org is read)
        from_start = cursor is None
        full_listing = False
        # the next batch is read while this one is applied (closing: the reader thread is
        # finished before the push, which uses the same connector)
        with closing(read_ahead(self.conn.pull(cursor))) as batches:
            for batch in batches:
                counts = self.mirror.apply(batch, self.now)
                self.ledger.observe_pulled(counts.tasks, self.now)
                if counts.deleted_activities:
                    self.ledger.observe_deleted_activities(counts.deleted_activities, self.now)
                self.report.deals.pulled += len(batch.deals)
                self.report.deals.deleted += len(counts.deleted_deals)
                self.report.activities_pulled += len(batch.activities)
                full_listing = full_listing or batch.full
                self.mirror.set_cursor(batch.cursor, self.now)
                self.commit()
                self._tick("pull", len(batch.deals) + len(batch.activities))
                if self.stop is not None and self.stop.is_set():
                    self.report.message = "stopped on request during the pull"
                    return False
        if from_start and full_listing:
            self.report.deals.deleted += self.mirror.forget_unlisted(self.now)
            self.commit()
        return True

    @batch_gc()  # decide creates no cycles: fewer collections (core/_gctune.py)
    def _decide_and_plan(
        self, emit: Callable[[list[PlannedOp]], None], stopped: Callable[[], bool]
    ) -> None:
        """Decide every open deal, a chunk at a time, handing each chunk's writes to ``emit``
        (which may push them at once: nothing grows with the number of deals).

        Chunks are decided ahead (``_decide.Deciding``; in a worker process if enabled)
        while the ones before them are planned and pushed here, in order, ``_AHEAD`` at
        most."""
        total = self.mirror.count_open()
        self.report.deals.open = total
        # deals open in the mirror but closed under the mapping in force (re-mapped since
        # the pull): the one exception the ledger's "not open" query cannot see
        restaged_closed: list[str] = []
        window: deque[tuple[list[MirroredDeal], Callable[[], list[Outcome]]]] = deque()
        with Deciding(
            self.parts.playbook, self.parts.mapping, self.now, self.stage_titles
        ) as deciding:
            for chunk in self.mirror.iter_open():
                todo = [m.deal for m in chunk if m.unmapped is None and self.is_open(m.deal)]
                window.append((chunk, deciding.submit(todo)))
                if len(window) > _AHEAD:
                    self._plan_chunk(*window.popleft(), emit, restaged_closed, total)
                    if stopped():
                        return
            while window:
                self._plan_chunk(*window.popleft(), emit, restaged_closed, total)
                if stopped():
                    return
        # rep-level prospecting tasks are planned by _prospecting, not as deals that are gone
        gone = [d for d in self.ledger.open_task_deals(restaged_closed) if not is_rep_handle(d)]
        if gone:
            ledger = self.ledger.for_deals(gone)
            for deal_id in gone:
                plan = plan_deal(deal_id, None, {}, ledger.get(deal_id, {}))
                self._absorb(plan)
                emit(list(plan.ops))
        emit(self._prospecting())
        self.commit()

    def _plan_chunk(
        self,
        chunk: list[MirroredDeal],
        outcomes: Callable[[], list[Outcome]],
        emit: Callable[[list[PlannedOp]], None],
        restaged_closed: list[str],
        total: int,
    ) -> None:
        """Plan one decided chunk against the ledger as it is now, emit its writes, commit."""
        decided = iter(outcomes())
        ids = [m.deal.id for m in chunk]
        ledger = self.ledger.for_deals(ids)
        ops: list[PlannedOp] = []
        for m in chunk:
            if m.unmapped is not None:
                count_unmapped(self.report, self.parts.mapping, m)  # its task is left as is
                continue
            if not self.is_open(m.deal):  # re-mapped to a closed stage since the pull
                restaged_closed.append(m.deal.id)
                self.report.deals.open -= 1
                continue
            ops.extend(self._one(m.deal, m.crm_values, ledger.get(m.deal.id, {}), next(decided)))
        del ledger, chunk
        emit(ops)
        self.commit()
        self.ledger.release()
        self._tick("decide", len(ids), total)

    def _one(
        self, deal: Any, crm_values: dict[str, Any], ledger: Any, outcome: Outcome
    ) -> list[PlannedOp]:
        if outcome.plan is None:  # one bad deal must not stop the others
            self.report.deals.failed += 1
            if outcome.trace is not None:
                log.error("deciding deal %s failed\n%s", deal.id, outcome.trace)
            if self.report.message is None:
                self.report.message = f"deal {deal.id}: {outcome.error}"
            return []
        self.report.deals.decided += 1
        self._park(deal, outcome.parked)
        plan = plan_deal(
            deal.id,
            outcome.plan,
            crm_values,
            ledger,
            volatile=self.volatile,
            want_task=not outcome.parked,
            stamp_field=self.stamp_field,
        )
        self._absorb(plan)
        return plan.ops

    def _prospecting(self) -> list[PlannedOp]:
        """Today's rep-level prospecting tasks (``._prospect``); closes stale ones."""
        task = self.parts.mapping.writeback.task
        if task is None or not task.enabled:
            return []
        targets = self.parts.targets
        acts, known, rows = load_inputs(targets, self.ledger, self.s, self.name, self.now)
        if targets is None and not rows:
            return []
        plan = plan_prospecting(targets, acts, known, rows, self.now, task.object, task.key_field)
        for planned in plan.planned:
            self._absorb(planned)
        if targets is not None:
            self.report.prospecting = ProspectingSummary(
                reps=plan.reps, day_off=plan.day_off, unknown_reps=plan.unknown
            )
        return plan.ops

    def _park(self, deal: Any, parked: bool) -> None:
        if self._parked is None:
            self._parked = {
                r.deal_id: r
                for r in self.s.scalars(sa.select(t.Parked).where(t.Parked.connection == self.name))
            }
        row = self._parked.get(deal.id)
        if parked:
            self.report.deals.parked += 1
            if row is None:
                self.s.add(
                    t.Parked(
                        connection=self.name,
                        deal_id=deal.id,
                        parked_until=deal.parked_until,
                        reason=deal.parked_reason,
                        updated_at=self.now,
                    )
                )
            else:
                row.parked_until, row.reason, row.updated_at = (
                    deal.parked_until,
                    deal.parked_reason,
                    self.now,
                )
        elif row is not None:
            self.s.delete(row)

    def _absorb(self, plan: Any) -> None:
        for key, written in plan.promote.items():
            self.ledger.promote(key, written, self.now)
        for c in plan.conflicts:
            self.report.conflicts.append(
                ConflictItem(
                    record=c.key,
                    deal=c.deal_id,
                    field=c.field,
                    ours=jsonable(c.ours),
                    theirs=jsonable(c.theirs),
                )
            )
            self.ledger.record_conflict(c, self.report.run_id, self.now)
        if plan.unchanged_task:
            self.report.tasks.unchanged += 1
