"""Reporting periods: half-open UTC intervals cut at local midnights of a timezone.

A quarter, month or ISO week means the calendar of the person reading the report, so
periods are built from local dates in a timezone and stored as aware UTC instants
(comparisons then stay correct across DST changes).  Parsing lives here, not in the CLI,
so every caller agrees what "2026-Q3" means.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from functools import cached_property

__all__ = ["Period", "local_midnight", "parse_period", "period_between", "quarter_of"]


def local_midnight(day: date, tz: tzinfo) -> datetime:
    """The UTC instant at which ``day`` starts in ``tz`` (DST-safe via the tz rules)."""
    return datetime.combine(day, time(0), tzinfo=tz).astimezone(UTC)


@dataclass(frozen=True)
class Period:
    """``[start, end)`` in UTC, from local date ``first`` to local date ``last`` inclusive."""

    label: str
    first: date
    last: date
    tz: tzinfo

    @cached_property
    def start(self) -> datetime:
        """UTC instant of local midnight starting ``first``."""
        return local_midnight(self.first, self.tz)

    @cached_property
    def end(self) -> datetime:
        """UTC instant of local midnight after ``last`` (exclusive bound)."""
        return local_midnight(self.last + timedelta(days=1), self.tz)

    def contains(self, instant: datetime) -> bool:
        """Whether an aware instant falls inside the period."""
        return self.start <= instant < self.end

    def contains_day(self, day: date) -> bool:
        """Whether a local calendar date falls inside the period."""
        return self.first <= day <= self.last

    def months(self) -> list[Period]:
        """The calendar months overlapping the period, clipped to it (for charts over time)."""
        out: list[Period] = []
        cursor = self.first
        while cursor <= self.last:
            month_end = _month_last(cursor.year, cursor.month)
            out.append(
                Period(
                    label=f"{cursor.year:04d}-{cursor.month:02d}",
                    first=cursor,
                    last=min(month_end, self.last),
                    tz=self.tz,
                )
            )
            cursor = month_end + timedelta(days=1)
        return out

    def weeks(self) -> list[Period]:
        """ISO weeks (Monday first) overlapping the period, clipped to it."""
        out: list[Period] = []
        cursor = self.first
        while cursor <= self.last:
            week_end = cursor + timedelta(days=6 - cursor.weekday())
            iso = cursor.isocalendar()
            out.append(
                Period(
                    label=f"{iso.year:04d}-W{iso.week:02d}",
                    first=cursor,
                    last=min(week_end, self.last),
                    tz=self.tz,
                )
            )
            cursor = week_end + timedelta(days=1)
        return out


def _month_last(year: int, month: int) -> date:
    nxt = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    return nxt - timedelta(days=1)


_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$", re.IGNORECASE)
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_WEEK = re.compile(r"^(\d{4})-W(\d{2})$", re.IGNORECASE)
_YEAR = re.compile(r"^(\d{4})$")
_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


def parse_period(text: str, tz: tzinfo) -> Period:
    """Parse ``2026-Q3``, ``2026-11``, ``2026-W47``, ``2026`` or ``2026-11-23`` in ``tz``.

    Raises ``ValueError`` with the accepted forms when the text is none of them.
    """
    value = text.strip()
    try:
        if m := _QUARTER.match(value):
            year, q = int(m[1]), int(m[2])
            first = date(year, 3 * q - 2, 1)
            return Period(f"{year}-Q{q}", first, _month_last(year, 3 * q), tz)
        if m := _MONTH.match(value):
            year, month = int(m[1]), int(m[2])
            return Period(value, date(year, month, 1), _month_last(year, month), tz)
        if m := _WEEK.match(value):
            first = date.fromisocalendar(int(m[1]), int(m[2]), 1)
            return Period(value.upper(), first, first + timedelta(days=6), tz)
        if m := _YEAR.match(value):
            year = int(m[1])
            return Period(value, date(year, 1, 1), date(year, 12, 31), tz)
        if _DAY.match(value):
            day = date.fromisoformat(value)
            return Period(value, day, day, tz)
    except ValueError as exc:
        raise ValueError(f"invalid period {text!r}: {exc}") from None
    raise ValueError(
        f"invalid period {text!r}: expected 2026-Q3, 2026-11, 2026-W47, 2026 or 2026-11-23"
    )


def period_between(first: date, last: date, tz: tzinfo) -> Period:
    """The period from ``first`` to ``last`` inclusive; ``ValueError`` if reversed."""
    if last < first:
        raise ValueError(f"period ends ({last}) before it starts ({first})")
    return Period(f"{first.isoformat()}..{last.isoformat()}", first, last, tz)


def quarter_of(now: datetime, tz: tzinfo) -> Period:
    """The calendar quarter containing ``now`` as seen in ``tz`` (the report's default)."""
    local = now.astimezone(tz).date()
    q = (local.month - 1) // 3 + 1
    return parse_period(f"{local.year}-Q{q}", tz)
