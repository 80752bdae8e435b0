"""Each open deal's last rendered write-back, with the key of what it was made from.

The run (``run/_reuse.py``) computes a key per deal; where the kept row has the same key, it
uses the kept write-back and parks as it was, instead of deciding again.  Rows are read a
chunk of deals at a time (as the decide phase reads the mirror) and written in the chunk's
transaction, so a kept write-back is never newer or older than the plan pushed from it.
A deleted deal's row goes with its other rows (``_mirror._DEAL_CHILDREN``); a deal no longer
open loses its row at the end of the decide phase (:meth:`Decided.forget_closed`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.orm import Session

from . import _tables as t
from ._bulk import insert_rows, lookup, update_rows

__all__ = ["Decided", "Kept"]

#: a deal's kept row: its key, whether it was parked, its write-back (``mappings.plan_json``)
Kept = tuple[str, bool, dict[str, Any]]

_KEYS = ("connection", "deal_id", "key", "parked", "plan", "updated_at")
#: deal ids per DELETE ... IN (...)
_CHUNK = 500
_TABLE = cast(sa.Table, t.Decided.__table__)


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

    def forget_closed(self, skipped: Sequence[str] = ()) -> None:
        """Drop the rows of deals the mirror no longer has open, and of ``skipped`` (open
        there but not decided: re-mapped to a closed stage, or unmapped).

        A kept write-back serves only an open deal's next run; without this, a row of ~5 KB
        stayed for every deal that was ever open.  One statement for the closed ones (an
        index lookup per kept row), so a run pays for the open deals, not the org's history.
        """
        rows, deals = _TABLE, t.Deal.__table__
        still_open = sa.exists().where(
            deals.c.connection == rows.c.connection,
            deals.c.deal_id == rows.c.deal_id,
            deals.c.is_open.is_(True),
        )
        self.s.execute(sa.delete(rows).where(rows.c.connection == self.connection, ~still_open))
        for i in range(0, len(skipped), _CHUNK):
            self.s.execute(
                sa.delete(rows).where(
                    rows.c.connection == self.connection,
                    rows.c.deal_id.in_(list(skipped[i : i + _CHUNK])),
                )
            )
