"""Cross-reference checks of a mapping, on the raw located data so they run even when the
structure has other errors: every problem is reported in the same pass.

Checked here: canonical stage keys and roles (with did-you-mean), entries that clash once
CRM values are compared the way translation compares them (case and ``_``/``-`` ignored),
transform/value-map agreement, write-back targets (clashes, never-write list), task
templates and the due-date rule.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterator
from typing import Any

from nextadvance.core.errors import Problem
from nextadvance.mappings._crms import CRM_MODELS
from nextadvance.mappings._model import CANONICAL_ROLES
from nextadvance.mappings._values import normalise_key
from nextadvance.mappings._yaml import Located, did_you_mean

__all__ = ["DUE_RULE", "TEMPLATE_PLACEHOLDERS", "check_mapping"]

#: ``today``, ``+N days`` or ``+N business days`` (weekends skipped).
DUE_RULE = re.compile(r"^\s*(?:today|\+\s*(\d{1,3})\s+(business\s+)?days?)\s*$", re.IGNORECASE)

#: Placeholders the task subject and body templates may use (see docs/mappings.md).
TEMPLATE_PLACEHOLDERS: tuple[str, ...] = (
    "deal_name",
    "stage",
    "call_objective",
    "learn",
    "questions",
    "stretch",
    "conservative",
    "plan",
    "objectives",
    "verdict",
    "verdict_reason",
    "strategic_objective",
    "task_subject",
    "task_body",
    "verdict_sentence",
    "next_advance",
)

_EVIDENCE_NAME = re.compile(r"^[a-z][a-z0-9_]*$")

Path_ = tuple[str | int, ...]


def check_mapping(located: Located, stage_keys: tuple[str, ...]) -> list[Problem]:
    """Every cross-reference problem of the raw mapping data in ``located``."""
    data = located.data if isinstance(located.data, dict) else {}
    out: list[Problem] = []
    for name, pipeline in _items(data, "pipelines"):
        stages_path: Path_ = ("pipelines", name, "stages")
        stages = pipeline.get("stages") if isinstance(pipeline, dict) else None
        if isinstance(stages, dict):
            out += _check_targets(located, stages_path, stages, stage_keys, "canonical stage")
            out += _clashes(located, stages_path, stages, "CRM stage")
    out += _check_ignored(located, data)
    contacts = data.get("contacts")
    if isinstance(contacts, dict):
        roles = contacts.get("roles")
        if isinstance(roles, dict):
            out += _check_targets(located, ("contacts", "roles"), roles, CANONICAL_ROLES, "role")
            out += _clashes(located, ("contacts", "roles"), roles, "CRM role")
        default = contacts.get("default_role")
        if isinstance(default, str) and default not in CANONICAL_ROLES:
            out.append(
                _unknown(located, ("contacts", "default_role"), default, CANONICAL_ROLES, "role")
            )
    out += _check_deal(located, data)
    out += _check_activities(located, data)
    out += _check_writeback(located, data)
    return out


def _check_ignored(located: Located, data: dict[str, Any]) -> list[Problem]:
    """A pipeline both mapped and ignored is a contradiction ops must resolve."""
    ignored = data.get("ignore_pipelines")
    mapped = data.get("pipelines")
    if not isinstance(ignored, list) or not isinstance(mapped, dict):
        return []
    return [
        located.problem(
            ("ignore_pipelines", i),
            f"pipeline '{name}' is both mapped under pipelines: and listed in ignore_pipelines",
            hint="remove it from one of the two",
        )
        for i, name in enumerate(ignored)
        if str(name) in mapped
    ]


def _items(data: Any, *path: str) -> Iterator[tuple[str, Any]]:
    node = data
    for part in path:
        node = node.get(part) if isinstance(node, dict) else None
    if isinstance(node, dict):
        yield from node.items()


def _unknown(
    located: Located, path: Path_, value: str, allowed: tuple[str, ...], what: str
) -> Problem:
    return located.problem(
        path,
        f"unknown {what} '{value}'",
        expected="one of: " + ", ".join(allowed),
        hint=did_you_mean(value, allowed),
    )


def _check_targets(
    located: Located, path: Path_, entries: dict[str, Any], allowed: tuple[str, ...], what: str
) -> list[Problem]:
    out = []
    for key, value in entries.items():
        if isinstance(value, str) and value not in allowed:
            out.append(_unknown(located, (*path, key), value, allowed, what))
    return out


def _clashes(located: Located, path: Path_, entries: dict[str, Any], what: str) -> list[Problem]:
    """Keys that translation would treat as the same CRM value (case/space/_/- ignored)."""
    first: dict[str, str] = {}
    out = []
    for key, value in entries.items():
        norm = normalise_key(key)
        if norm not in first:
            first[norm] = key
            continue
        other = first[norm]
        line = located.line_of((*path, other))
        if entries[other] == value:
            msg = f"{what} '{key}' is listed twice (as '{other}' on line {line})"
        else:
            msg = (
                f"{what} '{key}' clashes with '{other}' on line {line}: "
                f"mapped to {value!r} here and to {entries[other]!r} there"
            )
        out.append(
            located.problem(
                (*path, key),
                msg,
                hint="CRM values are matched ignoring case, spaces, _ and -; keep one entry",
            )
        )
    return out


def _check_deal(located: Located, data: dict[str, Any]) -> list[Problem]:
    out: list[Problem] = []
    for name, spec in _items(data, "deal", "evidence"):
        path: Path_ = ("deal", "evidence", name)
        if not _EVIDENCE_NAME.match(str(name)):
            out.append(
                located.problem(
                    path,
                    f"evidence field name '{name}' is not a canonical name",
                    expected="lower_snake_case, as the playbook refers to it (e.g. budget_confirmed)",
                )
            )
        if not isinstance(spec, dict):
            continue
        transform, values = spec.get("transform", "text"), spec.get("values")
        if transform == "map" and not isinstance(values, dict):
            out.append(
                located.problem(
                    (*path, "transform"),
                    "transform 'map' needs a 'values' table",
                    expected="values: {CRM value: evidence value, ...}",
                )
            )
        elif transform != "map" and values is not None:
            out.append(
                located.problem(
                    (*path, "values"),
                    f"'values' only applies to transform 'map' (this entry uses '{transform}')",
                    hint="set transform: map, or remove values",
                )
            )
        if isinstance(values, dict):
            out += _clashes(located, (*path, "values"), values, "CRM value")
    account = data.get("deal", {}).get("account") if isinstance(data.get("deal"), dict) else None
    if isinstance(account, dict) and isinstance(account.get("industry_values"), dict):
        out += _clashes(
            located, ("deal", "account", "industry_values"), account["industry_values"], "industry"
        )
    return out


def _check_activities(located: Located, data: dict[str, Any]) -> list[Problem]:
    out: list[Problem] = []
    model = CRM_MODELS.get(str(data.get("crm")))
    known = model.activity_objects if model is not None else None
    label = model.label if model is not None else ""
    for obj, spec in _items(data, "activities"):
        if known is not None and obj not in known:
            out.append(
                _unknown(located, ("activities", obj), obj, known, f"{label} activity object")
            )
        if not isinstance(spec, dict):
            continue
        for part in ("kind", "outcome"):
            rules = spec.get(part, {}).get("rules") if isinstance(spec.get(part), dict) else None
            for i, rule in enumerate(rules if isinstance(rules, list) else []):
                if isinstance(rule, dict) and isinstance(rule.get("values"), dict):
                    path: Path_ = ("activities", obj, part, "rules", i, "values")
                    out += _clashes(located, path, rule["values"], "CRM value")
        direction = spec.get("direction")
        if isinstance(direction, dict) and isinstance(direction.get("values"), dict):
            path = ("activities", obj, "direction", "values")
            out += _clashes(located, path, direction["values"], "CRM value")
    return out


def _check_writeback(located: Located, data: dict[str, Any]) -> list[Problem]:
    wb = data.get("writeback")
    if not isinstance(wb, dict):
        return []
    out: list[Problem] = []
    never_raw = wb.get("never_write")
    never = never_raw if isinstance(never_raw, list) else []
    never_norm = {str(f).casefold() for f in never}
    targets: dict[str, str] = {}
    for output, spec in _items(wb, "deal"):
        if not isinstance(spec, dict) or not isinstance(spec.get("field"), str):
            continue
        path: Path_ = ("writeback", "deal", output, "field")
        field = spec["field"]
        if field.casefold() in never_norm:
            out.append(
                located.problem(
                    path,
                    f"'{field}' is in writeback.never_write but {output} writes to it",
                    hint="pick another field, or remove it from never_write",
                )
            )
        if field.casefold() in targets:
            other = targets[field.casefold()]
            out.append(
                located.problem(
                    path,
                    f"'{field}' already receives {other}; two outputs cannot share a field",
                    hint=f"give {output} its own field",
                )
            )
        targets.setdefault(field.casefold(), output)
        if isinstance(spec.get("values"), dict):
            out += _clashes(
                located, ("writeback", "deal", output, "values"), spec["values"], "value"
            )
    task = wb.get("task")
    if isinstance(task, dict):
        for part in ("subject", "body"):
            if isinstance(task.get(part), str):
                out += _check_template(located, ("writeback", "task", part), task[part])
        due = task.get("due")
        if isinstance(due, str) and not DUE_RULE.match(due):
            out.append(
                located.problem(
                    ("writeback", "task", "due"),
                    f"cannot read due-date rule '{due}'",
                    expected="'today', '+N days' or '+N business days'",
                )
            )
    return out


def _check_template(located: Located, path: Path_, template: str) -> list[Problem]:
    try:
        names = [name for _, name, _, _ in string.Formatter().parse(template) if name is not None]
    except ValueError as exc:
        return [
            located.problem(
                path, f"broken template: {exc}", hint="write a literal brace as {{ or }}"
            )
        ]
    out = []
    for name in names:
        if name not in TEMPLATE_PLACEHOLDERS:
            out.append(
                located.problem(
                    path,
                    f"unknown placeholder '{{{name}}}'",
                    expected="one of: " + ", ".join(TEMPLATE_PLACEHOLDERS),
                    hint=did_you_mean(name, TEMPLATE_PLACEHOLDERS),
                )
            )
    return out
