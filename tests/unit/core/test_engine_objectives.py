"""Objective evidence, readiness and stage gap on the shipped playbook."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from nextadvance.core import Playbook, decide


def _status(decision, oid: str) -> str:
    return next(o.status for o in decision.objectives if o.id == oid)


def test_field_role_keyword_and_activity_evidence_each_prove_objectives(
    playbook: Playbook, make_deal: Any, activity: Any, now: datetime
) -> None:
    """Each kind of evidence rule proves its objective and the decision records which one."""
    deal = make_deal(
        stage="discovery",
        fields={"pain": "manual month-end close", "budget_confirmed": "yes"},
        contacts=[{"id": "c1", "role": "champion"}, {"id": "c2", "role": "decision_maker"}],
        activities=[
            activity(
                "a1",
                "call",
                "2026-11-12T10:00:00Z",
                "Timeline: go live before the audit",
                contact_ids=["c1"],
            ),
            activity("a2", "meeting", "2026-11-15T10:00:00Z", "demo", contact_ids=["c1", "c2"]),
        ],
    )
    d = decide(deal, playbook, now)
    by_id = {o.id: o for o in d.objectives}
    assert by_id["pain"].evidence[0].source == "field"
    assert by_id["budget"].evidence[0].source == "field"
    assert by_id["decision_maker"].evidence[0].source == "role"
    assert by_id["timeline"].evidence[0].source == "keywords"
    assert by_id["timeline"].evidence[0].activity_id == "a1"
    assert by_id["met_decision_maker"].evidence[0].activity_id == "a2"
    assert by_id["impact"].status == "missing" and by_id["impact"].evidence == ()


def test_ready_to_advance_when_all_current_essentials_learned(
    playbook: Playbook, make_deal: Any, activity: Any, now: datetime
) -> None:
    """A qualification deal with pain, decision maker, budget and timeline is ready."""
    deal = make_deal(
        fields={"pain": "x", "budget_confirmed": True, "decision_date": "2027-01-31"},
        contacts=[{"id": "c1", "role": "decision_maker"}, {"id": "c2", "role": "champion"}],
        activities=[activity("a1", "call", "2026-11-12T10:00:00Z")],
    )
    d = decide(deal, playbook, now)
    assert d.ready_to_advance is True
    assert d.stage_gap is False
    assert _status(d, "current_solution") == "missing"
    # ready: the call looks ahead to the next stage's essentials instead of nice-to-haves
    assert d.call_objective.look_ahead and set(d.call_objective.look_ahead) >= {"impact"}
    assert d.call_objective.learn == d.call_objective.look_ahead[:3]
    assert len(d.call_objective.questions) <= 3


def test_stage_gap_lists_missing_earlier_essentials_first(
    playbook: Playbook, make_deal: Any, activity: Any, now: datetime
) -> None:
    """A proposal-stage deal without budget evidence has a stage gap led by 'budget'."""
    deal = make_deal(stage="proposal", contacts=[{"id": "c1", "role": "economic_buyer"}])
    d = decide(deal, playbook, now)
    assert d.stage_gap is True
    assert "budget" in d.stage_gap_objectives
    # ordered by need, not stage order: the stretch "verbal yes" waits on budget and
    # procurement steps, so they come before the pain and timeline the deal also lacks
    assert d.call_objective.learn[:2] == ("budget", "procurement_steps")
    assert set(d.call_objective.learn[2:]) <= set(d.stage_gap_objectives)
    assert any(e.rule_id == "stage_gap" for e in d.explanations)


def test_keywords_match_whole_words_case_insensitively(
    playbook: Playbook, make_deal: Any, activity: Any, now: datetime
) -> None:
    """'BUDGET' in a note proves budget, but 'budgetary' inside another word does not."""
    hit = make_deal(activities=[activity("n1", "note", "2026-11-12T10:00:00Z", "BUDGET: yes, 40k")])
    miss = make_deal(activities=[activity("n1", "note", "2026-11-12T10:00:00Z", "budgetary talk")])
    assert _status(decide(hit, playbook, now), "budget") == "learned"
    assert _status(decide(miss, playbook, now), "budget") == "missing"


def test_canceled_meeting_text_is_not_evidence(
    playbook: Playbook, make_deal: Any, activity: Any, now: datetime
) -> None:
    """Notes of a canceled meeting do not prove anything."""
    deal = make_deal(
        activities=[
            activity("m1", "meeting", "2026-11-12T10:00:00Z", "budget approved", outcome="canceled")
        ]
    )
    assert _status(decide(deal, playbook, now), "budget") == "missing"


def test_keyword_phrase_never_spans_two_activities(
    playbook: Playbook, make_deal: Any, activity: Any, now: datetime
) -> None:
    """'decision' ending one note and 'process' starting the next do not make 'decision process'."""
    deal = make_deal(
        stage="discovery",
        activities=[
            activity("n1", "note", "2026-11-12T10:00:00Z", "waiting for a decision"),
            activity("n2", "note", "2026-11-13T10:00:00Z", "process docs attached"),
        ],
    )
    d = decide(deal, playbook, now)
    assert next(o for o in d.objectives if o.id == "decision_process").status == "missing"


def test_keyword_evidence_names_the_newest_mentioning_activity(
    playbook: Playbook, make_deal: Any, activity: Any, now: datetime
) -> None:
    """When several activities mention budget, the newest one is recorded as evidence."""
    deal = make_deal(
        activities=[
            activity("old", "call", "2026-11-11T10:00:00Z", "budget was discussed"),
            activity("new", "email", "2026-11-14T10:00:00Z", "Budget: approved, funded"),
            activity("task", "task", "2026-11-15T10:00:00Z", "ask about budget"),
        ]
    )
    d = decide(deal, playbook, now)
    ev = next(o for o in d.objectives if o.id == "budget").evidence[0]
    assert ev.source == "keywords" and ev.activity_id == "new"
