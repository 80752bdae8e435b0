"""Render the engine's decision into the CRM values the mapping says to write. Pure.

:func:`render_writeback` gives the *desired* state: deal field values typed for the CRM
(Salesforce dates ``YYYY-MM-DD`` and JSON booleans; HubSpot strings, dates as midnight-UTC
epoch milliseconds) and the one suggested task with its idempotency key.  The sync run
compares that with what it last wrote and what the CRM holds, and sends only changes.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping as MappingABC
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any, Literal

from pydantic import ValidationError

from nextadvance.core import Decision
from nextadvance.core.models import Deal
from nextadvance.mappings._checks import DUE_RULE
from nextadvance.mappings._coach import build_coach, coach_json
from nextadvance.mappings._model import Mapping, OutputSpec, TaskSpec

__all__ = [
    "TaskPlan",
    "WritebackPlan",
    "due_date",
    "render_value",
    "render_writeback",
    "task_key",
    "truncate",
    "typed_value",
    "wire_value",
]

#: Default max lengths per output type and CRM (Salesforce text 255 / long text 32,000;
#: HubSpot single-line text and textarea 65,536).
_MAX = {
    ("salesforce", "text"): 255,
    ("salesforce", "picklist"): 255,
    ("salesforce", "textarea"): 32000,
    ("hubspot", "text"): 65536,
    ("hubspot", "picklist"): 65536,
    ("hubspot", "textarea"): 65536,
}


@dataclass(frozen=True)
class TaskPlan:
    """The suggested task as the CRM should hold it; ``fields`` is ready to send."""

    object_type: str
    key_field: str
    key: str
    deal_id: str
    subject: str
    body: str
    due: date
    priority: str | None
    type: str | None
    owner: str | None
    fields: dict[str, Any] = field(default_factory=dict)

    @property
    def priority_level(self) -> Literal["low", "normal", "high"]:
        """The priority in CRM-neutral terms (Salesforce High/Normal/Low, HubSpot HIGH/MEDIUM/LOW)."""
        level = (self.priority or "").strip().casefold()
        if level == "high":
            return "high"
        if level in ("low", "none"):
            return "low"
        return "normal"


@dataclass(frozen=True)
class WritebackPlan:
    """The desired CRM state of one deal.

    ``deal_fields`` are {CRM field: value} ready to send (Salesforce JSON types, HubSpot
    strings); ``deal_values`` the same values as Python objects (str, bool, date, datetime)
    to compare with what a connector read back; ``task`` is None when no task is wanted.
    """

    deal_id: str
    deal_object: str
    deal_fields: dict[str, Any]
    task: TaskPlan | None
    deal_values: dict[str, Any] = field(default_factory=dict)


def truncate(text: str, max_length: int) -> str:
    """``text`` cut to ``max_length`` characters, ending in an ellipsis when cut."""
    return text if len(text) <= max_length else text[: max_length - 1].rstrip() + "…"


def typed_value(crm: str, kind: str, value: Any, max_length: int | None = None) -> Any:
    """One output as a Python value of the target's type: truncated text, bool, date, datetime.

    This is what the CRM will hold once written, in the form connectors read it back, so a
    planner can compare it with the CRM's current value.
    """
    if value is None:
        return None
    if kind == "boolean":
        return bool(value)
    if kind in ("date", "datetime"):
        if isinstance(value, datetime):
            moment = value.astimezone(UTC).replace(microsecond=0)
        else:
            moment = datetime(value.year, value.month, value.day, tzinfo=UTC)
        return moment.date() if kind == "date" else moment
    text = str(value)
    if not text.strip():
        return None
    limit = max_length or _MAX.get((crm, kind), 255)
    return truncate(text, limit)


def wire_value(crm: str, value: Any) -> Any:
    """A typed value as the CRM's API expects it (Salesforce JSON, HubSpot strings)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return ("true" if value else "false") if crm == "hubspot" else value
    if isinstance(value, datetime):
        if crm == "hubspot":
            return str(int(value.timestamp() * 1000))
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(value, date):
        if crm == "hubspot":
            return str(
                int(datetime(value.year, value.month, value.day, tzinfo=UTC).timestamp() * 1000)
            )
        return value.isoformat()
    return value


def render_value(crm: str, kind: str, value: Any, max_length: int | None = None) -> Any:
    """One value as the CRM's API expects it for a field of type ``kind``."""
    return wire_value(crm, typed_value(crm, kind, value, max_length))


def due_date(rule: str, today: date) -> date:
    """The date a ``today`` / ``+N days`` / ``+N business days`` rule gives from ``today``."""
    match = DUE_RULE.match(rule)
    if match is None:
        raise ValueError(f"cannot read due-date rule {rule!r}")
    if match.group(1) is None:
        return today
    n = int(match.group(1))
    if not match.group(2):
        return today + timedelta(days=n)
    day = today
    while day.weekday() >= 5:  # starting on a weekend counts from Monday
        day += timedelta(days=1)
    while n > 0:
        day += timedelta(days=1)
        if day.weekday() < 5:
            n -= 1
    return day


_USED: dict[str, Any] = {
    "stage": True,
    "open": True,
    "objectives": {"__all__": {"id", "title", "essential", "status"}},
    "call_objective": True,
    "next_step_check": {"verdict", "reason"},
    "momentum": {"stalled"},
}


def _as_dict(decision: object) -> dict[str, Any]:
    dump = getattr(decision, "model_dump", None)
    if callable(dump):
        # Only the parts rendering reads: dumping explanations too would triple the cost.
        result = dump(mode="python", include=_USED)
        if isinstance(result, dict):
            return result
    if isinstance(decision, MappingABC):
        return dict(decision)
    raise TypeError("decision must be a nextadvance Decision or a dict of its JSON shape")


def _text(value: Any) -> str:
    if isinstance(value, MappingABC):
        return str(value.get("text") or "")
    return "" if value is None else str(value)


def _context(deal: Deal, d: dict[str, Any]) -> dict[str, str]:
    co: dict[str, Any] = d.get("call_objective") or {}
    objectives = d.get("objectives") or []
    titles = {o.get("id"): o.get("title") or o.get("id") for o in objectives}
    learn = [str(titles.get(i, i)) for i in co.get("learn") or ()]
    stretch, conservative = _text(co.get("stretch")), _text(co.get("conservative"))
    check: dict[str, Any] = d.get("next_step_check") or {}
    close_for = stretch + (f" (fallback: {conservative})" if conservative else "")
    parts = []
    if learn:
        parts.append("Learn: " + "; ".join(learn) + ".")
    if close_for:
        parts.append("Close for: " + close_for + ".")
    summary = "\n".join(
        f"[{'x' if o.get('status') == 'learned' else ' '}] {o.get('title') or o.get('id')}"
        + (" (essential)" if o.get("essential") and o.get("status") != "learned" else "")
        for o in objectives
    )
    return {
        "deal_name": deal.name,
        "stage": str(d.get("stage") or deal.stage),
        "call_objective": " ".join(parts),
        "learn": "\n".join(f"- {t}" for t in learn),
        "questions": "\n".join(f"- {q}" for q in co.get("questions") or ()),
        "stretch": stretch,
        "conservative": conservative,
        "plan": "\n".join(f"{i}. {step}" for i, step in enumerate(co.get("plan") or (), 1)),
        "objectives": summary,
        "verdict": str(check.get("verdict") or ""),
        "verdict_reason": str(check.get("reason") or ""),
        "strategic_objective": str(co.get("strategic_objective") or deal.strategic_objective or ""),
    }


def task_key(deal_id: str, d: dict[str, Any]) -> str:
    """Idempotency key: same deal + same call objective => same key, so a completed task
    for that objective is recognised and not recreated."""
    co: dict[str, Any] = d.get("call_objective") or {}
    ident = {
        "stage": d.get("stage"),
        "learn": sorted(str(x) for x in co.get("learn") or ()),
        "stretch": (co.get("stretch") or {}).get("advance_id"),
        "conservative": (co.get("conservative") or {}).get("advance_id"),
    }
    digest = hashlib.sha256(json.dumps(ident, sort_keys=True).encode()).hexdigest()[:16]
    return f"na-{deal_id}-{digest}"


def _coach_text(
    deal: Deal, decision: object, stage_titles: MappingABC[str, str] | None
) -> str | None:
    if isinstance(decision, Decision):
        model = decision
    else:
        try:
            model = Decision.model_validate(decision)
        except ValidationError:
            return None  # a partial decision dict cannot make a payload: nothing to write
    payload = build_coach(
        model,
        stage_title=(stage_titles or {}).get(model.stage),
        activity_dates={a.id: a.at for a in deal.activities},
        contact_names={c.id: c.name for c in deal.contacts if c.name},
    )
    return coach_json(payload)


def render_writeback(
    mapping: Mapping,
    deal: Deal,
    decision: object,
    now: datetime,
    stage_titles: MappingABC[str, str] | None = None,
) -> WritebackPlan:
    """The desired CRM state for one deal after ``decision`` (a Decision or its JSON dict).

    ``stage_titles`` (stage key -> the playbook's name) lets the coach payload name stages.
    """
    d = _as_dict(decision)
    ctx = _context(deal, d)
    wb = mapping.writeback
    never = {f.casefold() for f in wb.never_write}
    check: dict[str, Any] = d.get("next_step_check") or {}
    momentum: dict[str, Any] = d.get("momentum") or {}
    raw: dict[str, Any] = {
        "next_advance": ctx["stretch"]
        + (f" (fallback: {ctx['conservative']})" if ctx["conservative"] else ""),
        "objectives": ctx["objectives"],
        "next_step_verdict": check.get("verdict"),
        "stalled": bool(momentum.get("stalled")),
        "last_evaluated": now,
    }
    values: dict[str, Any] = {}
    for output, spec, kind in wb.deal.enabled_outputs():
        if output == "coach" and spec.field.casefold() not in never:
            raw["coach"] = _coach_text(deal, decision, stage_titles)
            if raw["coach"] is None:
                continue
        if spec.field.casefold() not in never:
            values[spec.field] = _render_output(mapping.crm, output, spec, kind, raw[output], check)
    fields = {name: wire_value(mapping.crm, value) for name, value in values.items()}
    task = None
    if wb.task is not None and wb.task.enabled and d.get("open", True) and ctx["stretch"]:
        task = _render_task(mapping.crm, wb.task, deal, d, ctx, now)
    return WritebackPlan(deal.id, mapping.deal.object, fields, task, values)


def _render_output(
    crm: str, output: str, spec: OutputSpec, kind: str, value: Any, check: dict[str, Any]
) -> Any:
    if output == "next_step_verdict" and value is not None:
        verdict = str(value)
        if spec.values:
            value = spec.values.get(verdict, verdict)
        elif kind in ("text", "textarea") and check.get("reason"):
            value = f"{verdict}: {check['reason']}"
    if output == "next_advance" and not value:
        value = None
    return typed_value(crm, kind, value, spec.max_length)


def _render_task(
    crm: str, spec: TaskSpec, deal: Deal, d: dict[str, Any], ctx: dict[str, str], now: datetime
) -> TaskPlan:
    subject = truncate(" ".join(spec.subject.format_map(ctx).split()), spec.subject_max_length)
    body = truncate(spec.body.format_map(ctx).strip(), spec.body_max_length)
    due = due_date(spec.due, now.astimezone(UTC).date())
    key = task_key(deal.id, d)
    f = spec.fields
    values: dict[str, Any] = {
        spec.key_field: key,
        f.subject: subject,
        f.body: body,
        f.due: render_value(crm, "date", due),
    }
    optional = {
        f.priority: spec.priority,
        f.type: spec.type,
        f.status: spec.status,
        f.owner: deal.owner,
        f.deal: deal.id,
    }
    for crm_field, value in optional.items():
        if crm_field and value is not None:
            values[crm_field] = value
    return TaskPlan(
        object_type=spec.object,
        key_field=spec.key_field,
        key=key,
        deal_id=deal.id,
        subject=subject,
        body=body,
        due=due,
        priority=spec.priority,
        type=spec.type,
        owner=deal.owner,
        fields=values,
    )
