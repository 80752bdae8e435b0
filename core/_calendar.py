"""Working days: weekends and the playbook's holidays, for every date a rep is asked to act on.

A date the client or the rep cannot act on (a Sunday, 25 December) makes the whole task look
machine-made, so advances and due dates are counted in working days.  Holidays are playbook
data (``thresholds.holidays``): ``MM-DD`` every year, ``YYYY-MM-DD`` once, or a range of
either joined by ``..`` (``12-24..01-01`` wraps the year end).  Pure: no clock, no locale.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

__all__ = ["DaysOff", "add_workdays", "days_off", "next_workday", "prev_workday"]

#: the longest range one holiday entry may span (a typo like 01-01..12-31 is refused)
_MAX_SPAN = 62


@dataclass(frozen=True)
class DaysOff:
    """Weekends plus holidays: ``yearly`` (month, day) pairs and one-off ``dates``."""

    yearly: frozenset[tuple[int, int]] = frozenset()
    dates: frozenset[date] = frozenset()

    def __contains__(self, d: object) -> bool:
        if not isinstance(d, date):
            return False
        return d.weekday() >= 5 or (d.month, d.day) in self.yearly or d in self.dates


_WEEKENDS = DaysOff()


def _one(text: str) -> tuple[int | None, int, int]:
    """``MM-DD`` -> (None, m, d); ``YYYY-MM-DD`` -> (y, m, d); ValueError otherwise."""
    parts = text.strip().split("-")
    try:
        if len(parts) == 2:
            m, d = int(parts[0]), int(parts[1])
            date(2000, m, d)  # a leap year: 02-29 is a valid yearly holiday
            return None, m, d
        if len(parts) == 3 and len(parts[0]) == 4:
            y, m, d = (int(p) for p in parts)
            date(y, m, d)
            return y, m, d
    except ValueError:
        pass
    raise ValueError(f"holiday {text!r} is not MM-DD or YYYY-MM-DD")


def days_off(specs: tuple[str, ...]) -> DaysOff:
    """Parse ``thresholds.holidays`` entries; ValueError names the first bad one."""
    yearly: set[tuple[int, int]] = set()
    dates: set[date] = set()
    for spec in specs:
        first, sep, last = spec.partition("..")
        y1, m1, d1 = _one(first)
        if not sep:
            if y1 is None:
                yearly.add((m1, d1))
            else:
                dates.add(date(y1, m1, d1))
            continue
        y2, m2, d2 = _one(last)
        if (y1 is None) != (y2 is None):
            raise ValueError(f"holiday range {spec!r} mixes MM-DD and YYYY-MM-DD")
        if y1 is None or y2 is None:  # yearly: walk a leap year, wrapping at the year end
            start = date(2000, m1, d1)
            end = date(2000 if (m2, d2) >= (m1, d1) else 2001, m2, d2)
        else:
            start, end = date(y1, m1, d1), date(y2, m2, d2)
        span = (end - start).days
        if span < 0 or span > _MAX_SPAN:
            raise ValueError(f"holiday range {spec!r} must run forward, {_MAX_SPAN} days at most")
        for k in range(span + 1):
            day = start + timedelta(days=k)
            if y1 is None:
                yearly.add((day.month, day.day))
            else:
                dates.add(day)
    return DaysOff(frozenset(yearly), frozenset(dates)) if yearly or dates else _WEEKENDS


def next_workday(d: date, off: DaysOff) -> date:
    """``d`` itself when it is a working day, else the first working day after it."""
    while d in off:
        d += timedelta(days=1)
    return d


def prev_workday(d: date, off: DaysOff) -> date:
    """``d`` itself when it is a working day, else the last working day before it."""
    while d in off:
        d -= timedelta(days=1)
    return d


def add_workdays(start: date, n: int, off: DaysOff) -> date:
    """``n`` working days after ``start`` (counted from its next working day)."""
    day = next_workday(start, off)
    while n > 0:
        day += timedelta(days=1)
        if day not in off:
            n -= 1
    return day
