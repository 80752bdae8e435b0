"""The coach payload: one deal's decision as the compact, versioned JSON a CRM card renders.

Reps only see the CRM.  The sync writes this payload into one long-text field per deal
(Salesforce ``NA_Coach__c``, HubSpot ``na_coach``) and the cards in ``crm_ui/`` render it:
the objective checklist with evidence, readiness and stage gap, the advance to close for,
the call plan, the verdict on the rep's next step with a suggested rewrite, and momentum.

Why a payload and not the decision itself: the card must not depend on the engine's
internal shape (which changes: new objective statuses, new next-step fields), must show
names and sentences rather than codes, and must fit the CRM's field with room to spare.
Every list and string has a cap, so the worst case is bounded (:data:`MAX_CHARS`) far below
Salesforce's Long Text Area maximum (131,072) and HubSpot's text limit (65,536).

The deal's name is left out on purpose: the card sits on the deal's own page, and a rename
must not rewrite every payload (nor echo back as a change on the next pull).

Pure: no clock (``decided_at`` comes from the decision), no I/O.  The builder returns plain
dicts (it runs for every open deal on every sync); :class:`CoachPayload` is the contract,
published as JSON Schema by ``nextadvance schema coach`` and checked against in the tests.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from nextadvance.core import Decision, Playbook
from nextadvance.core._wording_model import Wording
from nextadvance.mappings._card_verdict import card_verdict
from nextadvance.mappings._coach_text import coach_json, coach_signature, coach_text

__all__ = [
    "COACH_VERSION",
    "MAX_CHARS",
    "CoachPayload",
    "build_coach",
    "coach_json",
    "coach_json_schema",
    "coach_signature",
    "coach_text",
    "evidence_line",
    "stage_label",
]

#: Bumped when a field changes meaning or disappears; adding an optional field keeps it.
COACH_VERSION = 1

#: Caps that bound the payload (characters per text, items per list).
_TEXT = 240
_LONG = 400
_OBJECTIVES = 24
_ITEMS = 8

ObjectiveStatus = Literal["learned", "missing", "learned_negative"]


class _P(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CoachObjective(_P):
    """One checklist line: a micro-objective and what proved it (or that it is missing)."""

    title: str = Field(max_length=_TEXT)
    status: ObjectiveStatus = Field(
        description="learned; missing; learned_negative (learned, and the answer is a no)."
    )
    essential: bool
    evidence: str | None = Field(default=None, max_length=_TEXT)
    on: date | None = Field(default=None, description="Date of the activity that proved it.")


class CoachAdvance(_P):
    """The two advances to close for: the most the client could agree to, and the minimum."""

    stretch: str | None = Field(default=None, max_length=_TEXT)
    conservative: str | None = Field(default=None, max_length=_TEXT)
    stretch_id: str | None = Field(default=None, max_length=_TEXT)
    conservative_id: str | None = Field(default=None, max_length=_TEXT)


class CoachVerdict(_P):
    """The verdict on the rep's recorded next step, in words, with a suggested rewrite."""

    code: str = Field(max_length=40, description="advance, vague, seller_action, ...")
    qualifier: str | None = Field(
        default=None,
        max_length=40,
        description="What qualifies a good step (code advance): overdue, unknown_person, "
        "behind_stage; the label and sentence say it.",
    )
    label: str = Field(max_length=_TEXT, description="The playbook's wording.card.labels.")
    sentence: str = Field(max_length=_LONG, description="The verdict field's sentence.")
    next_step: str | None = Field(default=None, max_length=_TEXT)
    rewrite: str | None = Field(default=None, max_length=_LONG)


class CoachMomentum(_P):
    """Is the deal moving: stalled flag, parking, the last advance and when."""

    stalled: bool = False
    parked_until: date | None = None
    parked_reason: str | None = Field(default=None, max_length=_TEXT)
    last_advance: str | None = Field(default=None, max_length=_TEXT)
    last_advance_on: date | None = None
    note: str | None = Field(
        default=None,
        max_length=_TEXT,
        description="The fact behind the flag: 'No client advance since 11 Jul; last "
        "conversation 6 Dec' (absent while the deal advances within its stage's norm).",
    )


class CoachPayload(_P):
    """What a CRM card renders for one deal (the value of ``NA_Coach__c`` / ``na_coach``)."""

    v: Literal[1] = Field(description="Payload version.")
    stage: str = Field(max_length=_TEXT, description="The stage's name, not its key.")
    decided_at: datetime = Field(description="When this advice was decided (UTC).")
    open: bool
    ready: bool = Field(description="Every essential of the current stage is learned.")
    gap: list[str] = Field(
        max_length=_OBJECTIVES,
        description="Earlier stages' essentials still unknown (the deal is ahead of its evidence).",
    )
    objectives: list[CoachObjective] = Field(max_length=_OBJECTIVES)
    advance: CoachAdvance
    learn: list[str] = Field(max_length=_ITEMS)
    questions: list[str] = Field(max_length=_ITEMS)
    plan: list[str] = Field(max_length=_ITEMS)
    verdict: CoachVerdict
    momentum: CoachMomentum


def coach_json_schema() -> dict[str, Any]:
    """The JSON Schema of :class:`CoachPayload` (``nextadvance schema coach``)."""
    schema = CoachPayload.model_json_schema()
    schema["$id"] = f"https://nextadvance.dev/schemas/coach-v{COACH_VERSION}.json"
    return schema


def _cut(text: object, limit: int = _TEXT) -> str | None:
    if text is None:
        return None
    return _flat(text if type(text) is str else str(text), limit)


@lru_cache(maxsize=1024)
def _flat(text: str, limit: int) -> str | None:
    """``text`` on one line, cut to ``limit``; memoised: a sync cuts the same titles, plan
    steps and questions for every open deal."""
    flat = " ".join(text.split())
    if not flat:
        return None
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def stage_label(key: str) -> str:
    """A readable stage name from a key when no title is known (``needs_analysis``)."""
    words = key.replace("_", " ").replace("-", " ").split()
    return " ".join(words).capitalize() if words else key


def utc_second(moment: datetime) -> str:
    """``moment`` as UTC to the second."""
    # memoised on the UTC instant, not on ``moment``: two datetimes of one ZoneInfo in the
    # hour a DST change repeats are == and hash alike (wall clock, fold ignored)
    return _utc_second(moment.astimezone(UTC))


@lru_cache(maxsize=8)
def _utc_second(utc: datetime) -> str:
    """Memoised: every deal of a run is decided at the run's instant."""
    return utc.strftime("%Y-%m-%dT%H:%M:%SZ")


def _day(value: datetime | date | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.astimezone(UTC).date().isoformat()
    return value.isoformat()


_KEYWORDS = re.compile(r"^'(?P<word>[^']+)' in (?P<kind>\w+)(?: of \S+)?$")
#: a keyword hit in a clause that says no (core/_evidence.py): the card shows the clause
_NEGATIVE = re.compile(
    r"^'[^']+' in (?P<kind>\w+)(?: of \S+)?, negative: '(?P<clause>.*)' \(learned, bad news:.*\)$"
)
#: a keyword hit in the deal's own description (core/_evidence.py): the card quotes it
_DESCRIPTION = re.compile(
    r"^'[^']+' in the deal description(?: of \S+)?(?:, negative)?: '(?P<quote>.*)'"
    r"(?: \(learned, bad news:.*\))?$"
)
_ACTIVITY = re.compile(r"^completed (?P<kind>\w+)(?: on \S+)?(?: with (?P<role>\w+))?$")
_ROLE = re.compile(r"^contact with role (?P<role>\w+)$")
_FIELD = re.compile(r"^field (?P<name>\w+) = '(?P<value>[^']*)'(?: \(\w+\))?$")
_ISO_DAY = re.compile(r"\b(\d{4}-\d{2}-\d{2})\b")
_DATE_VALUE = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])(?:[T ][\d:.+Z-]*)?$")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_CODE = re.compile(r"\s*\([a-z]+(?:_[a-z]+)*\)$")


def _words(key: str) -> str:
    return key.replace("_", " ")


def _article(word: str) -> str:
    return "an" if word[:1] in "aeiou" else "a"


def evidence_line(detail: str, contact: str | None = None) -> str:
    """The engine's evidence detail in the rep's words (no field keys, rule codes or dates).

    The engine's details are written for explanations (``field pain = 'manual work'
    (non_empty)``); the card wants ``Pain: manual work``.  Unknown shapes are kept, with
    snake_case turned into words, so a new engine wording never breaks the card.
    """
    text = " ".join(detail.split())
    if m := _DESCRIPTION.match(text):
        return f"In the deal description: “{m['quote']}”"
    if m := _NEGATIVE.match(text):
        return f"In {_article(m['kind'])} {m['kind']}: “{m['clause']}”"
    if m := _KEYWORDS.match(text):
        return f"“{m['word']}” mentioned in {_article(m['kind'])} {m['kind']}"
    if m := _ACTIVITY.match(text):
        who = f" with the {_words(m['role'])}" if m["role"] else ""
        return f"{m['kind'].capitalize()} held{who}"
    if m := _ROLE.match(text):
        role = _words(m["role"]).capitalize()
        return f"{role}: {contact}" if contact else f"{role} named"
    if m := _FIELD.match(text):
        name, value = _words(m["name"]).capitalize(), m["value"]
        if value.casefold() in ("true", "yes", "1"):
            return name
        if d := _DATE_VALUE.match(value):  # as the card writes dates: 28 Dec 2026
            return f"{name}: {int(d[3])} {_MONTHS[int(d[2]) - 1]} {d[1]}"
        return f"{name}: {value}"
    return _words(_CODE.sub("", text))


@lru_cache(maxsize=2048)
def _evidence_cut(detail: str, contact: str | None) -> str | None:
    """The card's evidence line, cut; memoised: many deals share a detail (the same field
    value, meeting kind or keyword), each one tried against half a dozen patterns."""
    return _cut(evidence_line(detail, contact))


def _status(raw: str) -> str:
    # Statuses the card does not know yet read as missing: never a false "learned".
    return raw if raw in ("learned", "missing", "learned_negative") else "missing"


def _objectives(
    decision: Decision,
    activity_dates: Mapping[str, datetime | date],
    contact_names: Mapping[str, str],
) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for o in decision.objectives[:_OBJECTIVES]:
        status = _status(str(o.status))
        ev = o.evidence[0] if o.evidence and status != "missing" else None
        line = on = None
        if ev is not None:
            contact = contact_names.get(ev.contact_id) if ev.contact_id else None
            line = _evidence_cut(ev.detail, contact)
            if ev.activity_id is not None and ev.activity_id in activity_dates:
                on = _day(activity_dates[ev.activity_id])
            elif _DESCRIPTION.match(" ".join(ev.detail.split())):
                # undated: the description's date is the deal's last change, which our own
                # write moves: dated, the card would differ after every write (echo loop)
                on = None
            elif ev.source in ("activity", "keywords") and (m := _ISO_DAY.search(ev.detail)):
                on = m.group(1)
        out.append(
            {
                "title": _cut(o.title) or stage_label(o.id),
                "status": status,
                "essential": o.essential,
                "evidence": line,
                "on": on,
            }
        )
    return out


def _texts(items: Iterable[object], limit: int = _TEXT) -> list[str]:
    out = []
    for item in items:
        text = _cut(item, limit)
        if text:
            out.append(text)
        if len(out) == _ITEMS:
            break
    return out


def _verdict(decision: Decision, wording: Wording) -> dict[str, Any]:
    v = card_verdict(decision, wording)
    v["sentence"] = _cut(v["sentence"], _LONG) or v["label"]
    v["next_step"] = _cut(v["next_step"])
    v["rewrite"] = _cut(v["rewrite"], _LONG)
    return v


#: the shipped wording, for a payload built without a playbook
_WORDING = Wording()
_TITLES: dict[int, tuple[Playbook, dict[str, str]]] = {}


def _playbook_titles(playbook: Playbook | None) -> dict[str, str]:
    """Objective id -> title over every stage (a look-ahead names the next stage's);
    memoised per playbook, since a sync builds one payload per open deal."""
    if playbook is None:
        return {}
    hit = _TITLES.get(id(playbook))
    if hit is not None and hit[0] is playbook:
        return hit[1]
    titles = {o.id: o.title for s in playbook.stages for o in s.objectives if o.title}
    for seg in playbook.segments:  # the objectives a segment adds
        titles.update((a.objective.id, a.objective.title) for a in seg.add if a.objective.title)
    if len(_TITLES) >= 16:
        _TITLES.clear()
    _TITLES[id(playbook)] = (playbook, titles)
    return titles


def build_coach(
    decision: Decision,
    *,
    stage_title: str | None = None,
    activity_dates: Mapping[str, datetime | date] | None = None,
    contact_names: Mapping[str, str] | None = None,
    playbook: Playbook | None = None,
) -> dict[str, Any]:
    """The coach payload of one decision, as a JSON-ready dict.

    ``stage_title`` is the playbook's name for the stage (else the key, made readable);
    ``activity_dates`` maps activity ids to when they happened, so evidence lines carry a
    date (the decision names the activity, not its time); ``contact_names`` maps contact
    ids to names, so a role line says who; ``playbook`` gives the card its words (verdict
    labels) and the titles of objectives the decision only names by id (a look-ahead).
    Without it, the shipped wording and ids made readable: never an id as written.
    """
    dates = activity_dates or {}
    co = decision.call_objective
    titles = {**_playbook_titles(playbook)}
    titles.update((o.id, o.title) for o in decision.objectives if o.title)
    stretch = _cut(co.stretch.text) if co.stretch is not None else None
    conservative = _cut(co.conservative.text) if co.conservative is not None else None
    mom = decision.momentum
    return {
        "v": COACH_VERSION,
        "stage": _cut(stage_title) or stage_label(decision.stage),
        "decided_at": utc_second(decision.decided_at),
        "open": decision.open,
        "ready": decision.ready_to_advance,
        "gap": _texts(titles.get(i) or stage_label(i) for i in decision.stage_gap_objectives)
        if decision.stage_gap
        else [],
        "objectives": _objectives(decision, dates, contact_names or {}),
        "advance": {
            "stretch": stretch,
            "conservative": conservative,
            "stretch_id": co.stretch.advance_id if co.stretch is not None else None,
            "conservative_id": co.conservative.advance_id if co.conservative is not None else None,
        },
        "learn": _texts(titles.get(i) or stage_label(i) for i in co.learn),
        "questions": _texts(co.questions, _LONG),
        "plan": _texts(co.plan, _LONG),
        # the verdict field's own sentence and rewrite ("Try: '...'"), under a label
        "verdict": _verdict(decision, playbook.wording if playbook is not None else _WORDING),
        "momentum": {
            "stalled": mom.stalled,
            "parked_until": _day(mom.parked_until) if mom.parked else None,
            "parked_reason": _cut(mom.parked_reason) if mom.parked else None,
            "last_advance": _cut(mom.last_advance),
            "last_advance_on": _day(mom.last_advance_at),
            "note": _cut(mom.note),
        },
    }


#: Worst-case length of :func:`coach_json` output: every list full, every text at its cap
#: (checked by a test that builds exactly that payload).
MAX_CHARS = 24_000
