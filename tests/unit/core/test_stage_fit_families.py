"""Stage fit by the general shape of a big client step (issue #16): a visit to any client
facility, an order named by its industry, a term commitment, a passive selection, a vendor
onboarding under another name are too early before their stage and advances from it."""

from __future__ import annotations

import pytest

from nextadvance.core import Playbook, classify_next_step

STAGES = ("prospecting", "qualification", "discovery", "solution", "proposal", "negotiation")


@pytest.mark.parametrize(
    ("text", "min_stage"),
    [
        ("Ken to tour our Memphis DC on 3/6", "solution"),
        ("Ken to walk our team thru their Dayton plant Thurs", "solution"),
        ("Ken hosting us at their Dayton mill 5/5", "solution"),
        ("Ken to host a campus visit for our team 1/27", "solution"),
        ("warehouse walkthrough with Ken at the Ontario DC 10/3", "solution"),
        ("Ken to present to the school board 5/1", "solution"),
        ("Ken bringing the exec team in for a workshop 3/3", "solution"),
        ("Ken bringing the steering committee in for review 7/10", "solution"),
        ("Ken to put us in front of the steering committee 9/9", "solution"),
        ("vendor selected by Ken 5/5", "solution"),
        ("Ken going/no-go on vendor 4/30", "solution"),
        ("Ken committing to a 3-yr term by Fri", "proposal"),
        ("term commitment from Ken next wk", "proposal"),
        ("Ken sending letter of intent Fri", "proposal"),
        ("Ken to place the circuit order Mon", "proposal"),
        ("order to be placed by procurement 6/1", "proposal"),
        ("Ken starting carrier onboarding packet for us this wk", "proposal"),
        ("Ken onboarding the reseller as a supplier by EOM", "proposal"),
        ("Ken to raise a requisition Fri", "proposal"),
        ("Ken adding us to the AVL Thurs", "proposal"),
        ("Ken to buy 50 seats Fri", "proposal"),
        ("Ken purchasing the licenses Fri", "proposal"),
        ("Ken to commit to 500 units Fri", "proposal"),
        ("Ken to issue us a vendor number Fri", "proposal"),
        ("Ken to set us up in SAP Ariba Fri", "proposal"),
        ("Ken to reserve the budget Fri", "discovery"),
        ("Ken to fly us out to their plant 4/4", "solution"),
        ("Ken to visit our office Fri", "solution"),
    ],
)
def test_big_step_fits_from_its_stage_on(playbook: Playbook, text: str, min_stage: str) -> None:
    """Before ``min_stage`` the step is unrealistic; from it on it is an advance."""
    first = STAGES.index(min_stage)
    got = [classify_next_step(playbook, text, st).verdict for st in STAGES]
    want = ["unrealistic_for_stage"] * first + ["advance"] * (len(STAGES) - first)
    assert got == want


@pytest.mark.parametrize(
    "text",
    [
        "Ken sending sample PO + agreement templates so we can map fields, EOW",
        "Ken to give us a tour of the platform Fri",
        "Ken to walk me through the three sites on a video call the 8th",
        "Ken to approve pilot spend ($25k) by Fri",
        "Ken hosting us at lunch Fri",
    ],
)
def test_information_or_small_step_fits_in_discovery(playbook: Playbook, text: str) -> None:
    """A sample document, a product tour, a remote walkthrough, pilot spend: fit in discovery."""
    assert classify_next_step(playbook, text, "discovery").verdict == "advance"
