"""Objective coverage and stage gap per stage, from real engine decisions."""

from __future__ import annotations

from nextadvance.core import decide
from nextadvance.core.models import Contact

NOW = "2026-11-23T12:00"


def _decisions(b, playbook):
    dm = (Contact(id="k1", role="decision_maker"),)
    budget = (b.act("n1", "call", "2026-11-01T10:00", body="budget is approved"),)
    integ = (b.act("n2", "call", "2026-11-02T10:00", body="integration checked"),)
    deals = [
        b.deal("d1", "discovery", activities=budget, contacts=dm),
        b.deal("d2", "discovery", activities=budget),
        b.deal("d3", "proposal", activities=budget + integ, contacts=dm),
        b.deal("d4", "proposal", activities=integ),
        b.deal("d5", "closed_won", close="2026-11-01"),
    ]
    return [decide(d, playbook, b.ts(NOW)) for d in deals]


def test_coverage_readiness_and_gap_per_stage_by_hand(b, playbook) -> None:
    """Discovery: 1 of 2 covered; proposal: 2 ready, 1 covered, 1 ahead of its evidence."""
    from nextadvance.core.measures import objective_coverage

    cov = objective_coverage(_decisions(b, playbook), playbook)
    assert list(cov) == ["discovery", "proposal"]
    disc, prop = cov["discovery"], cov["proposal"]
    assert (disc.deals, disc.ready, disc.covered, disc.gap) == (2, 1, 1, 0)
    assert (prop.deals, prop.ready, prop.covered, prop.gap) == (2, 2, 1, 1)
    assert prop.stage_gap.value == 0.5
    assert {k: (r.numerator, r.denominator) for k, r in disc.objectives.items()} == {
        "budget": (2, 2),
        "decision_maker": (1, 2),
        "timeline": (0, 2),
        "competitors": (0, 2),
    }


def test_empty_input_lists_every_open_stage_with_no_rate(playbook) -> None:
    """No decisions: stages are still listed, with undefined coverage."""
    from nextadvance.core.measures import objective_coverage

    cov = objective_coverage([], playbook)
    assert list(cov) == ["discovery", "proposal"]
    assert cov["proposal"].coverage.value is None
