"""Item 1b: what a rep types on the deal itself (its description) is evidence.

"Pain: field teams double-key orders." in Opportunity.Description used to leave pain
missing and the task asking "What is the biggest problem...?".  The description is read as
a rep's note is (keyword rules that read notes, signed by the note reader), after every
dated activity, and never counts as a touch.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from nextadvance.core import Playbook, decide
from nextadvance.core._decision import ObjectiveResult
from nextadvance.core.models import Deal

from .conftest import NOW

_MODIFIED = "2026-11-20T08:00:00Z"


def _deal(**over: Any) -> Deal:
    data: dict[str, Any] = {
        "id": "D-1",
        "name": "Oakridge Insurance - Rollout",
        "stage": "qualification",
        "created_at": "2026-11-01T09:00:00Z",
        "modified_at": _MODIFIED,
        "stage_entered_at": "2026-11-10T09:00:00Z",
    }
    data.update(over)
    return Deal.model_validate(data)


def _objective(playbook: Playbook, deal: Deal, oid: str) -> ObjectiveResult:
    return next(o for o in decide(deal, playbook, NOW).objectives if o.id == oid)


def test_pain_in_the_description_is_learned_with_that_evidence(playbook: Playbook) -> None:
    without = decide(_deal(), playbook, NOW)
    assert next(o for o in without.objectives if o.id == "pain").status == "missing"
    pain_question = "What is the biggest problem with how you handle this today?"
    assert pain_question in without.call_objective.questions

    deal = _deal(description="Met twice.\nPain: field teams double-key orders.")
    decision = decide(deal, playbook, NOW)
    pain = next(o for o in decision.objectives if o.id == "pain")
    assert pain.status == "learned"
    (ev,) = pain.evidence
    assert ev.source == "keywords" and ev.activity_id is None
    assert ev.detail == (
        "'pain' in the deal description of 2026-11-20: 'Pain: field teams double-key orders.'"
    )
    assert pain_question not in decision.call_objective.questions


def test_no_budget_in_the_description_is_learned_negative(playbook: Playbook) -> None:
    budget = _objective(playbook, _deal(description="No budget allocated"), "budget")
    assert budget.status == "learned_negative"
    assert "in the deal description of 2026-11-20, negative: 'No budget allocated'" in (
        budget.evidence[0].detail
    )


def test_description_dated_at_creation_without_a_modification_date(playbook: Playbook) -> None:
    deal = _deal(description="Pain: manual re-keying.", modified_at=None)
    assert "description of 2026-11-01:" in _objective(playbook, deal, "pain").evidence[0].detail


def test_a_dated_note_comes_before_the_description(playbook: Playbook) -> None:
    note = {
        "id": "N-1",
        "kind": "note",
        "at": "2026-11-15T10:00:00Z",
        "outcome": "completed",
        "body": "Budget approved by the CFO last week.",
    }
    deal = _deal(description="No budget allocated", activities=[note])
    budget = _objective(playbook, deal, "budget")
    assert budget.status == "learned" and budget.evidence[0].activity_id == "N-1"


def test_the_description_is_not_a_touch(playbook: Playbook) -> None:
    plain = decide(_deal(), playbook, NOW).momentum
    described = decide(_deal(description="Agreed to a pilot, signed today."), playbook, NOW)
    assert described.momentum == plain


def test_blank_description_proves_nothing(playbook: Playbook) -> None:
    for text in ("", "  \n ", "..."):
        assert _objective(playbook, _deal(description=text), "pain").status == "missing"


def test_deal_json_accepts_a_description(playbook: Playbook) -> None:
    deal = Deal.model_validate_json(
        '{"id": "J", "stage": "qualification", "created_at": "2026-11-01T09:00:00Z",'
        ' "description": "Pain: month-end close takes 9 days."}'
    )
    assert deal.description == "Pain: month-end close takes 9 days."
    result = decide(deal, playbook, datetime(2026, 11, 23, tzinfo=UTC))
    assert next(o for o in result.objectives if o.id == "pain").status == "learned"


def test_a_first_call_does_not_ask_about_pain_the_description_states(
    playbook: Playbook,
) -> None:
    """Prospecting looks ahead to qualification's first essential (pain): not when the deal
    already says it, then the next one still open (money)."""
    deal = {
        "stage": "prospecting",
        "contacts": [{"id": "c1", "name": "Elliot Ray", "role": "decision_maker"}],
        "activities": [
            {
                "id": "A-1",
                "kind": "call",
                "at": "2026-11-18T10:00:00Z",
                "outcome": "completed",
                "body": "Intro call with Elliot.",
            }
        ],
    }
    before = decide(_deal(**deal), playbook, NOW).call_objective
    assert before.look_ahead == ("pain",)
    assert "What is the biggest problem with how you handle this today?" in before.questions
    said = _deal(**deal, description="Pain: legacy system end of support next year.")
    after = decide(said, playbook, NOW).call_objective
    assert after.look_ahead == ("budget",)
    assert not any("biggest problem" in q for q in after.questions)
