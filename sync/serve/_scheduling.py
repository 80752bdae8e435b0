"""APScheduler 3 wiring: one job per connection, coalesced, one instance, explicit grace.

APScheduler's defaults are wrong for a sync: a one-second misfire grace silently drops
a run whenever the process was busy or asleep, and nothing is logged when several fire
times are folded into one.  :func:`build_scheduler` sets ``coalesce=True``,
``max_instances=1`` and an explicit ``misfire_grace_time`` on every job, and a
:class:`_SkipWatcher` listener logs (and counts) every fire time that did not become a
run: ``missed`` (past the grace), ``coalesced`` (folded into a later run) and
``overlap`` (the previous run of the connection was still going).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any

from apscheduler.events import (
    EVENT_JOB_ADDED,
    EVENT_JOB_MAX_INSTANCES,
    EVENT_JOB_MISSED,
    EVENT_JOB_SUBMITTED,
    JobEvent,
    JobExecutionEvent,
    JobSubmissionEvent,
)
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger

from nextadvance.core.errors import ConfigError, Problem

__all__ = ["DEFAULT_MISFIRE_GRACE_S", "JobSpec", "build_scheduler", "trigger_for"]

log = logging.getLogger("nextadvance.serve")

#: Default misfire grace: a run up to five minutes late still runs (APScheduler's own
#: default of one second would silently skip it).
DEFAULT_MISFIRE_GRACE_S = 300

#: Cap on how many coalesced fire times we enumerate for one log line (a per-second
#: schedule after a day asleep would otherwise list 86,400).
_MAX_ENUMERATED = 10_000


def trigger_for(schedule: str, timezone: tzinfo | str = "UTC") -> BaseTrigger:
    """Build the trigger for a connection's ``schedule``.

    Five fields are a standard crontab line (``*/15 * * * *``).  Six fields put a
    *seconds* field first (``*/2 * * * * *``: every two seconds) — meant for tests and
    demos; APScheduler's cron has second granularity.
    """
    fields = schedule.split()
    try:
        if len(fields) == 5:
            return CronTrigger.from_crontab(schedule, timezone=timezone)
        if len(fields) == 6:
            second, minute, hour, day, month, dow = fields
            return CronTrigger(
                second=second,
                minute=minute,
                hour=hour,
                day=day,
                month=month,
                day_of_week=dow,
                timezone=timezone,
            )
    except ValueError as exc:
        raise ConfigError(
            [
                Problem(
                    f"invalid schedule {schedule!r}: {exc}",
                    key_path="schedule",
                    expected="a crontab line such as '*/15 * * * *'",
                )
            ]
        ) from exc
    raise ConfigError(
        [
            Problem(
                f"invalid schedule {schedule!r}: {len(fields)} fields",
                key_path="schedule",
                expected="5 crontab fields (minute hour day month weekday), or 6 with seconds first",
            )
        ]
    )


@dataclass(frozen=True)
class JobSpec:
    """One scheduled connection: its name (also the job id) and its trigger."""

    connection: str
    trigger: BaseTrigger


SkipHook = Callable[[str, str, int], None]


class _SkipWatcher:
    """Listener that logs every fire time that did not become a run, and why.

    Coalescing has no APScheduler event, so we remember each job's next expected fire
    time and, when a run is submitted for a later one, enumerate the fire times in
    between from the trigger: those were folded into this run.
    """

    def __init__(self, scheduler: BaseScheduler, grace_s: float, on_skip: SkipHook) -> None:
        self._scheduler = scheduler
        self._grace_s = grace_s
        self._on_skip = on_skip
        self._expected: dict[str, datetime] = {}
        self._lock = threading.Lock()

    def __call__(self, event: JobEvent) -> None:
        if event.code == EVENT_JOB_ADDED:
            job = self._scheduler.get_job(event.job_id)
            if job is not None and getattr(job, "next_run_time", None) is not None:
                with self._lock:
                    self._expected[event.job_id] = job.next_run_time
        elif isinstance(event, JobSubmissionEvent):
            self._submitted(event)
        elif isinstance(event, JobExecutionEvent) and event.code == EVENT_JOB_MISSED:
            # by instant: across a DST change, wall times of one zone are an hour off
            late = datetime.now(UTC) - event.scheduled_run_time.astimezone(UTC)
            log.warning(
                "run skipped: fire time %s missed by %.0f s (misfire grace %.0f s)",
                event.scheduled_run_time.isoformat(),
                late.total_seconds(),
                self._grace_s,
                extra={"connection": event.job_id, "reason": "missed"},
            )
            self._on_skip(event.job_id, "missed", 1)

    def _submitted(self, event: JobSubmissionEvent) -> None:
        job = self._scheduler.get_job(event.job_id)
        run_times = list(event.scheduled_run_times)
        if job is None or not run_times:
            return
        last = run_times[-1]
        with self._lock:
            expected = self._expected.get(event.job_id)
            self._expected[event.job_id] = job.next_run_time
        folded = self._between(job.trigger, expected, last) if expected else []
        if folded:
            log.warning(
                "runs coalesced: %d fire time(s) from %s folded into the run at %s",
                len(folded),
                folded[0].isoformat(),
                last.isoformat(),
                extra={"connection": event.job_id, "reason": "coalesced"},
            )
            self._on_skip(event.job_id, "coalesced", len(folded))
        if event.code == EVENT_JOB_MAX_INSTANCES:
            log.warning(
                "run skipped: fire time %s while the previous run is still going",
                last.isoformat(),
                extra={"connection": event.job_id, "reason": "overlap"},
            )
            self._on_skip(event.job_id, "overlap", 1)

    @staticmethod
    def _between(trigger: BaseTrigger, start: datetime, end: datetime) -> list[datetime]:
        """Fire times ``start <= t < end`` of ``trigger``.

        Compared and stepped as instants: two times of one zone compare by wall clock with
        ``fold`` ignored, and adding to one drops its ``fold``, so in the hour a DST change
        repeats a wall-clock walk cycled through that hour (up to the cap) or stopped early.
        """
        out: list[datetime] = []
        t: datetime | None = start
        stop = end.astimezone(UTC)
        while t is not None and t.astimezone(UTC) < stop and len(out) < _MAX_ENUMERATED:
            out.append(t)
            after = (t.astimezone(UTC) + timedelta(microseconds=1)).astimezone(t.tzinfo)
            t = trigger.get_next_fire_time(t, after)
        return out


def build_scheduler(
    specs: Sequence[JobSpec],
    run: Callable[[str], Any],
    *,
    misfire_grace_s: float = DEFAULT_MISFIRE_GRACE_S,
    timezone: tzinfo | str = "UTC",
    on_skip: SkipHook | None = None,
    scheduler: BaseScheduler | None = None,
    executor: Any = None,
) -> BaseScheduler:
    """Return a (not yet started) scheduler with one job per spec calling ``run(connection)``.

    ``scheduler`` and ``executor`` are seams for tests (a thread-less scheduler driven
    under a frozen clock); production uses a ``BackgroundScheduler`` with a thread pool
    of one worker per connection, so connections run in parallel but each at most once.
    """
    sched = scheduler if scheduler is not None else BackgroundScheduler(timezone=timezone)
    sched.add_executor(
        executor if executor is not None else ThreadPoolExecutor(max(1, len(specs))), "default"
    )
    hook: SkipHook = on_skip or (lambda _c, _r, _n: None)
    sched.add_listener(
        _SkipWatcher(sched, misfire_grace_s, hook),
        EVENT_JOB_ADDED | EVENT_JOB_SUBMITTED | EVENT_JOB_MAX_INSTANCES | EVENT_JOB_MISSED,
    )
    for spec in specs:
        sched.add_job(
            run,
            trigger=spec.trigger,
            args=[spec.connection],
            id=spec.connection,
            name=f"sync {spec.connection}",
            coalesce=True,
            max_instances=1,
            misfire_grace_time=int(misfire_grace_s),
            replace_existing=True,
        )
    return sched
