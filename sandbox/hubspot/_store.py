"""Compact in-memory storage for HubSpot CRM objects, indexed for paging and search.

Each record keeps its property values in a list aligned with a per-type column table (no
per-record dicts), and each type keeps two sorted indexes: ids (list paging with ``after``) and
``(hs_lastmodifieddate, id)`` (incremental search windows), so 100k deals and a million
activities stay fast to list and to search by modification time.
"""

from __future__ import annotations

import bisect
from array import array
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime

from .. import _clock as clock

__all__ = ["Record", "TypeStore", "iso", "now_ms", "parse_ms"]


def now_ms() -> int:
    """The sandbox clock (wall clock plus any offset, ``.._clock``) in epoch milliseconds."""
    return int(clock.now() * 1000)


def iso(ms: int) -> str:
    """Epoch milliseconds as HubSpot writes datetimes: ``2024-05-01T12:00:00.123Z``."""
    dt = datetime.fromtimestamp(ms / 1000, UTC)
    return dt.strftime("%Y-%m-%dT%H:%M:%S.") + f"{ms % 1000:03d}Z"


def parse_ms(value: object) -> int | None:
    """Epoch milliseconds from a number, digit string, ISO datetime or ISO date; else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return int(value)
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    if text.lstrip("-").isdigit():
        return int(text)
    try:
        dt = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return int(dt.timestamp() * 1000)


class Record:
    """One stored object: id, property values by column, stamps and visibility time."""

    __slots__ = ("archived_ms", "created_ms", "id", "updated_ms", "values", "written_s")

    def __init__(self, rid: int, values: list[str | None], created_ms: int, updated_ms: int):
        self.id = rid
        self.values = values
        self.created_ms = created_ms
        self.updated_ms = updated_ms
        self.archived_ms: int | None = None
        self.written_s = 0.0  # monotonic time of the last API write (0: loaded data)


class TypeStore:
    """All records of one object type, with the id and modification-time indexes."""

    def __init__(self, unique: Iterable[str] = ()) -> None:
        self.cols: dict[str, int] = {}
        self.records: dict[int, Record] = {}
        self.active_ids: list[int] = []
        self.archived_ids: list[int] = []
        # The (modified ms, id) index as two parallel int64 arrays (16 bytes per record).
        self.mod_ms: array[int] = array("q")
        self.mod_id: array[int] = array("q")
        self.unique: dict[str, dict[str, int]] = {name: {} for name in unique}

    def __len__(self) -> int:
        return len(self.active_ids)

    def col(self, name: str) -> int:
        """The column of property ``name``, allocated on first use."""
        cols = self.cols
        if name in cols:
            return cols[name]
        idx = cols[name] = len(cols)
        return idx

    def value(self, rec: Record, name: str) -> str | None:
        """The stored value of property ``name`` (None when unset)."""
        idx = self.cols.get(name)
        if idx is None or idx >= len(rec.values):
            return None
        return rec.values[idx]

    def add_unique(self, name: str) -> None:
        """Start indexing a property whose values must be unique (e.g. ``na_task_key``)."""
        index = self.unique.setdefault(name, {})
        for rid in self.active_ids:
            val = self.value(self.records[rid], name)
            if val:
                index[val] = rid

    def find_unique(self, name: str, value: str) -> Record | None:
        """The active record whose unique property ``name`` equals ``value``."""
        rid = self.unique.get(name, {}).get(value)
        return self.records.get(rid) if rid is not None else None

    def insert(
        self,
        rid: int,
        props: dict[str, str | None],
        created_ms: int,
        updated_ms: int,
        bulk: bool = False,
    ) -> Record:
        """Store a new active record; ``bulk`` defers index sorting to :meth:`finish_bulk`."""
        col = self.col
        idxs = [col(name) for name in props]
        values: list[str | None] = [None] * (max(idxs) + 1 if idxs else 0)
        for idx, val in zip(idxs, props.values(), strict=True):
            values[idx] = val
        rec = Record(rid, values, created_ms, updated_ms)
        for name, index in self.unique.items():
            val = props.get(name)
            if val:
                index[val] = rid
        self.records[rid] = rec
        if bulk or not self.active_ids or rid > self.active_ids[-1]:
            self.active_ids.append(rid)
        else:
            bisect.insort(self.active_ids, rid)
        if not bulk:
            self._add_mod(updated_ms, rid)
        return rec

    def finish_bulk(self) -> None:
        """Sort the indexes once after a bulk load (one sort instead of a million inserts)."""
        self.active_ids.sort()
        order = sorted((self.records[i] for i in self.active_ids), key=_mod_key)
        self.mod_ms = array("q", (r.updated_ms for r in order))
        self.mod_id = array("q", (r.id for r in order))

    def update(self, rec: Record, props: dict[str, str | None], updated_ms: int) -> None:
        """Apply property changes and move the record in the modification index."""
        self._set(rec, props)
        self._remove_mod(rec)
        rec.updated_ms = updated_ms
        self._add_mod(updated_ms, rec.id)

    def archive(self, rec: Record, at_ms: int) -> None:
        """Archive a record; like HubSpot, its hs_lastmodifieddate is left alone."""
        self._remove_mod(rec)
        pos = bisect.bisect_left(self.active_ids, rec.id)
        del self.active_ids[pos]
        bisect.insort(self.archived_ids, rec.id)
        rec.archived_ms = at_ms
        for name, index in self.unique.items():
            val = self.value(rec, name)
            if val and index.get(val) == rec.id:
                del index[val]

    def get(self, rid: int, archived: bool = False) -> Record | None:
        """The record with this id if it is active (or archived, when asked)."""
        rec = self.records.get(rid)
        if rec is None or (rec.archived_ms is not None) != archived:
            return None
        return rec

    def page(
        self, after: int, limit: int, archived: bool = False
    ) -> tuple[list[Record], int | None]:
        """Records with id > ``after`` in id order, and the cursor for the next page."""
        ids = self.archived_ids if archived else self.active_ids
        start = bisect.bisect_right(ids, after)
        chunk = ids[start : start + limit]
        more = start + limit < len(ids)
        return [self.records[i] for i in chunk], (chunk[-1] if more and chunk else None)

    def mod_range(self, low: int | None, high: int | None) -> Iterator[Record]:
        """Active records whose modification time is in [low, high], oldest first."""
        lo = 0 if low is None else bisect.bisect_left(self.mod_ms, low)
        hi = len(self.mod_ms) if high is None else bisect.bisect_right(self.mod_ms, high)
        records = self.records
        for rid in self.mod_id[lo:hi]:
            yield records[rid]

    def _set(self, rec: Record, props: dict[str, str | None]) -> None:
        for name, val in props.items():
            idx = self.col(name)
            if idx >= len(rec.values):
                rec.values.extend([None] * (idx + 1 - len(rec.values)))
            index = self.unique.get(name)
            if index is not None:
                old = rec.values[idx]
                if old and index.get(old) == rec.id:
                    del index[old]
                if val:
                    index[val] = rec.id
            rec.values[idx] = val

    def _mod_pos(self, ms: int, rid: int) -> int:
        lo = bisect.bisect_left(self.mod_ms, ms)
        hi = bisect.bisect_right(self.mod_ms, ms, lo)
        return bisect.bisect_left(self.mod_id, rid, lo, hi)

    def _add_mod(self, ms: int, rid: int) -> None:
        pos = self._mod_pos(ms, rid)
        self.mod_ms.insert(pos, ms)
        self.mod_id.insert(pos, rid)

    def _remove_mod(self, rec: Record) -> None:
        pos = self._mod_pos(rec.updated_ms, rec.id)
        if (
            pos < len(self.mod_id)
            and self.mod_id[pos] == rec.id
            and self.mod_ms[pos] == rec.updated_ms
        ):
            del self.mod_ms[pos]
            del self.mod_id[pos]


def _mod_key(rec: Record) -> tuple[int, int]:
    return (rec.updated_ms, rec.id)
