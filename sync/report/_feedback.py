"""Suggestions: what reps said about the coach card's advice (accepted / rejected / done).

The card saves the rep's answer in one deal field (Salesforce ``NA_Feedback__c``, HubSpot
``na_feedback``); the sync mirrors it with the coach payload it wrote.  Each deal with an
answer counts once, for the advance its card suggested (the payload's stretch advance) and
for its owner, so ops can retire advances reps reject: the playbook's improvement loop,
measured.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = ["FeedbackCounts", "Suggestions", "suggestions"]

#: The card's answers and what the report calls them.
ANSWERS = {"yes": "accepted", "no": "rejected", "done": "done"}


@dataclass
class FeedbackCounts:
    """Answers for one advance or one rep."""

    accepted: int = 0
    rejected: int = 0
    done: int = 0

    @property
    def total(self) -> int:
        """Deals with an answer."""
        return self.accepted + self.rejected + self.done


@dataclass
class Suggestions:
    """Answers by advance (the suggestion's text) and by rep (the deal owner)."""

    by_advance: dict[str, FeedbackCounts] = field(default_factory=dict)
    by_rep: dict[str, FeedbackCounts] = field(default_factory=dict)
    total: FeedbackCounts = field(default_factory=FeedbackCounts)


def _advance(coach: Any) -> str:
    try:
        payload = json.loads(coach) if isinstance(coach, str) else None
    except ValueError:
        payload = None
    if isinstance(payload, dict):
        stretch = (payload.get("advance") or {}).get("stretch")
        if stretch:
            return str(stretch)
    return "(no advance suggested)"


def suggestions(
    rows: Iterable[tuple[str | None, Mapping[str, Any]]],
    coach_field: str,
    feedback_field: str,
    values: Mapping[str, str] | None = None,
) -> Suggestions:
    """Count the answers in mirrored write-back values: rows of (owner, CRM values).

    ``values`` maps yes/no/done to the CRM's values when the mapping renamed them.
    """
    to_answer = {str(v).casefold(): k for k, v in (values or {}).items()}
    out = Suggestions()
    for owner, crm in rows:
        raw = crm.get(feedback_field)
        if raw is None or str(raw).strip() == "":
            continue
        answer = to_answer.get(str(raw).casefold(), str(raw).casefold())
        kind = ANSWERS.get(answer)
        if kind is None:
            continue
        advance = _advance(crm.get(coach_field))
        for counts in (
            out.by_advance.setdefault(advance, FeedbackCounts()),
            out.by_rep.setdefault(owner or "(no owner)", FeedbackCounts()),
            out.total,
        ):
            setattr(counts, kind, getattr(counts, kind) + 1)
    return out
