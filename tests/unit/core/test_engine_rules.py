"""Engine rules: segments, advances, momentum, parking, priority, closed and odd input."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest

from nextadvance.core import Decision, MappingError, Playbook, decide


def test_healthcare_segment_adds_compliance_owner(
    playbook: Playbook, make_deal: Any, now: datetime
) -> None:
    """A hospital deal in discovery must identify a compliance owner; a retailer need not."""
    hospital = make_deal(stage="discovery", account={"industry": "Hospital & Health Care"})
    shop = make_deal(stage="discovery", account={"industry": "Retail"})
    h, s = decide(hospital, playbook, now), decide(shop, playbook, now)
    assert "healthcare" in h.segments
    assert any(o.id == "compliance_owner" and o.essential for o in h.objectives)
    assert not any(o.id == "compliance_owner" for o in s.objectives)


def test_small_company_drops_procurement_and_unblocks_verbal_commit(
    playbook: Playbook, with_past_evidence: Any, now: datetime
) -> None:
    """Under 50 employees procurement steps are not an objective, so the stretch advance needing them is eligible."""
    # every earlier essential learned (no stage gap), procurement steps not
    drop = ("procurement_steps",)
    small = with_past_evidence([], drop, stage="proposal", account={"employees": 12})
    big = with_past_evidence([], drop, stage="proposal", account={"employees": 5000})
    ds, db = decide(small, playbook, now), decide(big, playbook, now)
    assert "small_company" in ds.segments and "enterprise" in db.segments
    assert not any(o.id == "procurement_steps" for o in ds.objectives)
    assert ds.call_objective.stretch is not None
    assert ds.call_objective.stretch.advance_id == "verbal_commit"
    assert db.call_objective.stretch is not None
    assert db.call_objective.stretch.advance_id == "proposal_review_meeting"
    assert any(
        e.rule_id == "advance.precondition_unmet" and e.inputs["advance"] == "verbal_commit"
        for e in db.explanations
    )


def test_set_essential_override_changes_flag(
    playbook: Playbook, make_deal: Any, now: datetime
) -> None:
    """Financial services makes the security review essential in the solution stage."""
    bank = make_deal(stage="solution", account={"industry": "Banking", "employees": 300})
    d = decide(bank, playbook, now)
    sec = next(o for o in d.objectives if o.id == "security_review")
    assert sec.essential is True
    assert any(o.id == "vendor_risk" for o in d.objectives)


def test_parked_deal_is_decided_but_priority_zero(
    playbook: Playbook, make_deal: Any, now: datetime
) -> None:
    """A deal parked until a future date is still decided, flagged parked and scored 0."""
    future = (now + timedelta(days=20)).date().isoformat()
    d = decide(
        make_deal(parked_until=future, parked_reason="budget freeze", amount=900000), playbook, now
    )
    assert d.momentum.parked and d.momentum.parked_reason == "budget freeze"
    assert d.priority == 0
    assert d.objectives and d.call_objective.questions
    assert any(e.rule_id == "parked" for e in d.explanations)


def test_parked_until_in_the_past_is_not_parked(
    playbook: Playbook, make_deal: Any, now: datetime
) -> None:
    """An expired parking date means the deal is live again."""
    past = (now - timedelta(days=1)).date().isoformat()
    d = decide(make_deal(parked_until=past, amount=50000), playbook, now)
    assert not d.momentum.parked and d.momentum.parked_until is None
    assert d.priority > 0


def test_stalled_after_norm_without_advance(
    playbook: Playbook, make_deal: Any, now: datetime
) -> None:
    """Longer in stage than the norm with no advance and no conversation since is stalled,
    and the rep reads the fact; a fresh deal is neither stalled nor annotated."""
    old = make_deal(stage_entered_at="2026-09-01T00:00:00Z")
    fresh = make_deal(stage_entered_at="2026-11-20T00:00:00Z")
    d_old, d_fresh = decide(old, playbook, now), decide(fresh, playbook, now)
    assert d_old.momentum.stalled and d_old.momentum.days_in_stage > d_old.momentum.stage_norm_days
    assert d_old.momentum.note == "No client advance or conversation since 1 Sep"
    assert not d_fresh.momentum.stalled and d_fresh.momentum.note == ""
    assert d_old.priority > d_fresh.priority


def test_a_conversation_within_the_norm_is_not_a_stall(
    playbook: Playbook, make_deal: Any, activity: Any, now: datetime
) -> None:
    """A deal whose last advance is months old but whose client met the rep yesterday is not
    flagged stalled (a rep would dispute it); the note says what is true instead."""
    acts = [
        activity("m1", "meeting", "2026-08-05T10:00:00Z", contact_ids=["c1"]),
        activity("k1", "call", "2026-11-22T10:00:00Z", "catch-up", contact_ids=["c1"]),
    ]
    met = decide(make_deal(stage_entered_at="2026-08-01T00:00:00Z", activities=acts), playbook, now)
    m = met.momentum
    assert m.last_advance_at == datetime.fromisoformat("2026-08-05T10:00:00+00:00")
    assert m.last_conversation_at == datetime.fromisoformat("2026-11-22T10:00:00+00:00")
    assert not m.stalled
    assert m.note == "No client advance since 5 Aug; last conversation 22 Nov"
    quiet = decide(
        make_deal(
            stage_entered_at="2026-08-01T00:00:00Z",
            activities=[
                *acts[:1],
                activity("k0", "call", "2026-09-20T10:00:00Z", "catch-up", contact_ids=["c1"]),
            ],
        ),
        playbook,
        now,
    )
    assert quiet.momentum.stalled
    assert quiet.momentum.note == "No client advance since 5 Aug and no conversation since 20 Sep"


def test_continuations_since_last_advance_rank_like_a_stall(
    playbook: Playbook, make_deal: Any, activity: Any, now: datetime
) -> None:
    """Three friendly calls with the same person after the last advance: the method's stall
    still ranks the deal up, but the flag a rep sees stays off while they keep talking."""
    acts = [
        activity("m1", "meeting", "2026-11-11T10:00:00Z", contact_ids=["c1"]),
        activity("m2", "meeting", "2026-11-12T10:00:00Z", contact_ids=["c1", "c2"]),
        activity("k1", "call", "2026-11-14T10:00:00Z", "nice chat", contact_ids=["c1"]),
        activity("k2", "call", "2026-11-16T10:00:00Z", "nice chat", contact_ids=["c1"]),
        activity("k3", "email", "2026-11-18T10:00:00Z", "nudge", contact_ids=["c1"]),
    ]
    d = decide(make_deal(activities=acts), playbook, now)
    assert d.momentum.last_advance == "meeting with a new participant"
    assert d.momentum.last_advance_at == datetime.fromisoformat("2026-11-12T10:00:00+00:00")
    assert d.momentum.continuations_since == 3
    assert not d.momentum.stalled
    fewer = decide(make_deal(activities=acts[:3]), playbook, now)
    assert fewer.momentum.continuations_since == 1
    assert d.priority > fewer.priority


def test_commitment_in_notes_and_new_contact_role_are_advances(
    playbook: Playbook, make_deal: Any, activity: Any, now: datetime
) -> None:
    """A note recording a client commitment, or a contact role added later, moves last_advance."""
    noted = make_deal(
        activities=[activity("n1", "note", "2026-11-15T10:00:00Z", "Dana agreed to intro the CFO")]
    )
    d = decide(noted, playbook, now)
    assert d.momentum.last_advance is not None and "agreed to" in d.momentum.last_advance
    added = make_deal(
        contacts=[{"id": "c9", "role": "economic_buyer", "added_at": "2026-11-19T08:00:00Z"}]
    )
    d2 = decide(added, playbook, now)
    assert d2.momentum.last_advance == "contact role economic_buyer added"


def test_strategic_objective_is_linked_in_plan(
    playbook: Playbook, make_deal: Any, now: datetime
) -> None:
    """The call plan ties the call to the account's strategic objective when one is given."""
    goal = "Standardise scheduling across all 14 clinics by Q3"
    nora = {"id": "c1", "name": "Nora Diaz", "role": "champion"}
    d = decide(make_deal(strategic_objective=goal, contacts=[nora]), playbook, now)
    assert d.call_objective.strategic_objective == goal
    assert any(goal in step for step in d.call_objective.plan)
    assert d.call_objective.plan[0].startswith("Open:")
    assert any(step.startswith("Close:") for step in d.call_objective.plan)
    assert d.call_objective.plan[-1].startswith("At least:")
    assert d.call_objective.plan == d.coaching.body  # the task says what explain shows


def test_closed_deal_is_not_open(playbook: Playbook, make_deal: Any, now: datetime) -> None:
    """A closed_won deal gets a decision marked not open, with nothing to advance."""
    d = decide(make_deal(stage="closed_won"), playbook, now)
    assert d.open is False and d.objectives == () and d.priority == 0
    assert d.explanations[0].rule_id == "deal.closed"


def test_unknown_stage_raises_mapping_error_with_hint(
    playbook: Playbook, make_deal: Any, now: datetime
) -> None:
    """An unknown stage key is a MappingError naming the stage and a did-you-mean."""
    with pytest.raises(MappingError) as exc:
        decide(make_deal(stage="negociation"), playbook, now)
    assert "unknown stage 'negociation'" in str(exc.value)
    assert "did you mean 'negotiation'?" in str(exc.value)


def test_naive_now_is_rejected(playbook: Playbook, make_deal: Any) -> None:
    """decide refuses a naive 'now' because days-in-stage would silently shift."""
    with pytest.raises(ValueError, match="timezone"):
        decide(make_deal(), playbook, datetime(2026, 11, 23))


def test_empty_odd_input_still_decides(
    playbook: Playbook, make_deal: Any, activity: Any, now: datetime
) -> None:
    """No contacts, no activities, no amount, unicode text: a full decision, no error."""
    bare = decide(make_deal(name="Zürich Ärzte – Öffnung", amount=None), playbook, now)
    assert bare.deal_name == "Zürich Ärzte – Öffnung"
    assert bare.next_step_check.verdict == "empty"
    assert all(o.status == "missing" for o in bare.objectives)
    assert bare.call_objective.learn and bare.priority > 0
    uni = make_deal(
        activities=[
            activity("n1", "note", "2026-11-15T10:00:00Z", "Budget für 2027 bestätigt – Müller")
        ]
    )
    assert (
        next(o for o in decide(uni, playbook, now).objectives if o.id == "budget").status
        == "learned"
    )


def test_open_task_subject_is_checked_when_next_step_empty(
    playbook: Playbook, make_deal: Any, now: datetime
) -> None:
    """With no next step, the latest open task subject is classified and named as the source."""
    d = decide(
        make_deal(next_step="  ", open_task_subject="Walk them through pricing"), playbook, now
    )
    assert d.next_step_check.source == "open_task"
    assert d.next_step_check.verdict == "seller_action"


def test_advance_strength_reflects_missing_owner_or_date(
    playbook: Playbook, make_deal: Any, now: datetime
) -> None:
    """A client action with person and date scores higher than one without a date."""
    full = decide(make_deal(next_step="Jane to share the org chart by Friday"), playbook, now)
    no_date = decide(make_deal(next_step="Jane to share the org chart"), playbook, now)
    neither = decide(make_deal(next_step="share org chart"), playbook, now)
    assert full.next_step_check.verdict == no_date.next_step_check.verdict == "advance"
    assert full.next_step_check.strength > no_date.next_step_check.strength
    assert "no date" in no_date.next_step_check.reason
    assert neither.next_step_check.verdict in ("vague", "seller_action")


def test_priority_rises_with_amount_and_close_date(
    playbook: Playbook, make_deal: Any, now: datetime
) -> None:
    """Bigger deals and overdue close dates rank higher, other things equal."""
    small = decide(make_deal(amount=5000, close_date="2027-06-01"), playbook, now)
    large = decide(make_deal(amount=500000, close_date="2027-06-01"), playbook, now)
    overdue = decide(make_deal(amount=5000, close_date="2026-11-01"), playbook, now)
    assert large.priority > small.priority
    assert overdue.priority > small.priority
    assert 0 <= small.priority <= 100


def test_decision_round_trips_through_validation_and_is_deterministic(
    playbook: Playbook, make_deal: Any, activity: Any, now: datetime
) -> None:
    """The trusted-built decision equals its fully validated JSON round trip, run after run."""
    deal = make_deal(
        stage="discovery",
        contacts=[{"id": "c1", "role": "decision_maker"}],
        activities=[
            activity("m1", "meeting", "2026-11-12T10:00:00Z", "budget ok", contact_ids=["c1"])
        ],
        next_step="Dana to intro us to the CFO next week",
    )
    first = decide(deal, playbook, now)
    again = Decision.model_validate_json(first.model_dump_json())
    assert again == first
    assert decide(deal, playbook, now) == first


def test_objective_added_by_two_matching_segments_appears_once(
    playbook: Playbook, make_deal: Any, now: datetime
) -> None:
    """Two matching segments adding the same objective id yield a single objective."""
    from nextadvance.core import ObjectiveOverride, Segment

    extra = playbook.segments[0].add[0]
    twice = playbook.model_copy(
        update={
            "segments": (
                *playbook.segments,
                Segment(
                    id="clinics",
                    industries=("clinic",),
                    add=(ObjectiveOverride(stage=extra.stage, objective=extra.objective),),
                ),
            )
        }
    )
    deal = make_deal(stage="discovery", account={"industry": "Medical clinic"})
    d = decide(deal, twice, now)
    assert {"healthcare", "clinics"} <= set(d.segments)
    assert [o.id for o in d.objectives].count(extra.objective.id) == 1
