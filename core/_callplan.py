"""The call plan's shape, readiness and stage gap, with their explanations, memoised.

Everything here depends only on which objectives are learned (or learned negative), which
contact roles exist and whether the close date is near; across an org these repeat a
lot, so each (frozen, shared) plan is cached on the compiled playbook under a small key
and reused.  Names and dates, which differ per deal, are filled in by ``_coach``.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any, NamedTuple

from nextadvance.core._agenda import (
    Agenda,
    agenda_items,
    build_agenda,
    implication,
    wanted_by_bigger,
)
from nextadvance.core._compiled import CompiledObjective, CompiledPlaybook
from nextadvance.core._decision import Explanation, trusted
from nextadvance.core._memo import remember
from nextadvance.core._planwhy import gap_why, implied_why, learn_why, readiness_why
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


class CallPlan(NamedTuple):
    """What the learned set implies: readiness, stage gap, the (unfilled) call plan, and why.

    Names and dates are filled per deal by :mod:`nextadvance.core._coach`; everything here
    depends only on the memo key, so deals with the same evidence share one plan.  A
    named tuple: most plans are built anew (the evidence combinations hardly repeat), and
    a tuple is built in a fraction of a frozen dataclass's time.
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
        remember(cp.full_plans, full_key, hit, _FULL_PLAN_LIMIT)
    return hit


def _remember(cp: CompiledPlaybook, key: tuple[Any, ...], value: Any) -> Any:
    return remember(cp.plans, key, value, _PLAN_LIMIT)


def _remaining(open_now: list[CompiledObjective]) -> tuple[int, tuple[str, ...]]:
    """Open essentials the rep can see and act on (this and earlier stages, bad news
    included) and the first two titles: later stages are not on the checklist, and a
    count the checklist does not show reads as wrong."""
    return len(open_now), tuple([o.title for o in open_now[:2]])


#: one objective of a plan's list as the plan loop reads it: the objective, its id, whether
#: it is of the deal's stage, essential, and what implies it (see ``_agenda.implication``;
#: None for objectives the agenda never skips)
_Row = tuple[CompiledObjective, str, bool, bool, frozenset[str] | bool | None]


class _Scope:
    """The plan loop's view of one objective list (one per stage and segments, memoised):
    its rows, and the rows of each kind a plan lists, so a plan without bad news is a few
    set tests per kind instead of a branchy loop over every objective."""

    __slots__ = (
        "earlier",
        "essentials_now",
        "nice",
        "now",
        "objectives",
        "required",
        "rows",
        "ruled",
    )

    def __init__(
        self, cp: CompiledPlaybook, stage: Stage, objectives: tuple[CompiledObjective, ...]
    ) -> None:
        here = stage.key
        self.objectives = objectives  # held so the id() key is never reused meanwhile
        self.rows: tuple[_Row, ...] = tuple(
            (
                o,
                o.id,
                o.stage == here,
                o.essential,
                implication(cp, here, o.id) if o.essential or o.stage == here else None,
            )
            for o in objectives
        )
        rows = self.rows
        #: (objective, id) of the essentials of earlier stages, of this stage's
        #: essentials and of its nice-to-haves; other objectives are never listed
        self.earlier = tuple([(r[0], r[1]) for r in rows if r[3] and not r[2]])
        self.now = tuple([(r[0], r[1]) for r in rows if r[3] and r[2]])
        self.nice = tuple([(r[0], r[1]) for r in rows if r[2] and not r[3]])
        self.essentials_now = len(self.now)
        #: (id, implication) of the rows the agenda may skip as implied, in order
        self.ruled: tuple[tuple[str, frozenset[str] | bool], ...] = tuple(
            [(r[1], r[4]) for r in rows if r[4] is not None]
        )
        #: the ids an advance requires that this list holds (the advance memo's key)
        self.required = frozenset([r[1] for r in rows]) & cp.advance_required.get(here, frozenset())


def _scope(cp: CompiledPlaybook, stage: Stage, objectives: tuple[CompiledObjective, ...]) -> _Scope:
    """The :class:`_Scope` of ``objectives`` (memoised on the plans memo)."""
    key = ("scope", stage.key, id(objectives))
    hit = cp.plans.get(key)
    if hit is None or hit.objectives is not objectives:
        hit = _remember(cp, key, _Scope(cp, stage, objectives))
    return hit  # type: ignore[no-any-return]


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
    key = ("agenda", stage.key, tuple(map(id, items)), neg_ids, look, closing)
    hit = cp.plans.get(key)
    if hit is None or hit[0] != items:  # the items themselves (identity first)
        agenda = build_agenda(cp, stage, items, neg_ids, look, closing)
        hit = _remember(cp, key, (items, agenda, learn_why(agenda, False), learn_why(agenda, True)))
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
    sc = _scope(cp, stage, objectives)
    essentials_now = sc.essentials_now
    negatives: list[CompiledObjective] = []
    missing_earlier: list[CompiledObjective]
    missing_now: list[CompiledObjective]
    nice_now: list[CompiledObjective]
    # implied by the stage (True), or by a learned id (``_agenda.implied``)
    skipped = [
        oid
        for oid, rule in sc.ruled
        if oid not in learned
        and (rule is True or (rule is not False and not rule.isdisjoint(learned)))
        and oid not in negative_ids
    ]
    if negative_ids:
        missing_earlier, missing_now, nice_now = [], [], []
        for o, oid, now, essential, _rule in sc.rows:
            if oid in negative_ids:
                negatives.append(o)
                if now and essential:
                    missing_now.append(o)
                continue
            if oid in learned or oid in skipped:
                continue
            if not now:
                if essential:
                    missing_earlier.append(o)
            elif essential:
                missing_now.append(o)
            else:
                nice_now.append(o)
    else:
        done = learned.union(skipped) if skipped else learned
        missing_earlier = [o for o, oid in sc.earlier if oid not in done]
        missing_now = [o for o, oid in sc.now if oid not in done]
        nice_now = [o for o, oid in sc.nice if oid not in done]
    gap_ids = tuple([o.id for o in missing_earlier])
    now_ids = tuple([o.id for o in missing_now])
    adv_learned = learned & cp.advance_required.get(key, frozenset())
    stuck = blocker(cp, negative_ids, gap_ids) if negative_ids or gap_ids else None
    # the advances read the learned and present ids only among those they require
    adv_key = ("adv", key, sc.required, adv_learned, roles, stuck)
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
        ready = _remember(cp, ready_key, readiness_why(key, now_ids, essentials_now))
    why = [ready]
    if gap_ids:
        gap_key = ("gap", gap_ids)
        gap = plans.get(gap_key)
        if gap is None:
            gap = _remember(cp, gap_key, gap_why(gap_ids))
        why.append(gap)
    why.append(memo[3] if gap_ids or now_ids else memo[2])
    why.extend(adv_why)
    if skipped:
        implied_key = ("implied_why", tuple(skipped))
        implied = plans.get(implied_key)
        if implied is None:
            implied = _remember(cp, implied_key, implied_why(skipped))
        why.append(implied)
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
