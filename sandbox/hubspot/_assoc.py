"""Association storage: typed links between two records, kept in both directions.

Links are stored per ordered pair of object types as ``from_id -> {to_id: type ids}``; adding
a link also adds its inverse (216 task->deal implies 215 deal->task), as HubSpot does.  To stay
small with a million activities, a record whose only link of a pair is one unlabelled default
link stores just the target id (an int) instead of a dict, and type-id tuples are interned.
"""

from __future__ import annotations

import threading

from ._catalog import DEFAULT_ASSOC, INVERSE

__all__ = ["Associations"]

_Targets = int | dict[int, tuple[int, ...]]


class Associations:
    """All association links of the emulated portal."""

    def __init__(self) -> None:
        self._links: dict[tuple[str, str], dict[int, _Targets]] = {}
        self._interned: dict[tuple[int, ...], tuple[int, ...]] = {}
        self._singles: dict[int, tuple[int, ...]] = {}
        self.lock = threading.RLock()

    def clear(self) -> None:
        """Drop every link."""
        with self.lock:
            self._links.clear()

    def _intern(self, types: tuple[int, ...]) -> tuple[int, ...]:
        return self._interned.setdefault(types, types)

    def _expand(self, pair: tuple[str, str], value: _Targets | None) -> dict[int, tuple[int, ...]]:
        if value is None:
            return {}
        if isinstance(value, int):
            return {value: self._intern((DEFAULT_ASSOC[pair],))}
        return value

    def _add_one(self, pair: tuple[str, str], a: int, b: int, type_id: int) -> None:
        by = self._links.get(pair)
        if by is None:
            by = self._links[pair] = {}
        current = by.get(a)
        if current is None and type_id == DEFAULT_ASSOC.get(pair):
            by[a] = b
            return
        if current is None or isinstance(current, int):
            by[a] = targets = dict(self._expand(pair, current))
        else:
            targets = current
        have = targets.get(b)
        if have is None:
            single = self._singles.get(type_id)
            if single is None:
                single = self._singles[type_id] = self._intern((type_id,))
            targets[b] = single
        elif type_id not in have:
            targets[b] = self._intern(tuple(sorted((*have, type_id))))

    def add(self, from_type: str, from_id: int, to_type: str, to_id: int, type_id: int) -> None:
        """Link two records with ``type_id`` (and its inverse the other way)."""
        with self.lock:
            self._add_one((from_type, to_type), from_id, to_id, type_id)
            self._add_one((to_type, from_type), to_id, from_id, INVERSE.get(type_id, type_id))

    def _remove_one(self, pair: tuple[str, str], a: int, b: int) -> bool:
        by = self._links.get(pair, {})
        current = by.get(a)
        if current is None:
            return False
        if isinstance(current, int):
            if current != b:
                return False
            del by[a]
            return True
        return current.pop(b, None) is not None

    def remove(self, from_type: str, from_id: int, to_type: str, to_id: int) -> bool:
        """Remove every link between two records; whether one existed."""
        with self.lock:
            found = self._remove_one((from_type, to_type), from_id, to_id)
            self._remove_one((to_type, from_type), to_id, from_id)
            return found

    def _remove_type_one(self, pair: tuple[str, str], a: int, b: int, type_id: int) -> None:
        by = self._links.get(pair, {})
        targets = self._expand(pair, by.get(a))
        have = targets.get(b)
        if have is None or type_id not in have:
            return
        rest = tuple(i for i in have if i != type_id)
        targets = dict(targets)
        if rest:
            targets[b] = self._intern(rest)
        else:
            del targets[b]
        if targets:
            by[a] = targets
        else:
            by.pop(a, None)

    def remove_type(
        self, from_type: str, from_id: int, to_type: str, to_id: int, type_id: int
    ) -> None:
        """Remove one link type (a label) between two records, and its inverse."""
        with self.lock:
            self._remove_type_one((from_type, to_type), from_id, to_id, type_id)
            back = INVERSE.get(type_id, type_id)
            self._remove_type_one((to_type, from_type), to_id, from_id, back)

    def targets(self, from_type: str, from_id: int, to_type: str) -> dict[int, tuple[int, ...]]:
        """The records of ``to_type`` linked from one record, with the link type ids."""
        pair = (from_type, to_type)
        with self.lock:
            return dict(self._expand(pair, self._links.get(pair, {}).get(from_id)))

    def count(self) -> int:
        """Number of links, counting each direction once."""
        with self.lock:
            total = sum(
                1 if isinstance(t, int) else len(t)
                for by in self._links.values()
                for t in by.values()
            )
            return total // 2

    def snapshot(self) -> list[list[object]]:
        """Every link as ``[from_type, from_id, to_type, to_id, [type ids]]``."""
        with self.lock:
            return [
                [pair[0], fid, pair[1], tid, list(types)]
                for pair, by in sorted(self._links.items())
                for fid in sorted(by)
                for tid, types in sorted(self._expand(pair, by[fid]).items())
            ]
