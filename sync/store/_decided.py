"""Each open deal's last rendered write-back, with the key of what it was made from.

The run (``run/_reuse.py``) computes a key per deal; where the kept row has the same key, it
uses the kept write-back and parks as it was, instead of deciding again.  Rows are read a
chunk of deals at a time (as the decide phase reads the mirror) and written in the chunk's
transaction, so a kept write-back is never newer or older than the plan pushed from it.
A deleted deal's row goes with its other rows (``_mirror._DEAL_CHILDREN``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from . import _tables as t
from ._bulk import insert_rows, lookup, update_rows

__all__ = ["Decided", "Kept"]

#: a deal's kept row: its key, whether it was parked, its write-back (``mappings.plan_json``)
Kept = tuple[str, bool, dict[str, Any]]

_KEYS = ("connection", "deal_id", "key", "parked", "plan", "updated_at")


class Decided:
    """The kept write-backs of one connection in the caller's session (the caller commits)."""

    def __init__(self, s: Session, connection: str) -> None:
        self.s, self.connection = s, connection

    def for_deals(self, ids: Sequence[str]) -> dict[str, Kept]:
        """The kept rows of ``ids`` that exist, by deal id."""
        found = lookup(
            self.s,
            t.Decided,
            t.Decided.deal_id,
            self.connection,
            ids,
            t.Decided.key,
            t.Decided.parked,
            t.Decided.plan,
        )
        return {deal_id: (row[0], bool(row[1]), row[2]) for deal_id, row in found.items()}

    def keep(
        self,
        rows: Sequence[tuple[str, str, bool, dict[str, Any]]],
        known: set[str] | dict[str, Kept],
        now: datetime,
    ) -> None:
        """Store ``(deal_id, key, parked, plan)`` rows; ``known``: the deals that have a row."""
        fresh = [(self.connection, d, k, p, plan, now) for d, k, p, plan in rows if d not in known]
        changed = [(self.connection, d, k, p, plan, now) for d, k, p, plan in rows if d in known]
        insert_rows(self.s, t.Decided, _KEYS, fresh)
        update_rows(self.s, t.Decided, _KEYS, changed)
