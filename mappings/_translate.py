"""Translate CRM records (plain dicts) into the canonical model. Pure: no I/O, no clock.

Record shapes (what a connector passes in):

* Salesforce: the SOQL record dict as returned, relationship fields nested
  (``{"Id": "006...", "StageName": "Prospecting", "Account": {"Industry": "Banking"}}``);
  contacts are OpportunityContactRole records (``{"ContactId", "Role", "Contact": {...}}``).
* HubSpot: the object's ``properties`` dict; for a deal the primary company's properties
  go under the key ``company`` (``{"dealname": ..., "company": {"industry": ...}}``, or flat
  ``"company.industry"`` keys); for a contact the deal association's labels go under
  ``association_labels`` (a list).

A bad record never raises: each function returns a :class:`Translated` with the value
(None when the record must be skipped) and :class:`RecordProblem` s naming record and field.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from collections.abc import Mapping as MappingABC
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Generic, TypeVar

from pydantic import ValidationError

from nextadvance.core.models import Account, Activity, Contact, Deal, Outcome
from nextadvance.mappings._html import html_to_text
from nextadvance.mappings._model import ActivitySpec, EvidenceSpec, Mapping
from nextadvance.mappings._stages import UNMAPPED_STAGE, map_stage
from nextadvance.mappings._values import (
    ValueProblem,
    get_path,
    is_empty,
    lookup_value,
    to_bool,
    to_date,
    to_datetime,
    to_float,
    to_int,
    to_text,
)

__all__ = [
    "RecordProblem",
    "Translated",
    "activity_deal_id",
    "translate_activity",
    "translate_contact",
    "translate_deal",
]

T = TypeVar("T")
Record = MappingABC[str, Any]


@dataclass(frozen=True)
class RecordProblem:
    """One CRM record that could not be (fully) translated, and why."""

    object_type: str
    record_id: str
    field: str | None
    message: str
    skipped: bool = False

    def __str__(self) -> str:
        where = f"{self.object_type} {self.record_id}"
        if self.field:
            where += f" field {self.field}"
        tail = " (record skipped)" if self.skipped else ""
        return f"{where}: {self.message}{tail}"


@dataclass(frozen=True)
class Translated(Generic[T]):
    """A translation result: ``value`` is None when the record was skipped."""

    value: T | None
    problems: tuple[RecordProblem, ...] = ()

    @property
    def ok(self) -> bool:
        """True when a value came out (problems may still list fields left empty)."""
        return self.value is not None


class _Reader:
    """Reads fields of one record, collecting problems instead of raising."""

    def __init__(self, object_type: str, record: Record, id_path: str) -> None:
        self.object_type = object_type
        self.record = record
        raw_id = get_path(record, id_path)
        self.record_id = "<no id>" if is_empty(raw_id) else str(raw_id)
        self.problems: list[RecordProblem] = []

    def problem(self, field: str | None, message: str, *, skipped: bool = False) -> None:
        self.problems.append(
            RecordProblem(self.object_type, self.record_id, field, message, skipped)
        )

    def read(self, path: str | None, convert: Callable[[Any], T | None]) -> T | None:
        if not path:
            return None
        raw = get_path(self.record, path)
        try:
            return convert(raw)
        except ValueProblem as exc:
            self.problem(path, str(exc))
            return None

    def first(self, paths: Sequence[str], convert: Callable[[Any], T | None]) -> T | None:
        for path in paths:
            value = self.read(path, convert)
            if value is not None:
                return value
        return None

    def result(self, value: T | None) -> Translated[T]:
        return Translated(value, tuple(self.problems))


def _split(raw: object) -> list[object]:
    if isinstance(raw, list | tuple):
        return list(raw)
    if isinstance(raw, str) and ";" in raw:
        return [part for part in raw.split(";") if part.strip()]
    return [raw]


def _plain_text(value: object) -> str | None:
    """``text`` evidence: rich-text fields hold HTML, the engine judges words."""
    text = to_text(value)
    return html_to_text(text) or None if text is not None else None


def _evidence(reader: _Reader, spec: EvidenceSpec) -> Any:
    raw = get_path(reader.record, spec.field)
    try:
        if spec.transform == "map":
            if is_empty(raw):
                return None
            value = lookup_value(spec.values or {}, raw)
            if value is None:
                reader.problem(spec.field, f"value {raw!r} is not in the mapping's values table")
            return value
        convert: Callable[[Any], Any] = {
            "text": _plain_text,
            "non_empty": lambda v: None if is_empty(v) else True,
            "boolean": to_bool,
            "date": to_date,
            "datetime": to_datetime,
            "number": to_float,
            "integer": to_int,
        }[spec.transform]
        return convert(raw)
    except ValueProblem as exc:
        reader.problem(spec.field, str(exc))
        return None


def translate_deal(
    mapping: Mapping,
    record: Record,
    *,
    contacts: Iterable[Contact] = (),
    keep_unmapped: bool = False,
) -> Translated[Deal]:
    """A canonical :class:`Deal` (without activities) from one CRM deal record.

    Skipped, with a problem, when the pipeline or stage is not mapped or a required value
    (id, created date) is missing or unreadable; other unreadable values are left empty
    and reported.  With ``keep_unmapped`` (the sync's mirror) a deal whose pipeline or stage
    is not mapped is kept with the stage :data:`UNMAPPED_STAGE` and the problem, so a later
    mapping fix re-stages it without reading the CRM again.
    """
    spec, f = mapping.deal, mapping.deal.fields
    reader = _Reader(spec.object, record, f.id)
    if reader.record_id == "<no id>":
        reader.problem(f.id, "record has no id", skipped=True)
        return reader.result(None)
    pipeline = reader.read(f.pipeline, to_text) if f.pipeline else "default"
    raw_stage = get_path(record, f.stage)
    looked = map_stage(mapping, pipeline, raw_stage)
    stage = looked.stage
    if stage is None:
        on_pipeline = looked.key_path == "pipelines"
        # an empty stage is bad CRM data, not a mapping gap: skipped, as any unreadable record
        keep = keep_unmapped and (on_pipeline or not is_empty(raw_stage))
        field = f.pipeline if on_pipeline else f.stage
        reader.problem(field, looked.problem or "not mapped", skipped=not keep)
        if not keep:
            return reader.result(None)
        stage = UNMAPPED_STAGE
    try:
        created = to_datetime(get_path(record, f.created_at))
    except ValueProblem as exc:
        reader.problem(f.created_at, str(exc), skipped=True)
        return reader.result(None)
    if created is None:
        reader.problem(f.created_at, "created date is empty", skipped=True)
        return reader.result(None)
    values: dict[str, Any] = {
        "id": reader.record_id,
        "system": mapping.crm,
        "pipeline": pipeline,
        "stage": stage,
        "created_at": created,
        "name": reader.read(f.name, to_text) or "",
        "amount": reader.read(f.amount, to_float),
        "currency": reader.read(f.currency, to_text),
        "close_date": reader.read(f.close_date, to_date),
        "modified_at": reader.read(f.modified_at, to_datetime),
        "stage_entered_at": reader.read(f.stage_entered_at, to_datetime),
        "owner": reader.read(f.owner, to_text),
        "owner_name": reader.read(f.owner_name, to_text),
        "owner_timezone": reader.read(f.owner_timezone, to_text),
        "next_step": reader.read(f.next_step, to_text),
        "description": reader.read(f.description, _plain_text),
        "strategic_objective": reader.read(f.strategic_objective, to_text),
        "parked_until": reader.read(f.parked_until, to_date),
        "parked_reason": reader.read(f.parked_reason, to_text),
        "open_task_subject": reader.read(f.open_task_subject, to_text),
        "contacts": tuple(contacts),
    }
    evidence = {}
    for name, ev in spec.evidence.items():
        value = _evidence(reader, ev)
        if value is not None:
            evidence[name] = value
    values["fields"] = evidence
    values["account"] = _account(mapping, reader)
    return _build(reader, Deal, values)


def _account(mapping: Mapping, reader: _Reader) -> Account:
    spec = mapping.deal.account
    if spec is None:
        return Account()
    rel = spec.relationship

    def path(p: str | None) -> str | None:
        return f"{rel}.{p}" if p else None

    industry = reader.read(path(spec.industry), to_text)
    if industry is not None and spec.industry_values:
        industry = lookup_value(spec.industry_values, industry) or industry
    employees = reader.read(path(spec.employees), to_int)
    if employees is not None and employees < 0:
        reader.problem(path(spec.employees), f"employee count {employees} is negative")
        employees = None
    return Account(
        name=reader.read(path(spec.name), to_text) or "",
        industry=industry,
        employees=employees,
        region=reader.read(path(spec.region), to_text),
    )


def _build(reader: _Reader, model: Callable[..., T], values: dict[str, Any]) -> Translated[T]:
    try:
        return reader.result(model(**values))
    except ValidationError as exc:
        for err in exc.errors(include_url=False):
            reader.problem(".".join(str(p) for p in err["loc"]), err["msg"], skipped=True)
        return reader.result(None)


def translate_contact(mapping: Mapping, record: Record) -> Translated[Contact]:
    """A canonical :class:`Contact` with its canonical role from a contact(-role) record."""
    spec = mapping.contacts
    if spec is None:
        raise ValueError("this mapping has no 'contacts' section")
    reader = _Reader(spec.object, record, spec.id)
    if reader.record_id == "<no id>":
        reader.problem(spec.id, "record has no contact id", skipped=True)
        return reader.result(None)
    names = [reader.read(p, to_text) for p in spec.name]
    role: str | None = None
    raw_role = get_path(record, spec.role)
    for candidate in _split(raw_role):
        role = lookup_value(spec.roles, candidate)
        if role is not None:
            break
    if role is None and not is_empty(raw_role) and spec.default_role is None:
        reader.problem(spec.role, f"role {raw_role!r} is not mapped to a canonical role")
    values = {
        "id": reader.record_id,
        "name": " ".join(n for n in names if n),
        "title": reader.read(spec.title, to_text),
        "role": role or spec.default_role,
    }
    return _build(reader, Contact, values)


def activity_deal_id(mapping: Mapping, object_type: str, record: Record) -> str | None:
    """The deal id an activity record links to through the mapping's ``deal`` field, if any."""
    spec = mapping.activities[object_type]
    return to_text(get_path(record, spec.deal)) if spec.deal else None


def translate_activity(
    mapping: Mapping,
    object_type: str,
    record: Record,
    *,
    contact_ids: Sequence[str] | None = None,
    now: datetime | None = None,
) -> Translated[Activity]:
    """A canonical :class:`Activity` from one record of a mapped activity object type.

    ``contact_ids`` (HubSpot associations) replace the mapped contact fields when given;
    ``now`` lets the ``outcome.future`` rule mark activities that lie ahead as scheduled.
    """
    spec: ActivitySpec = mapping.activities[object_type]
    reader = _Reader(object_type, record, spec.id)
    if reader.record_id == "<no id>":
        reader.problem(spec.id, "record has no id", skipped=True)
        return reader.result(None)
    at, all_day = None, False
    for path in spec.at:
        at = reader.read(path, to_datetime)
        if at is not None:  # a bare date is a day in the owner's zone, not a UTC midnight
            all_day = _date_only(get_path(record, path))
            break
    if at is None:
        reader.problem(", ".join(spec.at), "no timestamp in any of the mapped fields", skipped=True)
        return reader.result(None)
    kind = spec.kind.default
    for kind_rule in spec.kind.rules:
        found_kind = lookup_value(kind_rule.values, get_path(record, kind_rule.field))
        if found_kind is not None:
            kind = found_kind
            break
    outcome: Outcome | None = None
    for outcome_rule in spec.outcome.rules:
        outcome = lookup_value(outcome_rule.values, get_path(record, outcome_rule.field))
        if outcome is not None:
            break
    if outcome is None and spec.outcome.future is not None and now is not None and at > now:
        outcome = spec.outcome.future
    direction = None
    if spec.direction is not None:
        direction = lookup_value(spec.direction.values, get_path(record, spec.direction.field))
    if contact_ids is None:
        ids = [to_text(get_path(record, p)) for p in spec.contacts]
        contact_ids = [i for i in ids if i]
    values = {
        "id": reader.record_id,
        "kind": kind,
        "at": at,
        "subject": reader.read(spec.subject, to_text) or "",
        "body": html_to_text(reader.read(spec.body, to_text) or ""),
        "outcome": outcome or spec.outcome.default,
        "direction": direction,
        "owner": reader.read(spec.owner, to_text),
        "contact_ids": tuple(dict.fromkeys(contact_ids)),
        "all_day": all_day,
    }
    return _build(reader, Activity, values)


def _date_only(raw: object) -> bool:
    """Whether a CRM time value is a bare day (``2026-12-20``), not a moment."""
    if isinstance(raw, date):
        return not isinstance(raw, datetime)
    return isinstance(raw, str) and len(raw.strip()) == 10 and raw.strip()[4:5] == "-"
