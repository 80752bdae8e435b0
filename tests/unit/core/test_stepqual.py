"""Qualifiers beside an ``advance`` (stale date, unknown person, a step backwards) and the
call plan that builds on a good agreed step (review items 8 and 1c)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from nextadvance.core import Decision, Playbook, classify_next_step, decide
from nextadvance.core._stepdate import resolve_dates
from nextadvance.core.models import Deal
from nextadvance.mappings import load_playbook

ROOT = Path(__file__).resolve().parents[3]
NOW = datetime(2026, 11, 23, 9, tzinfo=UTC)


@pytest.fixture(scope="module")
def playbook() -> Playbook:
    return load_playbook()


def _example(deal_id: str, **changes: Any) -> Deal:
    for line in (ROOT / "docs" / "examples" / "deals.jsonl").read_text().splitlines():
        row = json.loads(line)
        if row["id"] == deal_id:
            return Deal.model_validate({**row, **changes})
    raise KeyError(deal_id)


def _decide(playbook: Playbook, deal_id: str, **changes: Any) -> Decision:
    return decide(_example(deal_id, **changes), playbook, NOW)


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("Ines returns redlines by 11/02", (date(2026, 11, 2),)),
        ("redlines by Fri 11/27; signs 12/3", (date(2026, 11, 27), date(2026, 12, 3))),
        ("steering committee on 22.03. where", (date(2027, 3, 22),)),
        ("sign by Dec 3", (date(2026, 12, 3),)),
        ("kickoff 2nd of Jan", (date(2027, 1, 2),)),
        ("po by 1/5", (date(2027, 1, 5),)),
        ("review 2026-10-01", (date(2026, 10, 1),)),
        ("v2.5 demo by Fri", ()),
        ("call next week", ()),
    ],
)
def test_resolve_dates(text: str, want: tuple[date, ...]) -> None:
    """Only days of a month resolve; the year is the one closest to today."""
    assert resolve_dates(text, date(2026, 11, 23)) == want


def test_a_passed_date_keeps_advance_and_says_agree_a_new_date(playbook: Playbook) -> None:
    d = _decide(playbook, "OPP-1004", next_step="Ines (legal) returns redlines by 11/02")
    check = d.next_step_check
    assert check.verdict == "advance" and check.overdue == date(2026, 11, 2)
    assert d.coaching.verdict == (
        "Good step, but its date (Mon 2 Nov) has passed: agree a new date with Ines."
    )
    assert any(e.rule_id == "next_step.qualified" for e in d.explanations)


def test_a_weekday_or_a_future_date_is_not_overdue(playbook: Playbook) -> None:
    for step in ("Ines returns redlines by Fri", "Ines returns redlines 11/02; Marc signs 12/3"):
        d = _decide(playbook, "OPP-1004", next_step=step)
        assert d.next_step_check.overdue is None, step
        assert d.coaching.verdict.startswith("Good next step"), step


def test_a_stranger_keeps_advance_and_asks_who(playbook: Playbook) -> None:
    d = _decide(playbook, "OPP-1004", next_step="Zelda to send the signed order form by 12/01")
    check = d.next_step_check
    assert check.verdict == "advance" and check.unknown_person == "Zelda"
    assert d.coaching.verdict == "Good step, but who is Zelda? Add Zelda to the deal's contacts."


@pytest.mark.parametrize(
    "step",
    [
        "Dr. Patel to intro us to the compliance officer by 12/2",
        "Anil to intro us to the compliance officer by 12/2",
        "AP to intro us to the compliance officer by 12/2",
        "the COO to intro us to the compliance officer by 12/2",
        "Rosa to approve the budget by 12/2",
    ],
)
def test_names_initials_and_titles_of_contacts_are_known(playbook: Playbook, step: str) -> None:
    d = _decide(playbook, "OPP-1001", next_step=step)
    assert d.next_step_check.unknown_person is None, step


def test_the_account_is_no_stranger(playbook: Playbook) -> None:
    d = _decide(playbook, "OPP-1004", next_step="Brightline to sign the order form by 12/4")
    assert d.next_step_check.unknown_person is None


def test_no_contacts_means_no_unknown_person(playbook: Playbook) -> None:
    d = _decide(
        playbook, "OPP-1004", next_step="Zelda to send the signed order form by 12/01", contacts=[]
    )
    assert d.next_step_check.unknown_person is None


def test_a_step_back_to_a_settled_objective_is_behind_stage(playbook: Playbook) -> None:
    d = _decide(playbook, "OPP-1004", next_step="Marc to confirm budget by 12/01")
    check = d.next_step_check
    assert check.verdict == "advance" and check.behind_stage == "budget"
    assert d.coaching.verdict.startswith("Good step, but it goes back to budget")
    # a stage-specific action on the same topic is a real step, not a re-check
    d = _decide(playbook, "OPP-1004", next_step="Marc to approve the budget by 12/01")
    assert d.next_step_check.behind_stage is None
    # an open earlier objective is a gap to close, not a step backwards
    fields = {k: v for k, v in _example("OPP-1004").fields.items() if k != "budget_confirmed"}
    d = _decide(playbook, "OPP-1004", next_step="Marc to confirm budget by 12/01", fields=fields)
    assert d.next_step_check.behind_stage is None


def test_corpus_tool_verdicts_ignore_the_deal(playbook: Playbook) -> None:
    """The corpus calls the text classifier, which has no today and no qualifiers."""
    res = classify_next_step(
        playbook, "Zelda to send the signed order form by 11/02", "negotiation", ()
    )
    assert res.verdict == "advance"


def test_plan_keeps_the_clients_agreed_dates_for_the_same_action(playbook: Playbook) -> None:
    """OPP-1004: Ines returns redlines by Fri 11/27, Marc signs 12/3 (review item 1c)."""
    co = _decide(playbook, "OPP-1004").call_objective
    assert co.stretch is not None and co.conservative is not None
    assert (co.stretch.who, co.stretch.by) == ("Marc", date(2026, 12, 3))
    assert (co.conservative.who, co.conservative.by) == ("Ines", date(2026, 11, 27))
    assert "Thu 3 Dec" in co.stretch.text and "Fri 27 Nov" in co.conservative.text


def test_plan_holds_the_agreed_step_and_drops_what_it_covers(playbook: Playbook) -> None:
    """OPP-1001: the intro to the compliance officer is agreed, so it is the floor and the
    HIPAA owner question is not asked again."""
    d = _decide(playbook, "OPP-1001")
    co = d.call_objective
    assert co.conservative is not None
    assert co.conservative.text == (
        'Hold Anil to the agreed step: "Dr. Patel to intro us to the compliance officer by 12/2"'
    )
    assert not any("HIPAA" in line for line in d.coaching.body)
    # a stale step is not built on: the question stays
    d = _decide(
        playbook, "OPP-1001", next_step="Dr. Patel to intro us to the compliance officer by 11/2"
    )
    assert any("HIPAA" in line for line in d.coaching.body)


def test_a_name_with_a_contacts_title_in_parentheses_is_known(playbook: Playbook) -> None:
    """'Paula' is on the deal as CFO; a rep writing 'Fatima (CFO)' means the CFO."""
    d = _decide(playbook, "OPP-1004", next_step="Fatima (CFO) to approve the spend by 12/1")
    assert d.next_step_check.unknown_person is None
    assert d.next_step_check.person == "Paula"


def test_the_card_says_the_qualifier_not_the_parse(playbook: Playbook) -> None:
    """The coach card's verdict sentence is the task's qualified sentence."""
    from nextadvance.mappings._coach import build_coach

    d = _decide(playbook, "OPP-1004", next_step="Zelda to send the signed order form by 12/01")
    card = build_coach(d)["verdict"]
    assert card["code"] == "advance"
    assert card["sentence"] == "Good step, but who is Zelda? Add Zelda to the deal's contacts."


def test_a_different_name_with_a_partial_title_is_still_a_stranger(playbook: Playbook) -> None:
    """Review: 'Greta (Director) to introduce us to the CFO' when the only contact is
    Nikolai, a Finance Director."""
    nikolai = [{"id": "C-1", "name": "Nikolai Berg", "title": "Finance Director"}]
    d = _decide(
        playbook,
        "OPP-1004",
        next_step="Greta (Director) to introduce us to the CFO by 12/22",
        contacts=nikolai,
    )
    assert d.next_step_check.unknown_person == "Greta"


def test_a_stretch_that_is_the_agreed_step_keeps_the_playbook_floor(playbook: Playbook) -> None:
    """'Marc signs 12/3' in Negotiation: the stretch is that signature on that day, and the
    floor stays a smaller step, not the same signature again."""
    co = _decide(playbook, "OPP-1004", next_step="Marc signs via DocuSign 12/3").call_objective
    assert co.stretch is not None and co.conservative is not None
    assert (co.stretch.who, co.stretch.by) == ("Marc", date(2026, 12, 3))
    assert not co.conservative.text.startswith("Hold")
