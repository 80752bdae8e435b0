"""Which objectives the next call works on, in the order the rep should raise them.

Stage order is the wrong order for a conversation: the call should first deal with bad
news already learned, then learn what the advance the rep wants to close for still needs
(and, with the close date near, what the date depends on), and never re-ask what later
evidence already implies ("what made you take this call?" in negotiation).  When the
stage's essentials are all learned, the call looks ahead to the next stage's essentials.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from nextadvance.core._compiled import CompiledObjective, CompiledPlaybook
from nextadvance.core._memo import remember
from nextadvance.core._playbook_model import Advance, Stage

__all__ = [
    "Agenda",
    "agenda_items",
    "build_agenda",
    "implication",
    "implied",
    "look_ahead_scope",
    "meeting_request",
]


@dataclass(frozen=True, slots=True)
class Agenda:
    """The ordered agenda of one call, before names and dates are filled in."""

    #: objectives to work on, in order (negatives first); ids go to CallObjective.learn
    items: tuple[CompiledObjective, ...]
    #: question templates, at most ``max_questions``
    questions: tuple[str, ...]
    negatives: tuple[str, ...]
    #: next-stage essentials the call looks ahead to (ready deals only)
    look_ahead: tuple[CompiledObjective, ...]
    #: precomputed for the per-deal fill: the ids, and each question's body line and
    #: word count when it has no placeholder (None where names must be filled in)
    learn_ids: tuple[str, ...] = ()
    look_ids: tuple[str, ...] = ()
    ask_lines: tuple[tuple[str, int] | None, ...] = ()


def implied(
    cp: CompiledPlaybook, stage: Stage, o: CompiledObjective, learned: Collection[str]
) -> bool:
    """True when later evidence or the deal's stage makes ``o`` self-evident."""
    rule = implication(cp, stage.key, o.id)
    if rule is None or isinstance(rule, bool):
        return bool(rule)
    return not rule.isdisjoint(learned)


#: "not in the memo" for ``implication``, whose answers include None: an object of its
#: own, never the key (a compiled build, mypyc, may unbox and rebuild a tuple key)
_ABSENT = object()


def implication(cp: CompiledPlaybook, stage_key: str, oid: str) -> frozenset[str] | bool | None:
    """True (implied by the stage), the ids that would imply it, or None; memoised."""
    key = ("implied", stage_key, oid)
    hit = cp.plans.get(key, _ABSENT)
    if hit is not _ABSENT:
        return hit  # type: ignore[no-any-return]
    meta = cp.objective_meta.get(oid)
    out: frozenset[str] | bool | None = None
    if meta is not None:
        if meta.implied_from_stage is not None and cp.order.get(stage_key, 0) >= cp.order.get(
            meta.implied_from_stage, 1 << 30
        ):
            out = True
        elif meta.implied_by:
            out = frozenset(meta.implied_by)
    cp.plans[key] = out
    return out


def meeting_request(cp: CompiledPlaybook, oid: str) -> bool:
    """Whether ``oid`` is learned only by meeting someone (every evidence rule a held
    meeting with given roles): its "question" asks for a meeting, which a call already
    closing for an advance must not ask as well ("20 minutes with you?" then "sign?")."""
    meta = cp.objective_meta.get(oid)
    return meta is not None and all(
        r.activity is not None and bool(r.activity.with_roles) for r in meta.evidence
    )


def _critical(cp: CompiledPlaybook) -> frozenset[str]:
    """Ids of the time-critical objectives (playbook data; memoised on the plans memo)."""
    hit: frozenset[str] | None = cp.plans.get(("critical",))
    if hit is None:
        meta = cp.objective_meta.items()
        hit = cp.plans["critical",] = frozenset([i for i, m in meta if m.time_critical])
    return hit


def agenda_items(
    cp: CompiledPlaybook,
    stage: Stage,
    segments: tuple[str, ...],
    missing: list[CompiledObjective],
    nice: list[CompiledObjective],
    negatives: list[CompiledObjective],
    wanted: frozenset[str],
    finds_role: str | None,
    close_soon: bool,
    roles: frozenset[str] = frozenset(),
    known_ahead: frozenset[str] = frozenset(),
) -> tuple[tuple[CompiledObjective, ...], bool]:
    """The objectives the call works on, in order, and whether they are the look-ahead.

    Negatives, then missing essentials by need (``wanted``: what a bigger advance
    requires; the role being found; time-critical ones when the close date is near), then
    stage order; nice-to-haves, or the next stage's first essential, only when nothing is
    missing.  The look-ahead skips an essential a contact role of the deal (``roles``)
    will prove: no "who will make the final decision?" when the CRM names the decision
    maker; and one the deal's evidence already proves (``known_ahead``): no "what is the
    biggest problem?" when the deal's description says "Pain: ...".  At most
    ``max_learn``: the agenda (:func:`build_agenda`) depends on these alone, so it is
    memoised on them, while the missing sets it is picked from hardly repeat.
    """
    ordered: list[CompiledObjective] = missing
    if finds_role is not None or wanted or close_soon:
        # the rank tuple (finds, wanted, time-critical) as bits; sorted() is stable, so
        # ties keep stage order
        critical = _critical(cp) if close_soon else frozenset()

        def rank(o: CompiledObjective) -> int:
            return (
                (0 if finds_role is not None and finds_role in o.role_names else 4)
                + (0 if o.id in wanted else 2)
                + (0 if o.id in critical else 1)
            )

        ordered = sorted(missing, key=rank)
    look = False
    if not ordered and not negatives:
        # one step ahead: the next stage's first essential (pain before money on a first
        # call), with its follow-up question; skipping one a contact role already proves
        first = next(
            (o for o in look_ahead_scope(cp, stage, segments, roles) if o.id not in known_ahead),
            None,
        )
        look = first is not None
        ordered = [first] if first is not None else nice
    n = cp.playbook.thresholds.max_learn
    if negatives:
        return tuple((negatives + ordered)[:n]), look
    return tuple(ordered[:n]), look


def build_agenda(
    cp: CompiledPlaybook,
    stage: Stage,
    items: tuple[CompiledObjective, ...],
    negatives: tuple[str, ...],
    look: bool,
    closing: bool,
) -> Agenda:
    """The agenda of ``items`` (from :func:`agenda_items`; ``negatives``: the ids of all
    the bad news, the first items).

    Questions fit the call: a follow-up question only for this stage's objectives (no
    late discovery while closing), and, when the call ``closing`` asks for an advance, no
    question that is really a meeting request (:func:`meeting_request`).
    """
    th = cp.playbook.thresholds
    meta = cp.objective_meta
    bad = len(negatives)  # the first items are bad news (all of them when more)
    questions: list[str] = []
    for i, o in enumerate(items):
        m = meta.get(o.id)
        if i < bad and m is not None and m.if_negative:
            questions.append(m.if_negative)
        elif o.questions and not (closing and meeting_request(cp, o.id)):
            questions.append(o.questions[0])
    if len(questions) < th.max_questions:
        questions.extend(
            q
            for i, o in enumerate(items)
            if i >= bad
            and (o.stage == stage.key or look)
            and not (closing and meeting_request(cp, o.id))
            for q in o.questions[1:2]
        )
    qs = tuple(dict.fromkeys(questions))[: th.max_questions]
    ask = cp.playbook.wording.body.ask
    lines = tuple(None if "{" in q else _line(ask, q) for q in qs)
    return Agenda(
        items,
        qs,
        negatives,
        items if look else (),
        tuple(o.id for o in items),
        tuple(o.id for o in items) if look else (),
        lines,
    )


_LINES: dict[tuple[str, str], tuple[str, int]] = {}


def _line(ask: str, question: str) -> tuple[str, int]:
    """The body line asking ``question`` and its word count (memoised: the questions are
    the playbook's, a few hundred at most)."""
    key = (ask, question)
    hit = _LINES.get(key)
    if hit is None:
        text = ask.format(question=question)
        hit = remember(_LINES, key, (text, len(text.split())), 4_096)
    return hit


def look_ahead_scope(
    cp: CompiledPlaybook, stage: Stage, segments: tuple[str, ...], roles: frozenset[str]
) -> tuple[CompiledObjective, ...]:
    """The next stage's essentials the look-ahead picks from, in the agenda's order: the
    evidence a look-ahead reads, since it takes the first one the deal does not prove.

    One shared tuple per (stage, segments, roles), memoised on the plans memo:
    ``learn_all``'s candidate index is keyed on the tuple, so it must be the same object.
    """
    key = ("ahead", stage.key, segments, roles)
    hit: tuple[CompiledObjective, ...] | None = cp.plans.get(key)
    if hit is None:
        hit = cp.plans[key] = _next_stage_essentials(cp, stage, segments, roles)
    return hit


def _next_stage_essentials(
    cp: CompiledPlaybook, stage: Stage, segments: tuple[str, ...], roles: frozenset[str]
) -> tuple[CompiledObjective, ...]:
    order = cp.order[stage.key]
    later = [s.key for s in cp.playbook.stages[order + 1 :] if not s.closed]
    if not later:
        return ()
    nxt = later[0]
    return tuple(
        o
        for o in cp.objectives_for(nxt, segments)
        if o.stage == nxt and o.essential and o.role_names.isdisjoint(roles)
    )


def wanted_by_bigger(
    stage: Stage, chosen: Advance | None, learned: Collection[str]
) -> frozenset[str]:
    """Objectives that stretch advances ranked above ``chosen`` still require."""
    out: set[str] = set()
    for adv in stage.advances:
        if adv is chosen:
            break
        if adv.level == "stretch":
            out.update(r for r in adv.requires if r not in learned)
    return frozenset(out)
