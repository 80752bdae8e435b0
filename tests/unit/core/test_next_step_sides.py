"""Who acts in a next step: the seller's side (a channel partner, the rep a manager
addresses) or the client, and the reading rules added with the seventh training round."""

from __future__ import annotations

import pytest

from nextadvance.core import Playbook, classify_next_step
from nextadvance.core.models import Contact

#: a deal with a buyer, a champion and a reseller's account manager
DEAL = (
    ("Nora Lindqvist", "VP Finance", "economic_buyer"),
    ("Ben Okafor", "Head of Ops", "champion"),
    ("Pete Callahan", "Account Manager, Corvane Systems (reseller)", "other"),
)


def _verdict(
    pb: Playbook, text: str, stage: str, contacts: tuple[tuple[str, str, str], ...]
) -> str:
    people = [Contact(id=f"c{i}", name=n, title=t, role=r) for i, (n, t, r) in enumerate(contacts)]
    return classify_next_step(pb, text, stage, people).verdict


@pytest.mark.parametrize(
    ("text", "stage", "verdict"),
    [
        # a channel partner's contact or firm acts for the seller ...
        ("Pete to resend the quote to Nora Mon", "proposal", "seller_action"),
        ("Corvane to run the scoping session with Ben on the 9th", "discovery", "seller_action"),
        ("Pete (Corvane) to register the deal by Fri", "prospecting", "seller_action"),
        # ... but reporting the client is no to-do, and the client's own step still counts
        ("Pete says Nora is keen, nothing booked", "qualification", "vague"),
        ("Nora to send the usage export to Pete by Thurs", "qualification", "advance"),
        # the rep a manager addresses: a seller verb, a goal or a request after the name
        ("Sam to prep the CFO brief", "qualification", "seller_action"),
        ("Sam send Ben the exec summary", "solution", "seller_action"),
        ("Sam - get Nora to agree the pilot scope", "discovery", "seller_action"),
        ("Sam pls confirm Nora attending", "qualification", "seller_action"),
        ("Kim set up EB call", "discovery", "seller_action"),
        # the seller's paper going out is the rep's; coming back signed, the client's
        ("Sam send DocuSign today", "negotiation", "seller_action"),
        ("Sam to send the signed order form back Fri", "negotiation", "advance"),
        # someone acting for their own people is the client; a title in initials too
        ("Priya to share the deck with her CFO Fri", "discovery", "advance"),
        ("MD to countersign via DocuSign Monday", "negotiation", "advance"),
        # a heading naming the rep makes what follows the rep's, unless a contact opens it
        ("Sam: MAP w/ Ben by Fri", "proposal", "seller_action"),
        ("Sam: Ben to send the MAP by Fri", "proposal", "advance"),
        ("Sam needs EB access before we quote", "proposal", "seller_action"),
        # ... not a contact's short name, nor a shared verb with nobody of the deal after it
        ("Benny to send the org chart Fri", "qualification", "advance"),
        ("Jane to share the org chart by Friday", "qualification", "advance"),
        # a client requirement is nobody's promise
        ("book the pilot readout, Nora must attend", "solution", "seller_action"),
        ("Ben needs to send the data export", "discovery", "vague"),
        ("Nora has to get board approval first", "discovery", "vague"),
        # spoken dates and self-corrections
        ("Ben agreed to a call Friday no Monday the twenty second", "prospecting", "advance"),
        ("Nora is setting up an exec workshop for the twelfth", "solution", "advance"),
        ("Ben is going to run a pilot starting the first", "prospecting", "unrealistic_for_stage"),
        # an undated status after a big step is the client's part in it
        (
            "Steering committee on 22/03 - Ben getting us the slot",
            "discovery",
            "unrealistic_for_stage",
        ),
        # a step after "before" is when, not what
        ("org map before Ben intro", "prospecting", "vague"),
        # the object decides stage fit
        ("Nora said go ahead with the POC, kickoff Mon", "discovery", "advance"),
        (
            "Ben bringing us onsite to meet the plant leads 5/15",
            "discovery",
            "unrealistic_for_stage",
        ),
        ("Nora to place the order by the 25th", "solution", "unrealistic_for_stage"),
        # a leading acronym is no verb; "conf'd" is confirmed
        ("MAP review with Ben Thu", "discovery", "advance"),
        ("Nora conf'd budget call 3/12", "qualification", "advance"),
        # talking it over at home with no date is no step; "txt" is the rep's text
        ("Ben said he'd check w/ the team", "qualification", "vague"),
        (
            "Ben to check with his boss and confirm the demo date by Friday",
            "qualification",
            "advance",
        ),
        ("txt Ben tmrw to lock in a time", "qualification", "seller_action"),
        # "DM" is the decision maker acting, or the rep's direct message
        ("DM to sign by EOM", "negotiation", "advance"),
        ("DM + EB workshop 3/4", "solution", "advance"),
        ("DM Ben on LinkedIn", "prospecting", "seller_action"),
        # silence after the seller's step
        ("sent mail to Ben, no revert yet", "prospecting", "vague"),
    ],
)
def test_who_acts_and_the_seventh_round_reading_rules(
    playbook: Playbook, text: str, stage: str, verdict: str
) -> None:
    """General rules added while tuning on the authors who joined training on 2026-12-06."""
    assert _verdict(playbook, text, stage, DEAL) == verdict


def test_with_no_contacts_an_unknown_name_is_the_clients(playbook: Playbook) -> None:
    """A deal without contacts gives no reason to read a name as the rep's."""
    assert _verdict(playbook, "Sam to send the signed order form Fri", "negotiation", ()) == (
        "advance"
    )


def test_a_contact_whose_name_is_a_verb_is_the_contact_in_lower_case_too(
    playbook: Playbook,
) -> None:
    """ "mark to walk sue thru ..." is Mark's promise, not the rep's "mark" to-do."""
    deal = (("Mark Jensen", "Director of Operations", "champion"), ("Sue Patel", "SVP Ops", ""))
    text = "mark to walk sue thru the findings + get back to me 5/20"
    assert _verdict(playbook, text, "discovery", deal) == "advance"
