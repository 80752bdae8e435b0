"""The next-step memo (``nextadvance.core._stepcheck``) keys a check by the contacts the
text can refer to; a contact it leaves out that the parser would have read changes the
verdict, so the memoised check must equal the check with every contact."""

from __future__ import annotations

from typing import Any

import pytest

from benchmarks.corpus import ROOT, _contacts, _rows
from nextadvance.core import Playbook
from nextadvance.core._stepcheck import check_next_step_cached
from nextadvance.core.models import Contact, Deal


def _deal(text: str, contacts: tuple[Contact, ...]) -> Deal:
    return Deal.model_validate(
        {
            "id": "d1",
            "name": "deal",
            "system": "salesforce",
            "stage": "negotiation",
            "next_step": text,
            "contacts": [c.model_dump() for c in contacts],
            "created_at": "2026-01-01T00:00:00Z",
            "modified_at": "2026-01-01T00:00:00Z",
        }
    )


def _same_as_every_contact(playbook: Playbook, text: str, stage: str, people: Any) -> None:
    cp = playbook.compiled
    cp.checks.clear()
    got = check_next_step_cached(cp, _deal(text, people), stage)[0]
    full = tuple((c.name, c.title or "", c.role or "") for c in people)
    want = cp.lexicon.classify(text, stage, full)
    assert (got.verdict, got.reason) == (want.verdict, want.reason), text


@pytest.mark.parametrize(
    ("text", "contacts"),
    [
        # a channel partner's firm, named only in its contact's title: the seller's side
        ("Corvane to sign the order form Fri", [("Sam Diaz", "Partner Account Manager, Corvane")]),
        # a name that is no contact, on a deal that has some: the seller's side
        ("MK to write pilot plan + success criteria", [("Gwen Hollister", "CFO")]),
        # a short form of a contact's name ("Ricky" for Ricardo) next to a named contact
        ("Jane and Ricky to sign the order form Fri", [("Jane Roe", ""), ("Ricardo Diaz", "")]),
        ("MA to sign the order form Fri", [("Mark Anthony Villanueva", "")]),  # initials
        ("Smith to sign the order form Fri", [("A.J.Smith", "CFO")]),  # a dotted name
    ],
)
def test_memo_keeps_every_contact_the_parser_reads(
    playbook: Playbook, text: str, contacts: list[tuple[str, str]]
) -> None:
    people = tuple(
        Contact(id=f"c{i}", name=name, title=title or None, role=None)
        for i, (name, title) in enumerate(contacts)
    )
    _same_as_every_contact(playbook, text, "negotiation", people)


def test_memo_same_as_every_contact_on_the_train_corpus(playbook: Playbook) -> None:
    compared = 0
    for _, row in _rows(ROOT / "train", "nextsteps"):
        people = _contacts(row)
        if people and (row.get("text") or "").strip():
            _same_as_every_contact(playbook, row["text"], row["stage"], people)
            compared += 1
    assert compared > 500
