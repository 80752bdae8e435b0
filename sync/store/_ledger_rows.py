"""Ledger rows of one connection: reading them, a batch's worth cached at a time.

The planner reads every row of a chunk of deals at once (:meth:`LedgerRows.for_deals`);
the push and the observers look single keys up through the same cache, which is dropped
after each commit (:meth:`LedgerRows.release`) so memory stays bounded by a batch.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Literal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from . import _tables as t
from ._types import LedgerView

__all__ = ["CHUNK", "LedgerRows"]

#: keys or deal ids per IN (...) query
CHUNK = 500


class LedgerRows:
    """Row access and cache of the ledger of one connection in the caller's session."""

    def __init__(self, session: Session, connection: str) -> None:
        self.s = session
        self.connection = connection
        self._cache: dict[str, t.LedgerEntry] = {}
        self._absent: set[str] = set()

    def prefetch(self, keys: Iterable[str]) -> None:
        """Load these keys' rows in a few queries (instead of one query per write)."""
        todo = [k for k in dict.fromkeys(keys) if k not in self._cache]
        self._absent.update(todo)
        for i in range(0, len(todo), CHUNK):
            chunk = todo[i : i + CHUNK]
            for row in self.s.scalars(
                sa.select(t.LedgerEntry).where(
                    t.LedgerEntry.connection == self.connection,
                    t.LedgerEntry.idem_key.in_(chunk),
                )
            ):
                self._cache[row.idem_key] = row
                self._absent.discard(row.idem_key)

    def release(self) -> None:
        """Forget the rows read so far (call after a commit): memory stays bounded by a
        batch instead of growing with every deal of the run; later reads query again."""
        self._cache.clear()
        self._absent.clear()

    def _row(self, key: str) -> t.LedgerEntry | None:
        row = self._cache.get(key)
        if row is None and key not in self._absent:
            row = self.s.scalars(
                sa.select(t.LedgerEntry).where(
                    t.LedgerEntry.connection == self.connection, t.LedgerEntry.idem_key == key
                )
            ).one_or_none()
            if row is not None:
                self._cache[key] = row
        return row

    @staticmethod
    def view(row: t.LedgerEntry) -> LedgerView:
        """The planner's view of a row."""
        kind: Literal["fields", "task"] = "fields" if row.kind == "fields" else "task"
        return LedgerView(
            key=row.idem_key,
            kind=kind,
            deal_id=row.deal_id,
            status=row.status,
            payload=dict(row.payload or {}),
            written=dict(row.written) if row.written is not None else None,
            observed=dict(row.observed) if row.observed is not None else None,
            crm_id=row.crm_id,
        )

    def for_deals(self, deal_ids: Sequence[str]) -> dict[str, dict[str, LedgerView]]:
        """Every row of these deals, by deal then key."""
        out: dict[str, dict[str, LedgerView]] = {d: {} for d in deal_ids}
        for i in range(0, len(deal_ids), CHUNK):
            chunk = list(deal_ids[i : i + CHUNK])
            for row in self.s.scalars(
                sa.select(t.LedgerEntry).where(
                    t.LedgerEntry.connection == self.connection,
                    t.LedgerEntry.deal_id.in_(chunk),
                )
            ):
                self._cache[row.idem_key] = row
                out.setdefault(row.deal_id, {})[row.idem_key] = self.view(row)
        return out

    def written(self, key: str) -> dict[str, Any] | None:
        """What the CRM last confirmed we wrote under ``key`` (None: nothing yet)."""
        row = self._row(key)
        return dict(row.written) if row is not None and row.written is not None else None

    def pending(self) -> list[t.LedgerEntry]:
        """Writes that were recorded but never confirmed (a crash's leftovers)."""
        return list(
            self.s.scalars(
                sa.select(t.LedgerEntry).where(
                    t.LedgerEntry.connection == self.connection,
                    t.LedgerEntry.status == "pending",
                )
            )
        )

    def history(self, deal_id: str) -> list[t.LedgerEntry]:
        """Every ledger row of one deal (for ``explain``)."""
        return list(
            self.s.scalars(
                sa.select(t.LedgerEntry)
                .where(
                    t.LedgerEntry.connection == self.connection, t.LedgerEntry.deal_id == deal_id
                )
                .order_by(t.LedgerEntry.updated_at)
            )
        )
