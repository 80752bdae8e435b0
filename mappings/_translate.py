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

Why translator objects: a pull translates every record of an org, so the mapping's deal and
contact sections are compiled once (paths split, value tables normalised: ``._access``) into
a :class:`DealTranslator` that a connector keeps for the pull; :func:`translate_deal`
compiles per call and runs the same code.  Contacts: ``._translate_contact``; activities:
``._translate_activity``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from collections.abc import Mapping as MappingABC
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ValidationError

from nextadvance.core.models import Account, Contact, Deal
from nextadvance.mappings._access import Getter, Lookup, field_getter, path_getter, text
from nextadvance.mappings._html import html_to_text
from nextadvance.mappings._model import EvidenceSpec, Mapping
from nextadvance.mappings._stages import UNMAPPED_STAGE, map_stage
from nextadvance.mappings._values import (
    ValueProblem,
    is_empty,
    to_bool,
    to_date,
    to_datetime,
    to_float,
    to_int,
)

__all__ = [
    "DealTranslator",
    "Pair",
    "RecordProblem",
    "Translated",
    "build",
    "translate_deal",
]

T = TypeVar("T")
M = TypeVar("M", bound=BaseModel)
Record = MappingABC[str, Any]
NO_ID = "<no id>"


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


def record_id_of(raw: object) -> str:
    """A record's id as text, :data:`NO_ID` when it has none."""
    return NO_ID if is_empty(raw) else str(raw)


#: what a translator's :meth:`pair` gives: the value (None: skipped) and the problems; a
#: :class:`Translated` without building one (a pull asks 100,000+ times and unpacks it)
Pair = tuple[T | None, tuple[RecordProblem, ...]]


def build(
    model: type[M],
    values: dict[str, Any],
    object_type: str,
    record_id: str,
    problems: list[RecordProblem],
) -> Pair[M]:
    """The model validated from ``values`` (CRM data is untrusted: pydantic checks every
    invariant); a validation error skips the record with one problem per bad field.

    The model's own validator is called with the dict: the same validation (and errors) as
    ``model(**values)`` without unpacking the keywords and ``__init__``'s Python frame.
    """
    try:
        value: M = model.__pydantic_validator__.validate_python(values)
        return value, tuple(problems)
    except ValidationError as exc:
        for err in exc.errors(include_url=False):
            where = ".".join(str(p) for p in err["loc"])
            problems.append(RecordProblem(object_type, record_id, where, err["msg"], True))
        return None, tuple(problems)


def _number(value: object) -> float | None:
    """:func:`to_float` with JSON numbers inline."""
    kind = type(value)
    if kind is float:
        return value  # type: ignore[return-value]
    if kind is int:
        return float(value)  # type: ignore[arg-type]
    return to_float(value)


def _plain_text(value: object) -> str | None:
    """``text`` evidence: rich-text fields hold HTML, the engine judges words."""
    got = text(value)
    return html_to_text(got) or None if got is not None else None


def _non_empty(value: object) -> bool | None:
    return None if is_empty(value) else True


_EVIDENCE: dict[str, Callable[[Any], Any]] = {
    "text": _plain_text,
    "non_empty": _non_empty,
    "boolean": to_bool,
    "date": to_date,
    "datetime": to_datetime,
    "number": _number,
    "integer": to_int,
}

#: Deal attributes read through one converter, in the order their problems are reported.
_DEAL_READS: tuple[tuple[str, Callable[[Any], Any]], ...] = (
    ("name", text),
    ("amount", _number),
    ("currency", text),
    ("close_date", to_date),
    ("modified_at", to_datetime),
    ("stage_entered_at", to_datetime),
    ("owner", text),
    ("owner_name", text),
    ("owner_timezone", text),
    ("next_step", text),
    ("description", _plain_text),
    ("strategic_objective", text),
    ("parked_until", to_date),
    ("parked_reason", text),
    ("open_task_subject", text),
)

#: one compiled read: (canonical name, mapped path, reader, converter)
_Read = tuple[str, str, Getter, Callable[[Any], Any]]


class DealTranslator:
    """:func:`translate_deal` for one mapping, compiled once."""

    def __init__(self, mapping: Mapping) -> None:
        self.mapping = mapping
        spec, f = mapping.deal, mapping.deal.fields
        self.object_type = spec.object
        self._id = path_getter(f.id)
        self._pipeline = field_getter(f.pipeline)
        self._stage = path_getter(f.stage)
        self._created = path_getter(f.created_at)
        self._stages = {name: Lookup(p.stages) for name, p in mapping.pipelines.items()}
        reads: list[_Read] = []
        for name, convert in _DEAL_READS:
            path = getattr(f, name)
            if path:  # an unset field reads nothing: left empty, never a problem
                reads.append((name, path, path_getter(path), convert))
        self._reads = tuple(reads)
        self._evidence: tuple[tuple[str, EvidenceSpec, Getter, Lookup[Any]], ...] = tuple(
            (name, ev, path_getter(ev.field), Lookup(ev.values or {}))
            for name, ev in spec.evidence.items()
        )
        self._account = _AccountReader(mapping)

    def __call__(
        self, record: Record, *, contacts: Iterable[Contact] = (), keep_unmapped: bool = False
    ) -> Translated[Deal]:
        """The canonical deal of ``record`` (see :func:`translate_deal`)."""
        return Translated(*self.pair(record, contacts=contacts, keep_unmapped=keep_unmapped))

    def pair(
        self, record: Record, *, contacts: Iterable[Contact] = (), keep_unmapped: bool = False
    ) -> Pair[Deal]:
        """:meth:`__call__` as a :data:`Pair`."""
        mapping, f, obj = self.mapping, self.mapping.deal.fields, self.object_type
        record_id = record_id_of(self._id(record))
        problems: list[RecordProblem] = []
        if record_id == NO_ID:
            problems.append(RecordProblem(obj, record_id, f.id, "record has no id", True))
            return None, tuple(problems)
        pipeline = text(self._pipeline(record)) if f.pipeline else "default"
        raw_stage = self._stage(record)
        table = self._stages.get(pipeline or "")
        stage = table(raw_stage) if table is not None else None
        if stage is None:
            looked = map_stage(mapping, pipeline, raw_stage)  # the problem, worded once
            on_pipeline = looked.key_path == "pipelines"
            # an empty stage is bad CRM data, not a mapping gap: skipped, as any unreadable record
            keep = keep_unmapped and (on_pipeline or not is_empty(raw_stage))
            field = f.pipeline if on_pipeline else f.stage
            problem = looked.problem or "not mapped"
            problems.append(RecordProblem(obj, record_id, field, problem, not keep))
            if not keep:
                return None, tuple(problems)
            stage = UNMAPPED_STAGE
        try:
            created = to_datetime(self._created(record))
        except ValueProblem as exc:
            problems.append(RecordProblem(obj, record_id, f.created_at, str(exc), True))
            return None, tuple(problems)
        if created is None:
            message = "created date is empty"
            problems.append(RecordProblem(obj, record_id, f.created_at, message, True))
            return None, tuple(problems)
        values: dict[str, Any] = dict.fromkeys(name for name, _ in _DEAL_READS)
        values.update(
            id=record_id, system=mapping.crm, pipeline=pipeline, stage=stage, created_at=created
        )
        for name, path, get, convert in self._reads:
            try:
                values[name] = convert(get(record))
            except ValueProblem as exc:
                problems.append(RecordProblem(obj, record_id, path, str(exc)))
        values["name"] = values["name"] or ""
        values["contacts"] = tuple(contacts)
        evidence = {}
        for name, ev, read_ev, values_table in self._evidence:
            value = _evidence(ev, read_ev(record), values_table, obj, record_id, problems)
            if value is not None:
                evidence[name] = value
        values["fields"] = evidence
        values["account"] = self._account(record, obj, record_id, problems)
        return build(Deal, values, obj, record_id, problems)


def _evidence(
    spec: EvidenceSpec,
    raw: Any,
    table: Lookup[Any],
    obj: str,
    record_id: str,
    problems: list[RecordProblem],
) -> Any:
    try:
        if spec.transform == "map":
            if is_empty(raw):
                return None
            value = table(raw)
            if value is None:
                message = f"value {raw!r} is not in the mapping's values table"
                problems.append(RecordProblem(obj, record_id, spec.field, message))
            return value
        return _EVIDENCE[spec.transform](raw)
    except ValueProblem as exc:
        problems.append(RecordProblem(obj, record_id, spec.field, str(exc)))
        return None


class _AccountReader:
    """The deal's :class:`Account` from the relationship the mapping names."""

    def __init__(self, mapping: Mapping) -> None:
        spec = self.spec = mapping.deal.account
        self._paths: dict[str, str | None] = {}
        self._gets: dict[str, Getter] = {}
        for name in ("name", "industry", "employees", "region"):
            sub = getattr(spec, name) if spec is not None else None
            path = f"{spec.relationship}.{sub}" if spec is not None and sub else None
            self._paths[name] = path
            self._gets[name] = field_getter(path)
        self._industries = Lookup(spec.industry_values) if spec is not None else None

    def __call__(
        self, record: Record, obj: str, record_id: str, problems: list[RecordProblem]
    ) -> Account:
        spec = self.spec
        if spec is None:
            return Account()
        gets, paths = self._gets, self._paths
        industry = text(gets["industry"](record))
        if industry is not None and spec.industry_values and self._industries is not None:
            industry = self._industries(industry) or industry
        employees: int | None = None
        try:
            employees = to_int(gets["employees"](record))
        except ValueProblem as exc:
            problems.append(RecordProblem(obj, record_id, paths["employees"], str(exc)))
        if employees is not None and employees < 0:
            message = f"employee count {employees} is negative"
            problems.append(RecordProblem(obj, record_id, paths["employees"], message))
            employees = None
        return Account(
            name=text(gets["name"](record)) or "",
            industry=industry,
            employees=employees,
            region=text(gets["region"](record)),
        )


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
    return DealTranslator(mapping)(record, contacts=contacts, keep_unmapped=keep_unmapped)
