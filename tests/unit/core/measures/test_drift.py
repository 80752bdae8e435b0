"""Drift: stage questions in call notes per rep, and objectives in won vs lost deals."""

from __future__ import annotations

from datetime import UTC

from nextadvance.core.measures import (
    DriftThresholds,
    Suggestion,
    objective_outcomes,
    parse_period,
    questions_asked,
)
from nextadvance.core.models import Contact

Q4 = parse_period("2026-Q4", UTC)
NOW = "2026-12-20T00:00"


def test_questions_asked_per_rep_by_hand(b, playbook) -> None:
    """Keywords or a question of the stage's objectives count; other stages' do not."""
    disc = b.deal(
        "d1",
        "discovery",
        activities=(
            b.act("a1", "call", "2026-10-01T10:00", body="Talked budget for next year"),
            b.act("a2", "call", "2026-10-02T10:00", body="Weather chat"),
            b.act("a3", "call", "2026-10-03T10:00", body=""),
            b.act("a4", "meeting", "2026-10-04T10:00", body="Asked: who signs off on this?"),
            b.act("a5", "meeting", "2026-10-05T10:00", "no_show", body="budget"),
        ),
    )
    prop = b.deal(
        "d2",
        "proposal",
        owner="bob",
        entered="2026-10-10T00:00",
        activities=(
            b.act("b1", "call", "2026-10-09T10:00", body="budget confirmed"),  # discovery then
            b.act("b2", "call", "2026-10-11T10:00", body="budget again"),  # not a proposal topic
            b.act("b3", "call", "2026-10-12T10:00", body="Integration with SAP"),
        ),
    )
    total, by_rep = questions_asked([disc, prop], playbook, Q4, b.ts(NOW))
    alice, bob = by_rep["alice"], by_rep["bob"]
    assert (alice.asked, alice.with_notes, alice.without_notes) == (2, 3, 1)
    assert alice.by_objective == {"budget": 1, "decision_maker": 1}
    assert (bob.asked, bob.with_notes) == (2, 3)
    assert bob.by_objective == {"budget": 1, "tech_fit": 1}
    assert (total.rate.numerator, total.rate.denominator) == (4, 6)


def _closed(b, i: int, won: bool, notes: str, dm: bool):
    return b.deal(
        f"{'w' if won else 'l'}{i}",
        "closed_won" if won else "closed_lost",
        close="2026-11-15",
        activities=(b.act(f"x{i}{won}", "call", "2026-11-01T10:00", body=notes),) if notes else (),
        contacts=(Contact(id="k", role="decision_maker"),) if dm else (),
    )


def test_won_vs_lost_suggestions_by_hand(b, playbook) -> None:
    """6 won / 4 lost: budget keeps, timeline is promoted, dm demoted, competitors retired, tech_fit unjudged."""
    won_notes = [
        "budget timeline competitor",
        "budget timeline",
        "budget timeline",
        "budget timeline",
        "budget timeline",
        "budget",
    ]
    lost_notes = ["budget competitor", "", "", ""]
    deals = [_closed(b, i, True, n, dm=i < 3) for i, n in enumerate(won_notes)]
    deals += [_closed(b, i, False, n, dm=i < 2) for i, n in enumerate(lost_notes)]
    deals.append(b.deal("open", "discovery"))  # open deals are not compared
    result = {d.objective_id: d for d in objective_outcomes(deals, playbook, Q4, b.ts(NOW))}
    budget = result["budget"]
    assert (budget.won.numerator, budget.won.denominator) == (6, 6)
    assert (budget.lost.numerator, budget.lost.denominator) == (1, 4)
    assert (budget.support, budget.lift, budget.suggestion) == (10, 0.75, Suggestion.keep)
    assert result["timeline"].suggestion is Suggestion.promote  # 5/6 vs 0/4
    assert result["decision_maker"].suggestion is Suggestion.demote  # 3/6 vs 2/4
    assert result["competitors"].suggestion is Suggestion.retire  # 1/6 vs 1/4
    # 0/6 vs 0/4: never recorded, so nothing to judge (was "demote" from no data)
    assert result["tech_fit"].suggestion is Suggestion.insufficient_data
    assert [d.objective_id for d in result.values()][:1] == ["budget"]


def test_small_samples_get_no_suggestion(b, playbook) -> None:
    """Below the minimum sample, or with no lost deal, the suggestion is insufficient_data."""
    deals = [_closed(b, i, True, "budget", dm=False) for i in range(3)]
    deals.append(_closed(b, 9, False, "", dm=False))
    out = objective_outcomes(deals, playbook, Q4, b.ts(NOW))
    assert {d.suggestion for d in out} == {Suggestion.insufficient_data}
    only_won = [_closed(b, i, True, "budget", dm=False) for i in range(12)]
    lenient = DriftThresholds(min_sample=2)
    assert {
        d.suggestion for d in objective_outcomes(only_won, playbook, Q4, b.ts(NOW), lenient)
    } == {Suggestion.insufficient_data}


def test_no_closed_deals_no_rows(b, playbook) -> None:
    """Without closed deals in the period there is nothing to compare."""
    assert objective_outcomes([b.deal("o")], playbook, Q4, b.ts(NOW)) == []


def test_unknown_stage_is_a_mapping_error(b, playbook) -> None:
    """A deal in a stage the playbook lacks is reported by name, not as a KeyError."""
    import pytest

    from nextadvance.core import MappingError

    deal = b.deal(
        "d1", "negociation", activities=(b.act("a", "call", "2026-10-01T10:00", body="x"),)
    )
    with pytest.raises(MappingError, match="unknown stage 'negociation'"):
        questions_asked([deal], playbook, Q4, b.ts(NOW))
