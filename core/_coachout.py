"""Positional builders of the coach's output models, for the per-deal hot path.

Every open deal gets a :class:`CallObjective` and a :class:`Coaching`, and most an
:class:`AdvanceChoice` or two; :func:`~nextadvance.core._decision.trusted` costs a kwargs
dict and a field-names lookup per object.  These build the same objects directly, as the
builders in :mod:`nextadvance.core._decision` do (with its :func:`built`): every field given, so ``__dict__`` is in
declaration order (the JSON key order ``trusted`` gave) and the fields-set is the shared
set of all field names (the models are frozen, so pydantic never mutates it).
"""

from __future__ import annotations

from datetime import date

from nextadvance.core._decision import AdvanceChoice, CallObjective, Coaching, built

__all__ = ["build_call", "build_choice", "build_coaching"]

_CHOICE_SET = set(AdvanceChoice.model_fields)
_CALL_SET = set(CallObjective.model_fields)
_COACHING_SET = set(Coaching.model_fields)


def build_choice(
    text: str,
    advance_id: str,
    subject: str,
    ask: str,
    goal: str,
    who: str | None,
    by: date | None,
    finds_role: str | None,
) -> AdvanceChoice:
    """An :class:`AdvanceChoice` built without validation (arguments in field order)."""
    return built(
        AdvanceChoice,
        {
            "text": text,
            "advance_id": advance_id,
            "subject": subject,
            "ask": ask,
            "goal": goal,
            "who": who,
            "by": by,
            "finds_role": finds_role,
        },
        _CHOICE_SET,
    )


def build_call(
    learn: tuple[str, ...],
    questions: tuple[str, ...],
    stretch: AdvanceChoice | None,
    conservative: AdvanceChoice | None,
    plan: tuple[str, ...],
    strategic_objective: str | None,
    opening: str,
    close: str,
    negatives: tuple[str, ...],
    close_date_note: str | None,
    look_ahead: tuple[str, ...],
) -> CallObjective:
    """A :class:`CallObjective` built without validation (arguments in field order)."""
    return built(
        CallObjective,
        {
            "learn": learn,
            "questions": questions,
            "stretch": stretch,
            "conservative": conservative,
            "plan": plan,
            "strategic_objective": strategic_objective,
            "opening": opening,
            "close": close,
            "negatives": negatives,
            "close_date_note": close_date_note,
            "look_ahead": look_ahead,
        },
        _CALL_SET,
    )


def build_coaching(
    subject: str,
    verdict: str,
    due: date | None,
    urgency: str,
    next_meeting: date | None,
    body: tuple[str, ...],
) -> Coaching:
    """A :class:`Coaching` built without validation (arguments in field order)."""
    return built(
        Coaching,
        {
            "subject": subject,
            "verdict": verdict,
            "due": due,
            "urgency": urgency,
            "next_meeting": next_meeting,
            "body": body,
        },
        _COACHING_SET,
    )
