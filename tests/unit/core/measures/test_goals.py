"""Bite-sized prospecting goals: daily blocks, progress, and re-spread misses."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from nextadvance.core.measures import (
    BlockState,
    Metric,
    Target,
    WorkingDay,
    counts_toward,
    plan_day,
    split,
)

BERLIN = ZoneInfo("Europe/Berlin")
WEEKLY_CALLS = Target(Metric.calls, 60, "week")


@pytest.mark.parametrize(
    ("total", "weights", "parts"),
    [
        (10, [60, 180, 120, 120], [1, 4, 3, 2]),
        (14, [60, 180, 120, 120], [2, 5, 4, 3]),
        (0, [60, 180], [0, 0]),
        (3, [0, 0, 0], [1, 1, 1]),
        (5, [], []),
    ],
)
def test_split_is_proportional_with_largest_remainder(total, weights, parts) -> None:
    """Parts follow the weights, sum to the total, ties go to the earlier block."""
    assert split(total, weights) == parts


def _calls(b, *stamps: str):
    return [b.act(f"c{i}", "call", s, "no_show") for i, s in enumerate(stamps)]


def test_wednesday_plan_by_hand(b) -> None:
    """60/week, 20 done Mon-Tue: 14 today as 2/5/4/3; after the 8-9 block, 12 left as 5/4/3."""
    before = [f"2026-11-23T{9 + i % 8:02d}:00+01:00" for i in range(10)]
    before += [f"2026-11-24T{9 + i % 8:02d}:00+01:00" for i in range(10)]
    today = ["2026-11-25T07:50+01:00", "2026-11-25T08:30+01:00", "2026-11-25T09:15+01:00"]
    plan = plan_day(
        WEEKLY_CALLS, _calls(b, *before, *today), BERLIN, b.ts("2026-11-25T10:30+01:00")
    )
    assert (plan.period.label, plan.done_before_today, plan.working_days_left) == (
        "2026-W48",
        20,
        3,
    )
    assert plan.day_target == 14
    assert [bl.planned for bl in plan.blocks] == [2, 5, 4, 3]
    assert [bl.done for bl in plan.blocks] == [2, 1, 0, 0]
    assert [bl.target for bl in plan.blocks] == [2, 5, 4, 3]
    assert [bl.state for bl in plan.blocks] == [
        BlockState.met,
        BlockState.current,
        BlockState.upcoming,
        BlockState.upcoming,
    ]
    assert plan.blocks[1].label(Metric.calls) == "5 calls before 12:00"
    assert (plan.done_today, plan.done_in_period, plan.missed) == (3, 23, 0)


def test_missed_block_is_respread_over_open_blocks(b) -> None:
    """Nothing done before 9:00: 2 missed, and all 14 spread as 6/4/4 over the rest."""
    before = [f"2026-11-23T10:{i:02d}+01:00" for i in range(20)]
    plan = plan_day(WEEKLY_CALLS, _calls(b, *before), BERLIN, b.ts("2026-11-25T10:30+01:00"))
    assert plan.missed == 2
    assert plan.blocks[0].state is BlockState.missed
    assert [bl.target for bl in plan.blocks] == [2, 6, 4, 4]


def test_blocks_follow_wall_clock_across_dst(b) -> None:
    """'Before 9:00' is 07:00Z on Friday 23 Oct (CEST) and 08:00Z on Monday 26 Oct (CET)."""
    call = _calls(b, "2026-10-23T07:30", "2026-10-26T07:30")
    fri = plan_day(WEEKLY_CALLS, call, BERLIN, b.ts("2026-10-23T16:00"))
    mon = plan_day(WEEKLY_CALLS, call, BERLIN, b.ts("2026-10-26T16:00"))
    assert fri.blocks[0].end == datetime(2026, 10, 23, 7, tzinfo=UTC)
    assert mon.blocks[0].end == datetime(2026, 10, 26, 8, tzinfo=UTC)
    assert [bl.done for bl in fri.blocks] == [0, 1, 0, 0]
    assert [bl.done for bl in mon.blocks] == [1, 0, 0, 0]


def test_local_day_not_utc_day_decides_today(b) -> None:
    """23:30Z Monday is already Tuesday in Berlin: the call counts for Tuesday's plan."""
    call = _calls(b, "2026-11-23T23:30")
    plan = plan_day(WEEKLY_CALLS, call, BERLIN, b.ts("2026-11-24T06:00"))
    assert plan.day == date(2026, 11, 24)
    assert (plan.done_today, plan.done_before_today) == (1, 0)
    assert plan.blocks[0].done == 1  # before the first block: counts toward it


def test_weekend_and_holidays_have_no_blocks(b) -> None:
    """Saturday has no blocks; a holiday shifts the remaining work to fewer days."""
    sat = plan_day(WEEKLY_CALLS, [], BERLIN, b.ts("2026-11-28T10:00+01:00"))
    assert (sat.blocks, sat.day_target, sat.working_days_left) == ((), 0, 0)
    work = WorkingDay(holidays=frozenset({date(2026, 11, 27)}))
    thu = plan_day(WEEKLY_CALLS, [], BERLIN, b.ts("2026-11-26T07:00+01:00"), work)
    assert (thu.working_days_left, thu.day_target) == (1, 60)


def test_monthly_meetings_target_with_custom_blocks(b) -> None:
    """8 meetings/month on 30 Nov (last working day) with 2 held: 6 today, split 3/3."""
    held = [
        b.act("m1", "meeting", "2026-11-10T10:00"),
        b.act("m2", "meeting", "2026-11-12T10:00"),
        b.act("m3", "meeting", "2026-11-13T10:00", "no_show"),
    ]
    work = WorkingDay(blocks=((time(9), time(12)), (time(13), time(16))))
    plan = plan_day(Target(Metric.meetings, 8, "month"), held, UTC, b.ts("2026-11-30T08:00"), work)
    assert (plan.period.label, plan.done_before_today, plan.day_target) == ("2026-11", 2, 6)
    assert [bl.planned for bl in plan.blocks] == [3, 3]


def test_counts_toward_each_metric(b) -> None:
    """Scheduled calls and inbound emails are not progress; outbound/undirected ones are."""
    assert not counts_toward(Metric.calls, b.act("c", "call", "2026-11-01T10:00", "scheduled"))
    assert counts_toward(Metric.calls, b.act("c", "call", "2026-11-01T10:00", "unknown"))
    assert not counts_toward(
        Metric.emails, b.act("e", "email", "2026-11-01T10:00", direction="inbound")
    )
    assert counts_toward(Metric.emails, b.act("e", "email", "2026-11-01T10:00"))
    assert not counts_toward(Metric.meetings, b.act("m", "meeting", "2026-11-01T10:00", "no_show"))
