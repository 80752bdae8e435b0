"""Keyset cursors on (modified stamp, id) with a lookback window and de-duplication.

Every incremental stream (Salesforce SystemModstamp, HubSpot hs_lastmodifieddate) reads
``stamp >= since ORDER BY stamp, id`` and skips what it already emitted: the ``seen`` pairs
``(id, stamp)`` inside the window travel in the cursor.  A record that reappears with a *new*
stamp is news again.

Where ``since`` lies, and why that is safe
------------------------------------------
A record is stamped when its change is made but becomes visible to queries only when it
commits (a long Salesforce transaction: getUpdated's ``latestDateCovered`` exists for exactly
this, https://developer.salesforce.com/docs/atlas.en-us.api.meta/api/sforce_api_calls_getupdated_getupdatedresult.htm)
or, on HubSpot, when the search index catches up.  ``lookback`` is our bound on that lag:
``visible_at - stamp <= lookback``.  Let ``R`` be the CRM's time when a read's first page ran
(``read_at``).  Every later page of that read runs at ``>= R`` and continues from the last
record returned (by its stamp or key, never an offset: a record that moved meanwhile would
shift an offset past one that did not); so a record the read did not return became visible
after ``R`` and has ``stamp > R - lookback``.  The next read therefore
starts at ``since = R - lookback`` — *not* at ``high-water stamp - lookback``: after a burst of
our own writes the high-water mark is the burst, and anchoring there re-read the whole burst on
every idle run until a newer change moved the mark (10 reads instead of 4 on Salesforce, 64
instead of 8 on HubSpot at 10k deals).  Nor at ``max(high-water, R) - lookback``: a record
modified while the read ran can put the mark past ``R``, and a late one stamped just below it
would be skipped.  Records stamped before ``R - lookback`` were visible to that read (or, below
its own ``since``, to an earlier one, by induction).

``R`` is the CRM's clock, never ours, so clock skew between this machine and the CRM cannot
move the window: it comes from the HTTP ``Date`` header of the first page's response (see
:func:`nextadvance.connectors._crmclock.crm_time`).  ``Date`` is truncated to the second and
stamped when the answer is written, after the query ran; ``Date - round trip`` is therefore
never later than the moment the query ran, whatever the truncation.  (Our round trip is
measured on the monotonic clock, a duration; skew does not enter it.)

``R`` moves to ``read_at`` only when the read has finished (``finish``).  While it runs it is
``reading``, and a cursor committed mid-read (a crash between batches) resumes at
``max(read_at - lookback, min(high-water, reading - lookback))``: records up to the mark were
returned unless late (then stamped after ``reading - lookback``), records past it were not
read yet.  A cursor written before ``read_at`` existed (or a read whose answer had no ``Date``)
falls back to ``high-water - lookback`` as before.

The minimum is reached when runs are more than ``lookback`` apart (a ``*/30`` schedule): then
the window holds only what changed since the previous run.  Runs closer together re-read the
last ``lookback`` seconds of changes; that is the price of catching late commits.
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


#: the last stamp formatted and its text: a pull asks ``is_new`` then ``advance`` of the
#: same stamp object (swapped as one tuple, so a second thread never sees half of it)
_last_ts: tuple[datetime | None, str] = (None, "")


def format_ts(value: datetime) -> str:
    """ISO 8601 UTC with milliseconds and ``Z`` (also a valid SOQL datetime literal)."""
    global _last_ts
    last = _last_ts
    if last[0] is value:
        return last[1]
    utc = value if value.tzinfo is UTC else value.astimezone(UTC)
    if utc.year >= 1000:  # isoformat pads the year to 4 digits, strftime does not
        text = utc.isoformat(timespec="milliseconds")[:23] + "Z"
    else:
        text = utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"
    _last_ts = (value, text)
    return text


def _opt_ts(value: Any) -> datetime | None:
    """An optional cursor time: absent or unreadable gives None (the older behaviour)."""
    try:
        return parse_ts(value) if value else None
    except ValueError:
        return None


@dataclass
class StreamCursor:
    """High-water mark ``(ts, id)`` of one stream, the pairs seen inside the window, and when
    (CRM clock) the last finished read and the read under way began (see the module doc)."""

    ts: datetime | None = None
    id: str = ""
    seen: dict[str, str] = field(default_factory=dict)
    read_at: datetime | None = None
    reading: datetime | None = None

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
            read_at=_opt_ts(data.get("read_at")),
            reading=_opt_ts(data.get("reading")),
        )

    def to_json(self) -> dict[str, Any]:
        """JSON-able form for the committed cursor (the read times only when known)."""
        out: dict[str, Any] = {
            "ts": format_ts(self.ts) if self.ts else None,
            "id": self.id,
            "seen": [[i, s] for i, s in self.seen.items()],
        }
        if self.read_at is not None:
            out["read_at"] = format_ts(self.read_at)
        if self.reading is not None:
            out["reading"] = format_ts(self.reading)
        return out

    def copy(self) -> StreamCursor:
        """An independent copy (batches carry snapshots, not the live object)."""
        return StreamCursor(self.ts, self.id, dict(self.seen), self.read_at, self.reading)

    def since(self, lookback_s: float) -> datetime | None:
        """Where the next read (or the resumed one) starts; None: from the beginning."""
        window = timedelta(seconds=lookback_s)
        floor = self.read_at - window if self.read_at is not None else None
        if self.reading is not None:
            resume = self.reading - window
            if self.ts is not None:
                resume = min(resume, self.ts)
            return resume if floor is None else max(floor, resume)
        if floor is not None:
            return floor
        return None if self.ts is None else self.ts - window

    def begin(self, crm_now: datetime | None) -> None:
        """A read's first page ran at ``crm_now`` (CRM clock; None when the CRM did not say)."""
        self.reading = crm_now

    def finish(self) -> None:
        """The read that :meth:`begin` started returned its last page.

        Without a CRM time for it, ``read_at`` is dropped and the next read falls back to
        ``high-water - lookback`` (never to a stale, earlier read time that would stop moving).
        """
        self.read_at, self.reading = self.reading, None

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
