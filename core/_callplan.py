"""The call plan's shape, readiness and stage gap, with their explanations, memoised.

Everything here depends only on which objectives are learned (or learned negative), which
contact roles exist and whether the close date is near; across an org these repeat a
lot, so each (frozen, shared) plan is cached on the compiled playbook under a small key
and reused.  Names and dates, which differ per deal, are filled in by ``_coach``.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from nextadvance.core._agenda import (
    Agenda,
    agenda_items,
    build_agenda,
    implication,
    wanted_by_bigger,
)
from nextadvance.core._compiled import CompiledObjective, CompiledPlaybook
from nextadvance.core._decision import Explanation, trusted
from nextadvance.core._playbook_model import Advance, Stage
from nextadvance.core._recovery import blocker, switch

__all__ = ["CallPlan", "Pick", "call_plan"]

#: memo sizes: a full memo is dropped and rebuilt (bounded memory, no LRU bookkeeping);
#: small enough that a 100k-deal run needs no more memory than a 10k one (issue #20)
_PLAN_LIMIT = 8_192
_FULL_PLAN_LIMIT = 3_072


@dataclass(frozen=True, slots=True)
class Pick:
    """An advance chosen from the catalog; ``finds_role`` when its person must be found first."""

    advance: Advance
    finds_role: str | None = None


@dataclass(frozen=True, slots=True)
class CallPlan:
    """What the learned set implies: readiness, stage gap, the (unfilled) call plan, and why.

    Names and dates are filled per deal by :mod:`nextadvance.core._coach`; everything here
    depends only on the memo key, so deals with the same evidence share one plan.
    """

    stretch: Pick | None
    conservative: Pick | None
    agenda: Agenda
    ready: bool
    gap_ids: tuple[str, ...]
    missing_now: tuple[str, ...]
    essentials_now: int
    #: essentials of this and earlier stages still open (bad news included), and the
    #: first two titles
    remaining: int
    remaining_titles: tuple[str, ...]
    explanations: tuple[Explanation, ...]


def _pick(
    stage: Stage, level: str, learned: frozenset[str], active: frozenset[str], roles: frozenset[str]
) -> tuple[Pick | None, list[Explanation]]:
    """The first advance of ``level`` whose required objectives are learned (YAML order).

    A required objective that a segment removed for this deal counts as satisfied; a
    missing required role does not skip the advance but turns it into finding that person.
    """
    why: list[Explanation] = []
    for adv in stage.advances:
        if adv.level != level:
            continue
        missing = [r for r in adv.requires if r in active and r not in learned]
        if missing:
            why.append(
                trusted(
                    Explanation,
                    rule_id="advance.precondition_unmet",
                    inputs={"advance": adv.id, "missing": missing},
                    text=f"'{adv.id}' skipped: needs {', '.join(missing)} first",
                )
            )
            continue
        absent = next((r for r in adv.requires_roles if r not in roles), None)
        if absent is not None:
            why.append(
                trusted(
                    Explanation,
                    rule_id="advance.find_role",
                    inputs={"advance": adv.id, "role": absent},
                    text=f"'{adv.id}' needs a {absent} the deal does not have: find them first",
                )
            )
        return Pick(adv, absent), why
    return None, why


def _advances(
    stage: Stage, learned: frozenset[str], active: frozenset[str], roles: frozenset[str]
) -> tuple[Pick | None, Pick | None, tuple[Explanation, ...]]:
    """Stretch and conservative picks; the playbook guarantees one of each is always eligible."""
    stretch, why_s = _pick(stage, "stretch", learned, active, roles)
    conservative, why_c = _pick(stage, "conservative", learned, active, roles)
    return stretch, conservative, tuple(why_s + why_c)


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


def _learn_why(agenda: Agenda, essentials_missing: bool) -> Explanation:
    return trusted(
        Explanation,
        rule_id="call_objective.learn",
        inputs={"learn": [o.id for o in agenda.items], "negatives": list(agenda.negatives)},
        text=(
            "deal with the bad news first, then the missing essentials"
            if agenda.negatives
            else "learn the missing essentials first, most needed first"
            if essentials_missing
            else "essentials done: look ahead to the next stage"
            if agenda.look_ahead
            else "essentials done: use the call for nice-to-haves and the advance"
        ),
    )


def _implied_why(skipped: list[str]) -> Explanation:
    return trusted(
        Explanation,
        rule_id="agenda.implied",
        inputs={"implied": skipped},
        text="not asked, implied by later evidence or the stage: " + ", ".join(skipped),
    )


def call_plan(
    cp: CompiledPlaybook,
    stage: Stage,
    segments: tuple[str, ...],
    objectives: tuple[CompiledObjective, ...],
    learned: list[str],
    roles: Collection[str],
    negatives: tuple[str, ...] = (),
    close_soon: bool = False,
    relevant: frozenset[str] | None = None,
    known_ahead: frozenset[str] = frozenset(),
) -> CallPlan:
    """Readiness, stage gap, the advances and the agenda for this deal's evidence.

    ``learned`` lists the learned objective ids in ``objectives`` order (negatives not
    among them).  The whole plan is a function of (stage, segments, learned ids, the
    contact roles any advance needs, negatives, close date near), so it is memoised on
    that key.  Of the learned ids only the ``relevant`` ones matter (essentials, this
    stage's objectives, ids an advance requires or that imply another objective), so the
    key keeps just those when the caller knows them (``CompiledPlaybook.scope``).
    ``known_ahead``: next-stage objectives the deal's evidence already proves (the
    look-ahead skips them).
    """
    needed = cp.stage_roles[stage.key].intersection(roles)
    key_learned = tuple(learned if relevant is None else [x for x in learned if x in relevant])
    full_key = (stage.key, segments, key_learned, needed, negatives, close_soon, known_ahead)
    hit: CallPlan | None = cp.full_plans.get(full_key)
    if hit is None:
        if len(cp.full_plans) >= _FULL_PLAN_LIMIT:
            cp.full_plans.clear()
        hit = _call_plan(
            cp,
            stage,
            segments,
            objectives,
            frozenset(learned),
            needed,
            negatives,
            close_soon,
            known_ahead,
        )
        cp.full_plans[full_key] = hit
    return hit


def _remember(cp: CompiledPlaybook, key: tuple[Any, ...], value: Any) -> Any:
    if len(cp.plans) >= _PLAN_LIMIT:
        cp.plans.clear()
    cp.plans[key] = value
    return value


def _remaining(open_now: list[CompiledObjective]) -> tuple[int, tuple[str, ...]]:
    """Open essentials the rep can see and act on (this and earlier stages, bad news
    included) and the first two titles: later stages are not on the checklist, and a
    count the checklist does not show reads as wrong."""
    return len(open_now), tuple([o.title for o in open_now[:2]])


#: one objective of a plan's list as the plan loop reads it: the objective, its id, whether
#: it is of the deal's stage, essential, and what implies it (see ``_agenda.implication``;
#: None for objectives the agenda never skips)
_Row = tuple[CompiledObjective, str, bool, bool, frozenset[str] | bool | None]


def _rows(
    cp: CompiledPlaybook, stage: Stage, objectives: tuple[CompiledObjective, ...]
) -> tuple[_Row, ...]:
    """The plan loop's view of ``objectives`` (one list per stage and segments, memoised)."""
    key = ("rows", stage.key, id(objectives))
    hit = cp.plans.get(key)
    if hit is None or hit[0] is not objectives:
        here = stage.key
        rows = tuple(
            (
                o,
                o.id,
                o.stage == here,
                o.essential,
                implication(cp, here, o.id) if o.essential or o.stage == here else None,
            )
            for o in objectives
        )
        hit = _remember(cp, key, (objectives, rows))
    return hit[1]  # type: ignore[no-any-return]


def _agenda(
    cp: CompiledPlaybook,
    stage: Stage,
    items: tuple[CompiledObjective, ...],
    negatives: list[CompiledObjective],
    look: bool,
    closing: bool,
) -> tuple[Any, Agenda, Explanation, Explanation]:
    """The agenda of these items and its two "learn" explanations, memoised on the items
    (by identity: the compiled playbook holds them) and what else the agenda reads."""
    neg_ids = tuple([o.id for o in negatives]) if negatives else ()
    key = ("agenda", stage.key, tuple([id(o) for o in items]), neg_ids, look, closing)
    hit = cp.plans.get(key)
    if hit is None or any(a is not b for a, b in zip(hit[0], items, strict=True)):
        agenda = build_agenda(cp, stage, items, neg_ids, look, closing)
        hit = _remember(
            cp, key, (items, agenda, _learn_why(agenda, False), _learn_why(agenda, True))
        )
    return hit  # type: ignore[no-any-return]


def _call_plan(
    cp: CompiledPlaybook,
    stage: Stage,
    segments: tuple[str, ...],
    objectives: tuple[CompiledObjective, ...],
    learned: frozenset[str],
    roles: frozenset[str],
    negative_ids: tuple[str, ...],
    close_soon: bool,
    known_ahead: frozenset[str] = frozenset(),
) -> CallPlan:
    key = stage.key
    plans = cp.plans
    missing_earlier: list[CompiledObjective] = []
    missing_now: list[CompiledObjective] = []
    nice_now: list[CompiledObjective] = []
    negatives: list[CompiledObjective] = []
    skipped: list[str] = []
    essentials_now = 0
    for o, oid, now, essential, rule in _rows(cp, stage, objectives):
        if oid in negative_ids:
            negatives.append(o)
            if now and essential:
                essentials_now += 1
                missing_now.append(o)
            continue
        if now and essential:
            essentials_now += 1
        if oid in learned:
            continue
        # implied by the stage (True), or by a learned id (``_agenda.implied``)
        if rule is not None and (
            rule is True or (rule is not False and not rule.isdisjoint(learned))
        ):
            skipped.append(oid)
            continue
        if not now:
            if essential:
                missing_earlier.append(o)
        elif essential:
            missing_now.append(o)
        else:
            nice_now.append(o)
    gap_ids = tuple([o.id for o in missing_earlier])
    now_ids = tuple([o.id for o in missing_now])
    adv_learned = learned & cp.advance_required.get(key, frozenset())
    stuck = blocker(cp, negative_ids, gap_ids) if negative_ids or gap_ids else None
    adv_key = ("adv", key, segments, adv_learned, roles, stuck)
    adv = plans.get(adv_key)
    if adv is None:
        active = frozenset([o.id for o in objectives])
        stretch, conservative, adv_why = _advances(stage, learned, active, roles)
        # what a bigger advance still requires: of the learned ids it reads only those an
        # advance requires, all in the key
        wanted = wanted_by_bigger(stage, stretch.advance if stretch else None, learned)
        turn = (
            switch(
                cp,
                stage,
                stuck,
                stretch.advance if stretch else None,
                conservative.advance if conservative else None,
                roles,
            )
            if stuck is not None
            else None
        )
        if turn is not None:
            stretch = (
                conservative  # moved up as it was picked (its person may need finding)
                if conservative is not None and turn.stretch is conservative.advance
                else Pick(turn.stretch, turn.finds_role)
                if turn.stretch is not None
                else None
            )
            conservative = conservative if turn.keep_conservative else None
            adv_why = (*adv_why, turn.why)
        finds = (stretch.finds_role if stretch else None) or (
            conservative.finds_role if conservative else None
        )
        adv = _remember(cp, adv_key, (stretch, conservative, adv_why, finds, wanted))
    stretch, conservative, adv_why, finds, wanted = adv
    if negative_ids:
        to_learn = [o for o in missing_earlier + missing_now if o.id not in negative_ids]
    else:
        to_learn = missing_earlier + missing_now
    items, look = agenda_items(
        cp,
        stage,
        segments,
        to_learn,
        nice_now,
        negatives,
        wanted,
        finds,
        close_soon,
        roles,
        known_ahead,
    )
    memo = _agenda(cp, stage, items, negatives, look, stretch is not None)
    agenda = memo[1]
    open_ = missing_earlier + missing_now
    if negatives:  # bad news first; an earlier stage's "no" is open too
        bad = [o for o in negatives if o.essential]
        open_ = bad + [o for o in open_ if o not in bad]
    remaining, titles = _remaining(open_)
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
    why.append(memo[3] if gap_ids or now_ids else memo[2])
    why.extend(adv_why)
    if skipped:
        implied_key = ("implied_why", tuple(skipped))
        implied_why = plans.get(implied_key)
        if implied_why is None:
            implied_why = _remember(cp, implied_key, _implied_why(skipped))
        why.append(implied_why)
    return CallPlan(
        stretch=stretch,
        conservative=conservative,
        agenda=agenda,
        ready=not now_ids,
        gap_ids=gap_ids,
        missing_now=now_ids,
        essentials_now=essentials_now,
        remaining=remaining,
        remaining_titles=titles,
        explanations=tuple(why),
    )
