"""Drift: are reps still asking the stage's questions, and do the objectives still matter?

Two views (METHOD.md §1 "Improvable"):

- **questions asked**, per rep: of the completed calls and meetings with notes, the share
  whose notes show at least one objective of the deal's stage being worked on;
- **won vs lost**, per objective: how often it was learned in won and in lost deals, with a
  suggestion to promote, demote or retire it once enough deals support it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from nextadvance.core._compiled import CompiledObjective, CompiledPlaybook, normalise
from nextadvance.core._playbook_model import Playbook
from nextadvance.core.engine import decide
from nextadvance.core.measures._advance import EARLIER_STAGE, stage_at
from nextadvance.core.measures._common import (
    ClosedStages,
    DealStatus,
    Ratio,
    close_day,
    conversations,
    rep_of,
)
from nextadvance.core.measures._period import Period
from nextadvance.core.models import Deal

__all__ = [
    "DriftThresholds",
    "ObjectiveDrift",
    "QuestionsAsked",
    "Suggestion",
    "objective_outcomes",
    "questions_asked",
]


@dataclass(frozen=True)
class QuestionsAsked:
    """Conversations of one rep: with notes, notes showing a stage question, no notes."""

    asked: int = 0
    with_notes: int = 0
    without_notes: int = 0
    by_objective: dict[str, int] = field(default_factory=dict)

    @property
    def rate(self) -> Ratio:
        """asked ÷ conversations with notes (note-less ones cannot show anything)."""
        return Ratio(self.asked, self.with_notes)


@dataclass
class _Tally:
    asked: int = 0
    with_notes: int = 0
    without_notes: int = 0
    by_objective: dict[str, int] = field(default_factory=dict)

    def freeze(self) -> QuestionsAsked:
        return QuestionsAsked(
            self.asked, self.with_notes, self.without_notes, dict(sorted(self.by_objective.items()))
        )


def _asks(obj: CompiledObjective, norm: str, words: frozenset[str]) -> bool:
    """Notes show an objective when they contain its evidence keywords or a question."""
    for rule in obj.rules:
        if rule.keywords is not None and rule.keywords.find(norm, words) is not None:
            return True
    return any(normalise(q) in norm for q in obj.questions if q.strip())


def _stage_objectives(cp: CompiledPlaybook, deal: Deal, stage: str) -> list[CompiledObjective]:
    """Objectives a conversation attributed to ``stage`` should have worked on."""
    current = cp.stage(deal.stage)  # MappingError naming the known stages if unknown
    segments = cp.segments_for(deal.account.industry, cp.band_of(deal.account.employees))
    every = cp.objectives_for(deal.stage, segments)
    if stage != EARLIER_STAGE and not current.closed:
        return [o for o in every if o.stage == deal.stage]
    return [o for o in every if o.stage != deal.stage]


def questions_asked(
    deals: Iterable[Deal], playbook: Playbook, period: Period, now: datetime
) -> tuple[QuestionsAsked, dict[str, QuestionsAsked]]:
    """How often call notes show the stage's questions being asked: (total, per rep).

    Over completed calls and meetings in ``period`` and not after ``now``.  A conversation
    at or after ``stage_entered_at`` of an open deal is checked against its current
    stage's objectives; an earlier one (or one of a closed deal) against the objectives of
    the stages before the deal's current one.  Notes "show" an objective when subject or
    body contain one of its evidence keywords (with synonyms) or one of its questions.
    """
    cp = playbook.compiled
    raw: dict[str, _Tally] = {}
    for deal in deals:
        for a in conversations(deal):
            if a.at > now or not period.contains(a.at):
                continue
            row = raw.setdefault(rep_of(deal, a), _Tally())
            text = f"{a.subject} {a.body}".strip()
            if not text:
                row.without_notes += 1
                continue
            row.with_notes += 1
            norm = normalise(text)
            words = frozenset(norm.split())
            objectives = _stage_objectives(cp, deal, stage_at(deal, a))
            hits = [o.id for o in objectives if _asks(o, norm, words)]
            row.asked += bool(hits)
            for oid in hits:
                row.by_objective[oid] = row.by_objective.get(oid, 0) + 1
    by_rep = {rep: row.freeze() for rep, row in sorted(raw.items())}
    total = _Tally()
    for q in by_rep.values():
        total.asked += q.asked
        total.with_notes += q.with_notes
        total.without_notes += q.without_notes
        for oid, n in q.by_objective.items():
            total.by_objective[oid] = total.by_objective.get(oid, 0) + n
    total_q = total.freeze()
    return total_q, by_rep


class Suggestion(StrEnum):
    """What to do with an objective, from how it separates won and lost deals."""

    promote = "promote"
    demote = "demote"
    retire = "retire"
    keep = "keep"
    insufficient_data = "insufficient_data"


@dataclass(frozen=True)
class DriftThresholds:
    """When a won-vs-lost difference is worth acting on (shares are 0-1)."""

    #: Closed deals (won + lost, at least one of each) needed before suggesting anything.
    min_sample: int = 10
    #: learned-in-won minus learned-in-lost at or above this: the objective matters.
    promote_lift: float = 0.20
    #: below this: the objective does not tell won from lost deals.
    demote_lift: float = 0.05


@dataclass(frozen=True)
class ObjectiveDrift:
    """One objective: learned in won vs lost deals, and the suggestion that follows."""

    objective_id: str
    title: str
    stage: str
    essential: bool
    won: Ratio
    lost: Ratio
    suggestion: Suggestion
    reason: str

    @property
    def support(self) -> int:
        """Closed deals the comparison rests on."""
        return self.won.denominator + self.lost.denominator

    @property
    def lift(self) -> float | None:
        """Share learned in won deals minus share learned in lost deals."""
        if self.won.value is None or self.lost.value is None:
            return None
        return self.won.value - self.lost.value


def _suggest(
    essential: bool, won: Ratio, lost: Ratio, th: DriftThresholds
) -> tuple[Suggestion, str]:
    n = won.denominator + lost.denominator
    if n < th.min_sample or won.value is None or lost.value is None:
        return (
            Suggestion.insufficient_data,
            f"{n} closed deals (need {th.min_sample}, with won and lost)",
        )
    if won.numerator + lost.numerator == 0:
        # 0 % vs 0 %: nothing shows it matters *or* that it does not; usually it is simply
        # never recorded (no field, no note that mentions it)
        return (
            Suggestion.insufficient_data,
            f"never learned in any of the {n} closed deals: check it is recorded before judging it",
        )
    lift = won.value - lost.value
    diff = f"learned in {won.value:.0%} of won vs {lost.value:.0%} of lost deals"
    if lift >= th.promote_lift:
        if essential:
            return Suggestion.keep, f"{diff}: it separates wins from losses"
        return Suggestion.promote, f"{diff}: make it essential"
    if lift < th.demote_lift:
        if essential:
            return Suggestion.demote, f"{diff}: no sign it matters, make it nice-to-have"
        return Suggestion.retire, f"{diff}: nice-to-have that does not matter, drop it"
    return Suggestion.keep, f"{diff}: weak but positive signal"


def objective_outcomes(
    deals: Iterable[Deal],
    playbook: Playbook,
    period: Period,
    now: datetime,
    thresholds: DriftThresholds | None = None,
) -> list[ObjectiveDrift]:
    """Per objective: learned share in won vs lost deals closed in ``period``.

    Each closed deal is evaluated by the engine as if it sat in the last open stage, so
    every objective that applies to its segment is checked against its evidence.  Without
    a stage history, a deal lost early also "misses" later objectives: read suggestions for
    late-stage objectives with that in mind.  An objective counts as essential when it is
    essential in most of the deals it applied to.  Rules: see :class:`DriftThresholds`.
    """
    th = thresholds or DriftThresholds()
    cp = playbook.compiled
    if not cp.open_stages:
        return []
    last_open = cp.open_stages[-1]
    closed = ClosedStages.from_playbook(playbook)
    meta: dict[str, tuple[str, str]] = {}
    essential_votes: dict[str, int] = {}
    counts: dict[str, dict[DealStatus, list[int]]] = {}
    for deal in deals:
        status = closed.status(deal)
        day = close_day(deal, period.tz)
        if status is DealStatus.open or day is None or not period.contains_day(day):
            continue
        decision = decide(deal.model_copy(update={"stage": last_open}), playbook, now)
        for o in decision.objectives:
            meta.setdefault(o.id, (o.title, o.stage))
            essential_votes[o.id] = essential_votes.get(o.id, 0) + (1 if o.essential else -1)
            cell = counts.setdefault(o.id, {DealStatus.won: [0, 0], DealStatus.lost: [0, 0]})
            cell[status][0] += o.status == "learned"
            cell[status][1] += 1
    order = {key: i for i, key in enumerate(playbook.stage_keys)}
    out = []
    for oid, cell in counts.items():
        won = Ratio(*cell[DealStatus.won])
        lost = Ratio(*cell[DealStatus.lost])
        essential = essential_votes[oid] > 0
        suggestion, reason = _suggest(essential, won, lost, th)
        title, stage = meta[oid]
        out.append(ObjectiveDrift(oid, title, stage, essential, won, lost, suggestion, reason))
    out.sort(key=lambda d: (order.get(d.stage, len(order)), d.objective_id))
    return out
