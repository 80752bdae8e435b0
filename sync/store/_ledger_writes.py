"""Ledger writes: a write recorded ``pending`` before it is sent, ``done``/``rejected`` after.

A full sync writes a new ledger row per write, so rows new to the ledger go in as one bulk
insert per batch (rows as tuples through :func:`._bulk.insert_rows`, the mirror's path) and
are finished with bulk updates by key; rows that exist keep the ORM path.  Conflicts (human
edits left alone) and rejects are remembered beside them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

import sqlalchemy as sa

from nextadvance.connectors import WriteResult

from . import _tables as t
from ._bulk import Row, insert_rows
from ._json import RawJSON, canonical, canonical_native, dumps, jsonable
from ._ledger_rows import LedgerRows
from ._types import Conflict, PlannedOp

__all__ = ["LedgerWrites", "NewRow", "payload_hash"]

#: the ledger's table, for the bulk statements of a batch (no ORM object per row)
_TABLE = cast(sa.Table, t.LedgerEntry.__table__)


#: the columns of a row :meth:`LedgerWrites.begin_batch` inserts, in the order of its tuples
_NEW_KEYS = (
    "connection",
    "idem_key",
    "deal_id",
    "kind",
    "written",
    "attempts",
    "created_at",
    "op",
    "status",
    "payload",
    "payload_hash",
    "run_id",
    "updated_at",
    "error_code",
    "error_message",
)


def payload_hash(payload: Mapping[str, Any]) -> str:
    """SHA-256 of the payload's canonical JSON."""
    return hashlib.sha256(canonical(dict(payload)).encode()).hexdigest()


def _native_hash(payload: dict[str, Any]) -> str:
    """:func:`payload_hash` of a payload ``jsonable`` made already: ``jsonable`` hands its
    own output back unchanged, so the canonical text is encoded without walking it again."""
    return hashlib.sha256(canonical_native(payload).encode()).hexdigest()


@dataclass(frozen=True)
class NewRow:
    """A ledger row :meth:`Ledger.begin_batch` inserted in bulk (no ORM object behind it).

    ``payload``: its JSON text as stored, which is also what ``written`` becomes when the
    CRM confirms the write (serialised once for both).
    """

    key: str
    kind: str
    payload: RawJSON


class LedgerWrites(LedgerRows):
    """The write-ahead steps and the records kept beside them."""

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
        row.payload_hash = _native_hash(payload)
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
        fresh: list[Row] = []
        connection = self.connection
        for op in ops:
            if self._row(op.write.key) is not None:
                out.append(self.begin(op, run_id, now))
                continue
            payload = jsonable(op.payload)
            text = RawJSON(dumps(payload))  # the bind step would make the same text
            fresh.append(
                (
                    connection,
                    op.write.key,
                    op.write.deal_id,
                    op.kind,
                    None,  # written
                    1,  # attempts
                    now,  # created_at
                    op.write.kind.value,
                    "pending",
                    text,
                    _native_hash(payload),
                    run_id,
                    now,  # updated_at
                    None,  # error_code
                    None,  # error_message
                )
            )
            out.append(NewRow(op.write.key, op.kind, text))
        if fresh:
            self.s.flush()  # rows added before keep their place (ids in the same order)
            insert_rows(self.s, t.LedgerEntry, _NEW_KEYS, fresh)
            self._absent.difference_update(row[1] for row in fresh)
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
                done[kind].append({"k": row.key, "w": row.payload, "c": result.crm_id or None})
            else:
                refused.append(
                    {
                        "k": row.key,
                        "e": result.error_code,
                        "m": result.message,
                        "s": "pending" if result.unknown else "rejected",
                    }
                )
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
                "status": sa.bindparam("s"),
                "error_code": sa.bindparam("e"),
                "error_message": sa.bindparam("m"),
            }
            conn.execute(stmt.values(values), refused)

    def finish(self, row: t.LedgerEntry, result: WriteResult, now: datetime) -> None:
        """Mark a sent write done (``written`` := what we sent) or rejected (with the code);
        one whose call got no answer (``WriteResult.unknown``) stays pending."""
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
        # no answer: it may have landed, so it stays pending and the next run looks it up
        # (recording it rejected made our own applied write read as a rep's edit)
        row.status = "pending" if result.unknown else "rejected"
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
