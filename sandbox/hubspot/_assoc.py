"""Association storage: typed links between two records, kept in both directions.

Links are stored per ordered pair of object types as ``from_id -> {to_id: type ids}``; adding
a link also adds its inverse (216 task->deal implies 215 deal->task), as HubSpot does.  Type-id
tuples are interned so a million activities share a handful of tuple objects.
"""

from __future__ import annotations

import threading

from ._catalog import INVERSE

__all__ = ["Associations"]


class Associations:
    """All association links of the emulated portal."""

    def __init__(self) -> None:
        self._links: dict[tuple[str, str], dict[int, dict[int, tuple[int, ...]]]] = {}
        self._interned: dict[tuple[int, ...], tuple[int, ...]] = {}
        self.lock = threading.RLock()

    def clear(self) -> None:
        """Drop every link."""
        with self.lock:
            self._links.clear()

    def _intern(self, types: tuple[int, ...]) -> tuple[int, ...]:
        return self._interned.setdefault(types, types)

    def _add_one(self, pair: tuple[str, str], a: int, b: int, type_id: int) -> None:
        targets = self._links.setdefault(pair, {}).setdefault(a, {})
        have = targets.get(b, ())
        if type_id not in have:
            targets[b] = self._intern(tuple(sorted((*have, type_id))))

    def add(self, from_type: str, from_id: int, to_type: str, to_id: int, type_id: int) -> None:
        """Link two records with ``type_id`` (and its inverse the other way)."""
        with self.lock:
            self._add_one((from_type, to_type), from_id, to_id, type_id)
            self._add_one((to_type, from_type), to_id, from_id, INVERSE.get(type_id, type_id))

    def remove(self, from_type: str, from_id: int, to_type: str, to_id: int) -> bool:
        """Remove every link between two records; whether one existed."""
        with self.lock:
            found = self._links.get((from_type, to_type), {}).get(from_id, {}).pop(to_id, None)
            self._links.get((to_type, from_type), {}).get(to_id, {}).pop(from_id, None)
            return found is not None

    def targets(self, from_type: str, from_id: int, to_type: str) -> dict[int, tuple[int, ...]]:
        """The records of ``to_type`` linked from one record, with the link type ids."""
        with self.lock:
            return dict(self._links.get((from_type, to_type), {}).get(from_id, {}))

    def count(self) -> int:
        """Number of links, counting each direction once."""
        with self.lock:
            return sum(len(t) for by in self._links.values() for t in by.values()) // 2

    def snapshot(self) -> list[list[object]]:
        """Every link as ``[from_type, from_id, to_type, to_id, [type ids]]``."""
        with self.lock:
            return [
                [ft, fid, tt, tid, list(types)]
                for (ft, tt), by in sorted(self._links.items())
                for fid, targets in sorted(by.items())
                for tid, types in sorted(targets.items())
            ]
