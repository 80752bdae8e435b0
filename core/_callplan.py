"""The call objective, readiness and stage gap, with their explanations, memoised in parts.

Everything here depends only on which objectives are learned, which contact roles exist
and the strategic objective; across an org the parts repeat a lot, so each (frozen,
shared) part is cached on the compiled playbook under a small key and reused.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

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
_PLAN_LIMIT = 50_000
_FULL_PLAN_LIMIT = 50_000
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
) -> tuple[AdvanceChoice | None, AdvanceChoice | None, tuple[Explanation, ...]]:
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
    return stretch, conservative, tuple(why)


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


def _readiness(stage: str, missing_now: tuple[str, ...], essentials_now: int) -> Explanation:
    return trusted(
        Explanation,
        rule_id="readiness",
        inputs={"stage": stage, "missing_essentials": list(missing_now)},
        text=(
            f"all {essentials_now} essentials of '{stage}' learned: ready to advance"
            if not missing_now
            else f"{len(missing_now)} of {essentials_now} essentials of '{stage}' still missing"
        ),
    )


def _gap(missing_earlier: tuple[str, ...]) -> Explanation:
    return trusted(
        Explanation,
        rule_id="stage_gap",
        inputs={"missing": list(missing_earlier)},
        text="deal is ahead of its evidence: earlier-stage essentials missing: "
        + ", ".join(missing_earlier),
    )


def _call(
    cp: CompiledPlaybook,
    agenda: list[CompiledObjective],
    essentials_missing: bool,
    stretch: AdvanceChoice | None,
    conservative: AdvanceChoice | None,
    strategic: str | None,
    stage: str,
) -> tuple[CallObjective, tuple[Explanation, ...]]:
    th = cp.playbook.thresholds
    questions: list[str] = []
    for obj in agenda:
        questions.extend(obj.questions[:2])
    qs = tuple(questions[: th.max_questions])
    call = trusted(
        CallObjective,
        learn=tuple(o.id for o in agenda),
        questions=qs,
        stretch=stretch,
        conservative=conservative,
        plan=_plan(stretch, conservative, qs, strategic),
        strategic_objective=strategic,
    )
    why = [
        trusted(
            Explanation,
            rule_id="call_objective.learn",
            inputs={"learn": list(call.learn)},
            text=(
                "learn the missing essentials first"
                if essentials_missing
                else "essentials done: use the call for nice-to-haves and the advance"
            ),
        )
    ]
    if stretch is None:
        why.append(
            trusted(
                Explanation,
                rule_id="advance.none",
                inputs={"stage": stage},
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
    return call, tuple(why)


def call_plan(
    cp: CompiledPlaybook,
    stage: Stage,
    segments: tuple[str, ...],
    objectives: tuple[CompiledObjective, ...],
    learned: list[str],
    roles: Collection[str],
    strategic: str | None,
    relevant: frozenset[str] | None = None,
) -> CallPlan:
    """Readiness, stage gap and the call objective for this deal's evidence.

    ``learned`` lists the learned objective ids in ``objectives`` order.  The whole plan
    is a function of (stage, segments, learned ids, the contact roles any advance needs,
    strategic objective), so it is memoised on that key.  Of the learned ids only the
    ``relevant`` ones matter (essentials, this stage's objectives, ids an advance of this
    stage requires: nothing else is read below), so the key keeps just those when the
    caller knows them (``CompiledPlaybook.scope``).  On a miss the plan's parts are
    memoised separately on smaller keys (the advance picks on the learned objectives the
    catalog requires, the call objective on its agenda, the readiness and gap
    explanations on their lists), so fresh combinations mostly reuse parts too.
    """
    needed = cp.required_roles.intersection(roles)
    key_learned = tuple(learned if relevant is None else [x for x in learned if x in relevant])
    full_key = (stage.key, segments, key_learned, needed, strategic)
    hit: CallPlan | None = cp.full_plans.get(full_key)
    if hit is None:
        if len(cp.full_plans) >= _FULL_PLAN_LIMIT:
            cp.full_plans.clear()
        hit = _call_plan(cp, stage, segments, objectives, frozenset(learned), needed, strategic)
        cp.full_plans[full_key] = hit
    return hit


def _remember(cp: CompiledPlaybook, key: tuple[Any, ...], value: Any) -> Any:
    if len(cp.plans) >= _PLAN_LIMIT:
        cp.plans.clear()
    cp.plans[key] = value
    return value


def _call_plan(
    cp: CompiledPlaybook,
    stage: Stage,
    segments: tuple[str, ...],
    objectives: tuple[CompiledObjective, ...],
    learned: frozenset[str],
    roles: frozenset[str],
    strategic: str | None,
) -> CallPlan:
    # no closures here: a lambda per memoised part would allocate a cell per captured
    # variable on every call, hit or miss
    key = stage.key
    plans = cp.plans
    missing_earlier: list[CompiledObjective] = []
    missing_now: list[CompiledObjective] = []
    nice_now: list[CompiledObjective] = []
    essentials_now = 0
    for o in objectives:
        if o.stage != key:
            if o.essential and o.id not in learned:
                missing_earlier.append(o)
        elif o.essential:
            essentials_now += 1
            if o.id not in learned:
                missing_now.append(o)
        elif o.id not in learned:
            nice_now.append(o)
    agenda = ((missing_earlier + missing_now) or nice_now)[: cp.playbook.thresholds.max_learn]
    gap_ids = tuple([o.id for o in missing_earlier])
    now_ids = tuple([o.id for o in missing_now])
    roles = roles & cp.required_roles
    adv_learned = learned & cp.advance_required.get(key, frozenset())
    adv_key = ("adv", key, segments, adv_learned, roles)
    adv = plans.get(adv_key)
    if adv is None:
        active = frozenset([o.id for o in objectives])
        adv = _remember(cp, adv_key, _advances(stage, learned, active, roles))
    stretch, conservative, adv_why = adv
    essentials_missing = bool(gap_ids or now_ids)
    call_key = (
        "call",
        key,
        segments,
        tuple([o.id for o in agenda]),
        essentials_missing,
        stretch.advance_id if stretch else None,
        conservative.advance_id if conservative else None,
        strategic,
    )
    made = plans.get(call_key)
    if made is None:
        made = _remember(
            cp,
            call_key,
            _call(cp, agenda, essentials_missing, stretch, conservative, strategic, key),
        )
    call, call_why = made
    ready_key = ("ready", key, now_ids, essentials_now)
    ready = plans.get(ready_key)
    if ready is None:
        ready = _remember(cp, ready_key, _readiness(key, now_ids, essentials_now))
    why = [ready]
    if gap_ids:
        gap_key = ("gap", gap_ids)
        gap = plans.get(gap_key)
        if gap is None:
            gap = _remember(cp, gap_key, _gap(gap_ids))
        why.append(gap)
    why.append(call_why[0])
    why.extend(adv_why)
    why.extend(call_why[1:])
    return CallPlan(
        call=call,
        ready=not now_ids,
        gap_ids=gap_ids,
        missing_now=now_ids,
        essentials_now=essentials_now,
        explanations=tuple(why),
    )


def _mentioned(text: str, deal: Deal) -> tuple[tuple[str, str, str], ...]:
    """The deal's contacts the text can refer to (a name part, title or role occurs in it).

    Only these change how the text is read, so they - not every contact - key the memo:
    the same next step on deals with different contact lists is parsed once.
    """
    if not deal.contacts:
        return ()
    low = text.lower()
    out = []
    for c in deal.contacts:
        title, role = c.title or "", c.role or ""
        if (
            any(len(part) > 1 and part in low for part in c.name.lower().split())
            or (title and title.lower() in low)
            or (role and role.replace("_", " ") in low)
        ):
            out.append((c.name, title, role))
    return tuple(out)


def check_next_step_cached(
    cp: CompiledPlaybook, deal: Deal, stage_key: str
) -> tuple[NextStepCheck, Explanation]:
    """Classify the next step (or open task subject) with its explanation, memoised by text
    and the deal's contacts (their names, titles and roles say who the client is)."""
    text, source = deal.next_step, "next_step"
    if not (text or "").strip() and (deal.open_task_subject or "").strip():
        text, source = deal.open_task_subject, "open_task"
    people = _mentioned(text or "", deal)
    key = (text, source, stage_key, people)
    hit = cp.checks.get(key)
    if hit is None:
        res = cp.lexicon.classify(text, stage_key, people)
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
        parse = res.parse_text()
        why = trusted(
            Explanation,
            rule_id=f"next_step.{res.verdict}",
            inputs={
                "text": check.text,
                "source": check.source,
                "stage": stage_key,
                "parse": [c.as_dict() for c in res.clauses],
            },
            text=f"{res.reason} [parse: {parse}]" if parse else res.reason,
        )
        if len(cp.checks) >= _CHECK_LIMIT:
            cp.checks.clear()
        hit = (check, why)
        cp.checks[key] = hit
    return hit
