"""The call objective and its explanations, memoised per (stage, segments, learned, roles).

Everything here depends only on which objectives are learned, which contact roles exist
and the strategic objective; across an org those combinations repeat a lot, so the result
(frozen, shared) is cached on the compiled playbook and reused.
"""

from __future__ import annotations

from dataclasses import dataclass

from nextadvance.core._compiled import CompiledObjective, CompiledPlaybook
from nextadvance.core._decision import (
    AdvanceChoice,
    CallObjective,
    Explanation,
    NextStepCheck,
    Verdict,
    trusted,
)
from nextadvance.core._playbook_model import Stage
from nextadvance.core.models import Deal

__all__ = ["CallPlan", "call_plan", "check_next_step_cached"]

#: memo sizes: a full memo is dropped and rebuilt (bounded memory, no LRU bookkeeping)
_PLAN_LIMIT = 10_000
_CHECK_LIMIT = 20_000


@dataclass(frozen=True, slots=True)
class CallPlan:
    """What the learned set implies: readiness, stage gap, the call objective, and why."""

    call: CallObjective
    ready: bool
    gap_ids: tuple[str, ...]
    missing_now: tuple[str, ...]
    essentials_now: int
    explanations: tuple[Explanation, ...]


def _advances(
    stage: Stage, learned: frozenset[str], active: frozenset[str], roles: frozenset[str]
) -> tuple[AdvanceChoice | None, AdvanceChoice | None, list[Explanation]]:
    """First eligible stretch and conservative advance of the stage's catalog (YAML order).

    A required objective that a segment removed for this deal counts as satisfied.
    """
    picks: dict[str, AdvanceChoice] = {}
    why: list[Explanation] = []
    for adv in stage.advances:
        if adv.level in picks:
            continue
        missing = [r for r in adv.requires if r in active and r not in learned]
        missing_roles = [r for r in adv.requires_roles if r not in roles]
        if missing or missing_roles:
            why.append(
                trusted(
                    Explanation,
                    rule_id="advance.precondition_unmet",
                    inputs={"advance": adv.id, "missing": missing, "missing_roles": missing_roles},
                    text=f"'{adv.id}' skipped: needs {', '.join(missing + missing_roles)} first",
                )
            )
            continue
        picks[adv.level] = trusted(AdvanceChoice, text=adv.text, advance_id=adv.id)
    stretch, conservative = picks.get("stretch"), picks.get("conservative")
    if stretch is None and conservative is not None:
        stretch = conservative
    return stretch, conservative, why


def _plan(
    stretch: AdvanceChoice | None,
    conservative: AdvanceChoice | None,
    questions: tuple[str, ...],
    strategic: str | None,
) -> tuple[str, ...]:
    steps = []
    if stretch is not None:
        steps.append(f'Open: "By the end of today I\'d like us to agree: {stretch.text}"')
    if strategic:
        steps.append(f"Tie it to the strategic objective: {strategic}")
    steps.extend(f"Ask: {q}" for q in questions)
    if stretch is not None:
        close = f"Close for: {stretch.text}"
        if conservative is not None and conservative.advance_id != stretch.advance_id:
            close += f"; if not, at least: {conservative.text}"
        steps.append(close)
    return tuple(steps)


def _build(
    cp: CompiledPlaybook,
    stage: Stage,
    objectives: tuple[CompiledObjective, ...],
    learned: frozenset[str],
    roles: frozenset[str],
    strategic: str | None,
) -> CallPlan:
    missing_earlier = [
        o for o in objectives if o.stage != stage.key and o.essential and o.id not in learned
    ]
    current = [o for o in objectives if o.stage == stage.key]
    missing_now = [o for o in current if o.essential and o.id not in learned]
    nice_now = [o for o in current if not o.essential and o.id not in learned]
    essentials_now = sum(1 for o in current if o.essential)
    th = cp.playbook.thresholds
    agenda = ((missing_earlier + missing_now) or nice_now)[: th.max_learn]
    questions: list[str] = []
    for obj in agenda:
        questions.extend(obj.questions[:2])
    qs = tuple(questions[: th.max_questions])
    active = frozenset(o.id for o in objectives)
    stretch, conservative, adv_why = _advances(stage, learned, active, roles)
    call = trusted(
        CallObjective,
        learn=tuple(o.id for o in agenda),
        questions=qs,
        stretch=stretch,
        conservative=conservative,
        plan=_plan(stretch, conservative, qs, strategic),
        strategic_objective=strategic,
    )
    ready = not missing_now
    why = [
        trusted(
            Explanation,
            rule_id="readiness",
            inputs={"stage": stage.key, "missing_essentials": [o.id for o in missing_now]},
            text=(
                f"all {essentials_now} essentials of '{stage.key}' learned: ready to advance"
                if ready
                else f"{len(missing_now)} of {essentials_now} essentials of '{stage.key}'"
                " still missing"
            ),
        )
    ]
    if missing_earlier:
        why.append(
            trusted(
                Explanation,
                rule_id="stage_gap",
                inputs={"missing": [o.id for o in missing_earlier]},
                text="deal is ahead of its evidence: earlier-stage essentials missing: "
                + ", ".join(o.id for o in missing_earlier),
            )
        )
    why.append(
        trusted(
            Explanation,
            rule_id="call_objective.learn",
            inputs={"learn": list(call.learn)},
            text=(
                "learn the missing essentials first"
                if (missing_earlier or missing_now)
                else "essentials done: use the call for nice-to-haves and the advance"
            ),
        )
    )
    why.extend(adv_why)
    if stretch is None:
        why.append(
            trusted(
                Explanation,
                rule_id="advance.none",
                inputs={"stage": stage.key},
                text="no advance in the catalog is eligible yet",
            )
        )
    if strategic:
        why.append(
            trusted(
                Explanation,
                rule_id="strategic_objective",
                inputs={"strategic_objective": strategic},
                text="call objective framed as a step toward the account's strategic objective",
            )
        )
    return CallPlan(
        call=call,
        ready=ready,
        gap_ids=tuple(o.id for o in missing_earlier),
        missing_now=tuple(o.id for o in missing_now),
        essentials_now=essentials_now,
        explanations=tuple(why),
    )


def call_plan(
    cp: CompiledPlaybook,
    stage: Stage,
    segments: tuple[str, ...],
    objectives: tuple[CompiledObjective, ...],
    learned: frozenset[str],
    roles: frozenset[str],
    strategic: str | None,
) -> CallPlan:
    """The (memoised) call plan for this combination of stage, segments and evidence."""
    roles = roles & cp.required_roles
    key = (stage.key, segments, learned, roles, strategic)
    hit = cp.plans.get(key)
    if hit is None:
        if len(cp.plans) >= _PLAN_LIMIT:
            cp.plans.clear()
        hit = _build(cp, stage, objectives, learned, roles, strategic)
        cp.plans[key] = hit
    return hit


def check_next_step_cached(
    cp: CompiledPlaybook, deal: Deal, stage_key: str
) -> tuple[NextStepCheck, Explanation]:
    """Classify the next step (or open task subject) with its explanation, memoised by text."""
    text, source = deal.next_step, "next_step"
    if not (text or "").strip() and (deal.open_task_subject or "").strip():
        text, source = deal.open_task_subject, "open_task"
    key = (text, source, stage_key)
    hit = cp.checks.get(key)
    if hit is None:
        res = cp.lexicon.classify(text, stage_key)
        given = bool((text or "").strip())
        check = trusted(
            NextStepCheck,
            verdict=Verdict(res.verdict),
            reason=res.reason,
            text=text if given else None,
            source=source if given else None,
            strength=res.strength,
            action=res.action,
        )
        why = trusted(
            Explanation,
            rule_id=f"next_step.{res.verdict}",
            inputs={"text": check.text, "source": check.source, "stage": stage_key},
            text=res.reason,
        )
        if len(cp.checks) >= _CHECK_LIMIT:
            cp.checks.clear()
        hit = (check, why)
        cp.checks[key] = hit
    return hit
