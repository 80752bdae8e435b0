"""Extra note text with the signals the method measures: stage questions, advances, rep habits.

Drawn from its own seeded stream (``"<seed>:notes"``), so the rest of a generated world is
unchanged by it.  Each rep gets a diligence (how often their notes show the stage's questions
being asked: the drift measure), won deals show more learned objectives than lost ones, later
stages bring their own questions (technical fit, procurement, legal, compliance in regulated
industries), and completed meetings end in an advance or a continuation.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from ._world import NEUTRAL_OPEN_STAGES, WContact, WDeal

__all__ = ["NoteWriter"]

_REGULATED = {"Healthcare", "Financial Services", "Public Sector"}
#: neutral stage -> lines showing that stage's questions asked / answered
_STAGE_LINES: tuple[tuple[str, ...], ...] = (
    (
        "Asked who signs off: {first} said the {title} decides.",
        "Asked about budget; none set aside yet.",
    ),
    (
        "Budget: approved in this year's plan.",
        "Asked who else is involved in the decision: finance and IT.",
    ),
    (
        "Technical fit: confirmed it integrates with their ERP.",
        "Security review: questionnaire sent to {first}, due back in two weeks.",
        "Asked which systems it must fit - SSO and the data warehouse.",
    ),
    (
        "Procurement: vendor onboarding takes three weeks; {first} owns it.",
        "Legal reviewer: {first} {last} ({title}) will review the MSA.",
        "Decision criteria: price, time to value, two references.",
    ),
    (
        "Paper process: PO after legal sign-off, signature by the {title}.",
        "Asked what could still stop this; none raised.",
    ),
)
_COMPLIANCE = "Compliance owner: {first} ({title}) signs off on data handling."
_ADVANCES = (
    "agreed to a two-week pilot starting {date}",
    "will introduce us to the CFO by {date}",
    "will share the current vendor contract by {date}",
    "booked the technical review with IT for {date}",
    "put the executive review in the calendar for {date}",
)
_CONTINUATIONS = (
    "asked us to check back next quarter",
    "said it was a good conversation; no next meeting set",
    "will think about it and get back to us",
)


class NoteWriter:
    """Appends method signals to activity notes, deterministically per seed."""

    def __init__(self, seed: int, now: datetime, industries: dict[str, str]) -> None:
        self.r = random.Random(f"{seed}:notes")
        self.now = now
        self.industries = industries
        self.diligence: dict[str, float] = {}

    def _diligence(self, owner: str) -> float:
        found = self.diligence.get(owner)
        if found is None:
            found = self.diligence[owner] = 0.2 + 0.7 * self.r.random()
        return found

    def extra(self, deal: WDeal, who: WContact, at: datetime, meeting: bool) -> str:
        """Sentences to append to a note written at ``at`` about ``deal`` with ``who``."""
        r = self.r
        won = deal.stage_index == NEUTRAL_OPEN_STAGES
        lost = deal.stage_index == NEUTRAL_OPEN_STAGES + 1
        odds = self._diligence(deal.owner_key) * (1.3 if won else 0.6 if lost else 1.0)
        reached = (
            NEUTRAL_OPEN_STAGES - 1 if won else int(r.random() * 4) if lost else deal.stage_index
        )
        out: list[str] = []
        fill = {"first": who.first_name, "last": who.last_name, "title": who.title}
        for stage in range(reached + 1):
            if r.random() < odds * 0.5:
                out.append(r.choice(_STAGE_LINES[stage]).format(**fill))
        if self.industries.get(deal.company_key) in _REGULATED and r.random() < odds * 0.4:
            out.append(_COMPLIANCE.format(**fill))
        if meeting:
            advance = 0.6 if won else 0.3 if lost else 0.45
            if r.random() < advance:
                due = (at + timedelta(days=3 + int(r.random() * 18))).date()
                action = r.choice(_ADVANCES).format(date=f"{due.month}/{due.day}")
            else:
                action = r.choice(_CONTINUATIONS)
            out.append(f"Outcome: {who.first_name} {action}.")
        return " ".join(out)
