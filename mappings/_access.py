"""Field access compiled once per mapping: the per-record hot path of a pull.

Why: a full sync translates every deal and activity of an org (100,000+ records), and reading
a record by interpreting the mapping each time (split a dotted path, scan a value table with a
regex per key on a miss, convert through the general parsers) was most of the CPU of the read
path.  The helpers here resolve each mapped path and value table once, and keep the exact
semantics of :func:`get_path`, :func:`to_text` and :func:`lookup_value` (they fall back to
them for any value outside their fast case), so a translation is the same object either way.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from operator import methodcaller
from typing import Any, Generic, TypeVar

from nextadvance.mappings._values import lookup_value, normalise_key, to_text

__all__ = ["Getter", "Lookup", "field_getter", "path_getter", "text"]

T = TypeVar("T")
Record = Mapping[str, Any]
#: Reads one mapped value out of a record (None when absent).
Getter = Callable[[Record], Any]

_MISSING = object()
#: distinct raw values remembered per value table (CRM picklists have a few dozen)
_MEMO_CAP = 4096


def _none(_record: Record) -> Any:
    return None


def path_getter(path: str) -> Getter:
    """A reader of ``path`` with exactly :func:`get_path`'s semantics, split once."""
    if "." not in path:
        # get_path of a plain key is ``record.get(path)`` (the literal key, else a one-step
        # walk that misses): called in C, with no Python frame per field read
        getter: Getter = methodcaller("get", path)
        return getter
    parts = tuple(path.split("."))

    def dotted(record: Record) -> Any:
        if path in record:  # a literal key containing the dot wins over nesting
            return record[path]
        current: Any = record
        for part in parts:
            if type(current) is not dict and not isinstance(current, Mapping):
                return None
            current = current.get(part, _MISSING)
            if current is _MISSING:
                return None
        return current

    return dotted


def field_getter(path: str | None) -> Getter:
    """A reader for an optional mapped field: an unset (or empty) path reads nothing."""
    return path_getter(path) if path else _none


def text(value: object) -> str | None:
    """:func:`to_text` with the common case (a plain string) inline."""
    if type(value) is str:
        stripped = value.strip()
        return stripped or None
    return to_text(value)


class Lookup(Generic[T]):
    """:func:`lookup_value` over one table, its loose keys normalised once.

    A raw string's answer is remembered (bounded): picklist values repeat on every record.
    """

    def __init__(self, table: Mapping[str, T]) -> None:
        self.table = table
        loose: dict[str, T] = {}
        for key, value in table.items():
            loose.setdefault(normalise_key(key), value)  # the first key in order wins
        self._loose = loose
        self._memo: dict[str, T | None] = {}

    def __call__(self, raw: object) -> T | None:
        if type(raw) is not str:
            return lookup_value(self.table, raw)
        memo = self._memo
        found = memo.get(raw, _MISSING)
        if found is not _MISSING:
            return found  # type: ignore[return-value]
        value = self._find(raw)
        if len(memo) < _MEMO_CAP:
            memo[raw] = value
        return value

    def _find(self, raw: str) -> T | None:
        text_ = raw.strip()
        if not text_:
            return None
        if text_ in self.table:
            return self.table[text_]
        return self._loose.get(normalise_key(text_))
