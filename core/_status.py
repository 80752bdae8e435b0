"""A clause that neither negates nor hedges: a promise, a requirement, or where things stand.

Step 5 of :mod:`nextadvance.core._parse` after negation and hedges: what the client has to
do is a requirement, nobody's promise ("the CFO must attend"); with no date in the text, a
clause that opens with where something sits ("with their procurement team for review") or
whose head verb after the actor is an ``-ing`` form with no future marker ("legal looking
at it", not "legal to look at it") is ``ongoing``: a status, not a commitment.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from nextadvance.core._links import STATUS_LEAD

if TYPE_CHECKING:
    from nextadvance.core._normalise import Token

__all__ = ["status"]

_FUTURE = frozenset({"to", "will", "shall", "going", "gonna", "plan", "plans", "expect"})
#: what the client has to do is a requirement, nobody's promise ("the CFO must attend")
_REQUIRE = re.compile(r"\b(?:must|needs? to|ha(?:ve|s) to|got to|gotta)\b(?!-)")


def status(
    s: str,
    toks: list[Token],
    actor: str,
    found: bool,
    actor_pos: int | None,
    at: int,
    text_dated: bool,
) -> str:
    """``hedged``, ``ongoing`` or ``positive`` for a clause in base forms ``s`` (``found``:
    it names a client action, starting at ``at``; ``actor_pos``: where its client actor
    is; ``text_dated``: the whole text names a date)."""
    if actor != "seller" and found and _REQUIRE.search(s, actor_pos or 0, at):
        return "hedged"  # a requirement, not a promise: "CFO must attend"
    if text_dated:
        return "positive"
    if found and STATUS_LEAD.match(s):
        return "ongoing"  # "with their procurement team for review"
    # the head verb after the actor: "legal looking at it" is a status, "legal to look at
    # it" a commitment
    start = 0 if actor_pos is None else actor_pos + 1
    before: set[str] = set()
    for t in toks:
        if t.start < start:
            before.add(t.base)
            continue
        if t.verb or t.form != "base":
            going_to = t.base == "go" and s.startswith("to ", t.start + 3)
            if t.form == "ing" and before.isdisjoint(_FUTURE) and not going_to:
                return "ongoing"  # ... not "Dale is going to run a pilot"
            break
        before.add(t.base)
    # ... and the action itself in -ing with nothing promised before it: "Nora got the
    # deck, reviewing" is where things stand
    if found and actor != "seller":
        lead = [t for t in toks if t.start <= at]
        if (
            lead
            and lead[-1].start == at
            and lead[-1].form == "ing"
            and {t.base for t in lead[:-1]}.isdisjoint(_FUTURE)
        ):
            return "ongoing"
    return "positive"
