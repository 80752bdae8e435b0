"""The write-back part of a mapping file: which CRM fields receive the engine's outputs.

Split from :mod:`nextadvance.mappings._model` so each module holds one concern: this one
says what nextadvance writes (deal outputs, the suggested task) and what it must never write;
the loader checks cross-references. See docs/mappings.md, "writeback".
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from nextadvance.mappings._spec import Spec as _Spec

__all__ = [
    "DEFAULT_OUTPUT_TYPES",
    "READ_ONLY_OUTPUTS",
    "DealWriteback",
    "OutputSpec",
    "OutputType",
    "TaskFields",
    "TaskSpec",
    "WritebackSpec",
]

#: Value types a write-back target can have; decides how a value is rendered per CRM.
OutputType = Literal["text", "textarea", "picklist", "boolean", "date", "datetime"]


class OutputSpec(_Spec):
    """One deal field that receives an engine output."""

    field: str
    enabled: bool = True
    type: OutputType | None = None
    max_length: int | None = Field(default=None, gt=1)
    values: dict[str, str] = Field(
        default_factory=dict, description="Output value -> CRM value (picklists)."
    )


#: Every deal write-back output by name (the one list of them) and its value type when the
#: mapping sets no ``type``; :class:`DealWriteback` has one field per name (checked below).
DEFAULT_OUTPUT_TYPES: dict[str, OutputType] = {
    "next_advance": "text",
    "objectives": "textarea",
    "next_step_verdict": "text",
    "stalled": "boolean",
    "last_evaluated": "datetime",
    "coach": "textarea",
}


class DealWriteback(_Spec):
    """Deal fields receiving outputs; omit one (or ``enabled: false``) to not write it."""

    next_advance: OutputSpec | None = None
    objectives: OutputSpec | None = None
    next_step_verdict: OutputSpec | None = None
    stalled: OutputSpec | None = None
    last_evaluated: OutputSpec | None = None
    coach: OutputSpec | None = Field(
        default=None,
        description="The coach payload (JSON, `nextadvance schema coach`) the CRM card renders.",
    )
    feedback: OutputSpec | None = Field(
        default=None,
        description=(
            "Read, never written: the field the CRM card saves the rep's yes/no/done in "
            "(`values` maps yes/no/done to the CRM's values); the report counts it."
        ),
    )
    stamp: OutputSpec | None = Field(
        default=None,
        description=(
            "Bookkeeping, hidden from reps: a short hash of each value we last wrote, so a "
            "run on an empty state store tells a rep's edit from our own write."
        ),
    )

    def enabled_outputs(self) -> list[tuple[str, OutputSpec, OutputType]]:
        """(output name, spec, effective value type) of every output switched on."""
        out = []
        for name in DEFAULT_OUTPUT_TYPES:
            spec = getattr(self, name)
            if isinstance(spec, OutputSpec) and spec.enabled:
                out.append((name, spec, spec.type or DEFAULT_OUTPUT_TYPES[name]))
        return out

    def read_fields(self) -> tuple[str, ...]:
        """CRM fields a pull reads for us: every enabled output, plus read-only ones (the
        card's feedback) that reps write and the report counts."""
        out = [spec.field for _, spec, _ in self.enabled_outputs()]
        for extra in (self.feedback, self.stamp):
            if extra is not None and extra.enabled:
                out.append(extra.field)
        return tuple(out)

    @property
    def stamp_field(self) -> str | None:
        """The deal field holding the write stamp (None: no stamp kept)."""
        s = self.stamp
        return s.field if s is not None and s.enabled else None


#: DealWriteback fields that are not engine outputs: the card's feedback (read, never
#: written) and the write stamp (written by the planner beside a real change).
READ_ONLY_OUTPUTS = frozenset({"feedback", "stamp"})

if set(DealWriteback.model_fields) - READ_ONLY_OUTPUTS != set(
    DEFAULT_OUTPUT_TYPES
):  # pragma: no cover
    raise RuntimeError("DealWriteback must have exactly one field per DEFAULT_OUTPUT_TYPES name")


class TaskFields(_Spec):
    """CRM field names of the suggested task's parts."""

    subject: str
    body: str
    due: str
    priority: str | None = None
    type: str | None = None
    owner: str | None = None
    status: str | None = None
    deal: str | None = Field(
        default=None, description="Field linking the task to the deal (Salesforce WhatId)."
    )
    stamp: str | None = Field(
        default=None,
        description=(
            "Hidden field holding a short hash of each task value we last wrote (lets a run "
            "on an empty state store tell a rep's edit from our write)."
        ),
    )


class TaskSpec(_Spec):
    """The one suggested task per deal: templates, due rule, and the idempotency key field."""

    enabled: bool = True
    object: str
    key_field: str
    subject: str = "Next advance: {stretch}"
    body: str = "{call_objective}\n\nQuestions:\n{questions}\n\nPlan:\n{plan}"
    subject_max_length: int = Field(default=255, gt=1)
    body_max_length: int = Field(default=32000, gt=1)
    due: str = "+2 business days"
    priority: str | None = None
    type: str | None = None
    status: str | None = None
    fields: TaskFields


class WritebackSpec(_Spec):
    """Everything nextadvance writes to the CRM, and what it must never write."""

    deal: DealWriteback = DealWriteback()
    task: TaskSpec | None = None
    never_write: list[str] = Field(default_factory=list)
