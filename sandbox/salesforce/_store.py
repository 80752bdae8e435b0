"""The emulated org's records: compact rows, ids, the system clock and the lookups queries need.

Each object type is a table ``{Id: row}`` whose rows are plain lists indexed by the schema's
columns (far smaller than dicts at a million records).  Values are kept in a comparable
internal form: datetimes as epoch milliseconds, dates as ``YYYY-MM-DD`` strings.  Every write
takes a new ``SystemModstamp`` from a strictly increasing clock and moves the row to the end of
its table, so a table's order *is* ``ORDER BY SystemModstamp, Id`` - the incremental-sync
query never sorts.  Rows are replaced, never changed in place, so open query cursors keep a
consistent snapshot.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from datetime import UTC, datetime
from typing import Any

from .. import _clock as clock
from ._schema import SObject

__all__ = ["INDEXED", "Store", "fmt_datetime", "make_id", "parse_datetime", "to18"]

_B62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_SUFFIX = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"
_UPPER_BITS = {ord(c): ("1" if "A" <= c <= "Z" else "0") for c in _B62}

#: columns with a value -> ids index (lookups by parent and by external id)
INDEXED = {
    "task": ("whatid", "whoid", "na_key__c"),
    "event": ("whatid", "whoid"),
    "opportunitycontactrole": ("opportunityid",),
    "opportunity": ("accountid", "legacy_id__c"),
    "contact": ("accountid",),
    # the messy org's link objects (absent from the stock schema)
    "taskrelation": ("taskid",),
    "eventrelation": ("eventid",),
    "contentdocumentlink": ("linkedentityid",),
}

# common columns (see _schema._common)
ID, IS_DELETED, CREATED, CREATED_BY, MODIFIED, MODIFIED_BY, STAMP = range(7)


def to18(id15: str) -> str:
    """The case-insensitive 18-character form of a 15-character record id."""
    if len(id15) != 15 or not (id15.isascii() and id15.isalnum()):
        return id15
    # each 5-character chunk: bit i set when character i is upper case, reversed to binary
    bits = id15.translate(_UPPER_BITS)
    return (
        id15
        + _SUFFIX[int(bits[4::-1], 2)]
        + _SUFFIX[int(bits[9:4:-1], 2)]
        + _SUFFIX[int(bits[14:9:-1], 2)]
    )


def make_id(prefix: str, n: int) -> str:
    """A deterministic 18-character id: key prefix, pod, zero padding, base-62 counter."""
    digits = ""
    while n:
        n, rem = divmod(n, 62)
        digits = _B62[rem] + digits
    return to18(prefix + "5g" + digits.rjust(10, "0"))


def fmt_datetime(ms: int) -> str:
    """Epoch milliseconds as Salesforce writes datetimes: ``2024-05-01T12:00:00.000+0000``."""
    secs, milli = divmod(ms, 1000)
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(secs)) + f".{milli:03d}+0000"


def parse_datetime(text: str) -> int:
    """An ISO 8601 datetime (``Z``, ``+0000`` or ``+00:00`` zones; naive means UTC) as epoch ms."""
    value = text.strip()
    if value.endswith("Z"):
        value = value[:-1] + "+00:00"
    elif len(value) > 5 and value[-5] in "+-" and value[-3] != ":":
        value = value[:-2] + ":" + value[-2:]
    parsed = datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return int(parsed.timestamp() * 1000)


class Store:
    """All tables plus the clock, id counters and indexes; writes go through :meth:`put`."""

    def __init__(self, schema: dict[str, SObject]) -> None:
        self.schema = schema
        self.tables: dict[str, dict[str, list[Any]]] = {name: {} for name in schema}
        self.prefixes = {obj.key_prefix: name for name, obj in schema.items()}
        self.counters: Counter[str] = Counter()
        self.index: dict[tuple[str, int], dict[Any, set[str]]] = {}
        for name, cols in INDEXED.items():
            for col in cols:
                if name in schema and col in schema[name].col:
                    self.index[(name, schema[name].col[col])] = {}
        self.lock = threading.RLock()
        self.last_stamp = 0
        self.written: Counter[str] = Counter()
        self.deleted: Counter[str] = Counter()  # soft-deleted rows per table (live = len - deleted)

    def now_ms(self) -> int:
        """The next system timestamp: wall-clock ms, strictly after every earlier one."""
        with self.lock:
            stamp = max(int(clock.now() * 1000), self.last_stamp + 1)
            self.last_stamp = stamp
            return stamp

    def new_id(self, obj: str) -> str:
        """A fresh id for a record of type ``obj``."""
        with self.lock:
            self.counters[obj] += 1
            return make_id(self.schema[obj].key_prefix, self.counters[obj])

    def table_of(self, record_id: str) -> str | None:
        """Which object an id belongs to (by its key prefix)."""
        return self.prefixes.get(record_id[:3])

    def get(self, obj: str, record_id: str) -> list[Any] | None:
        """A row by id (deleted rows included)."""
        return self.tables[obj].get(to18(record_id))

    def width(self, obj: str) -> int:
        """Columns in a row of ``obj`` (custom fields defined later widen rows lazily)."""
        return len(self.schema[obj].col)

    def load(self, obj: str, rows: list[list[Any]]) -> None:
        """Bulk-insert generated rows (any order); keeps the table in (stamp, id) order."""
        with self.lock:
            table = self.tables[obj]
            merged = list(table.values()) + rows
            merged.sort(key=lambda r: (r[STAMP], r[ID]))
            table.clear()
            for row in merged:
                table[row[ID]] = row
            self.counters[obj] = max(self.counters[obj], len(table))
            self.deleted[obj] += sum(1 for r in rows if r[IS_DELETED])
            if merged:
                self.last_stamp = max(self.last_stamp, merged[-1][STAMP])
            for (name, col), idx in self.index.items():
                if name == obj:
                    for row in rows:
                        if len(row) > col and row[col] is not None:
                            idx.setdefault(row[col], set()).add(row[ID])

    def put(self, obj: str, row: list[Any], old: list[Any] | None) -> None:
        """Store a new or replaced row at the end of its table and maintain indexes."""
        with self.lock:
            table = self.tables[obj]
            table.pop(row[ID], None)
            table[row[ID]] = row
            for (name, col), idx in self.index.items():
                if name != obj:
                    continue
                before = old[col] if old is not None and len(old) > col else None
                after = row[col] if len(row) > col else None
                if before == after:
                    continue
                if before is not None:
                    idx.get(before, set()).discard(row[ID])
                if after is not None:
                    idx.setdefault(after, set()).add(row[ID])
            self.written[obj] += 1
            if row[IS_DELETED] and (old is None or not old[IS_DELETED]):
                self.deleted[obj] += 1

    def lookup(self, obj: str, col: int, value: Any) -> list[list[Any]]:
        """Rows whose indexed column equals ``value`` (deleted ones included)."""
        idx = self.index.get((obj, col))
        if idx is None:
            table = self.tables[obj]
            return [r for r in list(table.values()) if len(r) > col and r[col] == value]
        with self.lock:
            ids = list(idx.get(value, ()))
            table = self.tables[obj]
            return [table[i] for i in ids if i in table]

    def indexed(self, obj: str, col: int) -> bool:
        """Whether lookups by this column are served from an index."""
        return (obj, col) in self.index

    def live_count(self, obj: str) -> int:
        """Records of ``obj`` that are not deleted."""
        return len(self.tables[obj]) - self.deleted[obj]

    def rows(self, obj: str) -> list[list[Any]]:
        """A snapshot of a table's rows in (SystemModstamp, Id) order."""
        with self.lock:
            return list(self.tables[obj].values())
