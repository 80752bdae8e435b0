"""The CRM's clock, as its HTTP answers tell it: a lower bound of when a request ran there.

Incremental reads anchor their look-back at the moment the previous read ran *on the CRM*
(``connectors/_cursor.py`` has the argument), so they need the CRM's time, not ours: our
clock may be minutes off, and a window measured with it would move by as much.  Every HTTP
answer carries ``Date`` (RFC 9110 §6.6.1: the origin's time when it generated the message,
second resolution).  The request ran at or after it arrived and the answer was dated at or
before it left, so ``Date - round trip`` (measured on our monotonic clock, a duration that
no clock offset affects) is never later than when the request ran; truncation to the second
only makes ``Date`` earlier still.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

__all__ = ["CrmClock", "crm_time"]


def crm_time(headers: Mapping[str, str], round_trip_s: float) -> datetime | None:
    """When (CRM clock, at the latest) a request ran, from its answer's headers; None when
    the answer has no readable ``Date``."""
    value = next((v for k, v in headers.items() if k.lower() == "date"), None)
    if not value:
        return None
    try:
        dated = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if dated.tzinfo is None:  # RFC 850 / asctime forms carry no zone: they are GMT
        dated = dated.replace(tzinfo=UTC)
    return dated.astimezone(UTC) - timedelta(seconds=max(round_trip_s, 0.0))


class CrmClock:
    """The CRM time of the latest answer on this thread (a session notes each one)."""

    def __init__(self) -> None:
        self._local = threading.local()

    def note(self, headers: Mapping[str, str], round_trip_s: float) -> None:
        """Remember the latest answer's CRM time (or that it had none)."""
        self._local.at = crm_time(headers, round_trip_s)

    def last(self) -> datetime | None:
        """The CRM time of the latest answer on this thread; None before one, or without
        ``Date``."""
        at: datetime | None = getattr(self._local, "at", None)
        return at
