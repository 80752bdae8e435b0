"""Evidence: does a deal's data prove a micro-objective, and what exactly proved it?

A :class:`DealContext` indexes one deal once (roles, activities in time order, normalised
activity text) so each objective's rules are cheap set and substring tests.  The deal's
own description is text a rep wrote too: a keyword rule that reads notes reads it, after
the dated activities (its date is the deal's last change, which says nothing of when the
words were written), and the note reader gives the fact its sign as in a note.
"""

from __future__ import annotations

import re
from operator import attrgetter
from typing import Any

from nextadvance.core._compiled import TEXT_KIND_SET, CompiledObjective, CompiledRule, normalise
from nextadvance.core._decision import Evidence, ObjectiveResult, evidence
from nextadvance.core._memo import remember
from nextadvance.core._notes import NoteReader
from nextadvance.core._textindex import TextIndex, build_index, words_of
from nextadvance.core.models import Activity, ActivityKind, Deal, Outcome

__all__ = [
    "DESCRIPTION",
    "NEGATIVE",
    "DealContext",
    "activity_evidence",
    "description_evidence",
    "evaluate",
    "field_evidence",
    "is_non_empty",
    "is_truthy",
]

_TRUE = frozenset({"true", "yes", "y", "1", "confirmed", "approved", "x", "done", "ok"})
_AT = attrgetter("at")
_TEXT = TEXT_KIND_SET
_SILENT = frozenset({Outcome.no_show, Outcome.canceled, Outcome.scheduled, Outcome.rescheduled})
#: how evidence details name the deal's own text (``mappings/_coach.py`` reads it back)
DESCRIPTION = "the deal description"
#: sentence ends inside a description (a quote shows the sentence that holds the keyword)
_SENTENCE = re.compile(r"(?<=[.!?;])\s+|\n+")
_QUOTE = 120
NEGATIVE = " (learned, bad news: not met, not missing; the next call must deal with it)"


def is_non_empty(value: Any) -> bool:
    """A field has a value: not None, not blank text, not an empty collection."""
    if value is None:
        return False
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, list | tuple | dict | set):
        return bool(value)
    return True


def is_truthy(value: Any) -> bool:
    """A field says yes: True, a non-zero number, or text like 'yes'/'confirmed'."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return value != 0
    if isinstance(value, str):
        return value.strip().lower() in _TRUE
    return False


class DealContext:
    """One deal indexed for evidence tests; built once per ``decide`` call."""

    __slots__ = (
        "_indexes",
        "_notes",
        "activities",
        "deal",
        "description",
        "learned",
        "role_of",
        "roles",
    )

    def __init__(self, deal: Deal) -> None:
        self.deal = deal
        # sorted() is stable and linear on sorted input, so an already ordered list keeps
        # its order (ties included) exactly as before
        self.activities: list[Activity] = sorted(deal.activities, key=_AT)
        roles: dict[str, str] = {}
        role_of: dict[str, str] = {}
        for c in deal.contacts:
            role = c.role
            if role:
                if role not in roles:
                    roles[role] = c.id
                role_of[c.id] = role
        self.roles = roles
        self.role_of = role_of
        self._indexes: dict[frozenset[ActivityKind], TextIndex] = {}
        self._notes: dict[int, tuple[str, str]] = {}
        #: the objectives ``learn_all`` tested first, their results and the note reader
        self.learned: (
            tuple[tuple[CompiledObjective, ...], tuple[ObjectiveResult, ...], NoteReader | None]
            | None
        ) = None
        #: the description's normalised text (padded) and words; None when it has none
        self.description: tuple[str, frozenset[str]] | None = None
        if deal.description:
            joined, words = words_of("", deal.description)
            if words:
                self.description = (f" {joined} ", words)

    def note(self, a: Activity) -> tuple[str, str]:
        """``a``'s text as the note reader reads it, and "kind of date" for evidence details.

        Several objectives (and momentum) cite the same newest activity; building both
        strings once per activity also hands the note reader's memo one string object,
        whose hash Python then computes only once.
        """
        hit = self._notes.get(id(a))
        if hit is None:
            hit = self._notes[id(a)] = (
                f"{a.subject}. {a.body}",
                f"{a.kind._value_} of {a.at.date().isoformat()}",
            )
        return hit

    def spoken(self) -> list[Activity]:
        """Activities whose text counts (not canceled, no-show or merely scheduled)."""
        return [a for a in self.activities if a.outcome not in _SILENT]

    def words(self) -> frozenset[str]:
        """Every word keyword rules of the default kinds can read: activities' and the
        description's (what :func:`~nextadvance.core._candidates.candidates` asks with)."""
        words = self.index(_TEXT).words
        return words if self.description is None else words | self.description[1]

    def in_description(self, rule: CompiledRule) -> str | None:
        """The keyword of ``rule`` the description holds, when the rule reads notes."""
        d = self.description
        kws = rule.keywords
        if d is None or kws is None or ActivityKind.note not in rule.kinds:
            return None
        return kws.find(d[0], d[1]) if kws.may_match(d[1]) else None

    def index(self, kinds: frozenset[ActivityKind]) -> TextIndex:
        """The text index of spoken activities of these kinds (built on first use)."""
        hit = self._indexes.get(kinds)
        if hit is None:
            hit = build_index(
                [a for a in self.activities if a.kind in kinds and a.outcome not in _SILENT]
            )
            self._indexes[kinds] = hit
        return hit


def _field(rule: CompiledRule, ctx: DealContext) -> Evidence | None:
    r = rule.rule
    assert r.field is not None
    value = ctx.deal.fields.get(r.field)
    if r.op == "non_empty":
        ok = is_non_empty(value)
    elif r.op == "truthy":
        ok = is_truthy(value)
    elif r.op == "equals":
        ok = value is not None and str(value).strip().lower() == str(r.value).strip().lower()
    else:
        ok = value is not None and str(value).strip().lower() in rule.values
    if not ok:
        return None
    shown = str(value)
    if len(shown) > 80:
        shown = shown[:77] + "..."
    return evidence("field", f"field {r.field} = {shown!r} ({r.op})")


#: (field rule, value type, value) -> the rule and its evidence or None: a field's values
#: recur across an org ("yes", True); scalars only, short text only (bounded)
_FIELDS: dict[tuple[int, type, Any], tuple[CompiledRule, Evidence | None]] = {}
_FIELDS_LIMIT = 512
#: value types memoised: equal values of one of these have one repr (not floats: -0.0)
_SCALARS = (str, bool, int)


def field_evidence(rule: CompiledRule, ctx: DealContext) -> Evidence | None:
    """:func:`_field`, memoised per rule and scalar value (keyed by the value's type too:
    ``True == 1`` but they show differently)."""
    value: Any = ctx.deal.fields.get(rule.name)
    kind = type(value)
    if kind not in _SCALARS or (isinstance(value, str) and len(value) > 80):
        return _field(rule, ctx)
    key = (id(rule), kind, value)
    hit = _FIELDS.get(key)
    if hit is None or hit[0] is not rule:
        hit = remember(_FIELDS, key, (rule, _field(rule, ctx)), _FIELDS_LIMIT)
    return hit[1]


def _role(rule: CompiledRule, ctx: DealContext) -> Evidence | None:
    role = rule.rule.role
    assert role is not None
    cid = ctx.roles.get(role)
    if cid is None:
        return None
    return evidence("role", f"contact with role {role}", None, cid)


def activity_evidence(rule: CompiledRule, ctx: DealContext) -> Evidence | None:
    kinds, outcomes, roles = rule.kinds, rule.outcomes, rule.roles
    for a in reversed(ctx.activities):
        if a.kind not in kinds or a.outcome not in outcomes:
            continue
        if roles:
            role_of = ctx.role_of
            who = next((c for c in a.contact_ids if role_of.get(c) in roles), None)
            if who is None:
                continue
            detail = f"{a.outcome._value_} {a.kind._value_} on {a.at.date().isoformat()} with {role_of[who]}"
            return evidence("activity", detail, a.id, who)
        return evidence(
            "activity", f"{a.outcome._value_} {a.kind._value_} on {a.at.date().isoformat()}", a.id
        )
    return None


def _keywords(rule: CompiledRule, ctx: DealContext) -> Evidence | None:
    kws = rule.keywords
    assert kws is not None
    found = ctx.index(rule.kinds).search(kws)
    if found is None:
        hit = ctx.in_description(rule)
        return None if hit is None else description_evidence(ctx.deal, hit, "positive")
    a, hit = found
    return evidence("keywords", f"'{hit}' in {a.kind._value_} of {a.at.date().isoformat()}", a.id)


def _sentence(text: str, keyword: str) -> str:
    """The sentence of ``text`` holding ``keyword`` (the last one, whose clause the note
    reader signs), cut to a quote."""
    needle = f" {keyword} "
    found = next((s for s in reversed(_SENTENCE.split(text)) if needle in normalise(s)), text)
    found = " ".join(found.split())
    return found if len(found) <= _QUOTE else found[: _QUOTE - 3] + "..."


def description_evidence(deal: Deal, hit: str, sign: str) -> Evidence:
    """Evidence that the deal's description says it: the sentence quoted, dated at the
    deal's last change (or creation), negative when the note reader reads a no."""
    assert deal.description is not None
    when = (deal.modified_at or deal.created_at).date().isoformat()
    quote = _sentence(deal.description, hit)
    if sign == "negative":
        return evidence(
            "keywords", f"'{hit}' in {DESCRIPTION} of {when}, negative: '{quote}'{NEGATIVE}"
        )
    return evidence("keywords", f"'{hit}' in {DESCRIPTION} of {when}: '{quote}'")


_TESTS = {"field": _field, "role": _role, "activity": activity_evidence, "keywords": _keywords}


def evaluate(obj: CompiledObjective, ctx: DealContext) -> tuple[Evidence, ...]:
    """The evidence that proves ``obj`` (first matching rule), or () when it is missing."""
    for rule in obj.rules:
        ev = _TESTS[rule.kind](rule, ctx)
        if ev is not None:
            return (ev,)
    return ()
