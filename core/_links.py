"""How a clause leans on the one before it (:mod:`nextadvance.core._parse`).

- a condition with no date is a hedge: "Ben to revert once he's spoken to the FD", "once
  legal approves, Ben will review" - nothing anyone could check;
- a client clause with no object of its own after a step is the client's part in that
  step ("exec workshop on the 18th - Freya to host", "gave a verbal yes; confirming in
  writing Tue"): it takes that step's action and stage fit.
"""

from __future__ import annotations

import re
from dataclasses import replace

from nextadvance.core._clause import Clause

__all__ = ["conditioned", "refers_back"]

_CONDITION = re.compile(r"^(?:if|once|assuming|provided|unless)\b|\bonce (?!a\b|more\b|again\b)")
#: an object that only points back at the step before ("confirming it in writing")
_ANAPHOR = re.compile(
    r"^(?:(?:it|this|that|the date|the time|in writing|in write|by email)\b\s*)*$"
)


def conditioned(c: Clause, previous: Clause | None, dated: bool) -> Clause:
    """``c`` hedged when it, or the clause before it, is a condition and the text has no
    date (``dated``: the whole text names one)."""
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
        or previous.actor == "seller"
        or c.actor != "client"
        or c.action is None
        or c.action == previous.action
        or (c.object is not None and _ANAPHOR.match(c.object) is None)
    ):
        return c
    if order.get(previous.min_stage or "", -1) <= order.get(c.min_stage or "", -1):
        return c
    return replace(c, action=previous.action, min_stage=previous.min_stage, object=previous.object)
