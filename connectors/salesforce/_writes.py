"""Salesforce writes: sObject Collections (<= 200 records, allOrNone=false), one result each.

Deal fields go through ``PATCH composite/sobjects``; our task is upserted by its external id
(``PATCH composite/sobjects/Task/NA_Key__c``), so a replayed create after a lost response
updates the same task instead of creating a duplicate.  A record the org refuses comes back as
a failed :class:`WriteResult` with the org's code, message and field; a failed *call* (after
retries) marks every op of that chunk retryable rather than "the batch failed".
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from nextadvance.connectors._base import TaskState, WriteKind, WriteOp, WriteResult
from nextadvance.connectors._cursor import parse_ts
from nextadvance.connectors._write_common import (
    CALL_FAILURES,
    fail_chunk,
    render_task,
    sends,
    task_gone,
)
from nextadvance.connectors.salesforce._errors import RETRYABLE_RECORD_CODES
from nextadvance.connectors.salesforce._plan import ReadPlan
from nextadvance.connectors.salesforce._reads import soql_quote
from nextadvance.connectors.salesforce._wire import CHUNK, wire

__all__ = ["SalesforceWriter"]

COMPLETED = "Completed"
_PRIORITY = {"low": "Low", "normal": "Normal", "high": "High"}
Restful = Callable[[str, str, dict[str, Any]], Any]
Query = Callable[[str], list[dict[str, Any]]]


class SalesforceWriter:
    """Renders :class:`WriteOp` s into collection calls and maps the answers back."""

    def __init__(self, plan: ReadPlan, restful: Restful, query: Query) -> None:
        self.plan = plan
        self.restful = restful
        self.query = query

    def apply(self, ops: Sequence[WriteOp]) -> list[WriteResult]:
        results: dict[int, WriteResult] = {}
        updates: list[tuple[int, dict[str, Any]]] = []
        upserts: list[tuple[int, dict[str, Any]]] = []
        closes = [(i, op) for i, op in enumerate(ops) if op.kind == WriteKind.close_task]
        missing = [op.key for _, op in closes if not op.crm_id]
        found = self.find_tasks(missing) if missing else {}
        for i, op in enumerate(ops):
            if op.kind == WriteKind.update_deal:
                rec = {k: wire(v) for k, v in op.fields.items()}
                updates.append(
                    (i, {"attributes": {"type": "Opportunity"}, "id": op.deal_id, **rec})
                )
            elif op.kind in (WriteKind.upsert_task, WriteKind.upsert_rep_task):
                upserts.append((i, self._task_record(op)))
            else:
                crm_id = op.crm_id or (found[op.key].crm_id if op.key in found else None)
                if crm_id is None:
                    results[i] = task_gone(op)
                    continue
                status_field = self.plan.task.status if self.plan.task else "Status"
                rec = {
                    "attributes": {"type": "Task"},
                    "id": crm_id,
                    status_field or "Status": COMPLETED,
                }
                updates.append((i, rec))
        self._send("composite/sobjects", "composite.sobjects.update", updates, ops, results)
        task = self.plan.task
        if upserts and task is not None:
            path = f"composite/sobjects/{task.object}/{task.key}"
            self._send(path, "composite.sobjects.upsert", upserts, ops, results)
        return [results[i] for i in range(len(ops))]

    def _task_record(self, op: WriteOp) -> dict[str, Any]:
        task = self.plan.task
        rec = render_task(
            task,
            op,
            wire,
            completed=COMPLETED,
            not_started="Not Started",
            priorities=_PRIORITY,
            head={"attributes": {"type": task.object}} if task else None,
        )
        assert task is not None and op.task is not None  # render_task refused otherwise
        if task.owner and op.task.owner_id and sends(op.task, "owner"):
            rec[task.owner] = op.task.owner_id
        if task.deal and op.kind == WriteKind.upsert_task and op.task.only is None:
            rec[task.deal] = op.deal_id  # a rep-level task (upsert_rep_task) has no WhatId
        return rec

    def _send(
        self,
        path: str,
        endpoint: str,
        items: list[tuple[int, dict[str, Any]]],
        ops: Sequence[WriteOp],
        results: dict[int, WriteResult],
    ) -> None:
        for start in range(0, len(items), CHUNK):
            chunk = items[start : start + CHUNK]
            body = {"allOrNone": False, "records": [rec for _, rec in chunk]}
            try:
                answer = self.restful(path, endpoint, body)
            except CALL_FAILURES as exc:
                fail_chunk(exc, chunk, ops, results)
                continue
            rows = answer if isinstance(answer, list) else []
            for n, (i, _) in enumerate(chunk):
                row = rows[n] if n < len(rows) else {}
                results[i] = _result(ops[i], row)

    def find_tasks(self, keys: Iterable[str]) -> dict[str, TaskState]:
        task = self.plan.task
        if task is None:
            return {}
        wanted = list(dict.fromkeys(keys))
        out: dict[str, TaskState] = {}
        fields = ["Id", "SystemModstamp", *self.plan.activity_fields(task.object)]
        select = ", ".join(dict.fromkeys(fields))
        for start in range(0, len(wanted), CHUNK):
            chunk = wanted[start : start + CHUNK]
            ids = ",".join(soql_quote(k) for k in chunk)
            sql = f"SELECT {select} FROM {task.object} WHERE {task.key} IN ({ids})"
            for rec in self.query(sql):
                state = self.plan.sf_task_state(rec, parse_ts(rec["SystemModstamp"]))
                if state is not None:
                    out[state.key] = state
        return out


def _result(op: WriteOp, row: dict[str, Any]) -> WriteResult:
    if row.get("success"):
        return WriteResult(
            key=op.key, ok=True, crm_id=row.get("id"), created=bool(row.get("created", False))
        )
    errors = row.get("errors") or [{"statusCode": "UNKNOWN", "message": "no result for record"}]
    err = errors[0]
    code = str(err.get("statusCode") or err.get("errorCode") or "UNKNOWN")
    fields = err.get("fields") or []
    return WriteResult(
        key=op.key,
        ok=False,
        crm_id=row.get("id"),
        error_code=code,
        message=str(err.get("message") or "")[:500],
        field=str(fields[0]) if fields else None,
        retryable=code in RETRYABLE_RECORD_CODES,
    )
