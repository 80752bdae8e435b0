"""Wire ``serve`` to the real settings, state store and sync run.

Kept apart from :mod:`._service` so the service stays testable with any run callable,
and so the one place that knows the sync run's report shape is small and obvious.
"""

from __future__ import annotations

import inspect
import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from nextadvance.core.errors import ConfigError, Problem
from nextadvance.sync._logging import register_secret
from nextadvance.sync.serve._http import ReadinessCheck
from nextadvance.sync.serve._metrics import RunOutcome
from nextadvance.sync.serve._scheduling import JobSpec, trigger_for

__all__ = ["job_specs", "make_run", "outcome_from_report", "register_credentials", "store_probe"]

log = logging.getLogger("nextadvance.serve")

_SECRETISH = ("token", "secret", "password", "key", "session")


def job_specs(
    settings: Any, *, timezone: str = "UTC", interval_seconds: float | None = None
) -> list[JobSpec]:
    """One job per connection that has a ``schedule``; a ConfigError if none has one.

    ``interval_seconds`` replaces every schedule with a fixed interval (tests, demos).
    """
    from apscheduler.triggers.interval import IntervalTrigger

    specs: list[JobSpec] = []
    problems: list[Problem] = []
    file = str(settings.config_file) if getattr(settings, "config_file", None) else None
    for i, conn in enumerate(settings.connections):
        if interval_seconds is not None:
            specs.append(
                JobSpec(conn.name, IntervalTrigger(seconds=interval_seconds, timezone=timezone))
            )
            continue
        if not conn.schedule:
            log.info("connection %s has no schedule: not run by serve", conn.name)
            continue
        try:
            specs.append(JobSpec(conn.name, trigger_for(conn.schedule, timezone)))
        except ConfigError as exc:
            problems.extend(
                Problem(p.message, file=file, key_path=f"connections[{i}].schedule")
                for p in exc.problems
            )
    if problems:
        raise ConfigError(problems)
    if not specs:
        raise ConfigError(
            [
                Problem(
                    "no connection has a schedule, so serve would never run anything",
                    file=file,
                    key_path="connections",
                    hint="add e.g. schedule: '*/15 * * * *' to each connection serve should run",
                )
            ]
        )
    return specs


def register_credentials(settings: Any) -> None:
    """Resolve each connection's credentials once and register the secret values for redaction.

    Doing it at start-up also fails fast (exit 2) when a credential is missing, instead of
    every scheduled run failing later.
    """
    for conn in settings.connections:
        creds = conn.credentials.resolve(connection=conn.name)
        for key, value in creds.items():
            if any(word in key.lower() for word in _SECRETISH):
                register_secret(value)


def store_probe(url: str) -> ReadinessCheck:
    """Readiness: the state store answers (without migrating it)."""
    from nextadvance.sync._store import StateStore

    box: list[Any] = []

    def check() -> str | None:
        if not box:
            box.append(StateStore.open(url, migrate=False))
        box[0].current_revision()  # raises StateError (redacted URL) when unreachable
        return None

    return check


def _count(value: Any) -> int:
    """Report fields may be counts or lists of records; metrics want counts."""
    if value is None:
        return 0
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int | float):
        return int(value)
    total = getattr(value, "total", None)  # ApiCalls(total=..., reads=..., ...)
    if isinstance(total, int):
        return total
    try:
        return len(value)
    except TypeError:
        return 0


def _budget(report: Any) -> float | None:
    budget = getattr(report, "budget", None)
    if budget is None:
        return None
    if isinstance(budget, int | float):
        return float(budget)
    remaining = getattr(budget, "remaining", None)
    if remaining is None and isinstance(budget, dict):
        remaining = budget.get("remaining")
    return float(remaining) if isinstance(remaining, int | float) else None


def outcome_from_report(connection: str, report: Any, duration_s: float) -> RunOutcome:
    """Translate the sync run's report into what the metrics count."""
    status = str(getattr(report, "status", "failed"))
    return RunOutcome(
        connection=connection,
        status=status if status in ("ok", "partial", "failed", "locked") else "failed",
        duration_s=duration_s,
        api_calls=_count(getattr(report, "api_calls", 0)),
        tasks_written=_count(getattr(report, "tasks_written", 0)),
        fields_written=_count(getattr(report, "fields_written", 0)),
        rejects=_count(getattr(report, "rejects", 0)),
        conflicts=_count(getattr(report, "conflicts", 0)),
        budget_remaining=_budget(report),
        finished_at=time.time(),
        history_id=getattr(report, "run_id", None),
        message=getattr(report, "message", None),
    )


def make_run(settings: Any) -> Callable[[str, threading.Event], RunOutcome]:
    """The production run callable: ``nextadvance.sync.run_sync`` for one connection.

    A held lock is counted as status ``locked`` (another process is syncing the
    connection: expected with several servers or CronJobs), never as an error.
    """
    import nextadvance.sync as sync_pkg
    from nextadvance.sync._lock import ConnectionLocked

    run_sync = getattr(sync_pkg, "run_sync", None)
    if run_sync is None:
        raise ConfigError(
            [Problem("this build of nextadvance has no sync run (nextadvance.sync.run_sync)")]
        )
    accepts_stop = "stop" in inspect.signature(run_sync).parameters

    def run(connection: str, stop: threading.Event) -> RunOutcome:
        started = time.monotonic()
        kwargs: dict[str, Any] = {"stop": stop} if accepts_stop else {}
        try:
            report = run_sync(settings, connection, **kwargs)
        except ConnectionLocked:
            return RunOutcome(
                connection, "locked", time.monotonic() - started, finished_at=time.time()
            )
        return outcome_from_report(connection, report, time.monotonic() - started)

    return run
