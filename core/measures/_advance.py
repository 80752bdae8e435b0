"""Advance rate: the share of real conversations that ended with a client commitment.

A conversation is a completed call or meeting.  It is an *advance* when it moved the deal,
using the engine's notion (``nextadvance.core._momentum``) attributed to one conversation:

1. **client commitment**: its subject/body contain one of the playbook's
   ``thresholds.commitment_keywords`` (with synonyms), matched like the engine does;
2. **new participant**: it included a contact not met in an earlier completed conversation
   of the deal, and someone had been met before (the first meeting is not an advance);
3. **stage change**: it is the deal's latest conversation at or before ``stage_entered_at``
   and at most :data:`ATTRIBUTION_DAYS` days before it (the deal was created in an earlier
   stage, i.e. ``stage_entered_at`` is after ``created_at``);
4. **new contact role**: the same attribution for a contact whose role was added
   (``Contact.added_at``) after the deal was created.

Every other conversation is a *continuation*.  Without a stage history, a conversation is
attributed to the deal's current stage when it happened at or after ``stage_entered_at``
(or the deal has none), else to :data:`EARLIER_STAGE`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from nextadvance.core._compiled import normalise
from nextadvance.core._playbook_model import Playbook
from nextadvance.core.measures._common import Ratio, conversations, rep_of
from nextadvance.core.measures._period import Period
from nextadvance.core.models import Activity, Deal

__all__ = [
    "ATTRIBUTION_DAYS",
    "EARLIER_STAGE",
    "AdvanceReport",
    "Conversation",
    "advance_rate",
    "classify_conversations",
    "stage_at",
]

#: A stage change or new role is credited to a conversation at most this many days before it.
ATTRIBUTION_DAYS = 7
#: Stage label for conversations before the deal entered its current stage.
EARLIER_STAGE = "(earlier stage)"


@dataclass(frozen=True)
class Conversation:
    """One completed call or meeting and whether it produced an advance (and why)."""

    deal_id: str
    activity_id: str
    at: datetime
    rep: str
    stage: str
    advance: bool
    reason: str | None = None


def stage_at(deal: Deal, activity: Activity) -> str:
    """The stage a conversation is attributed to (current stage, or :data:`EARLIER_STAGE`)."""
    if deal.stage_entered_at is None or activity.at >= deal.stage_entered_at:
        return deal.stage
    return EARLIER_STAGE


def _credit(talks: list[Activity], when: datetime) -> str | None:
    """Id of the latest conversation at or before ``when`` within the attribution window."""
    best: Activity | None = None
    for a in talks:
        if a.at <= when and when - a.at <= timedelta(days=ATTRIBUTION_DAYS):
            best = a
    return best.id if best is not None else None


def classify_conversations(deal: Deal, playbook: Playbook, now: datetime) -> list[Conversation]:
    """Each completed call/meeting of ``deal`` up to ``now``, as advance or continuation.

    The rules are in the module docstring; the first that applies gives the ``reason``.
    """
    talks = [a for a in conversations(deal) if a.at <= now]
    credited: dict[str, str] = {}
    if deal.stage_entered_at is not None and deal.stage_entered_at > deal.created_at:
        hit = _credit(talks, deal.stage_entered_at)
        if hit is not None:
            credited[hit] = f"stage changed to {deal.stage}"
    for contact in deal.contacts:
        if contact.role and contact.added_at is not None and contact.added_at > deal.created_at:
            hit = _credit(talks, contact.added_at)
            if hit is not None:
                credited.setdefault(hit, f"contact role {contact.role} added")
    commitment = playbook.compiled.commitment
    met: set[str] = set()
    out: list[Conversation] = []
    for a in talks:
        reason: str | None = None
        norm = normalise(f"{a.subject} {a.body}")
        keyword = commitment.find(norm, frozenset(norm.split()))
        if keyword is not None:
            reason = f"client commitment ('{keyword}')"
        new = [c for c in a.contact_ids if c not in met]
        if reason is None and new and met:
            reason = "new participant"
        met.update(a.contact_ids)
        if reason is None:
            reason = credited.get(a.id)
        out.append(
            Conversation(
                deal_id=deal.id,
                activity_id=a.id,
                at=a.at,
                rep=rep_of(deal, a),
                stage=stage_at(deal, a),
                advance=reason is not None,
                reason=reason,
            )
        )
    return out


@dataclass(frozen=True)
class AdvanceReport:
    """Advances ÷ conversations in a period: overall, per rep, per stage, per rep and stage."""

    period: Period
    total: Ratio
    by_rep: dict[str, Ratio] = field(default_factory=dict)
    by_stage: dict[str, Ratio] = field(default_factory=dict)
    by_rep_stage: dict[str, dict[str, Ratio]] = field(default_factory=dict)
    conversations: tuple[Conversation, ...] = ()


def advance_rate(
    deals: Iterable[Deal], playbook: Playbook, period: Period, now: datetime
) -> AdvanceReport:
    """Share of completed calls and meetings in ``period`` (and not after ``now``) that advanced.

    Definition: advances ÷ (advances + continuations), classified by
    :func:`classify_conversations`; grouped by the conversation's rep (activity owner,
    else deal owner) and attributed stage.
    """
    total = Ratio(0, 0)
    by_rep: dict[str, Ratio] = {}
    by_stage: dict[str, Ratio] = {}
    by_rep_stage: dict[str, dict[str, Ratio]] = {}
    kept: list[Conversation] = []
    for deal in deals:
        for conv in classify_conversations(deal, playbook, now):
            if not period.contains(conv.at):
                continue
            one = Ratio(1 if conv.advance else 0, 1)
            total = total + one
            by_rep[conv.rep] = by_rep.get(conv.rep, Ratio(0, 0)) + one
            by_stage[conv.stage] = by_stage.get(conv.stage, Ratio(0, 0)) + one
            cell = by_rep_stage.setdefault(conv.rep, {})
            cell[conv.stage] = cell.get(conv.stage, Ratio(0, 0)) + one
            kept.append(conv)
    kept.sort(key=lambda c: (c.at, c.deal_id, c.activity_id))
    return AdvanceReport(
        period=period,
        total=total,
        by_rep=dict(sorted(by_rep.items())),
        by_stage=_stage_order(by_stage, playbook),
        by_rep_stage={rep: _stage_order(v, playbook) for rep, v in sorted(by_rep_stage.items())},
        conversations=tuple(kept),
    )


def _stage_order(values: dict[str, Ratio], playbook: Playbook) -> dict[str, Ratio]:
    """Order a per-stage dict by pipeline order, unknown stages (earlier) last."""
    order = {key: i for i, key in enumerate(playbook.stage_keys)}
    return dict(sorted(values.items(), key=lambda kv: (order.get(kv[0], len(order)), kv[0])))
