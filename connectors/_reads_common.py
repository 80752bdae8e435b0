"""What both readers share: the cursor's shape and the full-or-incremental dispatch.

A pull cursor (format ``v: 1``) holds one :class:`StreamCursor` per stream under ``streams``
and, while a full sync runs, a ``full`` marker: the phase to resume and when the full sync
started (its streams begin there once it is done: ``crm_started``, the CRM's time of the
sync's first answer; older markers only have ``started``, our clock).  A cursor without
streams starts a full sync.  Each CRM's reader decides the streams, the phases and how each is
read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from typing import Any, Generic, TypeVar

from nextadvance.connectors._base import Cursor, PullBatch
from nextadvance.connectors._cursor import StreamCursor, format_ts, parse_ts

__all__ = ["PullState", "Reader", "streams_from"]

P = TypeVar("P")
S = TypeVar("S", bound="PullState")
T = TypeVar("T")


def streams_from(
    cursor: Cursor | None, names: Iterable[str], key: str = "streams"
) -> dict[str, StreamCursor]:
    """The stream cursors ``names`` from ``cursor[key]`` (empty ones where it has none)."""
    raw = (cursor or {}).get(key) or {}
    return {n: StreamCursor.from_json(raw.get(n)) for n in names}


class PullState:
    """A decoded pull cursor: stream cursors and the full-sync marker (None: incremental)."""

    def __init__(self, cursor: Cursor | None, names: Iterable[str], first_phase: str) -> None:
        self.streams = streams_from(cursor, names)
        full = (cursor or {}).get("full")
        #: a full sync starting now (not one resumed): only its first answer dates it
        self.fresh = cursor is None or not cursor.get("streams")
        if self.fresh:
            full = {"phase": first_phase, "started": format_ts(datetime.now(UTC))}
        self.full: dict[str, Any] | None = dict(full) if full else None

    def full_began(self, crm_now: datetime | None) -> None:
        """Date a fresh full sync by the CRM's clock at its first answer (once).

        A resumed marker without it keeps the older anchor (``started``): dating it now would
        skip what changed between its real start and now.
        """
        if self.fresh and self.full is not None and crm_now is not None:
            self.full.setdefault("crm_started", format_ts(crm_now))
        self.fresh = False  # a later answer is no date for the start

    def full_read_at(self) -> datetime | None:
        """When (CRM clock) the full sync began, if it was dated so."""
        value = (self.full or {}).get("crm_started")
        return parse_ts(value) if value else None

    def extra(self) -> Cursor:
        """Further cursor entries a CRM keeps (between ``streams`` and ``full``)."""
        return {}

    def dump(self) -> Cursor:
        """The cursor to commit with the next batch (a snapshot, not the live state)."""
        out: Cursor = {"v": 1, "streams": {n: c.to_json() for n, c in self.streams.items()}}
        out.update(self.extra())
        if self.full is not None:
            out["full"] = dict(self.full)
        return out


class Reader(Generic[P, S]):
    """Turns one CRM's pages into :class:`PullBatch` es: a full sync or the deltas since."""

    def __init__(
        self,
        plan: P,
        lookback_s: float,
        now: Callable[[], datetime],
        crm_now: Callable[[], datetime | None] | None = None,
    ) -> None:
        self.plan = plan
        self.lookback_s = lookback_s
        self.now = now
        #: the CRM's time of the latest answer (``_crmclock``); None: unknown
        self.crm_now: Callable[[], datetime | None] = crm_now or (lambda: None)

    def timed(self, cur: StreamCursor, pages: Iterable[T]) -> Iterator[T]:
        """``pages`` of one stream's read; dates the read by the CRM's answer to its first
        page (``cur.begin``) and closes it after the last (``cur.finish``)."""
        begun = False
        for page in pages:
            if not begun:
                cur.begin(self.crm_now())
                begun = True
            yield page
        if begun:
            cur.finish()

    def pull(self, cursor: Cursor | None) -> Iterator[PullBatch]:
        """Full sync when there is no cursor (or a full sync was interrupted), else deltas."""
        state = self._state(cursor)
        if state.full is not None:
            yield from self._full(state)
        else:
            yield from self._incremental(state)

    def _state(self, cursor: Cursor | None) -> S:
        raise NotImplementedError

    def _full(self, state: S) -> Iterator[PullBatch]:
        raise NotImplementedError

    def _incremental(self, state: S) -> Iterator[PullBatch]:
        raise NotImplementedError
