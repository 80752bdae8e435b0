"""The write ledger: write-ahead records of every write, so a crash never duplicates or loses one.

Before a batch is sent, each write is recorded ``pending`` with its idempotency key, payload
and payload hash, and committed.  The CRM's answer marks it ``done`` (``written`` becomes
what the CRM confirmed) or ``rejected`` (the CRM's code and message; planned again next
run).  A ``pending`` row found at start is a crash's leftover: the next run looks its task up
by key (``find_tasks``) or reads the deal's values back, and only then decides what to send.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from nextadvance.connectors import ActivityRecord, TaskState

from . import _tables as t
from ._json import task_state_json
from ._ledger_rows import CHUNK as _CHUNK
from ._ledger_writes import LedgerWrites, NewRow, payload_hash

__all__ = ["Ledger", "NewRow", "payload_hash"]


class Ledger(LedgerWrites):
    """Ledger operations of one connection in the caller's session (the caller commits):
    rows and their cache (``_ledger_rows``), the write-ahead steps (``_ledger_writes``) and,
    here, what the CRM holds of our writes (observations) and deals left with open tasks."""

    def open_task_deals(self, closed: Sequence[str] = ()) -> list[str]:
        """Deals not open (closed, gone) with an open task of ours or a write still pending.

        "Not open" is asked of the mirror in SQL (no deal row with ``is_open``), so no set
        of the org's open deals is held; ``closed``: deals the mirror still has as open
        but that the run found closed (re-mapped to a closed stage since the pull).
        """
        deals = t.Deal.__table__
        mirrored_open = sa.exists().where(
            deals.c.connection == t.LedgerEntry.connection,
            deals.c.deal_id == t.LedgerEntry.deal_id,
            deals.c.is_open.is_(True),
        )
        out = self._open_task_rows(~mirrored_open)
        for i in range(0, len(closed), _CHUNK):
            out |= self._open_task_rows(t.LedgerEntry.deal_id.in_(list(closed[i : i + _CHUNK])))
        return sorted(out)

    def _open_task_rows(self, where: Any) -> set[str]:
        """Deals of the rows matching ``where`` that hold an open task or a pending write."""
        # only task rows and pending writes can qualify (field rows carry the big payloads),
        # streamed a thousand at a time: the ledger has rows for every deal ever written
        rows = self.s.execute(
            sa.select(
                t.LedgerEntry.deal_id,
                t.LedgerEntry.kind,
                t.LedgerEntry.written,
                t.LedgerEntry.status,
            )
            .where(
                t.LedgerEntry.connection == self.connection,
                sa.or_(t.LedgerEntry.kind == "task", t.LedgerEntry.status == "pending"),
                where,
            )
            .execution_options(yield_per=1000)
        )
        out = set()
        for deal_id, kind, written, status in rows:
            if status == "pending" or (
                kind == "task" and written is not None and not written.get("completed")
            ):
                out.add(deal_id)
        return out

    # ------------------------------------------------------------------ what the CRM holds

    def observe_pulled(self, records: Iterable[ActivityRecord], now: datetime) -> None:
        """Record our tasks as pulled (echoes, human edits, completions, deletions)."""
        records = list(records)
        self.prefetch(r.task.key for r in records if r.task is not None)
        for rec in records:
            state = rec.task
            if state is None:
                continue
            data = task_state_json(state)
            if rec.deleted:
                data["deleted"] = True
            deal_id = state.deal_id or (rec.deal_ids[0] if rec.deal_ids else "")
            self._observe(state.key, deal_id, data, now)

    def observe_found(
        self, found: Mapping[str, TaskState], asked: Iterable[str], now: datetime
    ) -> None:
        """Record ``find_tasks`` answers; an asked key the CRM does not have is recorded absent."""
        for key in asked:
            state = found.get(key)
            row = self._row(key)
            if state is None:
                if row is not None:
                    row.observed = {"absent": True, "deleted": row.written is not None}
                    row.observed_at = now
                continue
            self._observe(
                key, state.deal_id or (row.deal_id if row else ""), task_state_json(state), now
            )

    def observe_deleted_activities(self, crm_ids: Sequence[str], now: datetime) -> None:
        """A deleted activity that was one of our tasks: the rep (or a cascade) removed it."""
        for i in range(0, len(crm_ids), _CHUNK):
            chunk = list(crm_ids[i : i + _CHUNK])
            for row in self.s.scalars(
                sa.select(t.LedgerEntry).where(
                    t.LedgerEntry.connection == self.connection, t.LedgerEntry.crm_id.in_(chunk)
                )
            ):
                row.observed = {**(row.observed or {}), "deleted": True}
                row.observed_at = now

    def _observe(self, key: str, deal_id: str, data: dict[str, Any], now: datetime) -> None:
        row = self._row(key)
        if row is None:
            # our key on a task the ledger does not know (e.g. a restored CRM): adopt it
            row = t.LedgerEntry(
                connection=self.connection,
                idem_key=key,
                deal_id=deal_id,
                kind="task",
                op="adopt",
                status="done",
                payload={},
                payload_hash=payload_hash({}),
                written=None,
                crm_id=data.get("crm_id"),
                attempts=0,
                created_at=now,
                updated_at=now,
            )
            self.s.add(row)
            self._cache[key] = row
            self._absent.discard(key)
        row.observed = data
        row.observed_at = now
        if data.get("crm_id"):
            row.crm_id = data["crm_id"]
