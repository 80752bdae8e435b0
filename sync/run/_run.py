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
import time
from collections.abc import Callable
from contextlib import closing
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from nextadvance.connectors import Connector, profile
from nextadvance.core import batch_gc
from nextadvance.core.errors import ConnectorError, NextAdvanceError, QuotaExhausted
from nextadvance.core.models import Deal

from ..config._settings import Settings
from ..store import _tables as t
from ..store._db import StateStore, StoreBusy
from ..store._decided import Decided
from ..store._history import store_report
from ..store._ledger import Ledger
from ..store._lock import ConnectionLocked, RunLock
from ..store._mirror import Mirror, jsonable
from ._failure import failure_message
from ._parts import Parts, load_parts, make_connector
from ._phase_decide import DecidePhase
from ._plan import PlannedOp
from ._readahead import read_ahead
from ._report import DiffItem, RunReport
from ._reuse import rules_digest
from ._stream import KIND_ORDER, Streamer
from ._tally import MAX_LISTED, budget_of, count_planned

__all__ = ["Progress", "run_sync"]

#: ``progress(phase, advanced_by, total)``: phases are reconcile, pull, decide, push; after
#: each tick comes ``("api_calls", calls_so_far, None)`` (ignore phases you do not show).
Progress = Callable[[str, int, int | None], None]

log = logging.getLogger("nextadvance.sync")


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


class _Run(DecidePhase):
    """The phases of one run over one session (committed in groups of pulled batches, per
    decided chunk and per pushed batch; or rolled back); the decide and plan phase is
    :class:`DecidePhase`."""

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
        self.decided = Decided(self.s, self.name)
        self.rules = rules_digest(parts.playbook, parts.mapping, self.stage_titles)

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

    @batch_gc()  # records, dicts and models: no cycles, so fewer collections (core/_gctune.py)
    def _pull(self) -> bool:
        cursor = None if self.report.full else self.mirror.cursor()
        # a listing from the start stamps every deal it lists with ``self.now``: the rest
        # are forgotten in SQL at the end (no set of listed ids held while the org is read)
        from_start = cursor is None
        full_listing = False
        # the next batch is read while this one is applied (closing: the reader thread is
        # finished before the push, which uses the same connector); see _PullCommits
        group = _PullCommits(self.commit)
        with closing(read_ahead(self.conn.pull(cursor), before_wait=group.settle)) as batches:
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
                group.applied(len(batch.deals) + len(batch.activities))
                self._tick("pull", len(batch.deals) + len(batch.activities))
                if self.stop is not None and self.stop.is_set():
                    group.settle()
                    self.report.message = "stopped on request during the pull"
                    return False
        group.settle()
        if from_start and full_listing:
            self.report.deals.deleted += self.mirror.forget_unlisted(self.now)
            self.commit()
        return True


#: records (deals + activities) a pull transaction may hold before it is committed
PULL_COMMIT_RECORDS = 10_000
#: seconds a pull transaction may stay open before it is committed
PULL_COMMIT_S = 2.0


class _PullCommits:
    """When the pull commits: before waiting on the CRM, or once a transaction is big or old.

    Each batch goes in with its cursor (``set_cursor``), so any commit point keeps mirror and
    cursor in step: a crash re-reads the batches of the open transaction, never skips one.
    Committing every batch cost more than writing it: a commit writes every page the batch
    dirtied, and random-order inserts into the mirror's indexes dirty the same hot pages
    again in each one (55 commits of a 10k-deal pull: ~0.6 s CPU and ~2 s wall of fsync
    and checkpoints).  Batches already read ahead go into one transaction; it is committed
    as soon as the next batch is not there yet (``before_wait``: so SQLite's write lock is
    never held while the CRM answers, and other runs on the same file are not kept waiting),
    or when it holds :data:`PULL_COMMIT_RECORDS` or is :data:`PULL_COMMIT_S` old, which
    bounds what a crash re-reads and how long the write lock is held.  No write to the CRM
    happens during the pull, so the ledger's write-ahead commits are untouched.
    """

    def __init__(self, commit: Callable[[], None]) -> None:
        self.commit = commit
        self.records = 0
        self.opened: float | None = None

    def applied(self, records: int) -> None:
        """A batch and its cursor are in the open transaction: commit if it is due."""
        if self.opened is None:
            self.opened = time.monotonic()
        self.records += records
        if self.records >= PULL_COMMIT_RECORDS or time.monotonic() - self.opened >= PULL_COMMIT_S:
            self.settle()

    def settle(self) -> None:
        """Commit the batches applied since the last commit (if any)."""
        if self.opened is not None:
            self.commit()
            self.records, self.opened = 0, None
