"""``decide``: one deal, one playbook, one moment in, one explained :class:`Decision` out.

Pure and deterministic: no I/O, no clock (``now`` is passed in), no logging.  Everything
that depends only on the playbook is precompiled once (``playbook.compiled``).  Closed
deals (a stage with ``closed: won|lost``) get a Decision with ``open=False`` and nothing
to advance; a stage the playbook does not know raises :class:`MappingError`.
"""

from __future__ import annotations

import math
from datetime import datetime

from nextadvance.core._compiled import CompiledObjective, CompiledPlaybook
from nextadvance.core._decision import (
    AdvanceChoice,
    CallObjective,
    Decision,
    Explanation,
    Momentum,
    NextStepCheck,
    ObjectiveResult,
    Verdict,
    trusted,
)
from nextadvance.core._evidence import DealContext, evaluate
from nextadvance.core._momentum import compute_momentum
from nextadvance.core._playbook_model import Playbook, Stage
from nextadvance.core.models import Deal

__all__ = ["check_next_step", "decide"]


def check_next_step(deal: Deal, playbook: Playbook) -> NextStepCheck:
    """Classify ``deal.next_step`` (or, when empty, the latest open task's subject)."""
    cp = playbook.compiled
    text, source = deal.next_step, "next_step"
    if not (text or "").strip() and (deal.open_task_subject or "").strip():
        text, source = deal.open_task_subject, "open_task"
    res = cp.lexicon.classify(text, deal.stage)
    return trusted(
        NextStepCheck,
        verdict=Verdict(res.verdict),
        reason=res.reason,
        text=text if (text or "").strip() else None,
        source=source if (text or "").strip() else None,
        strength=res.strength,
        action=res.action,
    )


def _advances(
    stage: Stage, learned: set[str], active: set[str], roles: set[str]
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


def _priority(
    deal: Deal,
    cp: CompiledPlaybook,
    now: datetime,
    momentum: Momentum,
    missing_share: float,
    gap: bool,
) -> tuple[float, dict[str, float]]:
    """0-100 weighted mean of five terms in [0, 1]; parked deals score 0 (docs/playbook.md)."""
    if momentum.parked:
        return 0.0, {"parked": 1.0}
    th, w = cp.playbook.thresholds, cp.playbook.priority
    amount = (
        0.3
        if deal.amount is None
        else min(1.0, math.sqrt(max(deal.amount, 0.0) / th.amount_reference))
    )
    if deal.close_date is None:
        close = 0.3
    else:
        days = (deal.close_date - now.date()).days
        close = 1.0 if days < 0 else max(0.0, 1.0 - days / th.close_horizon_days)
    stall = (
        1.0
        if momentum.stalled
        else min(1.0, momentum.days_in_stage / max(1, momentum.stage_norm_days)) * 0.5
    )
    terms = {
        "amount": amount,
        "close_date": close,
        "stall": stall,
        "missing_essentials": missing_share,
        "stage_gap": 1.0 if gap else 0.0,
    }
    weights = {
        "amount": w.amount,
        "close_date": w.close_date,
        "stall": w.stall,
        "missing_essentials": w.missing_essentials,
        "stage_gap": w.stage_gap,
    }
    total = sum(weights.values()) or 1.0
    score = 100.0 * sum(terms[k] * weights[k] for k in terms) / total
    return round(score, 1), {k: round(v, 3) for k, v in terms.items()}


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


def decide(deal: Deal, playbook: Playbook, now: datetime) -> Decision:
    """Decide one deal's objectives, next-step verdict, call plan, momentum and priority."""
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be timezone-aware")
    cp = playbook.compiled
    stage = cp.stage(deal.stage)
    ctx = DealContext(deal)
    momentum = compute_momentum(ctx, cp, stage, now)
    check = check_next_step(deal, playbook)
    if stage.closed:
        return trusted(
            Decision,
            deal_id=deal.id,
            deal_name=deal.name,
            stage=stage.key,
            open=False,
            decided_at=now,
            next_step_check=check,
            momentum=momentum,
            explanations=(
                trusted(
                    Explanation,
                    rule_id="deal.closed",
                    inputs={"stage": stage.key},
                    text=f"deal is closed ({stage.closed}): nothing to advance",
                ),
            ),
        )
    band = cp.band_of(deal.account.employees)
    segments = cp.segments_for(deal.account.industry, band)
    objectives = cp.objectives_for(stage.key, segments)
    results: list[ObjectiveResult] = []
    learned: set[str] = set()
    missing_now: list[CompiledObjective] = []
    missing_earlier: list[CompiledObjective] = []
    nice_now: list[CompiledObjective] = []
    for obj in objectives:
        ev = evaluate(obj, ctx)
        if ev:
            learned.add(obj.id)
        elif obj.stage != stage.key:
            if obj.essential:
                missing_earlier.append(obj)
        elif obj.essential:
            missing_now.append(obj)
        else:
            nice_now.append(obj)
        results.append(
            trusted(
                ObjectiveResult,
                id=obj.id,
                title=obj.title,
                stage=obj.stage,
                essential=obj.essential,
                status="learned",
                evidence=ev,
                questions=obj.questions,
            )
            if ev
            else cp.missing_result(obj)
        )
    essentials_now = sum(1 for o in objectives if o.stage == stage.key and o.essential)
    ready = not missing_now
    gap = bool(missing_earlier)
    th = playbook.thresholds
    agenda = (missing_earlier + missing_now) or nice_now
    agenda = agenda[: th.max_learn]
    questions: list[str] = []
    for obj in agenda:
        questions.extend(obj.questions[:2])
    qs = tuple(questions[: th.max_questions])
    stretch, conservative, adv_why = _advances(
        stage, learned, {o.id for o in objectives}, set(ctx.roles)
    )
    plan = _plan(stretch, conservative, qs, deal.strategic_objective)
    call = trusted(
        CallObjective,
        learn=tuple(o.id for o in agenda),
        questions=qs,
        stretch=stretch,
        conservative=conservative,
        plan=plan,
        strategic_objective=deal.strategic_objective,
    )
    share = len(missing_now) / essentials_now if essentials_now else 0.0
    priority, terms = _priority(deal, cp, now, momentum, share, gap)
    explanations = [
        trusted(
            Explanation,
            rule_id="segments.applied",
            inputs={
                "industry": deal.account.industry,
                "employees": deal.account.employees,
                "size_band": band,
            },
            text=f"segments applied: {', '.join(segments) or 'none'}",
        ),
        trusted(
            Explanation,
            rule_id="readiness",
            inputs={"stage": stage.key, "missing_essentials": [o.id for o in missing_now]},
            text=(
                f"all {essentials_now} essentials of '{stage.key}' learned: ready to advance"
                if ready
                else f"{len(missing_now)} of {essentials_now} essentials of '{stage.key}' still missing"
            ),
        ),
    ]
    if gap:
        explanations.append(
            trusted(
                Explanation,
                rule_id="stage_gap",
                inputs={"missing": [o.id for o in missing_earlier]},
                text="deal is ahead of its evidence: earlier-stage essentials missing: "
                + ", ".join(o.id for o in missing_earlier),
            )
        )
    explanations.append(
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
    explanations.extend(adv_why)
    if stretch is None:
        explanations.append(
            trusted(
                Explanation,
                rule_id="advance.none",
                inputs={"stage": stage.key},
                text="no advance in the catalog is eligible yet",
            )
        )
    if deal.strategic_objective:
        explanations.append(
            trusted(
                Explanation,
                rule_id="strategic_objective",
                inputs={"strategic_objective": deal.strategic_objective},
                text="call objective framed as a step toward the account's strategic objective",
            )
        )
    explanations.append(
        trusted(
            Explanation,
            rule_id=f"next_step.{check.verdict.value}",
            inputs={"text": check.text, "source": check.source, "stage": stage.key},
            text=check.reason,
        )
    )
    explanations.append(
        trusted(
            Explanation,
            rule_id="momentum.stalled" if momentum.stalled else "momentum",
            inputs={
                "days_in_stage": momentum.days_in_stage,
                "stage_norm_days": momentum.stage_norm_days,
                "continuations_since": momentum.continuations_since,
            },
            text=(
                f"{momentum.days_in_stage} days in stage (norm {momentum.stage_norm_days}),"
                f" {momentum.continuations_since} continuations since the last advance"
                f" ({momentum.last_advance})"
            ),
        )
    )
    if momentum.parked:
        explanations.append(
            trusted(
                Explanation,
                rule_id="parked",
                inputs={
                    "parked_until": str(momentum.parked_until),
                    "reason": momentum.parked_reason,
                },
                text=f"parked until {momentum.parked_until}: decided but de-prioritised (priority 0)",
            )
        )
    explanations.append(
        trusted(
            Explanation,
            rule_id="priority",
            inputs=terms,
            text=f"priority {priority} from weighted terms",
        )
    )
    return trusted(
        Decision,
        deal_id=deal.id,
        deal_name=deal.name,
        stage=stage.key,
        open=True,
        decided_at=now,
        segments=segments,
        objectives=tuple(results),
        ready_to_advance=ready,
        stage_gap=gap,
        stage_gap_objectives=tuple(o.id for o in missing_earlier),
        call_objective=call,
        next_step_check=check,
        momentum=momentum,
        priority=priority,
        explanations=tuple(explanations),
    )
