"""Momentum: when the deal last moved, how many friendly-but-empty touches since, and stalls.

An *advance* (METHOD.md §2) is anything that moved the deal: entering the current stage, a
contact role added, a completed meeting or call with someone not met before, or an activity
whose notes record a client commitment (playbook ``thresholds.commitment_keywords``
nominate the activity; the lexicon's note reader confirms it is a commitment and not a
negated or hedged one).  Every
other completed conversation after it is a *continuation*.

A deal is *stalled* when it has neither advanced nor held a client conversation within its
stage's ``stall_days``: a flag a rep who met the client yesterday would not accept is
ignored.  A run of continuations without an advance is said as a fact instead ("No client
advance since 11 Jul; last conversation 6 Dec"), in ``Momentum.note``.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from nextadvance.core._compiled import TEXT_KIND_SET, CompiledPlaybook
from nextadvance.core._decision import Momentum, momentum
from nextadvance.core._evidence import DealContext
from nextadvance.core._memo import LONG_TEXT, remember
from nextadvance.core._playbook_model import Stage
from nextadvance.core._textindex import words_of
from nextadvance.core._wording_model import MomentumWording
from nextadvance.core.models import Activity, ActivityKind, Outcome

__all__ = ["compute_momentum"]

_HELD = frozenset({Outcome.completed, Outcome.unknown})
_MEETS = frozenset({ActivityKind.meeting, ActivityKind.call})
_TEXT_KINDS = TEXT_KIND_SET
_COMPLETED = Outcome.completed
#: bound of the per-text commitment memo (cleared when full)
_COMMITMENT_LIMIT = 4_096
_UNSET = object()


def _commitment(cp: CompiledPlaybook, subject: str, body: str) -> str | None:
    """The commitment keyword an activity with this text records, or None: the first of
    the playbook's commitment keywords it mentions (words in sorted order, then phrases),
    if the note reader reads the note as a commitment.  Memoised per short text (the
    keyword and the reading depend on nothing else; a long note is not asked again,
    core/_memo)."""
    key = (subject, body)
    memo = cp.commitments
    hit = memo.get(key, _UNSET)
    if hit is not _UNSET:
        return hit  # type: ignore[return-value]
    kws = cp.commitment
    joined, words = words_of(subject, body)
    present = kws.words & words
    kw: str | None = min(present) if present else None
    if kw is None:
        text = f" {joined} "
        for phrase, needed in zip(kws.phrases, kws.phrase_words, strict=True):
            if needed <= words and phrase in text:
                kw = phrase.strip()
                break
    if kw is not None and not cp.lexicon.notes.commits(f"{subject}. {body}"):
        kw = None
    if len(subject) + len(body) <= LONG_TEXT:
        remember(memo, key, kw, _COMMITMENT_LIMIT)
    return kw


_MONTHS = ("", "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def say_day(d: date, today: date) -> str:
    """``11 Jul`` (``2 Jan 2025`` when not this year): a past day as a rep reads it."""
    text = f"{d.day} {_MONTHS[d.month]}"
    return text if d.year == today.year else f"{text} {d.year}"


def momentum_note(
    w: MomentumWording,
    last_at: datetime,
    talked_at: datetime | None,
    stalled: bool,
    now: datetime,
) -> str:
    """The momentum fact for a deal with no advance within its ``stall_days``."""
    today = now.date()
    fill = {
        "since": say_day(last_at.date(), today),
        "talked": say_day(talked_at.date(), today) if talked_at is not None else "",
    }
    if not stalled:
        return w.talking.format_map(fill)
    return (w.stalled if talked_at is not None and talked_at > last_at else w.quiet).format_map(
        fill
    )


def compute_momentum(
    ctx: DealContext, cp: CompiledPlaybook, stage: Stage, now: datetime
) -> Momentum:
    """Last advance, continuations since, days in stage vs norm, stalled and parked flags."""
    deal = ctx.deal
    entered = deal.stage_entered_at or deal.created_at
    last_at: datetime = entered
    last_what = "entered stage" if deal.stage_entered_at else "deal created"
    for c in deal.contacts:
        if c.added_at is not None and c.role and c.added_at > last_at:
            last_at, last_what = c.added_at, f"contact role {c.role} added"
    met: set[str] = set()
    advances_at: set[str] = set()
    commitment: dict[str, str] = {}
    kws = cp.commitment
    if kws.words or kws.phrases:
        index = ctx.index(_TEXT_KINDS)
        # the deal's words are the union of its activities' words, so a deal whose text
        # holds no keyword word and no phrase's every word has no activity that can match
        if kws.may_match(index.words):
            # a keyword only nominates: the note must read as a commitment ("agreed to a
            # pilot starting 4/22"), not a negated or hedged one ("won't sign until Q3")
            found = []
            for a in index.acts:
                kw = _commitment(cp, a.subject, a.body)
                if kw is not None:
                    found.append((a.id, kw))
            commitment = dict(found)
            if len(commitment) < len(found):  # activities sharing an id: as first found
                acts = index.acts
                notes = cp.lexicon.notes
                commitment = {
                    acts[i].id: kw
                    for i, kw in index.every(kws).items()
                    if notes.commits(ctx.note(acts[i])[0])
                }
    conversation = cp.conversation_kinds
    held: list[Activity] = []  # conversations held by now: the continuation candidates
    # compared with now in UTC: two datetimes of one ZoneInfo compare by wall clock, fold
    # ignored, so a meeting in the owner's repeated DST hour would read as still booked
    now_utc = now.astimezone(UTC)
    for a in ctx.activities:  # oldest first: the first one after now ends the past
        at = a.at
        if at > now_utc:
            break
        moved = None
        kind = a.kind
        outcome = a.outcome
        if kind in conversation and outcome in _HELD:
            held.append(a)
        if outcome == _COMPLETED and kind in _MEETS:
            cids = a.contact_ids
            if cids:
                for cid in cids:
                    if cid not in met:
                        moved = f"{kind._value_} with a new participant"
                        break
                met.update(cids)
        if moved is None and commitment and a.id in commitment:
            moved = f"client commitment ('{commitment[a.id]}') in {kind._value_}"
        if moved is not None:
            advances_at.add(a.id)
            if at >= last_at:
                last_at, last_what = at, moved
    continuations = 0
    for a in held:
        if a.at > last_at and a.id not in advances_at:
            continuations += 1
    talked_at = held[-1].at if held else None  # activities are oldest first
    # elapsed time in UTC: subtracting two datetimes of one ZoneInfo zone gives wall-clock
    # time, an hour off across a DST change (found by tests/reliability/test_dates_property)
    days = max(0, (now_utc - entered.astimezone(UTC)).days)
    since_advance = max(0, (now_utc - last_at.astimezone(UTC)).days)
    norm_days = stage.stall_days
    since_talk = (
        max(0, (now_utc - talked_at.astimezone(UTC)).days) if talked_at is not None else days
    )
    quiet = since_advance > norm_days  # no advance within the stage's norm
    stalled = quiet and since_talk > norm_days and not stage.closed
    note = (
        momentum_note(cp.playbook.wording.momentum, last_at, talked_at, stalled, now)
        if quiet and not stage.closed
        else ""
    )
    parked_until = deal.parked_until
    parked = parked_until is not None and parked_until > now.date()
    return momentum(
        last_at,
        last_what,
        continuations,
        days,
        norm_days,
        stalled,
        parked,
        parked_until if parked else None,
        deal.parked_reason if parked else None,
        talked_at,
        note,
    )
