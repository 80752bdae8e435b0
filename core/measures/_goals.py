"""Bite-sized prospecting goals: a weekly or monthly target cut into blocks of the day.

"60 calls this week" is too big to act on; "5 calls before 9:00" is not (METHOD.md §5).
The target still to do is spread evenly over the working days left in the period, today's
share is split over the day's blocks in proportion to their length, and whatever a past
block missed is re-spread over the blocks still open.  Blocks are wall-clock times in the
rep's timezone, so "before 9:00" stays 9:00 across DST changes.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from enum import StrEnum
from typing import Literal

from nextadvance.core.measures._period import Period, local_midnight
from nextadvance.core.models import Activity, ActivityKind, Outcome

__all__ = [
    "DEFAULT_BLOCKS",
    "BlockPlan",
    "BlockState",
    "DayPlan",
    "Metric",
    "Target",
    "WorkingDay",
    "counts_toward",
    "plan_day",
    "split",
]


class Metric(StrEnum):
    """What a prospecting target counts."""

    calls = "calls"
    emails = "emails"
    meetings = "meetings"


_NOT_DONE = frozenset({Outcome.scheduled, Outcome.canceled, Outcome.rescheduled})


def counts_toward(metric: Metric, activity: Activity) -> bool:
    """Whether a logged activity is progress on ``metric``.

    calls: a call that was made (any outcome but scheduled/canceled/rescheduled; a dial that
    reached nobody is still work done); emails: an email that is not inbound; meetings: a
    completed meeting (the model has no "booked on" time, so held meetings are counted).
    """
    if metric is Metric.calls:
        return activity.kind is ActivityKind.call and activity.outcome not in _NOT_DONE
    if metric is Metric.emails:
        return activity.kind is ActivityKind.email and (activity.direction or "") != "inbound"
    return activity.kind is ActivityKind.meeting and activity.outcome is Outcome.completed


@dataclass(frozen=True)
class Target:
    """A manager's target: ``count`` of ``metric`` per ``per`` (ISO week or calendar month)."""

    metric: Metric
    count: int
    per: Literal["week", "month"] = "week"


#: The default working day: early block, morning, after lunch, end of day.
DEFAULT_BLOCKS: tuple[tuple[time, time], ...] = (
    (time(8, 0), time(9, 0)),
    (time(9, 0), time(12, 0)),
    (time(13, 0), time(15, 0)),
    (time(15, 0), time(17, 0)),
)


@dataclass(frozen=True)
class WorkingDay:
    """The rep's working week: blocks of the day (local wall times), weekdays, holidays."""

    blocks: tuple[tuple[time, time], ...] = DEFAULT_BLOCKS
    #: Working weekdays, Monday = 0.
    weekdays: frozenset[int] = frozenset({0, 1, 2, 3, 4})
    holidays: frozenset[date] = field(default_factory=frozenset)

    def works_on(self, day: date) -> bool:
        """Whether ``day`` is a working day."""
        return day.weekday() in self.weekdays and day not in self.holidays


def split(total: int, weights: Sequence[int]) -> list[int]:
    """Split ``total`` in proportion to ``weights`` (largest remainder, ties to the earlier).

    All-zero weights split evenly.  The parts always sum to ``total``.
    """
    if not weights:
        return []
    if not any(weights):
        weights = [1] * len(weights)
    whole = sum(weights)
    exact = [total * w / whole for w in weights]
    parts = [math.floor(x) for x in exact]
    left = total - sum(parts)
    order = sorted(range(len(weights)), key=lambda i: (-(exact[i] - parts[i]), i))
    for i in order[:left]:
        parts[i] += 1
    return parts


class BlockState(StrEnum):
    """Where a block stands at ``now``."""

    met = "met"
    missed = "missed"
    current = "current"
    upcoming = "upcoming"


@dataclass(frozen=True)
class BlockPlan:
    """One block of the day: its times, the plan at the start of the day, progress, target."""

    start: datetime
    end: datetime
    local_start: time
    local_end: time
    planned: int
    done: int
    target: int
    state: BlockState

    def label(self, metric: Metric) -> str:
        """E.g. ``5 calls before 09:00``."""
        return f"{self.target} {metric.value} before {self.local_end:%H:%M}"


@dataclass(frozen=True)
class DayPlan:
    """One rep's plan for one metric on one day, with the period's progress."""

    metric: Metric
    day: date
    period: Period
    period_target: int
    done_before_today: int
    working_days_left: int
    day_target: int
    done_today: int
    missed: int
    blocks: tuple[BlockPlan, ...] = ()

    @property
    def done_in_period(self) -> int:
        """Progress so far in the week/month, today included."""
        return self.done_before_today + self.done_today


def _period_of(day: date, per: Literal["week", "month"], tz: tzinfo) -> Period:
    if per == "week":
        first = day - timedelta(days=day.weekday())
        iso = day.isocalendar()
        return Period(f"{iso.year:04d}-W{iso.week:02d}", first, first + timedelta(days=6), tz)
    first = day.replace(day=1)
    nxt = (first + timedelta(days=32)).replace(day=1)
    return Period(f"{day.year:04d}-{day.month:02d}", first, nxt - timedelta(days=1), tz)


def _minutes(start: time, end: time) -> int:
    return (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)


def plan_day(
    target: Target,
    activities: Iterable[Activity],
    tz: tzinfo,
    now: datetime,
    working: WorkingDay | None = None,
    day: date | None = None,
) -> DayPlan:
    """Today's blocks for one target of one rep, with progress and re-spread misses.

    ``activities`` are the rep's; only those counting toward the metric
    (:func:`counts_toward`) and not after ``now`` are progress.  ``day`` defaults to
    ``now``'s local date in ``tz``.

    1. day target = ceil((period target - done before today) / working days left incl. today);
    2. the plan splits it over the blocks by length in minutes (:func:`split`);
    3. an activity counts toward the first block ending after its local time (the last
       block if after hours); a block has *ended* when its end is not after ``now``;
    4. open blocks share what is left of the day target after ended blocks, again by
       length; ended blocks keep their planned number, and ``missed`` sums their shortfall.

    On a non-working day the plan has no blocks and a day target of 0.
    """
    work = working or WorkingDay()
    today = day or now.astimezone(tz).date()
    period = _period_of(today, target.per, tz)
    day_start, day_end = local_midnight(today, tz), local_midnight(today + timedelta(days=1), tz)
    done_before = 0
    stamps: list[datetime] = []
    for a in activities:
        if a.at > now or not counts_toward(target.metric, a):
            continue
        if period.start <= a.at < day_start:
            done_before += 1
        elif day_start <= a.at < day_end:
            stamps.append(a.at)
    days_left = sum(
        1 for i in range((period.last - today).days + 1) if work.works_on(today + timedelta(days=i))
    )
    if not work.works_on(today) or not work.blocks:
        return DayPlan(
            target.metric, today, period, target.count, done_before, days_left, 0, len(stamps), 0
        )
    day_target = math.ceil(max(0, target.count - done_before) / days_left)
    bounds = [
        (
            datetime.combine(today, s, tzinfo=tz).astimezone(UTC),
            datetime.combine(today, e, tzinfo=tz).astimezone(UTC),
        )
        for s, e in work.blocks
    ]
    lengths = [_minutes(s, e) for s, e in work.blocks]
    planned = split(day_target, lengths)
    done = [0] * len(bounds)
    for at in stamps:
        idx = next((i for i, (_, end) in enumerate(bounds) if at < end), len(bounds) - 1)
        done[idx] += 1
    ended = [end <= now for _, end in bounds]
    left = max(0, day_target - sum(d for d, e in zip(done, ended, strict=True) if e))
    open_idx = [i for i, e in enumerate(ended) if not e]
    respread = dict(zip(open_idx, split(left, [lengths[i] for i in open_idx]), strict=True))
    blocks = []
    missed = 0
    for i, ((start, end), (ls, le)) in enumerate(zip(bounds, work.blocks, strict=True)):
        if ended[i]:
            tgt = planned[i]
            state = BlockState.met if done[i] >= tgt else BlockState.missed
            missed += max(0, tgt - done[i])
        else:
            tgt = respread[i]
            state = BlockState.current if start <= now else BlockState.upcoming
        blocks.append(BlockPlan(start, end, ls, le, planned[i], done[i], tgt, state))
    return DayPlan(
        target.metric,
        today,
        period,
        target.count,
        done_before,
        days_left,
        day_target,
        len(stamps),
        missed,
        tuple(blocks),
    )
