"""Advance rate: completed conversations that moved the deal vs continuations."""

from __future__ import annotations

from datetime import UTC

from nextadvance.core.measures import (
    EARLIER_STAGE,
    advance_rate,
    classify_conversations,
    parse_period,
)
from nextadvance.core.models import Contact

Q3 = parse_period("2026-Q3", UTC)
NOW = "2026-10-01T00:00"


def _deal(b):
    acts = (
        b.act("a1", "call", "2026-07-05T10:00", contacts=("c1",), body="intro chat"),
        b.act(
            "a2",
            "meeting",
            "2026-07-20T10:00",
            contacts=("c1",),
            body="They agreed to a second session.",
        ),
        b.act("a3", "call", "2026-08-08T10:00", contacts=("c1",), body="pricing questions"),
        b.act("a4", "meeting", "2026-08-19T10:00", contacts=("c1", "c2"), body="demo"),
        b.act("a5", "call", "2026-08-25T10:00", contacts=("c1",), body="call me next quarter"),
        b.act("a6", "call", "2026-08-26T10:00", "no_show", contacts=("c1",)),
        b.act("a7", "email", "2026-08-27T10:00", body="we agreed to a pilot"),
    )
    return b.deal(
        "d1",
        "proposal",
        created="2026-07-01T09:00",
        entered="2026-08-10T12:00",
        activities=acts,
        contacts=(Contact(id="c1"), Contact(id="c2", role="decision_maker")),
    )


def test_each_rule_classifies_one_conversation(b, playbook) -> None:
    """Commitment, stage change (within 7 days before), new participant; others continue."""
    convs = classify_conversations(_deal(b), playbook, b.ts(NOW))
    assert [(c.activity_id, c.advance, c.reason) for c in convs] == [
        ("a1", False, None),
        ("a2", True, "client commitment ('agreed to')"),
        ("a3", True, "stage changed to proposal"),
        ("a4", True, "new participant"),
        ("a5", False, None),
    ]
    assert [c.stage for c in convs] == [EARLIER_STAGE] * 3 + ["proposal"] * 2


def test_rates_per_rep_and_stage_by_hand(b, playbook) -> None:
    """3 of 5 overall; earlier stage 2 of 3 (a1 is a continuation), proposal 1 of 2."""
    report = advance_rate([_deal(b)], playbook, Q3, b.ts(NOW))
    assert (report.total.numerator, report.total.denominator) == (3, 5)
    assert {k: (r.numerator, r.denominator) for k, r in report.by_stage.items()} == {
        "proposal": (1, 2),
        EARLIER_STAGE: (2, 3),
    }
    assert report.by_rep["alice"].value == 0.6
    assert list(report.by_rep_stage["alice"]) == ["proposal", EARLIER_STAGE]


def test_new_contact_role_credits_the_conversation_before_it(b, playbook) -> None:
    """A role added the day after a call makes that call an advance."""
    deal = b.deal(
        "d1",
        created="2026-07-01T09:00",
        activities=(b.act("a1", "call", "2026-07-10T10:00", body="notes"),),
        contacts=(Contact(id="c9", role="champion", added_at=b.ts("2026-07-11T09:00")),),
    )
    (conv,) = classify_conversations(deal, playbook, b.ts(NOW))
    assert conv.reason == "contact role champion added"


def test_stage_change_too_long_after_the_call_is_not_credited(b, playbook) -> None:
    """Eight days between the call and the stage change: no credit."""
    deal = b.deal(
        "d1",
        "proposal",
        created="2026-07-01T09:00",
        entered="2026-07-18T10:00:01",
        activities=(b.act("a1", "call", "2026-07-10T10:00"),),
    )
    (conv,) = classify_conversations(deal, playbook, b.ts(NOW))
    assert not conv.advance


def test_no_activities_and_period_filter(b, playbook) -> None:
    """A deal with no activities has no rate; conversations after now or outside are left out."""
    assert advance_rate([b.deal("d0")], playbook, Q3, b.ts(NOW)).total.value is None
    later = advance_rate([_deal(b)], playbook, Q3, b.ts("2026-07-21T00:00"))
    assert (later.total.numerator, later.total.denominator) == (1, 2)
    q4 = advance_rate([_deal(b)], playbook, parse_period("2026-Q4", UTC), b.ts("2026-12-01T00:00"))
    assert q4.total.denominator == 0
