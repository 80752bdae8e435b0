"""How a clause leans on the one before it (:mod:`nextadvance.core._parse`).

- a condition with no date is a hedge: "Ben to revert once he's spoken to the FD", "once
  legal approves, Ben will review" - nothing anyone could check;
- a clause with no verb that names a client person after "to"/"for" is a deliverable of
  the seller's ("proposal to Ben by Fri", "ROI model for Ben's CFO"); after "from", the
  client's ("usage data from Ben's team by the 10th");
- a client clause with no object of its own after a step is the client's part in that
  step ("exec workshop on the 18th - Freya to host", "gave a verbal yes; confirming in
  writing Tue"): it takes that step's action and stage fit.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING

from nextadvance.core._clause import Clause

if TYPE_CHECKING:
    from nextadvance.core._normalise import Token

__all__ = ["NOT_VERB", "STATUS_LEAD", "addressed", "conditioned", "refers_back"]

#: words after "<person> to" that are not the verb of a promise
_NOT_VERB_WORDS = (
    "the a an our us my me you him her his them their this that it its be all any some "
    "each every next last today tomorrow tonight morning afternoon evening week month "
    "mon tue wed thu fri sat sun monday tuesday wednesday thursday friday"
)
NOT_VERB = frozenset(_NOT_VERB_WORDS.split())
#: a clause that opens with a preposition is where something sits, a status
STATUS_LEAD = re.compile(
    r"^(?:with|under|in|still with|sat with|sitting with)\s+(?:the|their|his|her)\b"
    r"|^(?:in|under) (?:\S+ )?review\b"
)

_TO = re.compile(r"\S\s+(?:to|for)\s+$")
_FROM = re.compile(r"\S\s+(?:back\s+)?from\s+$")

_CONDITION = re.compile(r"^(?:if|once|assuming|provided|unless)\b|\bonce (?!a\b|more\b|again\b)")
#: an object that only points back at the step before ("confirming it in writing")
_ANAPHOR = re.compile(
    r"^(?:(?:it|this|that|the date|the time|in writing|in write|by email)\b\s*)*$"
)


def conditioned(c: Clause, previous: Clause | None, dated: bool) -> Clause:
    """``c`` hedged when it, or the clause before it, is a condition and the text has no
    date (``dated``: the whole text names one).  A seller's to-do with a condition after
    it is still the seller's to-do ("schedule onboarding kickoff once signed")."""
    if c.actor == "seller" and not _CONDITION.match(c.text):
        return c
    if not dated and (
        _CONDITION.search(c.text) or (previous is not None and _CONDITION.match(previous.text))
    ):
        return replace(c, polarity="hedged")
    return c


def refers_back(c: Clause, previous: Clause | None, order: dict[str, int]) -> Clause:
    """``c`` as the client's part in the bigger step of ``previous`` when it has no object
    of its own (``order``: stage -> position)."""
    if (
        previous is None
        or previous.action is None
        # a seller's step is the client's only when it is a client event the seller joins
        # ("presenting to their steering committee on 1/12 - she put it on the calendar")
        or (previous.actor == "seller" and previous.min_stage is None)
        or c.actor != "client"
        or c.action is None
        or c.action == previous.action
        or (c.object is not None and _ANAPHOR.match(c.object) is None)
    ):
        return c
    if order.get(previous.min_stage or "", -1) <= order.get(c.min_stage or "", -1):
        return c
    return replace(
        c,
        action=previous.action,
        min_stage=previous.min_stage,
        object=previous.object,
        words=previous.words,
    )


def addressed(toks: list[Token], s: str, ref_at: int) -> str | None:
    """Whose deliverable a verbless clause is, from the word before the client person at
    ``ref_at``: "seller" (to/for them), "client" (from them) or None."""
    before = [t for t in toks if t.start < ref_at]
    # a verb's base form after the first word is a noun of the deliverable ("recap email
    # to Ben"); a verb opening the clause, or one in another form, is the clause's verb
    if not before or any(t.verb and (i == 0 or t.form != "base") for i, t in enumerate(before)):
        return None
    if _TO.search(s, 0, ref_at):
        return "seller"
    return "client" if _FROM.search(s, 0, ref_at) else None
