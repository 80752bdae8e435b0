"""Shared building blocks of the measures: ratios, deal status, who owns an activity.

Kept in one place so every measure counts "won", "closed on" and "the rep" the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, tzinfo
from enum import StrEnum
from typing import TYPE_CHECKING

from nextadvance.core.models import Activity, ActivityKind, Deal, Outcome

if TYPE_CHECKING:
    from nextadvance.core._playbook_model import Playbook

__all__ = [
    "UNASSIGNED",
    "ClosedStages",
    "DealStatus",
    "Ratio",
    "close_day",
    "conversations",
    "rep_of",
]

#: Label for work nobody owns (no activity owner and no deal owner).
UNASSIGNED = "(unassigned)"


@dataclass(frozen=True)
class Ratio:
    """A share with its counts, so a report can show "7 of 9" and never divide by zero."""

    numerator: int
    denominator: int

    @property
    def value(self) -> float | None:
        """``numerator / denominator``, or ``None`` when there is nothing to divide."""
        return None if self.denominator == 0 else self.numerator / self.denominator

    def __add__(self, other: Ratio) -> Ratio:
        return Ratio(self.numerator + other.numerator, self.denominator + other.denominator)


class DealStatus(StrEnum):
    """Whether a deal is still being worked, or closed one way or the other."""

    open = "open"
    won = "won"
    lost = "lost"


@dataclass(frozen=True)
class ClosedStages:
    """Which canonical stage keys mean won or lost (the playbook's closed stages).

    The defaults are the shipped playbook's keys plus plain ``won``/``lost``; pass the
    playbook's own sets when it names them differently.
    """

    won: frozenset[str] = field(default_factory=lambda: frozenset({"closed_won", "won"}))
    lost: frozenset[str] = field(default_factory=lambda: frozenset({"closed_lost", "lost"}))

    @classmethod
    def from_playbook(cls, playbook: Playbook) -> ClosedStages:
        """The stages the playbook marks ``closed: won`` / ``closed: lost``."""
        return cls(
            won=frozenset(s.key for s in playbook.stages if s.closed == "won"),
            lost=frozenset(s.key for s in playbook.stages if s.closed == "lost"),
        )

    def status(self, deal: Deal) -> DealStatus:
        """Open unless the deal's stage is one of the won or lost keys."""
        if deal.stage in self.won:
            return DealStatus.won
        if deal.stage in self.lost:
            return DealStatus.lost
        return DealStatus.open


def close_day(deal: Deal, tz: tzinfo) -> date | None:
    """The local date a closed deal closed on.

    The CRM's close date when set; else the day it entered its (closed) stage; else the
    day it was last modified; ``None`` when none is known.
    """
    if deal.close_date is not None:
        return deal.close_date
    if deal.stage_entered_at is not None:
        return deal.stage_entered_at.astimezone(tz).date()
    if deal.modified_at is not None:
        return deal.modified_at.astimezone(tz).date()
    return None


def rep_of(deal: Deal, activity: Activity | None = None) -> str:
    """Who gets the credit: the activity's owner, else the deal's owner, else unassigned."""
    if activity is not None and activity.owner:
        return activity.owner
    return deal.owner or UNASSIGNED


_CONVERSATION_KINDS = frozenset({ActivityKind.call, ActivityKind.meeting})


def conversations(deal: Deal) -> list[Activity]:
    """The deal's completed calls and meetings (real conversations), oldest first."""
    return sorted(
        (
            a
            for a in deal.activities
            if a.kind in _CONVERSATION_KINDS and a.outcome is Outcome.completed
        ),
        key=lambda a: (a.at, a.id),
    )
