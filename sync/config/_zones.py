"""Each deal owner's time zone, so "today", meeting days and due dates are the rep's own.

The engine is pure and takes ``now``; deciding a deal at ``now`` converted to its owner's
zone makes every date it writes a local one (a call at 05:00 UTC on Sunday is due on the Los
Angeles rep's Saturday).  The zone comes from the CRM (``Deal.owner_timezone``: Salesforce
``Owner.TimeZoneSidKey``), else the targets file's rep, else the connection's ``timezone``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from nextadvance.core.models import Deal

__all__ = ["OwnerZones"]


class OwnerZones:
    """Owner id -> time zone, with the CRM's own zone per deal first and a default last."""

    def __init__(self, default: tzinfo = UTC, reps: Mapping[str, tzinfo] | None = None) -> None:
        self.default = default
        self.reps = dict(reps or {})
        #: IANA names the CRM sent, parsed once (None: not a zone this machine knows)
        self._named: dict[str, tzinfo | None] = {}

    def of(self, deal: Deal) -> tzinfo:
        """The zone ``deal``'s owner works in."""
        name = deal.owner_timezone
        if name:
            if name not in self._named:
                self._named[name] = _parse(name)
            zone = self._named[name]
            if zone is not None:
                return zone
        if deal.owner and deal.owner in self.reps:
            return self.reps[deal.owner]
        return self.default

    def now(self, deal: Deal, now: datetime) -> datetime:
        """``now`` as the wall clock of ``deal``'s owner (the same instant)."""
        return now.astimezone(self.of(deal))


def _parse(name: str) -> tzinfo | None:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None
