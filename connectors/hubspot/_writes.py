"""HubSpot writes: batch update of deal properties and our one task per deal, <= 100 per call.

Tasks are keyed by the unique property ``na_task_key``: existing ones (found by a batch read on
that property) are updated; missing ones are created *with* their task->deal association
(typeId 216) in the same call.  Because the property is unique, a replayed create after a lost
response is refused instead of duplicated; that op is then found and updated.  207 answers are
mapped back per record through ``context.ids`` / the key property.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from nextadvance.connectors._base import TaskState, WriteKind, WriteOp, WriteResult
from nextadvance.connectors._cursor import parse_ts
from nextadvance.connectors._plan import MAX_PROBLEMS, ReadPlan
from nextadvance.connectors._write_common import (
    CALL_FAILURES,
    fail_chunk,
    render_task,
    sends,
    task_gone,
)
from nextadvance.connectors.hubspot._api import BATCH, HubSpotApi
from nextadvance.connectors.hubspot._body import body_html, body_text
from nextadvance.connectors.hubspot._wire import wire
from nextadvance.core.errors import RecordRejected

__all__ = ["COMPLETED", "TASK_TO_DEAL", "HubSpotWriter", "wire"]

COMPLETED = "COMPLETED"
TASK_TO_DEAL = 216
_PRIORITY = {"low": "LOW", "normal": "MEDIUM", "high": "HIGH"}
#: the task property holding the due *moment* (a datetime; date properties stay midnight UTC)
DUE_MOMENT = "hs_timestamp"
#: the owner-local hour a task is due at (HubSpot shows and reminds in the user's zone)
DUE_HOUR = time(9)
#: the hour when the owner's zone is unknown: the same calendar day from UTC-11 to UTC+11
DUE_HOUR_UTC = time(12)


def due_moment(day: date, tz: str | None) -> str:
    """``hs_timestamp`` of a task due on ``day``: 09:00 in the owner's zone ``tz``, not
    midnight UTC (the evening before for every rep in the Americas).  Kept inside ``day``'s
    UTC day (10:00-14:00 local east of UTC+9), so the due date read back is ``day``."""
    zone = None
    if tz:
        try:
            zone = ZoneInfo(tz)
        except (ZoneInfoNotFoundError, ValueError):
            zone = None
    if zone is None:
        moment = datetime.combine(day, DUE_HOUR_UTC, tzinfo=UTC)
    else:
        start = datetime.combine(day, time(0), tzinfo=UTC)
        local = datetime.combine(day, DUE_HOUR, tzinfo=zone).astimezone(UTC)
        moment = min(max(local, start), start + timedelta(hours=23, minutes=59))
    return str(int(moment.timestamp() * 1000))


class HubSpotWriter:
    """Renders :class:`WriteOp` s into batch calls and maps the answers back per op."""

    def __init__(self, plan: ReadPlan, api: HubSpotApi) -> None:
        self.plan = plan
        self.api = api

    def apply(self, ops: Sequence[WriteOp]) -> list[WriteResult]:
        results: dict[int, WriteResult] = {}
        task = self.plan.task
        task_keys = [op.key for op in ops if op.kind != WriteKind.update_deal and not op.crm_id]
        existing = self.find_tasks(task_keys, with_deals=False) if task_keys and task else {}
        deal_updates: list[tuple[int, dict[str, Any]]] = []
        task_updates: list[tuple[int, dict[str, Any]]] = []
        creates: list[tuple[int, dict[str, Any]]] = []
        for i, op in enumerate(ops):
            if op.kind == WriteKind.update_deal:
                props = {k: wire(v) for k, v in op.fields.items()}
                deal_updates.append((i, {"id": op.deal_id, "properties": props}))
                continue
            if task is None:
                results[i] = WriteResult(
                    op.key,
                    ok=False,
                    error_code="NO_TASK_MAPPING",
                    message="the mapping writes no task",
                )
                continue
            crm_id = op.crm_id or (existing[op.key].crm_id if op.key in existing else None)
            if op.kind == WriteKind.close_task:
                if crm_id is None:
                    results[i] = task_gone(op)
                else:
                    status = task.status or "hs_task_status"
                    task_updates.append((i, {"id": crm_id, "properties": {status: COMPLETED}}))
                continue
            props = self._task_props(op)
            if crm_id is None:
                body: dict[str, Any] = {"properties": props}
                if op.kind == WriteKind.upsert_task:  # a rep-level task links to no deal
                    body["associations"] = [
                        {
                            "to": {"id": op.deal_id},
                            "types": [
                                {
                                    "associationCategory": "HUBSPOT_DEFINED",
                                    "associationTypeId": TASK_TO_DEAL,
                                }
                            ],
                        }
                    ]
                creates.append((i, body))
            else:
                task_updates.append((i, {"id": crm_id, "properties": props}))
        self._send("deals", "update", deal_updates, ops, results, by="id")
        if task is not None:
            self._send(task.object, "update", task_updates, ops, results, by="id")
            self._send(task.object, "create", creates, ops, results, by=task.key)
            # a create refused because the key exists (replay after a lost answer): update it
            retry = [
                i
                for i, _ in creates
                if not results[i].ok and results[i].error_code in ("CONFLICT", "VALIDATION_ERROR")
            ]
            if retry:
                found = self.find_tasks([ops[i].key for i in retry], with_deals=False)
                again = [
                    (i, {"id": found[ops[i].key].crm_id, "properties": self._task_props(ops[i])})
                    for i in retry
                    if ops[i].key in found
                ]
                self._send(task.object, "update", again, ops, results, by="id")
        return [results[i] for i in range(len(ops))]

    def _task_props(self, op: WriteOp) -> dict[str, Any]:
        task = self.plan.task
        props = render_task(
            task,
            op,
            wire,
            completed=COMPLETED,
            not_started="NOT_STARTED",
            priorities=_PRIORITY,
        )
        assert task is not None and op.task is not None  # render_task refused otherwise
        if task.due == DUE_MOMENT and op.task.due is not None and sends(op.task, "due"):
            props[task.due] = due_moment(op.task.due, op.task.due_tz)
        if isinstance(props.get(task.body), str):  # HubSpot renders the notes as HTML
            props[task.body] = body_html(props[task.body])
        if task.type and task.task_type and op.task.only is None:
            props[task.type] = task.task_type
        if task.owner and op.task.owner_id and sends(op.task, "owner"):
            props[task.owner] = op.task.owner_id
        return props

    def _send(
        self,
        obj: str,
        action: str,
        items: list[tuple[int, dict[str, Any]]],
        ops: Sequence[WriteOp],
        results: dict[int, WriteResult],
        *,
        by: str,
    ) -> None:
        for start in range(0, len(items), BATCH):
            self._send_chunk(obj, action, items[start : start + BATCH], ops, results, by=by)
        refused_field = {i: r.field for i, r in results.items() if not r.ok}
        owner = self.plan.task.owner if self.plan.task is not None else None
        refused = {
            i: str(body["properties"][owner])
            for i, body in items
            if owner
            and i in refused_field
            and refused_field[i] == owner
            and body["properties"].get(owner)
        }
        if refused and obj == (self.plan.task.object if self.plan.task else None):
            self._retry_unassigned(obj, action, items, refused, ops, results, by=by)

    def _send_chunk(
        self,
        obj: str,
        action: str,
        chunk: list[tuple[int, dict[str, Any]]],
        ops: Sequence[WriteOp],
        results: dict[int, WriteResult],
        *,
        by: str,
    ) -> None:
        """One batch call; a batch refused whole for a value one record holds (HubSpot
        answers a single 400 for the batch) is halved until the refused records stand alone,
        so they do not hold the others back run after run (~2 log2 n calls more)."""
        try:
            answer = self.api.batch_write(obj, action, [body for _, body in chunk])
        except CALL_FAILURES as exc:
            refused = self._refused_owners(obj, chunk, str(exc))
            if refused:
                # the whole batch was refused for deactivated owners: once more without them
                self._retry_unassigned(obj, action, chunk, refused, ops, results, by=by)
            elif (
                isinstance(exc, RecordRejected)
                and getattr(exc, "code", None) == "VALIDATION_ERROR"
                and len(chunk) > 1
            ):
                half = len(chunk) // 2
                self._send_chunk(obj, action, chunk[:half], ops, results, by=by)
                self._send_chunk(obj, action, chunk[half:], ops, results, by=by)
            else:
                fail_chunk(exc, chunk, ops, results)
            return
        ok_by: dict[str, dict[str, Any]] = {}
        for row in answer.get("results", []):
            ident = str(row.get("id")) if by == "id" else str((row.get("properties") or {}).get(by))
            ok_by[ident] = row
        failed: dict[str, dict[str, Any]] = {}
        loose: list[dict[str, Any]] = []
        for err in answer.get("errors", []):
            ids = (err.get("context") or {}).get("ids") or []
            for ident in ids:
                failed[str(ident)] = err
            if not ids:
                loose.append(err)
        for i, body in chunk:
            ident = str(body.get("id")) if by == "id" else str(body["properties"].get(by))
            if ident in ok_by:
                results[i] = WriteResult(
                    ops[i].key,
                    ok=True,
                    crm_id=str(ok_by[ident]["id"]),
                    created=action == "create",
                )
                continue
            err = failed.get(ident) or (
                loose[0] if loose else {"category": "UNKNOWN", "message": "no result for record"}
            )
            code = str(err.get("category") or "UNKNOWN")
            results[i] = WriteResult(
                ops[i].key,
                ok=False,
                error_code=code,
                message=str(err.get("message") or "")[:500],
                field=_field(err),
                retryable=code in ("RATE_LIMITS", "LOCKED", "INTERNAL_ERROR"),
            )

    def _refused_owners(
        self, obj: str, items: list[tuple[int, dict[str, Any]]], text: str
    ) -> dict[int, str]:
        """{op index: owner id} of tasks whose owner the error names as not an option."""
        task = self.plan.task
        if task is None or task.owner is None or obj != task.object or task.owner not in text:
            return {}
        out: dict[int, str] = {}
        for i, body in items:
            value = body["properties"].get(task.owner)
            if value and f"{value} was not one of the allowed options" in text:
                out[i] = str(value)
        return out

    def _retry_unassigned(
        self,
        obj: str,
        action: str,
        items: list[tuple[int, dict[str, Any]]],
        refused: dict[int, str],
        ops: Sequence[WriteOp],
        results: dict[int, WriteResult],
        *,
        by: str,
    ) -> None:
        """Send again, the refused owners left out, and list each task written unassigned.

        A deal whose owner was deactivated keeps the owner id, but an archived owner is no
        longer an option of ``hubspot_owner_id``: HubSpot refuses a task assigned to them
        (a 400 for the whole batch create, or a per-record error).  The task is still worth
        having, so it is written unassigned and the run lists a problem naming the task, the
        deal and the owner, for ops to reassign the deal.  Costs a call only after such a
        refusal.
        """
        owner = self.plan.task.owner if self.plan.task is not None else None
        again = [
            (
                i,
                {
                    **body,
                    "properties": {
                        k: v
                        for k, v in body["properties"].items()
                        if not (i in refused and k == owner)
                    },
                },
            )
            for i, body in items
        ]
        self._send(obj, action, again, ops, results, by=by)
        for i, value in refused.items():
            if results[i].ok and len(self.plan.problems) < MAX_PROBLEMS:
                op = ops[i]
                self.plan.problems.append(
                    f"task {op.key} (deal {op.deal_id}): owner {value} is not an active "
                    "HubSpot owner (deactivated?); the task was written unassigned - "
                    "reassign the deal's owner"
                )

    def find_tasks(self, keys: Iterable[str], *, with_deals: bool = True) -> dict[str, TaskState]:
        """Our tasks by key; ``with_deals`` also reads their deal links (one more call per 100)."""
        task = self.plan.task
        if task is None:
            return {}
        wanted = list(dict.fromkeys(keys))
        if not wanted:
            return {}
        props = list(self.plan.activity_fields(task.object))
        out: dict[str, TaskState] = {}
        rows = self.api.batch_read(task.object, wanted, props, id_property=task.key)
        ids = [str(r["id"]) for r in rows]
        links = self.api.associations(task.object, "deals", ids) if ids and with_deals else {}
        for row in rows:
            rid = str(row["id"])
            p = body_text(row.get("properties") or {}, task.body)
            deals = links.get(rid) or []
            state = self.plan.task_state(
                p,
                rid,
                parse_ts(p.get("hs_lastmodifieddate") or row.get("updatedAt")),
                str(deals[0]["toObjectId"]) if deals else None,
            )
            if state is not None:
                out[state.key] = state
        return out


def _field(err: dict[str, Any]) -> str | None:
    ctx = err.get("context") or {}
    for key in ("propertyName", "property", "properties"):
        value = ctx.get(key)
        if value:
            return str(value[0] if isinstance(value, list) else value)
    return None
