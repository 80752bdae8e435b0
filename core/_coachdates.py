"""The dates a call plan says: when an advance is due, the task's due day, how a date reads.

Split from :mod:`nextadvance.core._coach`, which fills the templates: the calendar rules
(working days, the lead time, the close date's cap) read in one place here.  Memoised:
the same few dates recur across every deal of a run.  Pure: ``today`` comes from the caller.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from nextadvance.core._calendar import DaysOff, add_workdays, next_workday, prev_workday
from nextadvance.core._memo import remember
from nextadvance.core.models import Activity, ActivityKind, Outcome

__all__ = [
    "DATE_STYLE",
    "advance_by",
    "next_meeting",
    "say",
    "say_date",
    "sooner",
    "workdays_after",
]

_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("", "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_MEETING_KINDS = (ActivityKind.meeting, ActivityKind.call)
#: bound of the memos below (cleared when full), so memory does not grow with the org
#: (issue #20)
_MEMO_LIMIT = 8_192
_SMALL_LIMIT = 4_096


#: the shipped ``wording.date_style``
DATE_STYLE = "{weekday} {day} {month}"


def say_date(d: date, style: str = DATE_STYLE) -> str:
    """``Fri 12 Dec`` by default: short, unambiguous across locales, no year (always the
    coming weeks); ``wording.date_style`` may say it the local way ("Fri 12/12")."""
    if style == DATE_STYLE:
        return f"{_DAYS[d.weekday()]} {d.day} {_MONTHS[d.month]}"
    return style.format(
        weekday=_DAYS[d.weekday()],
        day=d.day,
        month=_MONTHS[d.month],
        month_number=d.month,
        year=d.year,
    )


#: keyed on ``id(off)`` (a frozen dataclass hashes in Python, an int in C), the DaysOff
#: itself held in the value and checked
_DUE: dict[tuple[date, int, int], tuple[DaysOff, date]] = {}


def workdays_after(start: date, n: int, off: DaysOff) -> date:
    """``n`` working days after ``start`` (weekends and holidays skipped); memoised."""
    key = (start, n, id(off))
    hit = _DUE.get(key)
    if hit is None or hit[0] is not off:
        hit = remember(_DUE, key, (off, add_workdays(start, n, off)), _SMALL_LIMIT + 1)
    return hit[1]


#: said dates are the same for many deals: a small shared cache
_SAID: dict[tuple[date, str], str] = {}


def say(d: date, style: str) -> str:
    """:func:`say_date`, memoised."""
    hit = _SAID.get((d, style))
    if hit is None:
        hit = remember(_SAID, (d, style), say_date(d, style), _SMALL_LIMIT + 1)
    return hit


def next_meeting(activities: list[Activity], now: datetime) -> date | None:
    """The day of the earliest client meeting or call booked after ``now`` (time-ordered),
    in ``now``'s time zone: the caller passes ``now`` in the deal owner's zone, so a call at
    05:00 UTC on Sunday is the owner's Saturday evening when they are in Los Angeles."""
    found = None
    now_utc = now.astimezone(UTC)  # by instant (one zone's datetimes compare by wall clock)
    for a in reversed(activities):
        if a.at <= now_utc:
            break
        if a.outcome is Outcome.scheduled and a.kind in _MEETING_KINDS:
            found = a
    if found is None:
        return None
    return found.at.date() if found.all_day else found.at.astimezone(now.tzinfo).date()


_BY: dict[tuple[int, date, date | None, date, int, int], tuple[DaysOff, date]] = {}


def advance_by(
    adv_days: int, base: date, close: date | None, today: date, off: DaysOff, lead: int
) -> date:
    """The date of an advance (see :func:`_compute_by`); memoised (a handful of advances,
    dates of the coming months; keyed on ``id(off)`` as :data:`_DUE` is)."""
    key = (adv_days, base, close, today, id(off), lead)
    hit = _BY.get(key)
    if hit is None or hit[0] is not off:
        hit = remember(
            _BY, key, (off, _compute_by(adv_days, base, close, today, off, lead)), _MEMO_LIMIT
        )
    return hit[1]


def _compute_by(
    adv_days: int, base: date, close: date | None, today: date, off: DaysOff, lead: int
) -> date:
    """``adv_days`` after ``base`` (the next meeting, else today), on a working day, never
    sooner than ``lead`` working days from today; pulled in to a close date that still
    leaves that much time and is not before the meeting.  A close date too near to act on
    does not drag the advance to tomorrow: the date stays realistic and the close-date
    note says the close date must move."""
    by = max(next_workday(base + timedelta(days=adv_days), off), workdays_after(today, lead, off))
    if close is not None and close < by:
        capped = prev_workday(close, off)  # a commitment due on a day off is due the day before
        if capped >= max(workdays_after(today, lead, off), base):
            by = capped
    return by


def sooner(by: date, before: date, base: date, today: date, off: DaysOff, lead: int) -> date:
    """The working day before ``before``, unless that is sooner than ``lead`` working days
    from today or before the meeting (then ``by`` stays: no room for a sooner step)."""
    earlier = prev_workday(before - timedelta(days=1), off)
    return earlier if earlier >= max(workdays_after(today, lead, off), base) else by
