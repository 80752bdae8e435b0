"""Render the engine's decision into the values the mapping says to write. Pure.

:func:`render_writeback` gives the *desired* state as CRM-neutral typed values keyed by CRM
field: text (truncated to the field's limit), bool, date, datetime.  The connector of the CRM
encodes them for its API (its profile's one wire encoder), so no CRM's wire format is known
here.  The sync run compares these values with what it last wrote and what the CRM holds, and
sends only changes.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from collections.abc import Mapping as MappingABC
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from typing import Any, Literal

from nextadvance.core import Decision, Playbook
from nextadvance.core.models import Deal
from nextadvance.mappings._checklist import checklist_lines, fit_lines
from nextadvance.mappings._checks import DUE_RULE
from nextadvance.mappings._coach import build_coach, coach_text
from nextadvance.mappings._coach_task import (
    advance_line,
    coach_context,
    coach_due,
    crm_priority,
)
from nextadvance.mappings._crms import crm_model
from nextadvance.mappings._model import Mapping
from nextadvance.mappings._model_writeback import (
    DEFAULT_OUTPUT_TYPES,
    OutputSpec,
    OutputType,
    TaskSpec,
)

__all__ = [
    "TaskPlan",
    "Value",
    "WritebackPlan",
    "due_date",
    "render_writeback",
    "task_key",
    "truncate",
    "typed_value",
]

#: A CRM-neutral write-back value: what the CRM field will hold once written.
Value = str | bool | date | datetime | None


@dataclass(frozen=True)
class TaskPlan:
    """The suggested task as the CRM should hold it.

    ``fields`` holds the same task as typed values keyed by the mapping's CRM task fields
    (key, subject, body, due as a date, and the optional priority/type/status/owner/link);
    the connector renders the task from these parts in its own vocabulary.
    """

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
    fields: dict[str, Value] = field(default_factory=dict)
    #: the IANA zone ``due`` is a day of (the owner's): a CRM that stores a due *time*
    #: (HubSpot ``hs_timestamp``) puts it at a business hour there; None = UTC
    due_tz: str | None = None

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

    ``deal_fields`` are {CRM field: typed value} (str, bool, date, datetime, None), in the
    form connectors read them back, so the planner compares them directly and the connector
    encodes them on the way out; ``task`` is None when no task is wanted.
    """

    deal_id: str
    deal_object: str
    deal_fields: dict[str, Value]
    task: TaskPlan | None


def truncate(text: str, max_length: int) -> str:
    """``text`` cut to ``max_length`` characters, ending in an ellipsis when cut."""
    return text if len(text) <= max_length else text[: max_length - 1].rstrip() + "…"


def typed_value(crm: str, kind: str, value: Any, max_length: int | None = None) -> Value:
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
    limit = max_length or crm_model(crm).text_limit(kind)
    return truncate(text, limit)


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


def _advance_text(choice: Any) -> str:
    return "" if choice is None else str(choice.text or "")


def _context(deal: Deal, d: Decision) -> dict[str, str]:
    co = d.call_objective
    titles = {o.id: o.title or o.id for o in d.objectives}
    learn = [str(titles.get(i, i)) for i in co.learn]
    stretch, conservative = _advance_text(co.stretch), _advance_text(co.conservative)
    check = d.next_step_check
    close_for = stretch + (f" (fallback: {conservative})" if conservative else "")
    parts = []
    if learn:
        parts.append("Learn: " + "; ".join(learn) + ".")
    if close_for:
        parts.append("Close for: " + close_for + ".")
    summary = "\n".join(checklist_lines(d))
    return {
        "deal_name": deal.name,
        "stage": str(d.stage or deal.stage),
        "call_objective": " ".join(parts),
        "learn": "\n".join(f"- {t}" for t in learn),
        "questions": "\n".join(f"- {q}" for q in co.questions),
        "stretch": stretch,
        "conservative": conservative,
        "plan": "\n".join(f"{i}. {step}" for i, step in enumerate(co.plan, 1)),
        "objectives": summary,
        "verdict": str(check.verdict or ""),
        "verdict_reason": str(check.reason or ""),
        "strategic_objective": str(co.strategic_objective or deal.strategic_objective or ""),
        **coach_context(d),
    }


def task_key(deal_id: str, d: Decision) -> str:
    """Idempotency key: same deal + same call objective => same key, so a completed task
    for that objective is recognised and not recreated."""
    co = d.call_objective
    digest = _objective_digest(
        d.stage,
        tuple(sorted(str(x) for x in co.learn)),
        co.stretch.advance_id if co.stretch is not None else None,
        co.conservative.advance_id if co.conservative is not None else None,
    )
    return f"na-{deal_id}-{digest}"


@lru_cache(maxsize=1024)
def _objective_digest(
    stage: str, learn: tuple[str, ...], stretch: str | None, conservative: str | None
) -> str:
    """The key's hash of one call objective; memoised: a playbook has few objectives, and a
    sync asks once per open deal."""
    ident = {"stage": stage, "learn": list(learn), "stretch": stretch, "conservative": conservative}
    return hashlib.sha256(json.dumps(ident, sort_keys=True).encode()).hexdigest()[:16]


#: How each deal output (``DEFAULT_OUTPUT_TYPES`` names them all) is computed from the
#: decision, the rendered context and the run's time, before typing for its field.
_OUTPUT_VALUES: dict[str, Callable[[Decision, dict[str, str], datetime], Any]] = {
    "next_advance": lambda d, ctx, now: ctx["next_advance"],
    "objectives": lambda d, ctx, now: ctx["objectives"],
    "next_step_verdict": lambda d, ctx, now: d.next_step_check.verdict,
    "stalled": lambda d, ctx, now: bool(d.momentum.stalled),
    "last_evaluated": lambda d, ctx, now: now,
}
if set(_OUTPUT_VALUES) | {"coach"} != set(
    DEFAULT_OUTPUT_TYPES
):  # pragma: no cover - import-time guard
    raise RuntimeError("every write-back output needs exactly one way to compute its value")


def _coach_text(
    deal: Deal,
    decision: Decision,
    stage_titles: MappingABC[str, str] | None,
    playbook: Playbook | None,
) -> str:
    payload = build_coach(
        decision,
        stage_title=(stage_titles or {}).get(decision.stage),
        activity_dates={a.id: a.at for a in deal.activities},
        contact_names={c.id: c.name for c in deal.contacts if c.name},
        playbook=playbook,
    )
    return coach_text(payload)  # its signature kept for the planner (no re-parse)


def render_writeback(
    mapping: Mapping,
    deal: Deal,
    decision: Decision,
    now: datetime,
    stage_titles: MappingABC[str, str] | None = None,
    playbook: Playbook | None = None,
) -> WritebackPlan:
    """The desired CRM state for one deal after ``decision``.

    ``stage_titles`` (stage key -> the playbook's name) lets the coach payload name stages;
    ``playbook`` (the one that decided) gives the coach card its wording and titles.
    """
    ctx = _context(deal, decision)
    wb = mapping.writeback
    task = None
    if wb.task is not None and wb.task.enabled and decision.open and ctx["stretch"]:
        task = _render_task(wb.task, deal, decision, ctx, now)
    # the deal field's one job is the Aim when the task the rep opens carries the fallback
    conservative = ctx["conservative"]
    in_task = task is not None and bool(conservative) and conservative in task.body
    field_ctx = {**ctx, "next_advance": advance_line(ctx["stretch"], conservative, in_task)}
    values: dict[str, Value] = {}
    for output, spec, kind in written_outputs(mapping):
        raw = (
            _coach_text(deal, decision, stage_titles, playbook)
            if output == "coach"
            else _OUTPUT_VALUES[output](decision, field_ctx, now)
        )
        values[spec.field] = _render_output(
            mapping.crm, output, spec, kind, raw, decision, ctx["verdict_sentence"]
        )
    return WritebackPlan(deal.id, mapping.deal.object, values, task)


_OUTPUTS: dict[int, tuple[Mapping, list[tuple[str, OutputSpec, OutputType]]]] = {}


def written_outputs(mapping: Mapping) -> list[tuple[str, OutputSpec, OutputType]]:
    """The deal outputs switched on and not in ``never_write``, in the mapping's order;
    memoised per mapping (frozen), since a sync renders one write-back per open deal."""
    hit = _OUTPUTS.get(id(mapping))
    if hit is not None and hit[0] is mapping:
        return hit[1]
    wb = mapping.writeback
    never = {f.casefold() for f in wb.never_write}
    outputs = [o for o in wb.deal.enabled_outputs() if o[1].field.casefold() not in never]
    if len(_OUTPUTS) >= 16:
        _OUTPUTS.clear()
    _OUTPUTS[id(mapping)] = (mapping, outputs)
    return outputs


def _render_output(
    crm: str,
    output: str,
    spec: OutputSpec,
    kind: str,
    value: Any,
    d: Decision,
    sentence: str,
) -> Value:
    if output == "next_step_verdict" and value is not None:
        verdict = str(value)
        if spec.values:
            value = spec.values.get(verdict, verdict)
        elif kind in ("text", "textarea") and sentence:
            value = sentence  # plain language with a rewrite, never the internal code
        elif kind in ("text", "textarea") and d.next_step_check.reason:
            value = f"{verdict}: {d.next_step_check.reason}"
    if output == "next_advance" and not value:
        value = None
    if output == "objectives" and value and kind in ("text", "textarea"):
        # whole lines that fit, then how many were left out (not a line cut mid-word)
        value = fit_lines(
            str(value).split("\n"), spec.max_length or crm_model(crm).text_limit(kind)
        )
    return typed_value(crm, kind, value, spec.max_length)


def _render_task(
    spec: TaskSpec, deal: Deal, d: Decision, ctx: dict[str, str], now: datetime
) -> TaskPlan:
    subject = truncate(" ".join(spec.subject.format_map(ctx).split()), spec.subject_max_length)
    body = truncate(spec.body.format_map(ctx).strip(), spec.body_max_length)
    # ``now`` is in the deal owner's zone (the sync converts it): their today, their due day
    due = coach_due(d) or due_date(spec.due, now.date())
    priority = crm_priority(d, spec.priority)
    key = task_key(deal.id, d)
    f = spec.fields
    values: dict[str, Value] = {
        spec.key_field: key,
        f.subject: subject,
        f.body: body,
        f.due: due,
    }
    optional = {
        f.priority: priority,
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
        priority=priority,
        type=spec.type,
        owner=deal.owner,
        fields=values,
        due_tz=getattr(now.tzinfo, "key", None),  # a ZoneInfo's name; UTC and offsets: None
    )
