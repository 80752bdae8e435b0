"""SOQL relative date literals (TODAY, LAST_N_DAYS:n ...) as half-open ranges.

Relative to the current UTC day, as the org evaluates them (the org's time zone is UTC).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from ._soql import DateLiteral
from ._store import parse_datetime

__all__ = ["date_range"]


def date_range(lit: DateLiteral, kind: str) -> tuple[Any, Any]:
    """The [start, end) of a relative date literal, as dates or epoch ms for datetimes."""
    today = datetime.now(UTC).date()
    n, name = lit.n, lit.name
    week = today - timedelta(days=(today.weekday() + 1) % 7)
    month = today.replace(day=1)
    next_month = (month + timedelta(days=32)).replace(day=1)
    prev_month = (month - timedelta(days=1)).replace(day=1)
    spans: dict[str, tuple[date, date]] = {
        "TODAY": (today, today + timedelta(days=1)),
        "YESTERDAY": (today - timedelta(days=1), today),
        "TOMORROW": (today + timedelta(days=1), today + timedelta(days=2)),
        "LAST_N_DAYS": (today - timedelta(days=n), today + timedelta(days=1)),
        "NEXT_N_DAYS": (today + timedelta(days=1), today + timedelta(days=n + 1)),
        "N_DAYS_AGO": (today - timedelta(days=n), today - timedelta(days=n - 1)),
        "LAST_N_WEEKS": (week - timedelta(weeks=n), week),
        "NEXT_N_WEEKS": (week + timedelta(weeks=1), week + timedelta(weeks=n + 1)),
        "THIS_WEEK": (week, week + timedelta(weeks=1)),
        "LAST_WEEK": (week - timedelta(weeks=1), week),
        "NEXT_WEEK": (week + timedelta(weeks=1), week + timedelta(weeks=2)),
        "THIS_MONTH": (month, next_month),
        "LAST_MONTH": (prev_month, month),
        "NEXT_MONTH": (next_month, (next_month + timedelta(days=32)).replace(day=1)),
        "LAST_90_DAYS": (today - timedelta(days=90), today + timedelta(days=1)),
        "NEXT_90_DAYS": (today + timedelta(days=1), today + timedelta(days=91)),
        "THIS_YEAR": (
            today.replace(month=1, day=1),
            today.replace(year=today.year + 1, month=1, day=1),
        ),
        "LAST_YEAR": (
            today.replace(year=today.year - 1, month=1, day=1),
            today.replace(month=1, day=1),
        ),
    }
    lo, hi = spans[name]
    if kind == "date":
        return lo.isoformat(), hi.isoformat()
    return parse_datetime(lo.isoformat() + "T00:00:00Z"), parse_datetime(
        hi.isoformat() + "T00:00:00Z"
    )
