"""A rendered write-back kept between runs: to JSON and back, and re-stamped with a new ``now``.

A sync keeps each open deal's :class:`WritebackPlan` so that the next run, finding the deal,
the playbook and the mapping unchanged and ``now`` in the same time class
(``core.time_class``), uses it instead of deciding and rendering again.  The JSON form tags
dates and datetimes so that they come back as the types the planner compares; everything
else in a plan is text, a flag or nothing.  What a plan says of ``now`` itself, the
``last_evaluated`` output and the coach payload's ``decided_at``, is re-rendered for the run
that uses it, so a kept plan re-stamped is the plan that run would render.
"""

from __future__ import annotations

from dataclasses import fields, replace
from datetime import date, datetime
from typing import Any

from ._coach import utc_second
from ._coach_text import restamp_coach
from ._model import Mapping
from ._writeback import TaskPlan, Value, WritebackPlan, typed_value, written_outputs

__all__ = ["plan_from_json", "plan_json", "restamp"]

#: the task's fields as :func:`plan_json` writes them one by one and :func:`plan_from_json`
#: reads them back: a field added to :class:`TaskPlan` must be added to both
_TASK_FIELDS = (
    "object_type",
    "key_field",
    "key",
    "deal_id",
    "subject",
    "body",
    "due",
    "priority",
    "type",
    "owner",
    "fields",
    "due_tz",
)
if tuple(f.name for f in fields(TaskPlan)) != _TASK_FIELDS:  # pragma: no cover - import guard
    raise RuntimeError("plan_json and plan_from_json must know every TaskPlan field")


def plan_json(plan: WritebackPlan) -> dict[str, Any]:
    """``plan`` as plain JSON values (dates and datetimes tagged)."""
    task = None
    t = plan.task
    if t is not None:  # field by field: ``asdict`` deep-copies every value on the way
        task = {
            "object_type": t.object_type,
            "key_field": t.key_field,
            "key": t.key,
            "deal_id": t.deal_id,
            "subject": t.subject,
            "body": t.body,
            "due": _value_json(t.due),
            "priority": t.priority,
            "type": t.type,
            "owner": t.owner,
            "fields": {k: _value_json(v) for k, v in t.fields.items()},
            "due_tz": t.due_tz,
        }
    return {
        "deal_id": plan.deal_id,
        "deal_object": plan.deal_object,
        "deal_fields": {k: _value_json(v) for k, v in plan.deal_fields.items()},
        "task": task,
    }


def plan_from_json(data: dict[str, Any]) -> WritebackPlan:
    """The plan :func:`plan_json` gave (equal to the one it was given)."""
    task = None
    raw = data["task"]
    if raw is not None:
        task = TaskPlan(
            object_type=raw["object_type"],
            key_field=raw["key_field"],
            key=raw["key"],
            deal_id=raw["deal_id"],
            subject=raw["subject"],
            body=raw["body"],
            due=date.fromisoformat(raw["due"]["date"]),
            priority=raw["priority"],
            type=raw["type"],
            owner=raw["owner"],
            fields={k: _value(v) for k, v in raw["fields"].items()},
            due_tz=raw["due_tz"],
        )
    return WritebackPlan(
        deal_id=data["deal_id"],
        deal_object=data["deal_object"],
        deal_fields={k: _value(v) for k, v in data["deal_fields"].items()},
        task=task,
    )


def restamp(plan: WritebackPlan, mapping: Mapping, now: datetime) -> WritebackPlan:
    """``plan`` with what it says of ``now`` (``last_evaluated``, the coach payload's
    ``decided_at``) rendered at ``now``."""
    stamped: dict[str, Value] = {}
    for output, spec, kind in written_outputs(mapping):
        if output == "last_evaluated":
            stamped[spec.field] = typed_value(mapping.crm, kind, now, spec.max_length)
        elif output == "coach":
            text = plan.deal_fields.get(spec.field)
            if isinstance(text, str):
                stamped[spec.field] = restamp_coach(text, utc_second(now))
    if not stamped:
        return plan
    return replace(plan, deal_fields={**plan.deal_fields, **stamped})


def _value_json(value: Any) -> Any:
    # datetime before date: a datetime is a date too
    if isinstance(value, datetime):
        return {"datetime": value.isoformat()}
    if isinstance(value, date):
        return {"date": value.isoformat()}
    if value is None or isinstance(value, str | bool):
        return value
    raise TypeError(f"a write-back value is text, a flag, a date or a datetime, not {value!r}")


def _value(raw: Any) -> Value:
    if isinstance(raw, dict):
        if "datetime" in raw:
            return datetime.fromisoformat(raw["datetime"])
        return date.fromisoformat(raw["date"])
    if raw is None or isinstance(raw, str | bool):
        return raw
    raise TypeError(f"not a kept write-back value: {raw!r}")
