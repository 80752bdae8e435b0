"""A batch of writes new to the ledger is stored exactly as the row-by-row path stores it."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa

from nextadvance.connectors import WriteKind, WriteOp
from nextadvance.sync.store import PlannedOp
from nextadvance.sync.store._db import StateStore
from nextadvance.sync.store._ledger import Ledger
from nextadvance.sync.store._ledger_writes import payload_hash

NOW = datetime(2026, 12, 7, 12, 30, 15, 123456, tzinfo=UTC)

#: payloads with what the JSON columns and the hash must agree on: key order, non-ASCII
#: text, dates, tuples, nesting, numbers, booleans and nulls
PAYLOADS: list[dict[str, Any]] = [
    {"Next_Step__c": "Démo → signée «oui»", "Amount": 12.5, "Closed": False},
    {"z": 1, "a": [1, (2, 3)], "due": date(2026, 12, 9), "at": NOW, "none": None},
    {"subject": "Call 🙂", "body": {"lines": ["a", "b"], "n": 3}, "priority": "high"},
    {},
]


def _ops(prefix: str) -> list[PlannedOp]:
    kinds = [
        WriteKind.update_deal,
        WriteKind.upsert_task,
        WriteKind.upsert_task,
        WriteKind.close_task,
    ]
    return [
        PlannedOp(
            write=WriteOp(kind=kind, key=f"d{i}:{kind.value}", deal_id=f"d{i}"),
            kind="fields" if kind == WriteKind.update_deal else "task",
            payload=payload,
            counted="fields" if kind == WriteKind.update_deal else "created",
        )
        for i, (kind, payload) in enumerate(zip(kinds, PAYLOADS, strict=True))
    ]


def _rows(store: StateStore, connection: str) -> list[tuple[Any, ...]]:
    with store.engine.connect() as conn:
        got = conn.exec_driver_sql(
            "SELECT idem_key, deal_id, kind, op, status, payload, payload_hash, written, "
            "attempts, run_id, created_at, updated_at, written_at, crm_id, error_code, "
            "error_message FROM ledger WHERE connection = %s ORDER BY id"
            % ("?" if store.dialect == "sqlite" else "%(c)s"),
            (connection,) if store.dialect == "sqlite" else {"c": connection},
        )
        return [tuple(r) for r in got]


def test_a_new_batch_is_stored_as_row_by_row_writes_are(store: StateStore) -> None:
    """``begin_batch`` (bulk insert) and ``begin`` (ORM rows) store the same values, and
    each row's hash is :func:`payload_hash` of its payload."""
    with store.session() as s:
        Ledger(s, "bulk").begin_batch(_ops("bulk"), run_id=7, now=NOW)
        single = Ledger(s, "single")
        for op in _ops("single"):
            single.begin(op, run_id=7, now=NOW)
    bulk, one = _rows(store, "bulk"), _rows(store, "single")
    assert len(bulk) == len(PAYLOADS)
    assert bulk == one
    with store.engine.connect() as conn:
        hashes = conn.execute(
            sa.text("SELECT payload_hash FROM ledger WHERE connection = 'bulk' ORDER BY id")
        ).scalars()
        assert list(hashes) == [payload_hash(p) for p in PAYLOADS]
