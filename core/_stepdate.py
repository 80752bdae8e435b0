"""Calendar dates in a next step ("by 11/27", "Dec 3", "22.03."), resolved against today.

The clause parser only finds *that* a clause names a date (``Clause.when``); whether a
client's agreed date has passed, or which day our advance must not move, needs the day
itself.  Only phrases that name a day of a month resolve: a weekday ("Fri"), "next week"
or "EOQ" depends on when the step was written, which the CRM does not say, so they stay
unresolved (never read as overdue).  Slashes read month first (10/2 is 2 Oct, as US reps
write), dots day first (22.03. is 22 Mar); a first number above 12 swaps the order.  A date
without a year is the one of last, this or next year closest to today.  Pure.
"""

from __future__ import annotations

import re
from datetime import date

from nextadvance.core._memo import remember

__all__ = ["resolve_dates"]

_MONTHS = {
    m: i
    for i, names in enumerate(
        (
            (),
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        )
    )
    for m in names
}
_MONTH = "|".join(sorted(_MONTHS, key=len, reverse=True))
_DATE = re.compile(
    r"(?<![\w./-])(?:"
    r"(?P<iy>\d{4})-(?P<im>\d{1,2})-(?P<id>\d{1,2})"
    r"|(?P<sa>\d{1,2})/(?P<sb>\d{1,2})(?:/(?P<sy>\d{2}|\d{4}))?"
    r"|(?P<da>\d{1,2})\.(?P<db>\d{1,2})(?:\.(?P<dy>\d{4}|\d{2})?)?"
    rf"|(?P<mn>{_MONTH})\.? (?P<md>\d{{1,2}})(?:st|nd|rd|th)?(?:,? (?P<my>\d{{4}}))?"
    rf"|(?P<nd>\d{{1,2}})(?:st|nd|rd|th)? (?:of )?(?P<nm>{_MONTH})\b(?:,? (?P<ny>\d{{4}}))?"
    r")(?![\w/-]|\.\d)",
    re.IGNORECASE,
)
#: a weekday named right before a date ("Fri 11/27"): it picks the year when it fits one
_WEEKDAY = re.compile(r"\b(mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s*$", re.IGNORECASE)
_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _year(raw: str | None) -> int | None:
    if raw is None:
        return None
    y = int(raw)
    return y + 2000 if y < 100 else y


def _day(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _closest(month: int, day: int, today: date, weekday: int | None) -> date | None:
    """The date of last, this or next year closest to ``today`` (one whose weekday is
    ``weekday`` first, when the text names it)."""
    days = [_day(today.year + k, month, day) for k in (-1, 0, 1)]
    found = [d for d in days if d is not None]
    fitting = [d for d in found if weekday is not None and d.weekday() == weekday]
    pool = fitting or found
    return min(pool, key=lambda d: abs((d - today).days)) if pool else None


def _parts(m: re.Match[str]) -> tuple[int, int, int | None] | None:
    """(month, day, year or None) of one match, or None when it is no calendar day."""
    g = m.group
    if g("iy"):
        return int(g("im")), int(g("id")), int(g("iy"))
    if g("sa"):
        a, b, y = int(g("sa")), int(g("sb")), _year(g("sy"))
        return (b, a, y) if a > 12 >= b else (a, b, y)
    if g("da"):
        a, b, y = int(g("da")), int(g("db")), _year(g("dy"))
        if g("dy") is None and not m.group(0).endswith("."):
            return None  # "2.5" is a version or an amount; "22.03." and "22.03.26" are days
        return (a, b, y) if b > 12 >= a else (b, a, y)
    if g("mn"):
        return _MONTHS[g("mn").lower()], int(g("md")), _year(g("my"))
    if g("nm"):
        return _MONTHS[g("nm").lower()], int(g("nd")), _year(g("ny"))
    return None


_MEMO: dict[tuple[str, date], tuple[date, ...]] = {}


def resolve_dates(text: str, today: date) -> tuple[date, ...]:
    """The calendar days ``text`` names, in order (unresolvable phrases left out);
    memoised, as next steps recur across an org and a run has one today."""
    key = (text, today)
    hit = _MEMO.get(key)
    if hit is None:
        hit = remember(_MEMO, key, _resolve(text, today), 4_096)
    return hit


def _resolve(text: str, today: date) -> tuple[date, ...]:
    out: list[date] = []
    for m in _DATE.finditer(text):
        parts = _parts(m)
        if parts is None:
            continue
        month, day, year = parts
        if not (1 <= month <= 12 and 1 <= day <= 31):
            continue
        if year is not None:
            found = _day(year, month, day)
        else:
            wd = _WEEKDAY.search(text, 0, m.start())
            weekday = _DAYS.index(wd.group(1).lower()) if wd is not None else None
            found = _closest(month, day, today, weekday)
        if found is not None:
            out.append(found)
    return tuple(out)
