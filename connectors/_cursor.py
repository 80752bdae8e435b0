"""Keyset cursors on (modified stamp, id) with a lookback window and de-duplication.

Every incremental stream (Salesforce SystemModstamp, HubSpot hs_lastmodifieddate) re-reads
from ``high-water stamp - lookback`` so late-visible records (long transactions, search index
lag) are caught, and skips what it already emitted: the ``seen`` pairs ``(id, stamp)`` inside
the window travel in the cursor.  A record that reappears with a *new* stamp is news again.
Resuming mid-stream from a committed cursor is the same operation, so a crash between two
batches neither skips nor (beyond the window) repeats records.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from nextadvance.mappings import to_datetime

__all__ = ["MAX_SEEN", "StreamCursor", "format_ts", "parse_ts"]

#: Upper bound of remembered (id, stamp) pairs; past it the oldest are dropped, which can only
#: cause harmless repeats (consumers de-duplicate by (id, stamp) too).
MAX_SEEN = 20_000


def parse_ts(value: Any) -> datetime:
    """A timezone-aware UTC datetime from ISO 8601 (``Z``, ``+0000``) or epoch milliseconds.

    The one timestamp reader (:func:`nextadvance.mappings.to_datetime`), required here: a
    cursor or a record stamp that is empty is an error, not "no time".
    """
    parsed = to_datetime(value)
    if parsed is None:
        raise ValueError(f"{value!r} is not a timestamp")
    return parsed.astimezone(UTC)


def format_ts(value: datetime) -> str:
    """ISO 8601 UTC with milliseconds and ``Z`` (also a valid SOQL datetime literal)."""
    value = value.astimezone(UTC)
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"


@dataclass
class StreamCursor:
    """High-water mark ``(ts, id)`` of one stream plus the pairs seen inside the window."""

    ts: datetime | None = None
    id: str = ""
    seen: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_json(cls, data: Any) -> StreamCursor:
        """Rebuild from :meth:`to_json` output (None or junk gives an empty cursor)."""
        if not isinstance(data, dict) or not data.get("ts"):
            return cls()
        seen = data.get("seen") or []
        return cls(
            ts=parse_ts(data["ts"]),
            id=str(data.get("id") or ""),
            seen={str(i): str(s) for i, s in seen},
        )

    def to_json(self) -> dict[str, Any]:
        """JSON-able form for the committed cursor."""
        return {
            "ts": format_ts(self.ts) if self.ts else None,
            "id": self.id,
            "seen": [[i, s] for i, s in self.seen.items()],
        }

    def copy(self) -> StreamCursor:
        """An independent copy (batches carry snapshots, not the live object)."""
        return StreamCursor(self.ts, self.id, dict(self.seen))

    def since(self, lookback_s: float) -> datetime | None:
        """Where the next read starts: the high-water stamp minus the lookback window."""
        return None if self.ts is None else self.ts - timedelta(seconds=lookback_s)

    def is_new(self, record_id: str, stamp: datetime) -> bool:
        """Whether ``(record_id, stamp)`` has not been emitted yet."""
        return self.seen.get(record_id) != format_ts(stamp)

    def advance(self, record_id: str, stamp: datetime) -> None:
        """Record an emitted pair and move the high-water mark forward if it is newer."""
        if self.ts is None or (stamp, record_id) > (self.ts, self.id):
            self.ts, self.id = stamp, record_id
        self.seen.pop(record_id, None)
        self.seen[record_id] = format_ts(stamp)

    def prune(self, lookback_s: float) -> None:
        """Forget pairs older than the window (and the oldest beyond :data:`MAX_SEEN`)."""
        floor = self.since(lookback_s)
        if floor is not None:
            keep = format_ts(floor)
            self.seen = {i: s for i, s in self.seen.items() if s >= keep}
        if len(self.seen) > MAX_SEEN:
            items = sorted(self.seen.items(), key=lambda kv: kv[1])[-MAX_SEEN:]
            self.seen = dict(items)
