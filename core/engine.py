"""``decide``: one deal, one playbook, one moment in, one explained :class:`Decision` out.

Pure and deterministic: no I/O, no clock (``now`` is passed in), no logging.  Everything
that depends only on the playbook is precompiled once (``playbook.compiled``).  Closed
deals (a stage with ``closed: won|lost``) get a Decision with ``open=False`` and nothing
to advance; a stage the playbook does not know raises :class:`MappingError`.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime

from nextadvance.core._agenda import look_ahead_scope
from nextadvance.core._callplan import call_plan
from nextadvance.core._coach import coach
from nextadvance.core._compiled import CompiledPlaybook
from nextadvance.core._decision import (
    Decision,
    Explanation,
    Momentum,
    NextStepCheck,
    explanation,
    open_decision,
    trusted,
)
from nextadvance.core._evidence import DealContext
from nextadvance.core._learn import learn, learn_all
from nextadvance.core._momentum import compute_momentum
from nextadvance.core._playbook_model import Playbook, Stage
from nextadvance.core._stepcheck import check_next_step_cached
from nextadvance.core._stepqual import qualify
from nextadvance.core.models import Deal

__all__ = ["check_next_step", "decide"]


def check_next_step(deal: Deal, playbook: Playbook) -> NextStepCheck:
    """Classify ``deal.next_step`` (or, when empty, the latest open task's subject)."""
    return check_next_step_cached(playbook.compiled, deal, deal.stage)[0]


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
    th = cp.playbook.thresholds
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
    # the ranking keeps the method's stall (METHOD.md: a run of continuations is a stall,
    # however friendly): no advance within the norm, or that many continuations; the flag a
    # rep sees (``momentum.stalled``) also needs no conversation within the norm (the
    # cheap tests first: the dates are compared only when neither settles it)
    norm = momentum.stage_norm_days
    last = momentum.last_advance_at
    if (
        momentum.stalled
        or momentum.continuations_since >= th.stall_continuations
        or (last is not None and (now.astimezone(UTC) - last.astimezone(UTC)).days > norm)
    ):
        stall = 1.0
    else:
        stall = min(1.0, momentum.days_in_stage / max(1, norm)) * 0.5
    gap_term = 1.0 if gap else 0.0
    w_amount, w_close, w_stall, w_missing, w_gap, w_total = cp.priority_weights
    score = (
        100.0
        * (
            amount * w_amount
            + close * w_close
            + stall * w_stall
            + missing_share * w_missing
            + gap_term * w_gap
        )
        / w_total
    )
    return round(score, 1), {
        "amount": round(amount, 3),
        "close_date": round(close, 3),
        "stall": round(stall, 3),
        "missing_essentials": round(missing_share, 3),
        "stage_gap": gap_term,
    }


def _closed(
    deal: Deal, stage: Stage, now: datetime, check: NextStepCheck, mom: Momentum
) -> Decision:
    return trusted(
        Decision,
        deal_id=deal.id,
        deal_name=deal.name,
        stage=stage.key,
        open=False,
        decided_at=now,
        next_step_check=check,
        momentum=mom,
        explanations=(
            trusted(
                Explanation,
                rule_id="deal.closed",
                inputs={"stage": stage.key},
                text=f"deal is closed ({stage.closed}): nothing to advance",
            ),
        ),
    )


def _momentum_why(m: Momentum) -> Explanation:
    return explanation(
        "momentum.stalled" if m.stalled else "momentum",
        {
            "days_in_stage": m.days_in_stage,
            "stage_norm_days": m.stage_norm_days,
            "continuations_since": m.continuations_since,
            "last_conversation_at": m.last_conversation_at.isoformat()
            if m.last_conversation_at is not None
            else None,
        },
        f"{m.days_in_stage} days in stage (norm {m.stage_norm_days}),"
        f" {m.continuations_since} continuations since the last advance"
        f" ({m.last_advance})" + (f": {m.note}" if m.note else ""),
    )


def _with_stand_ins(roles: dict[str, str], stand_ins: dict[str, tuple[str, ...]]) -> dict[str, str]:
    """``roles`` with each absent role filled by its first present stand-in (playbook data)."""
    out = roles
    for role, subs in stand_ins.items():
        if role not in roles:
            sub = next((roles[r] for r in subs if r in roles), None)
            if sub is not None:
                if out is roles:
                    out = dict(roles)
                out[role] = sub
    return out


def decide(deal: Deal, playbook: Playbook, now: datetime) -> Decision:
    """Decide one deal's objectives, next-step verdict, call plan, momentum and priority."""
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be timezone-aware")
    cp = playbook.compiled
    stage = cp.stage(deal.stage)
    ctx = DealContext(deal)
    mom = compute_momentum(ctx, cp, stage, now)
    check, check_why, step = check_next_step_cached(cp, deal, stage.key)
    if stage.closed:
        return _closed(deal, stage, now, check, mom)
    segments, objectives, segments_why, relevant = cp.scope(stage.key, deal.account)
    results, learned, bad = learn(objectives, ctx, cp.lexicon.notes)
    check, qualified = qualify(cp, deal, stage.key, check, step, objectives, results, now.date())
    negatives = tuple([r.id for r in bad])
    close = deal.close_date
    close_soon = (
        close is not None and (close - now.date()).days <= cp.playbook.thresholds.close_soon_days
    )
    roles = _with_stand_ins(ctx.roles, cp.playbook.role_stand_ins)
    plan = call_plan(
        cp, stage, segments, objectives, learned, roles, negatives, close_soon, relevant
    )
    if plan.agenda.look_ahead:
        # the call looks ahead to the next stage: skip what the deal already says there.
        # It takes the first essential there the evidence does not prove, so only the
        # proved run before that one matters (read on those essentials alone, in order)
        ahead = look_ahead_scope(cp, stage, segments, cp.stage_roles[stage.key].intersection(roles))
        proved = learn_all(ahead, ctx, cp.lexicon.notes)[1]
        n = 0
        while n < len(proved) and proved[n] == ahead[n].id:
            n += 1
        if n:
            plan = call_plan(
                cp,
                stage,
                segments,
                objectives,
                learned,
                roles,
                negatives,
                close_soon,
                relevant,
                frozenset(proved[:n]),
            )
    gap = bool(plan.gap_ids)
    share = len(plan.missing_now) / plan.essentials_now if plan.essentials_now else 0.0
    priority, terms = _priority(deal, cp, now, mom, share, gap)
    # the qualifier follows the verdict it qualifies (placed directly: ``list.index``
    # compared frozen models field by field to find the verdict)
    explanations = [segments_why, *plan.explanations, check_why]
    if qualified is not None:
        explanations.append(qualified)
    explanations.append(_momentum_why(mom))
    for r in bad:
        explanations.append(
            explanation(
                "objective.learned_negative",
                {"objective": r.id, "evidence": r.evidence[0].detail},
                f"{r.title}: learned, and it is bad news - not met (so not learned) and"
                " not unknown (so not missing); the next call must deal with it",
            )
        )
    if mom.parked:
        explanations.append(
            explanation(
                "parked",
                {"parked_until": str(mom.parked_until), "reason": mom.parked_reason},
                f"parked until {mom.parked_until}: decided but de-prioritised (priority 0)",
            )
        )
    explanations.append(explanation("priority", terms, f"priority {priority} from weighted terms"))
    call, coaching, coach_why = coach(cp, plan, deal, ctx.activities, check, priority, now)
    explanations.extend(coach_why)
    if deal.strategic_objective:
        explanations.append(
            explanation(
                "strategic_objective",
                {"strategic_objective": deal.strategic_objective},
                "call objective framed as a step toward the account's strategic objective",
            )
        )
    return open_decision(
        deal.id,
        deal.name,
        stage.key,
        now,
        segments,
        results,
        plan.ready,
        gap,
        plan.gap_ids,
        call,
        check,
        mom,
        priority,
        tuple(explanations),
        coaching,
    )
