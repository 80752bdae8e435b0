"""Turn a mapping's rendered write-back (``WritebackPlan``) into :class:`WriteOp` s.

The sync planner decides *whether* to write; this only translates what it decided into the
connector's vocabulary, so the sync layer never handles CRM field names itself.
"""

from __future__ import annotations

from collections.abc import Collection

from nextadvance.connectors._base import TaskSpec, WriteKind, WriteOp
from nextadvance.mappings import WritebackPlan

__all__ = ["ops_from_plan"]


def ops_from_plan(
    plan: WritebackPlan,
    *,
    fields: Collection[str] | None = None,
    deal_key: str | None = None,
    task_crm_id: str | None = None,
    completed: bool = False,
) -> list[WriteOp]:
    """The writes that bring one deal to ``plan``.

    ``fields`` limits the deal update to those CRM fields (the changed, non-conflicting
    ones; None = all); ``deal_key`` is the ledger's idempotency key of the field update
    (default ``deal:<id>``); the task op uses the plan's task key, so replays upsert.
    """
    ops: list[WriteOp] = []
    values = {k: v for k, v in plan.deal_fields.items() if fields is None or k in fields}
    if values:
        ops.append(
            WriteOp(
                kind=WriteKind.update_deal,
                key=deal_key or f"deal:{plan.deal_id}",
                deal_id=plan.deal_id,
                fields=values,
            )
        )
    task = plan.task
    if task is not None:
        ops.append(
            WriteOp(
                kind=WriteKind.upsert_task,
                key=task.key,
                deal_id=plan.deal_id,
                crm_id=task_crm_id,
                task=TaskSpec(
                    subject=task.subject,
                    body=task.body,
                    due=task.due,
                    completed=completed,
                    owner_id=task.owner,
                    priority=task.priority_level,
                    fields=dict(task.fields),
                ),
            )
        )
    return ops
