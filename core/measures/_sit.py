"""Sit rate: of the meetings whose time has passed, the share that actually took place.

Reschedules would count twice (once as "rescheduled", once as the new meeting) and hide
no-shows, so meetings are first folded into *chains*: a meeting logged with outcome
``rescheduled`` is superseded by the next meeting of the same deal (ordered by time, then
id).  A chain counts once, by the outcome and time of its final meeting.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from nextadvance.core.measures._common import Ratio, rep_of
from nextadvance.core.measures._period import Period
from nextadvance.core.models import ActivityKind, Deal, Outcome

__all__ = ["MeetingChain", "SitCounts", "SitReport", "SitStatus", "meeting_chains", "sit_rate"]


class SitStatus(StrEnum):
    """How a meeting chain counts for the sit rate."""

    held = "held"
    no_show = "no_show"
    canceled = "canceled"
    #: In the past with outcome ``scheduled`` or ``unknown``: nobody logged what happened.
    unlogged = "unlogged"
    #: The final meeting was marked rescheduled but no later meeting is logged for the deal.
    reschedule_open = "reschedule_open"
    #: The final meeting is still ahead of ``now``: excluded from the rate.
    future = "future"


_BY_OUTCOME = {
    Outcome.completed: SitStatus.held,
    Outcome.no_show: SitStatus.no_show,
    Outcome.canceled: SitStatus.canceled,
    Outcome.rescheduled: SitStatus.reschedule_open,
    Outcome.scheduled: SitStatus.unlogged,
    Outcome.unknown: SitStatus.unlogged,
}


@dataclass(frozen=True)
class MeetingChain:
    """One booked meeting after folding reschedules: its meetings first to final."""

    deal_id: str
    meeting_ids: tuple[str, ...]
    at: datetime
    rep: str
    status: SitStatus

    @property
    def reschedules(self) -> int:
        """How many times the meeting was moved before its final date."""
        return len(self.meeting_ids) - 1


def meeting_chains(deal: Deal, now: datetime) -> list[MeetingChain]:
    """Fold a deal's meetings into reschedule chains and classify each at ``now``.

    Meetings are ordered by ``(at, id)``; each meeting with outcome ``rescheduled`` links
    to the next one in that order.  The chain's time, owner and status are those of its
    final meeting (owner falls back to the deal owner); a final meeting after ``now`` is
    ``future`` whatever its logged outcome.
    """
    meetings = sorted(
        (a for a in deal.activities if a.kind is ActivityKind.meeting),
        key=lambda a: (a.at, a.id),
    )
    chains: list[MeetingChain] = []
    ids: list[str] = []
    for i, meeting in enumerate(meetings):
        ids.append(meeting.id)
        has_next = i + 1 < len(meetings)
        if meeting.outcome is Outcome.rescheduled and has_next:
            continue
        status = SitStatus.future if meeting.at > now else _BY_OUTCOME[meeting.outcome]
        chains.append(MeetingChain(deal.id, tuple(ids), meeting.at, rep_of(deal, meeting), status))
        ids = []
    return chains


@dataclass(frozen=True)
class SitCounts:
    """Counts of meeting chains by status, for one rep, team or the whole input."""

    held: int = 0
    no_show: int = 0
    canceled: int = 0
    unlogged: int = 0
    reschedule_open: int = 0
    future: int = 0

    @property
    def rate(self) -> Ratio:
        """held ÷ (held + no-show + canceled); unlogged, open and future chains excluded."""
        return Ratio(self.held, self.held + self.no_show + self.canceled)

    def add(self, status: SitStatus) -> SitCounts:
        """A copy with one more chain of ``status``."""
        values = {s.value: getattr(self, s.value) for s in SitStatus}
        values[status.value] += 1
        return SitCounts(**values)


@dataclass(frozen=True)
class SitReport:
    """Sit rate for a period: whole input, per rep, per team, and what could not count."""

    period: Period
    total: SitCounts
    by_rep: dict[str, SitCounts] = field(default_factory=dict)
    by_team: dict[str, SitCounts] = field(default_factory=dict)
    #: Past chains that do not count either way (unlogged or rescheduled with no new date).
    not_counted: tuple[MeetingChain, ...] = ()


def sit_rate(
    deals: Iterable[Deal],
    period: Period,
    now: datetime,
    teams: Mapping[str, str] | None = None,
) -> SitReport:
    """Sit rate of the meeting chains whose final meeting falls in ``period``.

    Definition: held ÷ (held + no_show + canceled) over chains whose final meeting time
    is in ``period`` and not after ``now``.  Past chains with no logged outcome or an
    open reschedule are listed in ``not_counted``; future chains are only counted.
    ``teams`` maps a rep to a team name; reps not in it are not in any team.
    """
    total = SitCounts()
    by_rep: dict[str, SitCounts] = {}
    by_team: dict[str, SitCounts] = {}
    not_counted: list[MeetingChain] = []
    for deal in deals:
        for chain in meeting_chains(deal, now):
            if not period.contains(chain.at):
                continue
            total = total.add(chain.status)
            by_rep[chain.rep] = by_rep.get(chain.rep, SitCounts()).add(chain.status)
            team = (teams or {}).get(chain.rep)
            if team is not None:
                by_team[team] = by_team.get(team, SitCounts()).add(chain.status)
            if chain.status in (SitStatus.unlogged, SitStatus.reschedule_open):
                not_counted.append(chain)
    not_counted.sort(key=lambda c: (c.at, c.deal_id))
    return SitReport(
        period=period,
        total=total,
        by_rep=dict(sorted(by_rep.items())),
        by_team=dict(sorted(by_team.items())),
        not_counted=tuple(not_counted),
    )
