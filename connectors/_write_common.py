"""Write-side bookkeeping both connectors share: failed calls, gone tasks, task rendering.

A write call that fails after the transport's retries fails every op it carried with the
call's error (retryable when the error is; of unknown outcome when no answer came), never
"the batch failed"; closing a task that no
longer exists succeeds; and our task's fields are rendered from a :class:`TaskSpec` onto the
mapped field names the same way, only the CRM's value vocabulary (wire format, status and
priority values) differs.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from nextadvance.connectors._base import WriteOp, WriteResult
from nextadvance.connectors._plan import TaskFieldNames
from nextadvance.core.errors import (
    ConnectorError,
    FatalRemote,
    RecordRejected,
    Retryable,
    Timeout,
    Unavailable,
)

__all__ = ["CALL_FAILURES", "fail_chunk", "render_task", "sends", "task_gone"]

#: What a failed write *call* raises after retries; each fails the ops of its chunk.
CALL_FAILURES = (Retryable, RecordRejected, FatalRemote)


def fail_chunk(
    exc: ConnectorError,
    chunk: Sequence[tuple[int, Any]],
    ops: Sequence[WriteOp],
    results: dict[int, WriteResult],
) -> None:
    """Fail every op of ``chunk`` (``(op index, body)`` pairs) with the call's error."""
    code = getattr(exc, "code", None) or type(exc).__name__
    for i, _ in chunk:
        results[i] = WriteResult(
            key=ops[i].key,
            ok=False,
            error_code=code,
            message=str(exc),
            retryable=isinstance(exc, Retryable),
            # no answer: applied or not, nobody knows (a refused rate limit was not applied)
            unknown=isinstance(exc, Timeout | Unavailable),
        )


def task_gone(op: WriteOp) -> WriteResult:
    """The result of closing a task that no longer exists: nothing left to do."""
    return WriteResult(key=op.key, ok=True, message="task no longer exists")


def render_task(
    task: TaskFieldNames | None,
    op: WriteOp,
    wire: Callable[[Any], Any],
    *,
    completed: str,
    not_started: str,
    priorities: Mapping[str, str],
    head: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Our task's field values: extra mapped fields, ``head``, key/subject/body/due/status/priority.

    The connector's own rendering wins over the mapping's extra fields; the CRM adds what only
    it has (link, owner, type) after these, in its own order.  An update (``spec.only`` set)
    sends the key, the stamp and only the parts it names: never a part a rep changed, never
    the status of a task that stays open, never the mapping's extra fields.
    """
    spec = op.task
    if task is None or spec is None:
        raise RecordRejected("no task mapping or task content", record=op.key)
    only = spec.only
    parts: dict[str, Any] = {
        "subject": (task.subject, spec.subject),
        "body": (task.body, spec.body),
        "due": (task.due, wire(spec.due)),
    }
    if task.status:
        parts["status"] = (
            task.status,
            completed if spec.completed else (task.open_status or not_started),
        )
    if task.priority:
        parts["priority"] = (task.priority, priorities[spec.priority])
    rec: dict[str, Any] = {} if only is not None else {k: wire(v) for k, v in spec.fields.items()}
    rec.update({**(head or {}), task.key: op.key})
    for part, (name, value) in parts.items():
        if only is None or part in only:
            rec[name] = value
    if task.stamp and spec.stamp:
        rec[task.stamp] = spec.stamp
    return rec


def sends(spec: Any, part: str) -> bool:
    """Whether a task write sends ``part`` (a create sends every part)."""
    return spec is not None and (spec.only is None or part in spec.only)
