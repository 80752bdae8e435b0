"""When a decision made at one ``now`` is still the decision at another.

``decide(deal, playbook, now)`` reads ``now`` in only three ways (the engine's every use;
``tests/unit/core/test_timeclass.py`` checks the claim on thousands of deals and instants):

- its calendar day in the owner's zone (``now.date()``, days to the close date, parking,
  due dates, "yesterday"); not the UTC day: the UTC dates a write-back shows are of the
  deal's own datetimes, and ``now``'s own ones are re-stamped (tested a minute each side
  of UTC midnights);
- its zone (dates of activities are shown in it);
- whole days elapsed since a datetime of the deal (``(now - at).days``, in UTC), and which
  side of an activity it is on (held, or still booked), which is the same thing at zero days.
  The engine compares an activity with ``now`` by instant (in UTC): two datetimes of one
  ``ZoneInfo`` compare by wall clock, fold ignored, so a meeting in the owner's repeated DST
  hour would otherwise read as booked after it was held (found by that test).

Beyond these, ``now`` is only echoed: ``Decision.decided_at`` (and the write-back's
``last_evaluated`` and the coach payload's ``decided_at``), which a sync re-stamps or ignores.

So two instants with the same days, the same zone offset and the same whole days since every
datetime the deal holds get the same decision, and a sync may keep the one it made (see
``sync/store/_decided.py``).  The class is a tuple of plain values: equal tuples, equal
decisions.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from nextadvance.core.models import Deal

__all__ = ["time_class"]

_DAY = timedelta(days=1)
_SECOND = timedelta(seconds=1)


def time_class(deal: Deal, now: datetime) -> tuple[Any, ...]:
    """The values of ``now`` that ``decide(deal, ., now)`` can tell apart (see the module)."""
    offset = now.utcoffset()
    if now.tzinfo is None or offset is None:
        raise ValueError("now must be timezone-aware")
    utc = now.astimezone(UTC)
    out: list[Any] = [
        now.date().toordinal(),
        offset // _SECOND,
        getattr(now.tzinfo, "key", None),
    ]
    for at in (deal.created_at, deal.modified_at, deal.stage_entered_at):
        out.append(None if at is None else (utc - at) // _DAY)
    out.extend((utc - a.at) // _DAY for a in deal.activities)
    out.extend(None if c.added_at is None else (utc - c.added_at) // _DAY for c in deal.contacts)
    for key, value in deal.fields.items():
        if isinstance(value, datetime) or _holds_datetime(value):
            out.append((key, _days_since(utc, value)))
    return tuple(out)


def _holds_datetime(value: object) -> bool:
    """Whether an evidence field's value is or holds an aware datetime (lists of them)."""
    if isinstance(value, list | tuple):
        return any(isinstance(v, datetime) or _holds_datetime(v) for v in value)
    if isinstance(value, dict):
        return any(isinstance(v, datetime) or _holds_datetime(v) for v in value.values())
    return False


def _days_since(utc: datetime, value: object) -> object:
    """Whole days from each datetime in ``value`` to ``utc`` (naive ones as UTC)."""
    if isinstance(value, datetime):
        at = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
        return (utc - at) // _DAY
    if isinstance(value, list | tuple):
        return tuple(_days_since(utc, v) for v in value)
    if isinstance(value, dict):
        return tuple((k, _days_since(utc, v)) for k, v in sorted(value.items()))
    if isinstance(value, date):
        return None  # a day: the calendar days above cover it
    return None
