"""Meetings booked per rep per week, and calls made per meeting booked.

If the method works, reps book more meetings and need fewer calls per meeting.  The
canonical model has no "booked on" timestamp, so a meeting counts in the week it is (or
was) scheduled to take place; a reschedule chain (see :mod:`._sit`) counts once, in the
week of its final meeting.  Canceled, no-show and future meetings were still booked.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from nextadvance.core.measures._common import Ratio, rep_of
from nextadvance.core.measures._period import Period
from nextadvance.core.measures._sit import meeting_chains
from nextadvance.core.models import ActivityKind, Deal

__all__ = ["Productivity", "RepProductivity", "productivity"]


@dataclass(frozen=True)
class RepProductivity:
    """One rep's (or team's) meetings booked per ISO week and calls made in the period."""

    meetings_by_week: dict[str, int]
    calls: int

    @property
    def meetings(self) -> int:
        """Meetings booked in the period (reschedule chains once)."""
        return sum(self.meetings_by_week.values())

    @property
    def meetings_per_week(self) -> float:
        """Meetings booked ÷ number of (possibly partial) ISO weeks in the period."""
        return self.meetings / len(self.meetings_by_week) if self.meetings_by_week else 0.0

    @property
    def calls_per_meeting(self) -> Ratio:
        """Calls made ÷ meetings booked (``value`` is None with no meeting booked)."""
        return Ratio(self.calls, self.meetings)


@dataclass(frozen=True)
class Productivity:
    """Per rep and per team, plus the week labels of the period in order."""

    period: Period
    weeks: tuple[str, ...]
    total: RepProductivity
    by_rep: dict[str, RepProductivity] = field(default_factory=dict)
    by_team: dict[str, RepProductivity] = field(default_factory=dict)


def productivity(
    deals: Iterable[Deal],
    period: Period,
    now: datetime,
    teams: Mapping[str, str] | None = None,
) -> Productivity:
    """Meetings booked per week and calls per meeting booked, per rep and team.

    - *meetings booked*: meeting chains whose final meeting falls in ``period`` (future
      ones included: they are booked), counted in that meeting's ISO week in the period's
      timezone, credited to its owner (else the deal owner);
    - *calls*: call activities in ``period`` and not after ``now``, whatever the outcome
      (a dial is work done);
    - *calls per meeting booked*: calls ÷ meetings booked.
    """
    weeks = period.weeks()
    labels = tuple(w.label for w in weeks)

    def week_of(at: datetime) -> str | None:
        for w in weeks:
            if w.contains(at):
                return w.label
        return None

    meetings: dict[str, dict[str, int]] = {}
    calls: dict[str, int] = {}
    for deal in deals:
        for chain in meeting_chains(deal, now):
            label = week_of(chain.at)
            if label is not None:
                row = meetings.setdefault(chain.rep, dict.fromkeys(labels, 0))
                row[label] += 1
        for a in deal.activities:
            if a.kind is ActivityKind.call and a.at <= now and period.contains(a.at):
                rep = rep_of(deal, a)
                calls[rep] = calls.get(rep, 0) + 1
                meetings.setdefault(rep, dict.fromkeys(labels, 0))

    def merged(reps: Iterable[str]) -> RepProductivity:
        reps = list(reps)
        by_week = {w: sum(meetings[r][w] for r in reps) for w in labels}
        return RepProductivity(by_week, sum(calls.get(r, 0) for r in reps))

    by_rep = {rep: merged([rep]) for rep in sorted(meetings)}
    team_reps: dict[str, list[str]] = {}
    for rep in meetings:
        team = (teams or {}).get(rep)
        if team is not None:
            team_reps.setdefault(team, []).append(rep)
    return Productivity(
        period=period,
        weeks=labels,
        total=merged(meetings),
        by_rep=by_rep,
        by_team={team: merged(reps) for team, reps in sorted(team_reps.items())},
    )
