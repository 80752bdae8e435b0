"""What the write-back needs in the CRM, what is missing, and how to create it.

The mapping names our deal fields and the task key; :func:`required_fields` turns them into
field specs, :func:`missing_fields` compares them with ``describe()``.  How missing fields are
created is each CRM's own :class:`~nextadvance.connectors._profile.SetupStrategy`
(``connectors/<crm>/_setup.py``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from nextadvance.connectors._base import FieldInfo
from nextadvance.mappings import Mapping

__all__ = ["FieldSpec", "missing_fields", "required_fields"]


@dataclass(frozen=True)
class FieldSpec:
    """One custom field/property the write-back needs."""

    object: str
    name: str
    label: str
    type: str  # text | textarea | boolean | date | datetime | picklist
    length: int | None = None
    unique: bool = False
    options: tuple[str, ...] = ()

    def __str__(self) -> str:
        extra = f", {self.length} chars" if self.length else ""
        uniq = ", unique external id" if self.unique else ""
        return f"{self.object}.{self.name} ({self.type}{extra}{uniq})"


def _label(name: str) -> str:
    base = name.removesuffix("__c").replace("NA_", "").replace("na_", "").replace("_", " ")
    return f"NextAdvance {base.strip().lower()}"


def required_fields(mapping: Mapping) -> list[FieldSpec]:
    """Custom fields/properties the mapping's write-back uses (deal outputs, the card's
    feedback field, the task key, and the hidden write stamps that let a run on a lost state
    store recognise our writes)."""
    out: list[FieldSpec] = []
    wb = mapping.writeback
    outputs = [(spec, kind) for _, spec, kind in wb.deal.enabled_outputs()]
    feedback = wb.deal.feedback  # read, not written, but it must exist for the card to save
    if feedback is not None and feedback.enabled:
        outputs.append((feedback, feedback.type or "picklist"))
    for spec, kind in outputs:
        length = spec.max_length if kind in ("text", "textarea") else None
        options = tuple(dict.fromkeys(spec.values.values())) if kind == "picklist" else ()
        out.append(
            FieldSpec(
                mapping.deal.object, spec.field, _label(spec.field), kind, length, False, options
            )
        )
    stamp = wb.deal.stamp_field
    if stamp:
        out.append(FieldSpec(mapping.deal.object, stamp, "NextAdvance written", "text", 255))
    task = wb.task
    if task is not None and task.enabled:
        out.append(
            FieldSpec(task.object, task.key_field, "NextAdvance task key", "text", 80, unique=True)
        )
        if task.fields.stamp:
            out.append(
                FieldSpec(task.object, task.fields.stamp, "NextAdvance written", "text", 255)
            )
    return out


def missing_fields(
    required: Sequence[FieldSpec], described: dict[str, list[FieldInfo]]
) -> list[FieldSpec]:
    """The required fields ``describe()`` did not list (names compared case-insensitively)."""
    known = {
        obj.casefold(): {f.name.casefold() for f in fields} for obj, fields in described.items()
    }
    return [f for f in required if f.name.casefold() not in known.get(f.object.casefold(), set())]
