"""The playbook's cross-checks: references between its parts, and its templates' words.

Pydantic validates each part's shape (:mod:`._playbook_model`); what one part says of
another (an advance requiring an objective, a segment naming a stage, a template using a
placeholder) is checked here, once per load, as (key path, message) pairs the loader turns
into located problems.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from nextadvance.core._wording_model import (
    ADVANCE_FIELDS,
    ROLE_PLACEHOLDERS,
    template_problems,
    wording_problems,
)

if TYPE_CHECKING:
    from nextadvance.core._playbook_model import Advance, Objective, Playbook, Recovery

__all__ = ["CONTACT_ROLES", "reference_problems"]

#: Canonical contact roles a mapping may produce (documented in docs/playbook.md): every
#: role a template may name, and ``other``
CONTACT_ROLES = (*ROLE_PLACEHOLDERS, "other")


_ADVANCE_PLACEHOLDERS = ("who", "account", "by", *ROLE_PLACEHOLDERS)
_QUESTION_PLACEHOLDERS = ("who", "account", *ROLE_PLACEHOLDERS)


def _advance_problems(
    adv: Advance, here: tuple[str | int, ...]
) -> list[tuple[tuple[str | int, ...], str]]:
    """An advance's actor and templates (its own words and its ``solo`` words)."""
    out: list[tuple[tuple[str | int, ...], str]] = []
    if adv.actor is not None and adv.actor not in ROLE_PLACEHOLDERS:
        out.append(((*here, "actor"), f"unknown contact role '{adv.actor}'"))
    for f in ADVANCE_FIELDS:
        out.extend(
            ((*here, f), msg) for msg in template_problems(getattr(adv, f), _ADVANCE_PLACEHOLDERS)
        )
        if adv.solo is not None:
            out.extend(
                ((*here, "solo", f), msg)
                for msg in template_problems(getattr(adv.solo, f), _ADVANCE_PLACEHOLDERS)
            )
    return out


def _recovery_problems(
    rec: Recovery, path: tuple[str | int, ...]
) -> list[tuple[tuple[str | int, ...], str]]:
    out = _advance_problems(rec, path)
    if rec.requires:
        out.append(
            (
                (*path, "requires"),
                "a recovery is closed for because its objective blocks the deal,"
                " so it cannot require other objectives: remove 'requires'",
            )
        )
    for k, role in enumerate(rec.requires_roles):
        if role not in CONTACT_ROLES:
            out.append(((*path, "requires_roles", k), f"unknown contact role '{role}'"))
    return out


def _objective_problems(
    obj: Objective, path: tuple[str | int, ...], objectives: set[str]
) -> list[tuple[tuple[str | int, ...], str]]:
    out: list[tuple[tuple[str | int, ...], str]] = []
    if obj.recovery is not None:
        out.extend(_recovery_problems(obj.recovery, (*path, "recovery")))
    for k, ref in enumerate(obj.implied_by):
        if ref not in objectives:
            out.append(((*path, "implied_by", k), f"unknown objective '{ref}'"))
    for k, q in enumerate(obj.questions):
        out.extend(
            ((*path, "questions", k), m) for m in template_problems(q, _QUESTION_PLACEHOLDERS)
        )
    if obj.if_negative is not None:
        out.extend(
            ((*path, "if_negative"), m)
            for m in template_problems(obj.if_negative, _QUESTION_PLACEHOLDERS)
        )
    return out


def reference_problems(playbook: Playbook) -> list[tuple[tuple[str | int, ...], str]]:
    """Dangling references as (key path, message), for located errors by the loader."""
    out: list[tuple[tuple[str | int, ...], str]] = []
    stage_keys = [s.key for s in playbook.stages]
    seen_stage: set[str] = set()
    all_objectives: set[str] = set()
    for i, stage in enumerate(playbook.stages):
        if stage.key in seen_stage:
            out.append((("stages", i, "key"), f"stage '{stage.key}' is defined twice"))
        seen_stage.add(stage.key)
        ids = [o.id for o in stage.objectives]
        for j, oid in enumerate(ids):
            if oid in all_objectives:
                out.append(
                    (("stages", i, "objectives", j, "id"), f"objective '{oid}' defined twice")
                )
            all_objectives.add(oid)
    stage_objectives = set(all_objectives)
    for i, seg in enumerate(playbook.segments):
        for k, ov in enumerate(seg.add):
            if ov.objective.id in stage_objectives:
                out.append(
                    (
                        ("segments", i, "add", k, "objective", "id"),
                        f"objective '{ov.objective.id}' is already defined by a stage"
                        " (use set_essential to change it)",
                    )
                )
            all_objectives.add(ov.objective.id)
    visible: set[str] = set()
    for i, stage in enumerate(playbook.stages):
        visible.update(o.id for o in stage.objectives)
        visible_here = visible | {
            ov.objective.id for seg in playbook.segments for ov in seg.add if ov.stage == stage.key
        }
        for j, adv in enumerate(stage.advances):
            for k, req in enumerate(adv.requires):
                if req not in all_objectives:
                    out.append(
                        (
                            ("stages", i, "advances", j, "requires", k),
                            f"advance '{adv.id}' requires unknown objective '{req}'",
                        )
                    )
                elif req not in visible_here:
                    out.append(
                        (
                            ("stages", i, "advances", j, "requires", k),
                            f"advance '{adv.id}' requires objective '{req}' of a later stage",
                        )
                    )
            for k, role in enumerate(adv.requires_roles):
                if role not in CONTACT_ROLES:
                    out.append(
                        (
                            ("stages", i, "advances", j, "requires_roles", k),
                            f"unknown contact role '{role}'",
                        )
                    )
    bands = {b.id for b in playbook.size_bands}
    for i, seg in enumerate(playbook.segments):
        for k, band in enumerate(seg.size_bands):
            if band not in bands:
                out.append((("segments", i, "size_bands", k), f"unknown size band '{band}'"))
        for k, ov in enumerate(seg.add):
            if ov.stage not in stage_keys:
                out.append((("segments", i, "add", k, "stage"), f"unknown stage '{ov.stage}'"))
        for k, rid in enumerate(seg.remove):
            if rid not in all_objectives:
                out.append((("segments", i, "remove", k), f"unknown objective '{rid}'"))
        for rid in seg.set_essential:
            if rid not in all_objectives:
                out.append((("segments", i, "set_essential", rid), f"unknown objective '{rid}'"))
    out.extend(_coach_problems(playbook, all_objectives))
    for path, ref in playbook.lexicon.stage_references():
        if ref not in stage_keys:
            out.append((("lexicon", *path), f"unknown stage '{ref}'"))
    return out


def _coach_problems(
    playbook: Playbook, objectives: set[str]
) -> list[tuple[tuple[str | int, ...], str]]:
    """Advance templates, actors, implication references and the catalog's shape."""
    out = wording_problems(playbook.wording)
    stage_keys = [s.key for s in playbook.stages]
    for i, stage in enumerate(playbook.stages):
        for j, obj in enumerate(stage.objectives):
            out.extend(_objective_problems(obj, ("stages", i, "objectives", j), objectives))
            if obj.implied_from_stage is not None and obj.implied_from_stage not in stage_keys:
                out.append(
                    (
                        ("stages", i, "objectives", j, "implied_from_stage"),
                        f"unknown stage '{obj.implied_from_stage}'",
                    )
                )
        if stage.closed or not stage.advances:
            continue
        for level in ("stretch", "conservative"):
            if not any(a.level == level and not a.requires for a in stage.advances):
                out.append(
                    (
                        ("stages", i, "advances"),
                        f"stage '{stage.key}' needs a {level} advance without 'requires'"
                        " so one is always available",
                    )
                )
        texts: dict[str, str] = {}
        for j, adv in enumerate(stage.advances):
            here: tuple[str | int, ...] = ("stages", i, "advances", j)
            if adv.text in texts:
                out.append(((*here, "text"), f"same text as advance '{texts[adv.text]}'"))
            texts.setdefault(adv.text, adv.id)
            out.extend(_advance_problems(adv, here))
    for i, seg in enumerate(playbook.segments):
        for k, ov in enumerate(seg.add):
            out.extend(
                _objective_problems(
                    ov.objective, ("segments", i, "add", k, "objective"), objectives
                )
            )
    return out
