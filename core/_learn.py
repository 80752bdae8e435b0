"""Learning a deal's objectives: which of them its data proves, and with what sign.

:func:`learn` runs the rule tests of :mod:`nextadvance.core._evidence` on the objectives
an inverted index says a rule might prove, with the tests inlined (it runs for every open
deal, ~7 objectives proved each); a second call for the same deal reuses the first's.
"""

from __future__ import annotations

from nextadvance.core._candidates import candidates
from nextadvance.core._compiled import TEXT_KIND_SET, CompiledObjective
from nextadvance.core._decision import Evidence, ObjectiveResult, evidence, learned_result
from nextadvance.core._evidence import (
    NEGATIVE,
    DealContext,
    activity_evidence,
    description_evidence,
    field_evidence,
)
from nextadvance.core._memo import remember
from nextadvance.core._notes import NoteReader

__all__ = ["learn", "learn_all", "missing_of"]

_TEXT = TEXT_KIND_SET


def learn_all(
    objectives: tuple[CompiledObjective, ...], ctx: DealContext, notes: NoteReader | None = None
) -> tuple[tuple[ObjectiveResult, ...], list[str]]:
    """Each objective's result (learned with its evidence, learned_negative, or the shared
    missing one), in order, and the ids of the (positively) learned ones.

    A keyword found in a note is read with its sign (``notes``, the lexicon's note reader):
    "no budget set aside yet" is learned and negative, not proof that budget exists.
    """
    results, learned, _ = learn(objectives, ctx, notes)
    return results, learned


def learn(
    objectives: tuple[CompiledObjective, ...], ctx: DealContext, notes: NoteReader | None = None
) -> tuple[tuple[ObjectiveResult, ...], list[str], list[ObjectiveResult]]:
    """:func:`learn_all`, and the ``learned_negative`` results in order (``decide`` would
    otherwise scan every result twice for them).

    Only the objectives :func:`~nextadvance.core._candidates.candidates` says a rule might
    prove are tested (most objectives of most deals are missing).  A second call for the
    same deal (the call plan's look-ahead asks for the next stage's objectives, a superset)
    reuses the first call's results and tests only the objectives it did not see.
    """
    prev = ctx.learned
    if prev is not None and prev[2] is notes:
        seen = {id(o): r for o, r in zip(prev[0], prev[1], strict=True)}
        results: list[ObjectiveResult] = []
        todo: list[int] = []
        for i, obj in enumerate(objectives):
            r = seen.get(id(obj))
            if r is None:  # not seen: tested without the candidate filter (same result)
                todo.append(i)
                r = obj.missing
            results.append(r)
        _prove(objectives, todo, ctx, notes, results, [])
        out = tuple(results)
        return (
            out,
            [r.id for r in out if r.status == "learned"],
            [r for r in out if r.status == "learned_negative"],
        )
    results = list(missing_of(objectives))
    negative: list[ObjectiveResult] = []
    learned = _prove(
        objectives,
        candidates(objectives, ctx.deal.fields, ctx.roles, ctx.words()),
        ctx,
        notes,
        results,
        negative,
    )
    out = tuple(results)
    ctx.learned = (objectives, out, notes)
    return out, learned, negative


#: objective list -> its missing results, and the list held so its id is not reused
_MISSING: dict[int, tuple[tuple[CompiledObjective, ...], tuple[ObjectiveResult, ...]]] = {}
_MISSING_LIMIT = 1_024


def missing_of(objectives: tuple[CompiledObjective, ...]) -> tuple[ObjectiveResult, ...]:
    """Every objective's shared missing result (memoised per objective list: the lists
    are few, one per stage and segment set, and a deal starts from all missing)."""
    hit = _MISSING.get(id(objectives))
    if hit is None or hit[0] is not objectives:
        hit = remember(
            _MISSING,
            id(objectives),
            (objectives, tuple([o.missing for o in objectives])),
            _MISSING_LIMIT,
        )
    return hit[1]


def _prove(
    objectives: tuple[CompiledObjective, ...],
    positions: list[int],
    ctx: DealContext,
    notes: NoteReader | None,
    results: list[ObjectiveResult],
    negative: list[ObjectiveResult],
) -> list[str]:
    """Test the objectives at ``positions`` (ascending) rule by rule, writing each proved
    one's result into ``results`` (and the learned_negative ones into ``negative``);
    returns the positively learned ids in order.

    This is ``evaluate`` with the rule tests inlined; rules that cannot match (field
    absent, role absent) are rejected with a set lookup, and a keyword search that finds
    no word of the rule (nor every word of a phrase) costs a set intersection.
    """
    learned: list[str] = []
    if not positions:
        return learned
    fields = ctx.deal.fields
    roles = ctx.roles
    text_index = ctx.index(_TEXT)  # the kinds nearly every keyword rule uses
    noted = ctx._notes
    for i in positions:
        obj = objectives[i]
        ev: Evidence | None = None
        status = "learned"
        for rule in obj.rules:
            kind = rule.kind
            if kind == "keywords":
                kws = rule.keywords
                assert kws is not None
                kinds = rule.kinds
                # search is None exactly when ``may_match`` rejects, or on no phrase found
                found = (text_index if kinds is _TEXT else ctx.index(kinds)).search(kws)
                if found is None:
                    # the description, after every dated note (module docstring)
                    said = ctx.in_description(rule)
                    if said is None:
                        continue
                    assert ctx.deal.description is not None
                    sign = (
                        notes.sign_of(ctx.deal.description, obj.id, said)[0]
                        if notes is not None
                        else "positive"
                    )
                    if sign == "negative":
                        status = "learned_negative"
                    ev = description_evidence(ctx.deal, said, sign)
                    break
                a, hit = found
                text, where = noted.get(id(a)) or ctx.note(a)
                sign, clause = (
                    notes.sign_of(text, obj.id, hit) if notes is not None else ("positive", "")
                )
                if sign == "negative":
                    status = "learned_negative"
                    ev = evidence(
                        "keywords", f"'{hit}' in {where}, negative: '{clause}'{NEGATIVE}", a.id
                    )
                else:
                    ev = evidence("keywords", f"'{hit}' in {where}", a.id)
                break
            if kind == "field":
                if rule.name not in fields:
                    continue
                ev = field_evidence(rule, ctx)
            elif kind == "role":
                cid = roles.get(rule.name)
                if cid is None:
                    continue
                ev = evidence("role", f"contact with role {rule.name}", None, cid)
            else:
                ev = activity_evidence(rule, ctx)
            if ev is not None:
                break
        if ev is not None:
            r = results[i] = learned_result(
                obj.id, obj.title, obj.stage, obj.essential, ev, obj.questions, status
            )
            if status == "learned":
                learned.append(obj.id)
            else:
                negative.append(r)
    return learned
