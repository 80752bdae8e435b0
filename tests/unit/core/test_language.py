"""The language layer: normalisation, the clause parse, note polarity and commitments."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from nextadvance.core import Playbook, classify_next_step, decide, read_note
from nextadvance.core.errors import RuleError
from nextadvance.core.models import Contact, Deal
from nextadvance.mappings import load_playbook

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def _verdict(pb: Playbook, text: str, stage: str, *contacts: Contact) -> str:
    return classify_next_step(pb, text, stage, contacts).verdict


def test_normalisation_expands_abbreviations_fixes_typos_and_reduces_verbs(
    playbook: Playbook,
) -> None:
    """mtg/w/ expand, a one-edit typo is corrected, "sent" reads as "send" (past)."""
    norm = playbook.compiled.lexicon.parser.norm
    toks = norm.tokens("Reveiw mtg w/ Nora, sent questionaire", ["nora"])
    assert [t.base for t in toks] == ["review", "meeting", "with", "nora", "send", "questionnaire"]
    assert toks[4].form == "past"
    assert [t.word for t in norm.tokens("Frank gave green light")][:1] == ["frank"]
    assert norm.tokens("green light")[1].word == "light"  # not "might": same first letter


@pytest.mark.parametrize(
    ("text", "stage", "verdict"),
    [
        ("Sheila sending analytics org chart EOW", "prospecting", "advance"),
        ("get Nora to agree to a pilot", "discovery", "seller_action"),
        ("ask Ben for the org chart", "discovery", "seller_action"),
        ("procurement reviewing", "proposal", "vague"),
        ("Omar reviewing w/ CTO, feedback Thu", "solution", "advance"),
        ("they won't commit to a pilot yet", "discovery", "vague"),
        ("hopefully they sign next week", "negotiation", "vague"),
        ("MSA to be signed by their legal by 30th", "negotiation", "advance"),
        ("MSA to be signed by their legal by 12/3", "proposal", "unrealistic_for_stage"),
        ("Nora to book a call to discuss the pilot Tue", "qualification", "advance"),
        ("Ben agreed to a pilot starting 4/22", "qualification", "unrealistic_for_stage"),
        ("Ben to circulate the deck internally Fri", "discovery", "advance"),
        ("circulate the deck to Ben Fri", "discovery", "seller_action"),
        ("review proposal", "proposal", "vague"),
        ("k.A.", "proposal", "empty"),
    ],
)
def test_next_step_reads_who_action_when_and_polarity(
    playbook: Playbook, text: str, stage: str, verdict: str
) -> None:
    """Each case exercises one rule of the parse (see core/_parse.py)."""
    assert _verdict(playbook, text, stage) == verdict


def test_the_deals_own_contacts_are_clients(playbook: Playbook) -> None:
    """A contact's title counts as who ("the Controller" is on the deal)."""
    ctl = Contact(id="c1", name="Uma Rao", title="Controller", role="economic_buyer")
    assert _verdict(playbook, "Controller to share the cost data", "discovery", ctl) == "advance"
    assert _verdict(playbook, "Uma to share the cost data", "discovery", ctl) == "advance"


@pytest.mark.parametrize(
    ("text", "action", "obj"),
    [
        # the action is itself the noun: what follows only leads to the date
        ("get Nora to agree to a pilot by Fri", "pilot", None),
        ("Ben agreed to a pilot starting 4/22", "pilot", None),
        ("Ben to sign the order form by Fri", "sign", "the order form"),
        ("Ben to confirm the pilot scope by end of next week", "pilot", "scope"),
    ],
)
def test_the_object_is_what_the_action_is_about_not_a_link_to_the_date(
    playbook: Playbook, text: str, action: str, obj: str | None
) -> None:
    """The object column never shows a preposition or time word ("by", "start")."""
    clause = classify_next_step(playbook, text, "discovery").clauses[0]
    assert (clause.action, clause.object) == (action, obj)


@pytest.mark.parametrize(
    ("text", "stage", "contacts", "verdict"),
    [
        # a contact whose first name is a verb is the person, not the rep's to-do
        ("Mark 'needs to think about ROI'", "solution", ("Mark Bell",), "vague"),
        ("Mark to send the usage export Fri", "solution", ("Mark Bell",), "advance"),
        # "Sat" written as a day is Saturday, not "sit": a dated commitment
        (
            "Gary hosting us on-site Sat for a walkthrough",
            "prospecting",
            ("Gary Ott",),
            "unrealistic_for_stage",
        ),
        # a "?" inside an aside doubts a detail, not the step
        (
            "Beth sending final headcount (6 field + 2 office?) Thurs",
            "solution",
            ("Beth Li",),
            "advance",
        ),
        ("has Beth sent the headcount?", "solution", ("Beth Li",), "vague"),
        # a seller to-do with a condition after it is still the seller's to-do
        ("schedule onboarding kickoff once signed", "negotiation", (), "seller_action"),
        # a past seller step and silence is a report, not a next step
        ("sent creds deck to Pete - no reply so far", "prospecting", ("Pete Ng",), "vague"),
        # an expectation with a date is the date; without one it is hope
        (
            "Jonas approved pricing, signature expected Wed",
            "negotiation",
            ("Jonas Alt",),
            "advance",
        ),
        ("signature expected soon", "negotiation", (), "vague"),
        # someone not on the deal out to get a contact to act: the rep's goal
        ("Jake to get Ben to commit to a close date", "proposal", ("Ben Okafor",), "seller_action"),
        ("Ben to get his CFO to sign Fri", "negotiation", ("Ben Okafor",), "advance"),
        # a question ends its sentence; the to-do after it is the rep's
        ("where's the PO? chase Ben", "proposal", ("Ben Okafor",), "seller_action"),
        # a conditional yes, a slip, a promise already broken
        ("Ben would sign if we drop price 10%", "negotiation", ("Ben Okafor",), "vague"),
        ("decision pushed to Q3", "proposal", (), "vague"),
        ("Ben said they'd sign, still nothing", "negotiation", ("Ben Okafor",), "vague"),
        # an answer promised with a date, and without one
        ("Nora to come back on the requirements by Friday", "discovery", ("Nora Lind",), "advance"),
        ("Nora to come back to us", "discovery", ("Nora Lind",), "vague"),
        # spoken or typed preamble is not the step ("okay so", "next step is (to)")
        (
            "okay so next step is I send Nora the deck tomorrow",
            "discovery",
            ("Nora Lind",),
            "seller_action",
        ),
        ("next step Nora to send the data Friday", "discovery", ("Nora Lind",), "advance"),
        ("next steps tbd", "discovery", (), "vague"),
        # "I'm" is not a time of day
        ("so I'm gonna call Ben on Monday", "proposal", ("Ben Okafor",), "seller_action"),
    ],
)
def test_reading_rules_from_the_fifth_round_authors(
    playbook: Playbook, text: str, stage: str, contacts: tuple[str, ...], verdict: str
) -> None:
    """General reading rules added while tuning on the smb/publicsector/expansion authors."""
    people = [Contact(id=f"c{i}", name=n) for i, n in enumerate(contacts)]
    assert _verdict(playbook, text, stage, *people) == verdict


@pytest.mark.parametrize(
    ("text", "facts", "commitment"),
    [
        ("Ben said there's no budget set aside until next FY", {"budget": "negative"}, False),
        ("Anil approved pilot $ on the call", {"budget": "positive"}, True),
        (
            "nobody owns the decision - they point at each other",
            {"decision_maker": "negative"},
            False,
        ),
        ("Frank gave green light, PO will come from purchasing 17.12.", {}, True),
        ("Rosa won't sign until indemnity fixed", {}, False),
        ("Sam might do a trial", {}, False),
    ],
)
def test_note_facts_have_a_sign_and_commitments_are_read(
    playbook: Playbook, text: str, facts: dict[str, str], commitment: bool
) -> None:
    """Labelled facts are found with their sign; yes counts, no/might does not."""
    got = read_note(playbook, text)
    assert {k: got.facts.get(k) for k in facts} == facts
    assert got.commitment is commitment


def _deal(body: str) -> Deal:
    return Deal.model_validate(
        {
            "id": "D1",
            "stage": "qualification",
            "created_at": "2026-11-01T09:00:00Z",
            "stage_entered_at": "2026-11-02T09:00:00Z",
            "activities": [
                {"id": "a1", "kind": "note", "at": "2026-11-20T09:00:00Z", "body": body}
            ],
        }
    )


def test_negative_fact_is_learned_negative_not_learned_nor_missing(playbook: Playbook) -> None:
    """The budget objective is learned_negative, not ready, and explained as bad news."""
    d = decide(_deal("No budget set aside yet."), playbook, NOW)
    budget = next(o for o in d.objectives if o.id == "budget")
    assert budget.status == "learned_negative" and "negative" in budget.evidence[0].detail
    assert any(e.rule_id == "objective.learned_negative" for e in d.explanations)
    positive = decide(_deal("Budget is set aside for Q1."), playbook, NOW)
    assert next(o for o in positive.objectives if o.id == "budget").status == "learned"


def test_negated_commitment_in_a_note_is_not_an_advance(playbook: Playbook) -> None:
    """ "never signed" is not momentum; "said yes to a pilot" is."""
    no = decide(_deal("They never signed, not agreed to anything."), playbook, NOW)
    assert no.momentum.last_advance == "entered stage"
    yes = decide(_deal("Ben said yes to a pilot starting 12/1"), playbook, NOW)
    assert yes.momentum.last_advance is not None and "commitment" in yes.momentum.last_advance


def test_a_bad_topic_regex_is_reported_at_its_line(tmp_path: object) -> None:
    """Lexicon topic cues are validated like every other pattern (file, line, key path)."""
    from pathlib import Path

    from nextadvance.mappings.playbook import DEFAULT_LEXICON

    lex = Path(str(tmp_path)) / "lexicon.yaml"
    text = DEFAULT_LEXICON.read_text(encoding="utf-8")
    lex.write_text(text.replace("cues: ['pain',", "cues: ['pain(',", 1), encoding="utf-8")
    with pytest.raises(RuleError) as err:
        load_playbook(None, lex)
    msg = str(err.value)
    assert "topics.pain.cues[0]" in msg and "bad regular expression" in msg
    assert "lexicon.yaml:" in msg
