"""Scheduler policy under a frozen clock: coalescing, misfire grace and overlap are logged."""

from __future__ import annotations

import logging
import threading
from datetime import UTC, datetime, tzinfo
from zoneinfo import ZoneInfo

import pytest
import time_machine
from apscheduler.executors.debug import DebugExecutor
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.base import BaseScheduler

from nextadvance.core.errors import ConfigError
from nextadvance.sync.serve import JobSpec, ServeMetrics, build_scheduler, trigger_for

T0 = datetime(2026, 3, 2, 12, 0, 30, tzinfo=UTC)


class ManualScheduler(BaseScheduler):
    """A scheduler without a thread: the test calls ``_process_jobs`` at chosen instants."""

    def wakeup(self) -> None:
        pass

    def shutdown(self, wait: bool = True) -> None:
        super().shutdown(wait)

    def tick(self) -> None:
        self._process_jobs()


def _skips(metrics: ServeMetrics, conn: str, reason: str) -> float:
    value = metrics.registry.get_sample_value(
        "nextadvance_runs_skipped_total", {"connection": conn, "reason": reason}
    )
    return value or 0.0


def _build(schedule: str, grace: float, executor: object | None = None, zone: tzinfo | str = "UTC"):
    runs: list[str] = []
    metrics = ServeMetrics()
    metrics.declare("acme")
    sched = build_scheduler(
        [JobSpec("acme", trigger_for(schedule, zone))],
        runs.append,
        misfire_grace_s=grace,
        on_skip=metrics.skip,
        scheduler=ManualScheduler(timezone=UTC),
        executor=executor or DebugExecutor(),
    )
    return sched, runs, metrics


def test_late_wakeup_within_grace_runs_once_and_logs_coalesced(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Four missed minutes within the grace become one run and one 'coalesced' log line."""
    caplog.set_level(logging.INFO, logger="nextadvance.serve")
    with time_machine.travel(T0, tick=False) as clock:
        sched, runs, metrics = _build("* * * * *", grace=300)
        sched.start()
        clock.move_to(datetime(2026, 3, 2, 12, 4, 10, tzinfo=UTC))
        sched.tick()
        assert runs == ["acme"]
        assert _skips(metrics, "acme", "coalesced") == 3
        coalesced = [r for r in caplog.records if "coalesced" in r.getMessage()]
        assert len(coalesced) == 1
        assert "3 fire time(s) from 2026-03-02T12:01:00+00:00" in coalesced[0].getMessage()
        assert getattr(coalesced[0], "connection", None) == "acme"
        # The next tick on time runs normally, with nothing coalesced.
        clock.move_to(datetime(2026, 3, 2, 12, 5, 0, tzinfo=UTC))
        sched.tick()
        assert runs == ["acme", "acme"]
        assert _skips(metrics, "acme", "coalesced") == 3
        sched.shutdown(wait=False)


def test_wakeup_beyond_grace_skips_the_run_and_logs_it(caplog: pytest.LogCaptureFixture) -> None:
    """A fire time later than the misfire grace is not run, and the skip is logged and counted."""
    caplog.set_level(logging.INFO, logger="nextadvance.serve")
    with time_machine.travel(T0, tick=False) as clock:
        sched, runs, metrics = _build("0 * * * *", grace=60)
        sched.start()
        clock.move_to(datetime(2026, 3, 2, 13, 2, 0, tzinfo=UTC))
        sched.tick()
        assert runs == []
        assert _skips(metrics, "acme", "missed") == 1
        msgs = [r.getMessage() for r in caplog.records if r.name == "nextadvance.serve"]
        assert any(
            "run skipped: fire time 2026-03-02T13:00:00+00:00 missed by 120 s "
            "(misfire grace 60 s)" in m
            for m in msgs
        ), msgs
        sched.shutdown(wait=False)


NY = ZoneInfo("America/New_York")


def test_coalesced_fire_times_across_the_fall_back_hour_are_counted_as_instants(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Every 15 minutes in New York, asleep from 00:50 EDT to 01:05 EST on 1 Nov 2026: the
    fire times 01:00, 01:15, 01:30, 01:45 EDT and 01:00 EST are five instants, so one run
    and four coalesced (compared by wall clock, 01:00 EDT was not before 01:00 EST: none)."""
    caplog.set_level(logging.INFO, logger="nextadvance.serve")
    with time_machine.travel(datetime(2026, 11, 1, 4, 50, tzinfo=UTC), tick=False) as clock:
        sched, runs, metrics = _build("*/15 * * * *", grace=3 * 3600, zone=NY)
        sched.start()
        clock.move_to(datetime(2026, 11, 1, 6, 5, tzinfo=UTC))  # 01:05 EST
        sched.tick()
        assert runs == ["acme"]
        assert _skips(metrics, "acme", "coalesced") == 4
        coalesced = [r.getMessage() for r in caplog.records if "coalesced" in r.getMessage()]
        assert len(coalesced) == 1, coalesced
        assert "4 fire time(s) from 2026-11-01T01:00:00-04:00" in coalesced[0], coalesced
        sched.shutdown(wait=False)


def test_missed_by_is_measured_between_instants_across_the_fall_back_hour(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Due 01:50 EDT (05:50 UTC), woken at 01:05 EST (06:05 UTC): 900 s late, not the wall
    clock's -2,700 s."""
    caplog.set_level(logging.INFO, logger="nextadvance.serve")
    with time_machine.travel(datetime(2026, 11, 1, 5, 40, tzinfo=UTC), tick=False) as clock:
        sched, runs, metrics = _build("50 1 * * *", grace=60, zone=NY)
        sched.start()
        clock.move_to(datetime(2026, 11, 1, 6, 5, tzinfo=UTC))
        sched.tick()
        assert runs == [] and _skips(metrics, "acme", "missed") == 1
        msgs = [r.getMessage() for r in caplog.records if r.name == "nextadvance.serve"]
        assert any("01:50:00-04:00 missed by 900 s" in m for m in msgs), msgs
        sched.shutdown(wait=False)


def test_same_lateness_runs_with_default_grace() -> None:
    """Two minutes late is within the default grace (APScheduler's own 1 s would drop it)."""
    with time_machine.travel(T0, tick=False) as clock:
        runs: list[str] = []
        sched = build_scheduler(
            [JobSpec("acme", trigger_for("0 * * * *"))],
            runs.append,
            scheduler=ManualScheduler(timezone=UTC),
            executor=DebugExecutor(),
        )
        sched.start()
        assert sched.get_job("acme").misfire_grace_time == 300
        clock.move_to(datetime(2026, 3, 2, 13, 2, 0, tzinfo=UTC))
        sched.tick()
        assert runs == ["acme"]
        sched.shutdown(wait=False)


def test_fire_time_during_a_running_run_is_skipped_as_overlap(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """max_instances=1: a fire time while the previous run is going is skipped and logged."""
    caplog.set_level(logging.INFO, logger="nextadvance.serve")
    release = threading.Event()
    started = threading.Event()

    def slow_run(_conn: str) -> None:
        started.set()
        release.wait(10)

    metrics = ServeMetrics()
    with time_machine.travel(T0, tick=False) as clock:
        sched = build_scheduler(
            [JobSpec("acme", trigger_for("* * * * *"))],
            slow_run,
            on_skip=metrics.skip,
            scheduler=ManualScheduler(timezone=UTC),
            executor=ThreadPoolExecutor(2),
        )
        sched.start()
        clock.move_to(datetime(2026, 3, 2, 12, 1, 0, tzinfo=UTC))
        sched.tick()
        assert started.wait(5)
        clock.move_to(datetime(2026, 3, 2, 12, 2, 0, tzinfo=UTC))
        sched.tick()
        release.set()
        sched.shutdown(wait=True)
    assert _skips(metrics, "acme", "overlap") == 1
    assert any("previous run is still going" in r.getMessage() for r in caplog.records)


def test_six_field_schedule_has_second_granularity() -> None:
    """A 6-field schedule puts seconds first, so '*/2 * * * * *' fires every two seconds."""
    trig = trigger_for("*/2 * * * * *")
    first = trig.get_next_fire_time(None, T0)
    assert first == datetime(2026, 3, 2, 12, 0, 30, tzinfo=UTC)
    second = trig.get_next_fire_time(first, datetime(2026, 3, 2, 12, 0, 30, 1, tzinfo=UTC))
    assert second == datetime(2026, 3, 2, 12, 0, 32, tzinfo=UTC)


@pytest.mark.parametrize("bad", ["* * *", "61 * * * *", "every five minutes please ok now"])
def test_invalid_schedule_is_a_config_error(bad: str) -> None:
    """A malformed schedule is reported as a ConfigError naming the schedule, not a traceback."""
    with pytest.raises(ConfigError) as info:
        trigger_for(bad)
    assert "schedule" in str(info.value)
