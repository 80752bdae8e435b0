"""What a rep reads must read like a sales manager wrote it: no doubled words, no one
person in two places of one sentence, short bad-news lines, an opening said on the call."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from typing import Any

from nextadvance.core import Playbook, decide
from nextadvance.core._agenda import _next_stage_essentials

NORA = {"id": "c1", "name": "Nora Diaz", "role": "champion"}


def _rep_text(d: Any) -> list[str]:
    co, c = d.call_objective, d.coaching
    out = [c.subject, c.verdict, *c.body, co.opening, co.close]
    for adv in (co.stretch, co.conservative):
        if adv is not None:
            out += [adv.text, adv.subject, adv.ask]
    return [x for x in out if x]


def test_opening_is_said_on_the_call_and_says_today_once(
    playbook: Playbook, make_deal: Any, now: datetime
) -> None:
    """The task is read days before the call: no "by the end of today" on a later day."""
    d = decide(make_deal(contacts=[NORA]), playbook, now)
    opening = d.call_objective.opening
    assert d.call_objective.stretch is not None
    assert d.call_objective.stretch.advance_id == "process_walkthrough"
    assert (
        opening
        == "Before we wrap up, I'd like us to agree on a walkthrough of your current process."
    )
    task = " ".join([d.coaching.subject, *d.coaching.body])
    assert len(re.findall(r"\btoday\b", task)) <= 1, task  # was five times


WENDELL = {"id": "c3", "name": "Wendell Thornbury", "role": "decision_maker"}
JANE = {"id": "c4", "name": "Jane Roe"}
TARA = {"id": "c5", "name": "Tara Voss", "role": "technical_buyer"}


def _names_twice(line: str, names: tuple[str, ...]) -> list[str]:
    return [n for n in names if len(re.findall(rf"\b{n}\b", line)) > 1]


def test_one_contact_in_two_roles_is_not_named_twice(
    playbook: Playbook, make_deal: Any, activity: Any, now: datetime
) -> None:
    """The only contact is the decision maker: no "Wendell books ... that includes Wendell",
    no "with you and you", no "bring you"; the advance is said for one person."""
    held = activity("a1", "call", "2026-11-20T10:00:00Z")
    for stage, advance in (("prospecting", "discovery_meeting_dm"), ("discovery", "dm_review")):
        d = decide(make_deal(stage=stage, contacts=[WENDELL], activities=[held]), playbook, now)
        s = d.call_objective.stretch
        assert s is not None and s.advance_id == advance and s.who == "Wendell"
        for line in _rep_text(d):
            assert not _names_twice(line, ("Wendell",)), line
            assert not re.search(r"\byou and you\b|\bbring you\b", line), line
    d = decide(make_deal(stage="prospecting", contacts=[WENDELL], activities=[held]), playbook, now)
    assert d.call_objective.close.startswith("Could we get 45 minutes before ")
    assert "with you and the people who run this" in d.call_objective.close
    assert "brings the people who run the process" in d.call_objective.stretch.text  # type: ignore[union-attr]


def test_another_contact_brings_the_person_the_advance_names(
    playbook: Playbook, make_deal: Any, activity: Any, now: datetime
) -> None:
    """A second buyer-side contact brings the decision maker; a contact with no buying role
    does not (the decision maker books it with their team)."""
    held = activity("a1", "call", "2026-11-20T10:00:00Z")
    deal = make_deal(stage="prospecting", contacts=[WENDELL, TARA], activities=[held])
    d = decide(deal, playbook, now)
    s = d.call_objective.stretch
    assert s is not None and s.advance_id == "discovery_meeting_dm"
    assert s.text.startswith("Tara books a discovery meeting that includes Wendell")
    assert d.call_objective.close.startswith(
        "Could we put 45 minutes in the calendar with you and Wendell"
    )
    deal = make_deal(stage="prospecting", contacts=[WENDELL, JANE], activities=[held])
    s = decide(deal, playbook, now).call_objective.stretch
    assert s is not None and s.text.startswith("Wendell brings the people who run the process")


def _no_budget_deal(make_deal: Any, activity: Any) -> Any:
    note = activity("n1", "meeting", "2026-11-20T10:00:00Z", "Nora said it is not allocated yet.")
    return make_deal(fields={"pain": "manual work"}, contacts=[NORA], activities=[note])


def test_bad_news_line_is_short(
    playbook: Playbook, make_deal: Any, activity: Any, now: datetime
) -> None:
    """A 'no' on budget reads "No budget yet", not "Budget exists ...: the answer was no"."""
    d = decide(_no_budget_deal(make_deal, activity), playbook, now)
    assert d.call_objective.negatives == ("budget",)
    assert d.coaching.body[0] == "First: No budget yet. Deal with that before anything else."


def test_bad_news_line_without_a_short_title_quotes_the_objective(
    make_deal: Any, activity: Any, now: datetime, tmp_path: Path
) -> None:
    """A custom objective without ``negative_title`` falls back to ``negative_fallback``."""
    from nextadvance.mappings.playbook import DEFAULT_PLAYBOOK, load_playbook

    text = DEFAULT_PLAYBOOK.read_text(encoding="utf-8")
    line = "        negative_title: No budget yet\n"
    assert text.count(line) == 1
    path = tmp_path / "pb.yaml"
    path.write_text(text.replace(line, ""), encoding="utf-8")
    d = decide(_no_budget_deal(make_deal, activity), load_playbook(path), now)
    assert d.coaching.body[0] == (
        'First: Bad news on "Budget exists or a path to it is known".'
        " Deal with that before anything else."
    )


def test_what_is_said_to_the_client_says_your_team(
    playbook: Playbook, with_past_evidence: Any, now: datetime
) -> None:
    """Said to Nora: "your legal team"; written about her deal: "their legal team"."""
    d = decide(with_past_evidence([NORA], stage="negotiation"), playbook, now)
    s, c = d.call_objective.stretch, d.call_objective.conservative
    assert s is not None and s.advance_id == "final_terms_call" and c is not None
    assert d.call_objective.close.startswith("Could we get your legal team on a call")
    assert "with your legal team" in d.call_objective.opening
    assert s.text.startswith("Nora books a call with their legal team")
    # the fallback is Nora's to deliver too: she gets the redlines from her legal team
    assert c.text.startswith("Nora gets the redlines from their legal team back to you")
    assert c.ask.startswith("Could you get us the redlines from your legal team")


def test_look_ahead_does_not_ask_what_the_crm_already_says(
    playbook: Playbook, make_deal: Any, activity: Any, now: datetime
) -> None:
    """A prospect whose CRM names the decision maker is not asked who decides."""
    held = activity("a1", "call", "2026-11-20T10:00:00Z")
    who_decides = "Besides you, who will make the final decision?"
    named = decide(
        make_deal(stage="prospecting", contacts=[WENDELL], activities=[held]), playbook, now
    )
    assert "decision_maker" not in named.call_objective.look_ahead
    assert who_decides not in named.call_objective.questions
    unnamed = decide(
        make_deal(stage="prospecting", contacts=[NORA], activities=[held]), playbook, now
    )
    # a first call looks one step ahead, to the problem before anything else (pain before
    # money or people), whoever the CRM names
    assert unnamed.call_objective.look_ahead == ("pain",)
    assert who_decides not in unnamed.call_objective.questions
    # the look-ahead's candidates skip an essential a contact role already proves
    cp = playbook.compiled
    stage = next(s for s in playbook.stages if s.key == "prospecting")
    ids = [o.id for o in _next_stage_essentials(cp, stage, (), frozenset())]
    named_ids = [o.id for o in _next_stage_essentials(cp, stage, (), frozenset({"decision_maker"}))]
    assert "decision_maker" in ids
    assert "decision_maker" not in named_ids
    # ... so the roles proving the next stage's essentials key the plan (they were once
    # dropped when the recovery roles were added)
    assert {"decision_maker", "economic_buyer"} <= cp.stage_roles["prospecting"]


def test_the_fallback_is_the_aim_persons_to_deliver(
    playbook: Playbook, make_deal: Any, activity: Any, now: datetime
) -> None:
    """Aim and At least name the same person unless the fallback has its own actor: the
    rep calls one person, and a fallback someone else must deliver is not closable."""
    held = activity("a1", "call", "2026-11-20T10:00:00Z")
    tara = {"id": "c9", "name": "Tara Moss", "role": "champion"}
    deal = make_deal(stage="prospecting", contacts=[WENDELL, tara], activities=[held])
    co = decide(deal, playbook, now).call_objective
    assert co.stretch is not None and co.conservative is not None
    assert co.stretch.who == co.conservative.who
    # the decision maker acts in the Qualification stretch; the fallback is his too
    dm_first = make_deal(
        stage="qualification",
        contacts=[tara, WENDELL],
        fields={"pain": "manual work"},
        activities=[held],
    )
    co = decide(dm_first, playbook, now).call_objective
    assert co.stretch is not None and co.conservative is not None
    assert co.stretch.advance_id == "dm_joins_discovery"
    assert co.stretch.who == co.conservative.who == "Wendell"


def test_the_fallback_is_a_smaller_step_sooner(
    playbook: Playbook, make_deal: Any, activity: Any, now: datetime
) -> None:
    """The At least is dated visibly before the Aim (not the same meeting, shorter, same day)."""
    held = activity("a1", "call", "2026-11-20T10:00:00Z")
    co = decide(
        make_deal(stage="prospecting", contacts=[WENDELL], activities=[held]), playbook, now
    ).call_objective
    assert co.stretch is not None and co.conservative is not None
    assert co.stretch.by is not None and co.conservative.by is not None
    assert co.conservative.by < co.stretch.by
    assert "books a 30-minute follow-up call with you by" in co.conservative.text
