"""Call plans written for the deal: names, dates, find-the-person, agenda order, realism."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest
from pydantic import ValidationError

from nextadvance.core import Playbook, decide
from nextadvance.core._callplan import call_plan
from nextadvance.core._coach import say_date
from nextadvance.core._decision import ObjectiveResult
from nextadvance.core._wording_model import Wording, template_problems

NORA = {"id": "c1", "name": "Nora Diaz", "role": "champion"}
OMAR = {"id": "c2", "name": "Dr. Omar Lund", "role": "decision_maker"}


def test_every_open_stage_gets_two_different_named_advances(
    playbook: Playbook, make_deal: Any, now: datetime
) -> None:
    """On every open stage, with and without contacts: stretch != conservative, a name, a date."""
    for stage in (
        "prospecting",
        "qualification",
        "discovery",
        "solution",
        "proposal",
        "negotiation",
    ):
        for contacts in ([], [NORA], [NORA, OMAR]):
            d = decide(make_deal(stage=stage, contacts=contacts), playbook, now)
            s, c = d.call_objective.stretch, d.call_objective.conservative
            assert s is not None and s.by is not None and say_date(s.by) in s.text
            if not contacts:  # nobody to hold to anything: find who owns this
                assert c is not None and c.by is not None and c.by < s.by
                assert s.text.startswith("Someone at the account names the person who owns this")
                assert c.text.startswith("Someone at the account tells you who owns this")
                assert d.coaching.subject.startswith("Find who owns this at the account")
                continue
            assert c is not None
            assert s.text != c.text and s.advance_id != c.advance_id
            assert "{" not in s.text + c.text + d.coaching.subject
            assert "Nora" in d.coaching.subject or "Omar" in d.coaching.subject


def test_absent_role_becomes_find_that_person(
    playbook: Playbook, make_deal: Any, now: datetime
) -> None:
    """A qualification deal with pain but no decision maker: Nora introduces them first."""
    deal = make_deal(fields={"pain": "manual work"}, contacts=[NORA])
    d = decide(deal, playbook, now)
    s = d.call_objective.stretch
    assert s is not None and s.finds_role == "decision_maker"
    assert s.text.startswith("Nora introduces you to the decision maker")
    assert d.coaching.subject.startswith("Get Nora to introduce the decision maker by ")
    assert d.call_objective.learn[0] == "decision_maker"  # the agenda serves the find
    with_dm = decide(make_deal(fields={"pain": "x"}, contacts=[NORA, OMAR]), playbook, now)
    s2 = with_dm.call_objective.stretch
    assert s2 is not None and s2.finds_role is None and s2.text.startswith("Omar joins")
    assert with_dm.call_objective.close.startswith("Could you join us")  # said to Omar


def test_dates_count_from_now_avoid_weekends_and_respect_the_close_date(
    playbook: Playbook, make_deal: Any, now: datetime
) -> None:
    """`by` is now + days on a weekday, never after a close date still ahead."""
    d = decide(make_deal(contacts=[NORA]), playbook, now)
    s = d.call_objective.stretch
    assert s is not None and s.by is not None and s.by.weekday() < 5 and s.by > now.date()
    soon = date.fromordinal(now.date().toordinal() + 3)
    d2 = decide(make_deal(contacts=[NORA], close_date=soon.isoformat()), playbook, now)
    s2 = d2.call_objective.stretch
    assert s2 is not None and s2.by is not None and s2.by <= soon


def test_close_date_realism_is_called_out(
    playbook: Playbook, make_deal: Any, now: datetime
) -> None:
    """Too many open essentials for the days left, or a past date: a note with the reason."""
    near = date.fromordinal(now.date().toordinal() + 10).isoformat()
    d = decide(make_deal(contacts=[NORA], close_date=near), playbook, now)
    note = d.call_objective.close_date_note
    assert note is not None and "still open: " in note and "Nora" in note
    assert any(e.rule_id == "close_date.unrealistic" for e in d.explanations)
    assert any(line.startswith("Watch: ") for line in d.coaching.body)
    past = decide(make_deal(contacts=[NORA], close_date="2026-10-01"), playbook, now)
    assert past.call_objective.close_date_note is not None
    assert "has passed" in past.call_objective.close_date_note
    far = decide(make_deal(contacts=[NORA], close_date="2027-12-01"), playbook, now)
    assert far.call_objective.close_date_note is None


def test_agenda_skips_implied_objectives_and_caps_questions(
    playbook: Playbook, make_deal: Any, now: datetime
) -> None:
    """A negotiation deal is never asked what made them take the call; at most 3 questions."""
    d = decide(make_deal(stage="negotiation", contacts=[NORA]), playbook, now)
    assert "first_conversation" not in d.call_objective.learn
    assert "first_conversation" not in d.stage_gap_objectives
    assert all("take this call" not in q for q in d.call_objective.questions)
    assert len(d.call_objective.questions) <= 3
    assert any(e.rule_id == "agenda.implied" for e in d.explanations)


def test_task_is_short_unique_and_due_by_meeting_or_priority(
    playbook: Playbook, make_deal: Any, activity: Any, now: datetime
) -> None:
    """Body under the word budget with no repeated line; due = the booked meeting."""
    d = decide(make_deal(contacts=[NORA, OMAR]), playbook, now)
    body = d.coaching.body
    assert len(" ".join(body).split()) <= playbook.thresholds.task_words + 20
    assert len(set(body)) == len(body)
    assert d.coaching.due is not None and d.coaching.due > now.date()
    assert d.coaching.urgency in ("high", "normal", "low")
    meeting = activity("m1", "meeting", "2026-12-03T15:00:00Z", outcome="scheduled")
    booked = decide(make_deal(contacts=[NORA], activities=[meeting]), playbook, now)
    assert booked.coaching.due == date(2026, 12, 3) == booked.coaching.next_meeting


def test_verdict_is_a_sentence_with_a_rewrite(
    playbook: Playbook, make_deal: Any, now: datetime
) -> None:
    """No verdict code reaches the rep; a weak next step gets a client-action rewrite."""
    d = decide(make_deal(contacts=[NORA], next_step="Send deck"), playbook, now)
    v = d.coaching.verdict
    assert "_" not in v and "Try: '" in v and "Nora" in v
    empty = decide(make_deal(contacts=[NORA]), playbook, now)
    assert empty.coaching.verdict.startswith("No client commitment yet")


def test_learned_negative_goes_first_with_its_question(playbook: Playbook) -> None:
    """A 'no budget' answer is dealt with first, with the objective's if_negative question."""
    cp = playbook.compiled
    stage = cp.stage("qualification")
    _, objectives, _, _ = cp.scope("qualification", make_account())
    plan = call_plan(cp, stage, (), objectives, ["pain"], set(), negatives=("budget",))
    assert plan.agenda.items[0].id == "budget" and plan.agenda.negatives == ("budget",)
    assert plan.agenda.questions[0].startswith("If there is no budget this year")
    assert not plan.ready  # bad news is not "learned" in the good sense
    assert ObjectiveResult(
        id="budget", title="b", stage="qualification", essential=True, status="learned_negative"
    )


def make_account() -> Any:
    from nextadvance.core.models import Account

    return Account(name="Acme")


def test_wording_placeholders_are_checked() -> None:
    """A typo in a template is reported with a did-you-mean, not shown to a rep."""
    (msg,) = template_problems("Get {whoo} to sign", ("who", "by"))
    assert "unknown placeholder '{whoo}'" in msg and "did you mean '{who}'" in msg
    assert list(template_problems("{who} signs by {by}", ("who", "by"))) == []
    with pytest.raises(ValidationError):
        Wording(verdicts={"maybe": "x"})  # type: ignore[dict-item]
