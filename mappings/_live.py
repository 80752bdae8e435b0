"""Check a mapping against what a live CRM actually has. Pure: the caller fetches metadata.

Given the connector's ``describe()`` (fields per object) and ``stages()``, every field the
mapping reads or writes must exist, write-back targets must be writable, long enough and of
a compatible type, picklist values in value tables must be values the CRM knows, and every
mapped pipeline and stage must exist.  CRM stages the mapping leaves out are *warnings*:
deals in them will be skipped, which may be intended.  Problems are located in the mapping
file like every other mapping error.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from collections.abc import Mapping as MappingABC
from dataclasses import dataclass, field
from typing import Protocol

from nextadvance.core.errors import Problem
from nextadvance.mappings._crms import crm_model
from nextadvance.mappings._model import Mapping
from nextadvance.mappings._values import normalise_key
from nextadvance.mappings._yaml import Located, did_you_mean

__all__ = ["FieldLike", "LiveReport", "StageLike", "check_live"]


class FieldLike(Protocol):
    """What the check needs of a CRM field (``nextadvance.connectors.FieldInfo`` fits)."""

    @property
    def name(self) -> str: ...
    @property
    def type(self) -> str: ...
    @property
    def writable(self) -> bool: ...
    @property
    def length(self) -> int | None: ...
    @property
    def picklist(self) -> tuple[str, ...]: ...
    @property
    def unique(self) -> bool: ...
    @property
    def external_id(self) -> bool: ...


class StageLike(Protocol):
    """What the check needs of a CRM stage (``nextadvance.connectors.StageInfo`` fits)."""

    @property
    def pipeline(self) -> str: ...
    @property
    def id(self) -> str: ...
    @property
    def label(self) -> str: ...
    @property
    def active(self) -> bool: ...


@dataclass
class LiveReport:
    """Errors (the mapping will not work as written) and warnings (probably unintended)."""

    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)


#: Compatible CRM field types per evidence transform (text-like transforms accept anything).
_READ_TYPES = {
    "boolean": {"boolean", "bool", "enumeration", "picklist", "string", "checkbox"},
    "date": {"date", "datetime", "string"},
    "datetime": {"date", "datetime", "string"},
    "number": {"currency", "double", "int", "percent", "number", "long", "string"},
    "integer": {"int", "double", "number", "long", "string"},
}


class _Live:
    def __init__(
        self, mapping: Mapping, located: Located, fields: MappingABC[str, Sequence[FieldLike]]
    ) -> None:
        self.mapping = mapping
        self.located = located
        self.fields = {
            obj.casefold(): {f.name.casefold(): f for f in fs} for obj, fs in fields.items()
        }
        self.report = LiveReport()

    def error(self, path: tuple[str | int, ...], message: str, **kw: str | None) -> None:
        self.report.problems.append(self.located.problem(path, message, **kw))

    def resolve(self, obj: str, field_path: str) -> tuple[str, str] | None:
        """(object, field) a path names, or None when the related object was not described."""
        head, _, rest = field_path.partition(".")
        if not rest:
            return obj, field_path
        related = crm_model(self.mapping.crm).related.get(head)
        if related is None or related.casefold() not in self.fields:
            return None
        return related, rest

    def field(self, path: tuple[str | int, ...], obj: str, field_path: str) -> FieldLike | None:
        """The described field ``field_path`` of ``obj``; an error when it does not exist."""
        target = self.resolve(obj, field_path)
        if target is None or target[0].casefold() not in self.fields:
            return None
        known = self.fields[target[0].casefold()]
        found = known.get(target[1].casefold())
        if found is None:
            ours = target[1].casefold().startswith("na_")
            self.error(
                path,
                f"unknown CRM field '{field_path}' on {target[0]}",
                hint="create nextadvance's fields with: nextadvance setup --connection NAME"
                if ours
                else did_you_mean(target[1], [f.name for f in known.values()]),
            )
        return found

    def picklist(
        self, path: tuple[str | int, ...], found: FieldLike | None, values: Iterable[str]
    ) -> None:
        if found is None or not found.picklist:
            return
        allowed = {normalise_key(v) for v in found.picklist}
        for value in values:
            if normalise_key(value) not in allowed:
                # A warning: shared value tables may list values one org lacks; they never match.
                self.report.warnings.append(
                    self.located.problem(
                        (*path, value),
                        f"'{value}' is not a value of CRM field {found.name} (it never matches)",
                        expected="one of: " + ", ".join(found.picklist),
                        hint=did_you_mean(value, found.picklist),
                    )
                )


def check_live(
    mapping: Mapping,
    located: Located,
    fields: MappingABC[str, Sequence[FieldLike]],
    stages: Sequence[StageLike],
) -> LiveReport:
    """Every way ``mapping`` disagrees with the CRM described by ``fields`` and ``stages``."""
    live = _Live(mapping, located, fields)
    _check_deal(live)
    _check_contacts_and_activities(live)
    _check_writeback(live)
    _check_stages(live, stages)
    return live.report


def _check_deal(live: _Live) -> None:
    deal = live.mapping.deal
    for name, path in deal.fields.model_dump().items():
        if path:
            live.field(("deal", "fields", name), deal.object, path)
    for name, spec in deal.evidence.items():
        where: tuple[str | int, ...] = ("deal", "evidence", name)
        found = live.field((*where, "field"), deal.object, spec.field)
        compatible = _READ_TYPES.get(spec.transform)
        if found is not None and compatible is not None and found.type not in compatible:
            live.error(
                (*where, "transform"),
                f"transform '{spec.transform}' cannot read {found.name}, a {found.type} field",
            )
        if spec.transform == "map" and spec.values:
            live.picklist((*where, "values"), found, spec.values)
    account = deal.account
    if account is not None:
        for name in ("name", "industry", "employees", "region"):
            path = getattr(account, name)
            if path:
                live.field(("deal", "account", name), deal.object, f"{account.relationship}.{path}")


def _check_contacts_and_activities(live: _Live) -> None:
    c = live.mapping.contacts
    if c is not None:
        for key, path in (("id", c.id), ("title", c.title), ("role", c.role)):
            if path and path not in crm_model(live.mapping.crm).virtual_contact_paths:
                found = live.field(("contacts", key), c.object, path)
                if key == "role":
                    live.picklist(("contacts", "roles"), found, c.roles)
                    _unmapped_roles(live, found, c.roles, c.default_role)
        for i, path in enumerate(c.name):
            live.field(("contacts", "name", i), c.object, path)
    for obj, spec in live.mapping.activities.items():
        if obj.casefold() not in live.fields:
            live.error(("activities", obj), f"the CRM has no activity object '{obj}'")
            continue
        for path in spec.at:
            live.field(("activities", obj, "at"), obj, path)
        for key in ("id", "subject", "body", "owner", "deal"):
            path = getattr(spec, key)
            if path:
                live.field(("activities", obj, key), obj, path)
        rules: list[tuple[str, int, str, Iterable[str]]] = [
            ("kind", i, r.field, r.values) for i, r in enumerate(spec.kind.rules)
        ]
        rules += [("outcome", i, r.field, r.values) for i, r in enumerate(spec.outcome.rules)]
        for part, i, rule_field, values in rules:
            where: tuple[str | int, ...] = ("activities", obj, part, "rules", i)
            found = live.field((*where, "field"), obj, rule_field)
            live.picklist((*where, "values"), found, values)
        if spec.direction is not None:
            where = ("activities", obj, "direction")
            found = live.field((*where, "field"), obj, spec.direction.field)
            live.picklist((*where, "values"), found, spec.direction.values)


def _unmapped_roles(
    live: _Live, found: FieldLike | None, roles: MappingABC[str, str], default: str | None
) -> None:
    mapped = {normalise_key(k) for k in roles}
    for value in found.picklist if found is not None else ():
        if normalise_key(value) not in mapped:
            fallback = f"role '{default}'" if default else "no role"
            live.report.warnings.append(
                live.located.problem(
                    ("contacts", "roles"),
                    f"CRM role '{value}' is not mapped: those contacts get {fallback}",
                )
            )


def _check_target(
    live: _Live,
    path: tuple[str | int, ...],
    obj: str,
    name: str,
    kind: str | None,
    max_length: int | None,
) -> FieldLike | None:
    found = live.field(path, obj, name)
    if found is None:
        return None
    if not found.writable:
        live.error(path, f"CRM field {found.name} on {obj} is read-only")
    compatible = crm_model(live.mapping.crm).write_types.get(kind or "text", frozenset())
    if kind is not None and found.type not in compatible:
        live.error(
            path,
            f"{found.name} is a {found.type} field; cannot hold a {kind} value",
            expected="a field of type " + " or ".join(sorted(compatible)),
        )
    if max_length is not None and found.length is not None and max_length > found.length:
        live.error(
            path,
            f"max_length {max_length} exceeds {found.name}'s length {found.length}",
            hint=f"set max_length: {found.length}",
        )
    return found


def _check_writeback(live: _Live) -> None:
    wb = live.mapping.writeback
    obj = live.mapping.deal.object
    for output, spec, kind in wb.deal.enabled_outputs():
        found = _check_target(
            live, ("writeback", "deal", output, "field"), obj, spec.field, kind, spec.max_length
        )
        if spec.values:
            live.picklist(("writeback", "deal", output, "values"), found, spec.values.values())
    task = wb.task
    if task is None or not task.enabled:
        return
    if task.object.casefold() not in live.fields:
        live.error(("writeback", "task", "object"), f"the CRM has no object '{task.object}'")
        return
    key = _check_target(
        live, ("writeback", "task", "key_field"), task.object, task.key_field, None, None
    )
    if key is not None and not (key.external_id or key.unique):
        live.error(
            ("writeback", "task", "key_field"),
            f"{key.name} is not an External ID / unique field, so retries could duplicate tasks",
        )
    f = task.fields
    lengths = {"subject": task.subject_max_length, "body": task.body_max_length}
    for part in ("subject", "body", "due", "priority", "type", "status", "owner", "deal"):
        name = getattr(f, part)
        if not name:
            continue
        where: tuple[str | int, ...] = ("writeback", "task", "fields", part)
        found = _check_target(live, where, task.object, name, None, lengths.get(part))
        value = getattr(task, part, None) if part in ("priority", "type", "status") else None
        allowed = {normalise_key(v) for v in found.picklist} if found is not None else set()
        if (
            isinstance(value, str)
            and found is not None
            and allowed
            and normalise_key(value) not in allowed
        ):
            live.error(
                ("writeback", "task", part),
                f"'{value}' is not a value of CRM field {found.name}",
                expected="one of: " + ", ".join(found.picklist),
                hint=did_you_mean(value, found.picklist),
            )


def _check_stages(live: _Live, stages: Sequence[StageLike]) -> None:
    by_pipeline: dict[str, list[StageLike]] = {}
    for stage in stages:
        by_pipeline.setdefault(stage.pipeline, []).append(stage)
    for name, pipeline in live.mapping.pipelines.items():
        crm_stages = by_pipeline.get(name)
        if crm_stages is None:
            live.error(
                ("pipelines", name),
                f"pipeline '{name}' does not exist in the CRM",
                expected="one of: " + ", ".join(by_pipeline),
                hint=did_you_mean(name, by_pipeline),
            )
            continue
        known = {normalise_key(s.id): s for s in crm_stages}
        known.update({normalise_key(s.label): s for s in crm_stages})
        names = [s.id for s in crm_stages]
        for crm_stage in pipeline.stages:
            if normalise_key(crm_stage) not in known:
                live.error(
                    ("pipelines", name, "stages", crm_stage),
                    f"stage '{crm_stage}' does not exist in pipeline '{name}'",
                    expected="one of: " + ", ".join(names),
                    hint=did_you_mean(crm_stage, names),
                )
        mapped = {normalise_key(k) for k in pipeline.stages}
        for s in crm_stages:
            if (
                s.active
                and normalise_key(s.id) not in mapped
                and normalise_key(s.label) not in mapped
            ):
                live.report.warnings.append(
                    live.located.problem(
                        ("pipelines", name, "stages"),
                        f"CRM stage '{s.id}' ({s.label}) is not mapped: its deals will be skipped",
                    )
                )
    ignored = live.mapping.ignore_pipelines
    for i, pipe in enumerate(ignored or ()):
        if pipe not in by_pipeline:
            live.report.warnings.append(
                live.located.problem(
                    ("ignore_pipelines", i),
                    f"ignored pipeline '{pipe}' does not exist in the CRM",
                    expected="one of: " + ", ".join(by_pipeline),
                    hint=did_you_mean(pipe, by_pipeline),
                )
            )
    for pipe, pipe_stages in by_pipeline.items():
        policy = live.mapping.pipeline_policy(pipe)
        label = getattr(pipe_stages[0], "pipeline_label", None)
        called = f" (pipeline label: {label})" if label else ""
        if policy == "left_out":
            live.report.warnings.append(
                live.located.problem(
                    ("pipelines",),
                    f"CRM pipeline '{pipe}' is not mapped: its deals will be skipped{called}",
                    hint="map it under pipelines:, or list it under ignore_pipelines:",
                )
            )
        elif policy == "unlisted":
            live.report.warnings.append(
                live.located.problem(
                    ("ignore_pipelines",),
                    f"CRM pipeline '{pipe}' is neither mapped nor ignored: its deals will be "
                    f"listed as undecided and runs will be 'partial'{called}",
                    hint="map it under pipelines:, or add it to ignore_pipelines:",
                )
            )
