"""Wire ``serve`` to the real settings, state store and sync run.

Kept apart from :mod:`._service` so the service stays testable with any run callable,
and so the one place that knows the sync run's report shape is small and obvious.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Collection
from typing import Any

from nextadvance.core.errors import ConfigError, Problem

from ..config._settings import Settings
from ..run._report import RunReport
from ..run._run import run_sync
from ..store._db import StateStore
from ._http import ReadinessCheck
from ._metrics import RunOutcome
from ._scheduling import JobSpec, trigger_for

__all__ = ["job_specs", "make_run", "outcome_from_report", "register_credentials", "store_probe"]

log = logging.getLogger("nextadvance.serve")


def job_specs(
    settings: Settings, *, timezone: str = "UTC", interval_seconds: float | None = None
) -> list[JobSpec]:
    """One job per connection that has a ``schedule``; a ConfigError if none has one.

    ``interval_seconds`` replaces every schedule with a fixed interval (tests, demos).
    """
    from apscheduler.triggers.interval import IntervalTrigger

    specs: list[JobSpec] = []
    problems: list[Problem] = []
    file = str(settings.config_file) if settings.config_file else None
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


def register_credentials(settings: Settings, names: Collection[str]) -> None:
    """Resolve the named connections' credentials once, registering them for redaction.

    (Resolving registers the secret values: see ``Credentials``.)  Doing it at start-up also
    fails fast (exit 2) when a credential is missing, instead of every run failing later.
    """
    for conn in settings.connections:
        if conn.name in names:
            conn.credentials.resolve(connection=conn.name)


def store_probe(url: str) -> ReadinessCheck:
    """Readiness: the state store answers (without migrating it)."""

    box: list[Any] = []

    def check() -> str | None:
        if not box:
            box.append(StateStore.open(url, migrate=False))
        box[0].current_revision()  # raises StateError (redacted URL) when unreachable
        return None

    return check


def _budget_remaining(report: RunReport) -> float | None:
    remaining = (report.budget or {}).get("remaining")
    return float(remaining) if isinstance(remaining, int | float) else None


def outcome_from_report(connection: str, report: RunReport, duration_s: float) -> RunOutcome:
    """Translate the sync run's report into what the metrics count."""
    return RunOutcome(
        connection=connection,
        status=report.status,
        duration_s=duration_s,
        api_calls=report.api_calls.total,
        tasks_written=report.tasks_written,
        fields_written=report.fields_written,
        rejects=len(report.rejects),
        conflicts=len(report.conflicts),
        budget_remaining=_budget_remaining(report),
        finished_at=time.time(),
        history_id=report.run_id,
        message=report.message,
    )


def make_run(settings: Settings) -> Callable[[str, threading.Event], RunOutcome]:
    """The production run callable: :func:`nextadvance.sync.run_sync` for one connection.

    The stop event is handed to the run, which ends cleanly at the next batch boundary.  A
    held lock comes back as status ``locked`` (another process is syncing the connection:
    expected with several servers or CronJobs), which the metrics count apart from errors.
    """

    def run(connection: str, stop: threading.Event) -> RunOutcome:
        started = time.monotonic()
        report = run_sync(settings, connection, stop=stop)
        return outcome_from_report(connection, report, time.monotonic() - started)

    return run
