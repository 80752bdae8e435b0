"""The long-running ``serve`` process: scheduler + HTTP + graceful shutdown.

The run itself is injected (:data:`RunFn`): production passes an adapter around
``nextadvance.sync.run_sync``; tests may pass any callable.  That seam keeps the
scheduling, metrics and shutdown logic testable on their own.

Shutdown (SIGTERM/SIGINT): stop scheduling new runs, set the stop event that runs check
between batches, wait for the runs in progress to finish (they release their locks on
the way out), stop the HTTP server, log ``shutdown complete`` and exit 0.
"""

from __future__ import annotations

import logging
import signal
import threading
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from types import FrameType
from typing import Any

from ..config._logging import log_context, redact
from ._http import HealthServer, ReadinessCheck
from ._metrics import RunOutcome, ServeMetrics
from ._scheduling import (
    DEFAULT_MISFIRE_GRACE_S,
    JobSpec,
    build_scheduler,
)

__all__ = ["RunFn", "ServeOptions", "Service"]

log = logging.getLogger("nextadvance.serve")

#: ``run(connection, stop_event) -> RunOutcome``: one sync run; it should return soon after
#: ``stop_event`` is set (finishing the batch in flight) and never raise for a held lock
#: (status ``locked`` instead).
RunFn = Callable[[str, threading.Event], RunOutcome]


@dataclass(frozen=True)
class ServeOptions:
    """How ``serve`` listens and schedules; see docs/operations.md."""

    host: str = "127.0.0.1"
    port: int = 9464
    misfire_grace_s: float = DEFAULT_MISFIRE_GRACE_S
    timezone: str = "UTC"
    extra_checks: Mapping[str, ReadinessCheck] = field(default_factory=dict)


class Service:
    """Schedules one job per connection and serves health and metrics until told to stop."""

    def __init__(self, specs: Sequence[JobSpec], run: RunFn, options: ServeOptions) -> None:
        self.options = options
        self.metrics = ServeMetrics()
        self.stop_event = threading.Event()
        self._run = run
        self._specs = list(specs)
        for spec in self._specs:
            self.metrics.declare(spec.connection)
        self.scheduler = build_scheduler(
            self._specs,
            self._run_one,
            misfire_grace_s=options.misfire_grace_s,
            timezone=options.timezone,
            on_skip=self.metrics.skip,
        )
        checks: dict[str, ReadinessCheck] = {
            "config": lambda: None,
            "scheduler": lambda: None if self.scheduler.running else "scheduler not running",
        }
        checks.update(options.extra_checks)
        self.http = HealthServer(
            options.host, options.port, metrics=self.metrics.render, checks=checks
        )

    # -- one run ---------------------------------------------------------------------------

    def _run_one(self, connection: str) -> None:
        """The scheduled job: one run, logged with its id and counted, never raising."""
        if self.stop_event.is_set():
            log.info("run not started: shutting down", extra={"connection": connection})
            return
        run_id = uuid.uuid4().hex[:12]
        with log_context(connection=connection, run_id=run_id):
            self.metrics.in_progress.labels(connection).set(1)
            started = time.monotonic()
            log.info("run started")
            try:
                outcome = self._run(connection, self.stop_event)
            except Exception as exc:
                duration = time.monotonic() - started
                log.error(
                    "run failed: %s",
                    redact(f"{type(exc).__name__}: {exc}"),
                    exc_info=True,
                    extra={"status": "failed", "duration_s": round(duration, 3)},
                )
                self.metrics.errors.labels(connection).inc()
                outcome = RunOutcome(
                    connection, "failed", duration_s=duration, finished_at=time.time()
                )
            finally:
                self.metrics.in_progress.labels(connection).set(0)
            self.metrics.record(outcome)
            self._log_outcome(outcome)

    @staticmethod
    def _log_outcome(o: RunOutcome) -> None:
        fields: dict[str, Any] = {"status": o.status, "duration_s": round(o.duration_s, 3)}
        if o.history_id is not None:
            fields["history_id"] = o.history_id
        if o.message:
            fields["detail"] = redact(o.message)
        if o.status == "locked":
            log.info("run skipped: another process holds the connection's lock", extra=fields)
            return
        fields.update(
            api_calls=o.api_calls,
            tasks_written=o.tasks_written,
            fields_written=o.fields_written,
            rejects=o.rejects,
            conflicts=o.conflicts,
        )
        level = logging.WARNING if o.status in ("partial", "failed") else logging.INFO
        log.log(level, "run finished: %s", o.status, extra=fields)

    # -- lifecycle -------------------------------------------------------------------------

    def start(self) -> None:
        """Start the HTTP server, then the scheduler."""
        self.http.start()
        self.scheduler.start()
        log.info(
            "serve started: %d connection(s), http on %s:%d",
            len(self._specs),
            self.options.host,
            self.http.port,
            extra={
                "connections": [s.connection for s in self._specs],
                "misfire_grace_s": self.options.misfire_grace_s,
                "port": self.http.port,
            },
        )
        for job in self.scheduler.get_jobs():
            log.info(
                "scheduled %s: next run at %s",
                job.id,
                job.next_run_time.isoformat() if job.next_run_time else "never",
                extra={"connection": job.id},
            )

    def request_stop(self, reason: str = "requested") -> None:
        """Ask the service to stop (safe from signal handlers and other threads)."""
        if not self.stop_event.is_set():
            log.info("shutdown requested (%s): finishing runs in progress", reason)
        self.stop_event.set()

    def shutdown(self) -> None:
        """Stop scheduling, wait for running runs, stop HTTP; idempotent."""
        self.stop_event.set()
        if self.scheduler.running:
            self.scheduler.shutdown(wait=True)
        self.http.stop()
        log.info("shutdown complete")

    def run_forever(self, *, install_signals: bool = True) -> int:
        """Start, block until SIGTERM/SIGINT (or :meth:`request_stop`), shut down, return 0."""
        previous: dict[signal.Signals, Any] = {}
        if install_signals:

            def _on_signal(signum: int, _frame: FrameType | None) -> None:
                self.request_stop(signal.Signals(signum).name)

            for sig in (signal.SIGTERM, signal.SIGINT):
                previous[sig] = signal.signal(sig, _on_signal)
        try:
            self.start()
            while not self.stop_event.wait(0.5):
                pass
        finally:
            self.shutdown()
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        return 0
