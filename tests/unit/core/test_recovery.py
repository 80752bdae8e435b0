"""A learned "no" or a stage gap changes the advance; the Watch line and the questions fit.

Rep-view review items 1a, 1d, 3 and 12: a task that opens with "no budget: deal with that
first" must not close for a signature; a late-stage deal that lacks earlier essentials
closes that gap first; "Watch: ... still open" counts what the rep's checklist shows; no
meeting request next to a Close, no late discovery follow-ups, no money on a first call.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from nextadvance.core import Decision, Playbook, decide
from nextadvance.core.errors import RuleError

NORA = {"id": "c1", "name": "Nora Diaz", "role": "champion"}


def _no_budget(activity: Any) -> dict[str, Any]:
    return activity("n1", "meeting", "2026-11-20T10:00:00Z", "Nora said it is not allocated yet.")


def _rules(d: Decision) -> dict[str, str]:
    return {e.rule_id: e.text for e in d.explanations}


def _line(d: Decision, prefix: str) -> str | None:
    return next((x for x in d.coaching.body if x.startswith(prefix)), None)


def test_no_budget_closes_for_finding_budget_not_a_signature(
    playbook: Playbook, with_past_evidence: Any, activity: Any, now: datetime
) -> None:
    """Proposal, all else learned, budget "not allocated": the budget recovery, not the yes."""
    deal = with_past_evidence(
        [NORA], ("budget_confirmed",), stage="proposal", notes=(_no_budget(activity),)
    )
    d = decide(deal, playbook, now)
    assert d.call_objective.negatives == ("budget",)
    s = d.call_objective.stretch
    assert s is not None and s.advance_id == "find_budget"
    assert s.text.startswith("Nora introduces you to Ellen to work out where the budget")
    assert d.coaching.body[0].startswith("First: No budget yet")
    close = _line(d, "Close: ")
    assert close is not None and "budget" in close and "sign" not in close
    why = _rules(d)["advance.recovery"]
    assert why.startswith("'find_budget' chosen instead of") and "'budget' was no" in why


def test_no_without_a_recovery_closes_for_the_conservative(
    with_past_evidence: Any, activity: Any, now: datetime, tmp_path: Path
) -> None:
    """Without a recovery in the playbook the stretch downgrades to the conservative, and the
    task has no second "At least" saying the same thing."""
    from nextadvance.mappings.playbook import DEFAULT_PLAYBOOK, load_playbook

    text = DEFAULT_PLAYBOOK.read_text(encoding="utf-8")
    block = re.search(
        r"\n        recovery:  # closed for instead.*?(?=\n      - id: timeline)", text, re.S
    )
    assert block is not None
    path = tmp_path / "pb.yaml"
    path.write_text(text.replace(block.group(0), ""), encoding="utf-8")
    deal = with_past_evidence(
        [NORA], ("budget_confirmed",), stage="proposal", notes=(_no_budget(activity),)
    )
    d = decide(deal, load_playbook(path), now)
    s = d.call_objective.stretch
    assert s is not None and s.advance_id == "proposal_feedback"
    assert d.call_objective.conservative is None
    assert _line(d, "At least: ") is None
    assert "the playbook has no recovery advance" in _rules(d)["advance.downgrade"]


def test_late_deal_that_never_met_who_decides_meets_them_first(
    playbook: Playbook, with_past_evidence: Any, now: datetime
) -> None:
    """Negotiation without a meeting with who decides: that meeting, not a final-terms call."""
    d = decide(with_past_evidence([NORA], stage="negotiation", meeting=False), playbook, now)
    assert d.stage_gap_objectives == ("met_decision_maker",)
    s = d.call_objective.stretch
    assert s is not None and s.advance_id == "meet_decision_maker"
    assert s.text.startswith("Nora brings Ellen to a 20-minute call")
    why = _rules(d)["advance.gap"]
    assert "instead of 'final_terms_call'" in why and "'met_decision_maker'" in why


def test_late_deal_ahead_of_its_evidence_takes_no_evidence_gated_step(
    playbook: Playbook, with_past_evidence: Any, now: datetime
) -> None:
    """Negotiation without the pain (no recovery for it): the plan of the steps left, not
    the final-terms call that needs more evidence."""
    d = decide(with_past_evidence([NORA], ("pain",), stage="negotiation"), playbook, now)
    s = d.call_objective.stretch
    assert s is not None and s.advance_id == "close_plan"
    assert "'pain' of an earlier stage is still missing" in _rules(d)["advance.gap"]


def test_late_stage_advances_require_the_money(playbook: Playbook) -> None:
    """No final-terms call or verbal yes while nobody knows whose budget pays."""
    advances = {a.id: a for s in playbook.stages for a in s.advances}
    assert {"budget", "economic_buyer"} <= set(advances["final_terms_call"].requires)
    assert {"budget", "economic_buyer"} <= set(advances["verbal_commit"].requires)


def test_watch_counts_the_open_essentials_the_rep_sees_and_names_two(
    playbook: Playbook, make_deal: Any, now: datetime
) -> None:
    """Qualification, nothing learned: the count is this and earlier stages' open
    essentials (later stages are not on the checklist), the first two named."""
    near = (now.date() + timedelta(days=10)).isoformat()
    d = decide(make_deal(contacts=[NORA], close_date=near), playbook, now)
    note = d.call_objective.close_date_note
    open_ = [o for o in d.objectives if o.essential and o.status != "learned"]
    assert note is not None
    assert f"{len(open_)} still open: " in note
    assert "a first real conversation has happened, pain or goal stated" in note


def test_no_watch_when_nothing_the_rep_sees_is_open(
    playbook: Playbook, make_deal: Any, activity: Any, now: datetime
) -> None:
    """Prospecting with both essentials learned and the close date 3 days out: no "N
    essentials still open" about stages the deal has not reached."""
    soon = (now.date() + timedelta(days=3)).isoformat()
    held = activity("m1", "meeting", "2026-11-20T10:00:00Z", "intro", contact_ids=["c1"])
    deal = make_deal(stage="prospecting", contacts=[NORA], activities=[held], close_date=soon)
    d = decide(deal, playbook, now)
    assert d.ready_to_advance
    assert d.call_objective.close_date_note is None
    assert _line(d, "Watch: ") is None


def test_first_call_looks_ahead_to_the_pain_not_the_money(
    playbook: Playbook, make_deal: Any, activity: Any, now: datetime
) -> None:
    """A ready prospecting deal asks about the problem, not "is there money set aside"."""
    held = activity("m1", "meeting", "2026-11-20T10:00:00Z", "intro", contact_ids=["c1"])
    d = decide(make_deal(stage="prospecting", contacts=[NORA], activities=[held]), playbook, now)
    assert d.call_objective.look_ahead == ("pain",)
    assert not any("money" in q for q in d.call_objective.questions)
    assert any("biggest problem" in q for q in d.call_objective.questions)


def test_no_meeting_request_question_next_to_the_close(
    playbook: Playbook, with_past_evidence: Any, now: datetime
) -> None:
    """Discovery without a meeting with who decides: the call closes for an advance, so it
    does not also ask "could we get 20 minutes with ...?"."""
    d = decide(with_past_evidence([NORA], stage="discovery", meeting=False), playbook, now)
    assert "met_decision_maker" in d.call_objective.learn
    assert d.call_objective.close
    assert not any("20 minutes" in q for q in d.call_objective.questions)


def test_no_late_discovery_follow_up_while_closing(
    playbook: Playbook, with_past_evidence: Any, now: datetime
) -> None:
    """Proposal without the pain: its question is asked (essential, open), its follow-up
    ("what happens if nothing changes") is not."""
    d = decide(with_past_evidence([NORA], ("pain",), stage="proposal"), playbook, now)
    qs = d.call_objective.questions
    assert any("biggest problem" in q for q in qs)
    assert not any("nothing changes" in q for q in qs)


@pytest.mark.parametrize(
    ("insert", "message"),
    [
        ("          requires: [pain]\n", "cannot require other objectives: remove 'requires'"),
        ("          actor: budget_holder\n", "unknown contact role 'budget_holder'"),
        ("          level: conservative\n", "stretch"),
    ],
)
def test_a_bad_recovery_is_explained_where_it_is(tmp_path: Path, insert: str, message: str) -> None:
    """A recovery with requires, an unknown actor or another level fails to load, located."""
    from nextadvance.mappings.playbook import DEFAULT_PLAYBOOK, load_playbook

    text = DEFAULT_PLAYBOOK.read_text(encoding="utf-8")
    anchor = "          id: find_budget\n"
    assert text.count(anchor) == 1
    path = tmp_path / "pb.yaml"
    path.write_text(text.replace(anchor, anchor + insert), encoding="utf-8")
    with pytest.raises(RuleError) as err:
        load_playbook(path)
    shown = str(err.value)
    assert message in shown and "objectives[2].recovery" in shown and "pb.yaml:" in shown
