"""Saving and loading a generated world (``nextadvance sandbox seed`` / ``serve --data``).

Gzipped JSON lines: a header, then one line per record as a list of field values in the
dataclass's field order, tagged with its kind.  Big worlds load faster than they generate
and the file pins the exact data a demo or benchmark ran on.
"""

from __future__ import annotations

import gzip
import json
from dataclasses import fields
from datetime import date, datetime
from pathlib import Path
from typing import Any

from ._world import WActivity, WCompany, WContact, WDeal, World, WOwner

__all__ = ["load_world", "save_world"]

_KINDS: dict[str, type] = {
    "owner": WOwner,
    "company": WCompany,
    "contact": WContact,
    "deal": WDeal,
    "activity": WActivity,
}
_LISTS = {
    "owner": "owners",
    "company": "companies",
    "contact": "contacts",
    "deal": "deals",
    "activity": "activities",
}
_DATETIMES = {"at", "created_at", "modified_at"}
_DATES = {"close_date", "decision_date"}
_FORMAT = "nextadvance-sandbox-world/1"


def _encode(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def save_world(world: World, path: Path) -> None:
    """Write ``world`` to ``path`` (gzipped JSON lines)."""
    with gzip.open(path, "wt", encoding="utf-8", compresslevel=3) as fh:
        header = {"format": _FORMAT, "seed": world.seed, "now": world.now.isoformat()}
        fh.write(json.dumps(header) + "\n")
        for kind, cls in _KINDS.items():
            names = [f.name for f in fields(cls)]
            for item in getattr(world, _LISTS[kind]):
                values = [_encode(getattr(item, n)) for n in names]
                fh.write(json.dumps([kind, *values], separators=(",", ":")) + "\n")


def load_world(path: Path) -> World:
    """Read a world written by :func:`save_world` (ValueError on a foreign file)."""
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        header = json.loads(fh.readline() or "{}")
        if header.get("format") != _FORMAT:
            raise ValueError(f"{path} is not a sandbox data file (expected format {_FORMAT})")
        world = World(seed=int(header["seed"]), now=datetime.fromisoformat(header["now"]))
        names = {k: [f.name for f in fields(c)] for k, c in _KINDS.items()}
        for line in fh:
            kind, *values = json.loads(line)
            cls = _KINDS[kind]
            kwargs = dict(zip(names[kind], values, strict=True))
            for key in _DATETIMES & kwargs.keys():
                kwargs[key] = datetime.fromisoformat(kwargs[key])
            for key in _DATES & kwargs.keys():
                if kwargs[key] is not None:
                    kwargs[key] = date.fromisoformat(kwargs[key])
            getattr(world, _LISTS[kind]).append(cls(**kwargs))
    return world
