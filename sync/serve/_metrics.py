"""Prometheus metrics for ``serve``: what ran, how it went, and what was skipped.

Each :class:`ServeMetrics` owns its own ``CollectorRegistry`` (not the global default),
so tests and several in-process servers never see each other's counters.  Metric names
and labels are documented in docs/operations.md ("Reading the metrics").
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    PlatformCollector,
    ProcessCollector,
    generate_latest,
)

__all__ = ["CONTENT_TYPE_LATEST", "RunOutcome", "ServeMetrics"]

#: Run-duration buckets (seconds): a no-change incremental run takes about a second,
#: a 100k-deal full run a few minutes.
_DURATION_BUCKETS = (0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600)


@dataclass(frozen=True)
class RunOutcome:
    """What one scheduled run reports to the metrics, independent of the run's own report type.

    ``status`` is one of ok, partial, failed, locked; ``budget_remaining`` is ``None``
    when the CRM did not say; ``history_id`` is the run's row in the state store's run
    history, logged so a log line leads to the stored report.
    """

    connection: str
    status: str
    duration_s: float
    api_calls: int = 0
    tasks_written: int = 0
    fields_written: int = 0
    rejects: int = 0
    conflicts: int = 0
    budget_remaining: float | None = None
    finished_at: float = 0.0
    history_id: int | None = None
    message: str | None = None


class ServeMetrics:
    """The counters, histogram and gauges ``/metrics`` exposes."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        # One run's counters change together: a scrape never sees half of a record().
        self._lock = threading.Lock()
        r = self.registry
        # process_resident_memory_bytes & co: how the sizing in docs/operations.md holds up.
        ProcessCollector(registry=r)
        PlatformCollector(registry=r)
        self.runs = Counter(
            "nextadvance_runs",
            "Scheduled sync runs by connection and final status (ok, partial, failed, locked).",
            ["connection", "status"],
            registry=r,
        )
        self.duration = Histogram(
            "nextadvance_run_duration_seconds",
            "Wall-clock duration of scheduled sync runs.",
            ["connection"],
            buckets=_DURATION_BUCKETS,
            registry=r,
        )
        self.api_calls = Counter(
            "nextadvance_api_calls", "CRM API calls made by runs.", ["connection"], registry=r
        )
        self.tasks_written = Counter(
            "nextadvance_tasks_written",
            "Suggested tasks created, updated or closed in the CRM.",
            ["connection"],
            registry=r,
        )
        self.fields_written = Counter(
            "nextadvance_fields_written",
            "Deal field values written to the CRM.",
            ["connection"],
            registry=r,
        )
        self.rejects = Counter(
            "nextadvance_rejects", "Records the CRM refused.", ["connection"], registry=r
        )
        self.conflicts = Counter(
            "nextadvance_conflicts",
            "Writes left undone because a person edited the value after our last write.",
            ["connection"],
            registry=r,
        )
        self.last_success = Gauge(
            "nextadvance_last_success_timestamp_seconds",
            "Unix time at which the last ok or partial run of the connection finished.",
            ["connection"],
            registry=r,
        )
        self.budget_remaining = Gauge(
            "nextadvance_api_budget_remaining",
            "API calls the CRM says remain in the current quota window (last run's view).",
            ["connection"],
            registry=r,
        )
        self.in_progress = Gauge(
            "nextadvance_run_in_progress",
            "1 while a run of the connection is executing in this process.",
            ["connection"],
            registry=r,
        )
        self.skipped = Counter(
            "nextadvance_runs_skipped",
            "Scheduled fire times that did not run: reason missed (past the misfire grace), "
            "coalesced (folded into a later run) or overlap (the previous run was still going).",
            ["connection", "reason"],
            registry=r,
        )
        self.errors = Counter(
            "nextadvance_run_errors",
            "Runs that raised instead of returning a report (bugs, unreachable state store).",
            ["connection"],
            registry=r,
        )

    def declare(self, connection: str) -> None:
        """Create the connection's series at zero, so dashboards see it before its first run."""
        for status in ("ok", "partial", "failed", "locked"):
            self.runs.labels(connection, status)
        for reason in ("missed", "coalesced", "overlap"):
            self.skipped.labels(connection, reason)
        for metric in (
            self.api_calls,
            self.tasks_written,
            self.fields_written,
            self.rejects,
            self.conflicts,
            self.errors,
            self.duration,
        ):
            metric.labels(connection)
        self.in_progress.labels(connection).set(0)

    def record(self, outcome: RunOutcome) -> None:
        """Count one finished run."""
        with self._lock:
            self._record(outcome)

    def _record(self, outcome: RunOutcome) -> None:
        c = outcome.connection
        self.runs.labels(c, outcome.status).inc()
        self.duration.labels(c).observe(max(outcome.duration_s, 0.0))
        self.api_calls.labels(c).inc(max(outcome.api_calls, 0))
        self.tasks_written.labels(c).inc(max(outcome.tasks_written, 0))
        self.fields_written.labels(c).inc(max(outcome.fields_written, 0))
        self.rejects.labels(c).inc(max(outcome.rejects, 0))
        self.conflicts.labels(c).inc(max(outcome.conflicts, 0))
        if outcome.status in ("ok", "partial"):
            self.last_success.labels(c).set(outcome.finished_at)
        if outcome.budget_remaining is not None:
            self.budget_remaining.labels(c).set(outcome.budget_remaining)

    def skip(self, connection: str, reason: str, count: int = 1) -> None:
        """Count fire times that did not become runs."""
        with self._lock:
            self.skipped.labels(connection, reason).inc(count)

    def render(self) -> bytes:
        """The Prometheus text exposition of every metric."""
        with self._lock:
            return generate_latest(self.registry)
