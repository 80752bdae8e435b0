"""The write ledger: write-ahead records of every write, so a crash never duplicates or loses one.

Before a batch is sent, each write is recorded ``pending`` with its idempotency key, payload
and payload hash, and committed.  The CRM's answer marks it ``done`` (``written`` becomes
what the CRM confirmed) or ``rejected`` (the CRM's code and message; planned again next
run).  A ``pending`` row found at start is a crash's leftover: the next run looks its task up
by key (``find_tasks``) or reads the deal's values back, and only then decides what to send.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal, cast

import sqlalchemy as sa
from sqlalchemy.orm import Session

from nextadvance.connectors import ActivityRecord, TaskState, WriteResult

from . import _tables as t
from ._mirror import dumps, jsonable, task_state_json
from ._types import Conflict, LedgerView, PlannedOp

__all__ = ["Ledger", "NewRow", "payload_hash"]

_CHUNK = 500
#: the ledger's table, for the bulk statements of a batch (no ORM object per row)
_TABLE = cast(sa.Table, t.LedgerEntry.__table__)


def payload_hash(payload: Mapping[str, Any]) -> str:
    """SHA-256 of the payload's canonical JSON."""
    return hashlib.sha256(dumps(dict(payload)).encode()).hexdigest()


@dataclass(frozen=True)
class NewRow:
    """A ledger row :meth:`Ledger.begin_batch` inserted in bulk (no ORM object behind it)."""

    key: str
    kind: str
    payload: dict[str, Any]


class Ledger:
    """Ledger operations of one connection in the caller's session (the caller commits)."""

    def __init__(self, session: Session, connection: str) -> None:
        self.s = session
        self.connection = connection
        self._cache: dict[str, t.LedgerEntry] = {}
        self._absent: set[str] = set()

    def prefetch(self, keys: Iterable[str]) -> None:
        """Load these keys' rows in a few queries (instead of one query per write)."""
        todo = [k for k in dict.fromkeys(keys) if k not in self._cache]
        self._absent.update(todo)
        for i in range(0, len(todo), _CHUNK):
            chunk = todo[i : i + _CHUNK]
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
        for i in range(0, len(deal_ids), _CHUNK):
            chunk = list(deal_ids[i : i + _CHUNK])
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

    # ------------------------------------------------------------------ writes

    def promote(self, key: str, written: Mapping[str, Any], now: datetime) -> None:
        """The CRM already holds ``written`` from us (a landed pending write, or an echo)."""
        row = self._row(key)
        if row is None:
            return
        row.written = jsonable(dict(written))
        if row.status == "pending":
            row.status = "done"
        row.updated_at = now

    def begin(self, op: PlannedOp, run_id: int | None, now: datetime) -> t.LedgerEntry:
        """Record a write as pending before it is sent (the write-ahead step)."""
        row = self._row(op.write.key)
        payload = jsonable(op.payload)
        if row is None:
            row = t.LedgerEntry(
                connection=self.connection,
                idem_key=op.write.key,
                deal_id=op.write.deal_id,
                kind=op.kind,
                written=None,
                attempts=0,
                created_at=now,
            )
            self.s.add(row)
            self._cache[op.write.key] = row
            self._absent.discard(op.write.key)
        row.op = op.write.kind.value
        row.status = "pending"
        row.payload = payload
        row.payload_hash = payload_hash(payload)
        row.attempts = (row.attempts or 0) + 1
        row.run_id = run_id
        row.updated_at = now
        row.error_code = row.error_message = None
        return row

    def begin_batch(
        self, ops: Sequence[PlannedOp], run_id: int | None, now: datetime
    ) -> list[t.LedgerEntry | NewRow]:
        """:meth:`begin` for one batch; rows new to the ledger go in as one bulk insert.

        A full sync writes a new ledger row per write: building ORM objects for them cost
        more than the writes' HTTP calls.  Rows that exist keep the ORM path (:meth:`begin`).
        """
        keys = [op.write.key for op in ops]
        if len(set(keys)) != len(keys):  # a key twice in one batch: the row-by-row path
            return [self.begin(op, run_id, now) for op in ops]
        out: list[t.LedgerEntry | NewRow] = []
        fresh: list[dict[str, Any]] = []
        for op in ops:
            if self._row(op.write.key) is not None:
                out.append(self.begin(op, run_id, now))
                continue
            payload = jsonable(op.payload)
            fresh.append(
                {
                    "connection": self.connection,
                    "idem_key": op.write.key,
                    "deal_id": op.write.deal_id,
                    "kind": op.kind,
                    "written": None,
                    "attempts": 1,
                    "created_at": now,
                    "op": op.write.kind.value,
                    "status": "pending",
                    "payload": payload,
                    "payload_hash": payload_hash(payload),
                    "run_id": run_id,
                    "updated_at": now,
                    "error_code": None,
                    "error_message": None,
                }
            )
            out.append(NewRow(op.write.key, op.kind, payload))
        if fresh:
            self.s.flush()  # rows added before keep their place (ids in the same order)
            self.s.connection().execute(sa.insert(_TABLE), fresh)
            self._absent.difference_update(r["idem_key"] for r in fresh)
        return out

    def finish_batch(
        self,
        rows: Sequence[t.LedgerEntry | NewRow],
        results: Sequence[WriteResult],
        now: datetime,
    ) -> None:
        """:meth:`finish` for one batch (rows from :meth:`begin_batch`), new rows in bulk."""
        table = _TABLE
        done: dict[str, list[dict[str, Any]]] = {"task": [], "fields": []}
        refused: list[dict[str, Any]] = []
        for row, result in zip(rows, results, strict=True):
            if isinstance(row, t.LedgerEntry):
                self.finish(row, result, now)
            elif result.ok:
                kind = "fields" if row.kind == "fields" else "task"
                done[kind].append(
                    {"k": row.key, "w": dict(row.payload), "c": result.crm_id or None}
                )
            else:
                refused.append({"k": row.key, "e": result.error_code, "m": result.message})
        where = (table.c.connection == self.connection, table.c.idem_key == sa.bindparam("k"))
        conn = self.s.connection()
        for kind, params in done.items():
            if not params:
                continue
            values: dict[str, Any] = {
                "updated_at": now,
                "written": sa.bindparam("w", type_=table.c.written.type),
                "status": "done",
                "written_at": now,
                "crm_id": sa.bindparam("c"),
            }
            if kind == "task":
                values["observed"] = None  # the next pull shows the CRM's copy again
            conn.execute(sa.update(table).where(*where).values(values), params)
        if refused:
            stmt = sa.update(table).where(*where)
            values = {
                "updated_at": now,
                "status": "rejected",
                "error_code": sa.bindparam("e"),
                "error_message": sa.bindparam("m"),
            }
            conn.execute(stmt.values(values), refused)

    def finish(self, row: t.LedgerEntry, result: WriteResult, now: datetime) -> None:
        """Mark a sent write done (``written`` := what we sent) or rejected (with the code)."""
        row.updated_at = now
        if result.ok:
            base = dict(row.written or {}) if row.kind == "fields" else {}
            row.written = {**base, **dict(row.payload)}
            row.status = "done"
            row.written_at = now
            if result.crm_id:
                row.crm_id = result.crm_id
            if row.kind == "task":
                row.observed = None  # the next pull shows the CRM's copy again
            return
        row.status = "rejected"
        row.error_code = result.error_code
        row.error_message = result.message

    def record_conflict(self, c: Conflict, run_id: int | None, now: datetime) -> None:
        """Remember a human edit we left alone."""
        self.s.add(
            t.Conflict(
                connection=self.connection,
                run_id=run_id,
                deal_id=c.deal_id,
                idem_key=c.key,
                field=c.field,
                ours={"value": jsonable(c.ours)},
                theirs={"value": jsonable(c.theirs)},
                detected_at=now,
            )
        )

    def record_reject(
        self,
        *,
        record: str,
        key: str | None,
        field: str | None,
        code: str | None,
        message: str,
        run_id: int | None,
        now: datetime,
    ) -> None:
        """Remember a record the CRM refused."""
        self.s.add(
            t.Reject(
                connection=self.connection,
                run_id=run_id,
                record=record,
                field=field,
                code=code,
                message=message,
                idem_key=key,
                created_at=now,
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
