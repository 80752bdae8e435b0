"""Evidence: does a deal's data prove a micro-objective, and what exactly proved it?

A :class:`DealContext` indexes one deal once (roles, activities in time order, normalised
activity text) so each objective's rules are cheap set and substring tests.
"""

from __future__ import annotations

from operator import attrgetter
from typing import Any

from nextadvance.core._compiled import CompiledObjective, CompiledRule
from nextadvance.core._decision import Evidence, trusted
from nextadvance.core._playbook_model import TEXT_KINDS
from nextadvance.core._textindex import TextIndex, build_index
from nextadvance.core.models import Activity, ActivityKind, Deal, Outcome

__all__ = ["DealContext", "evaluate", "is_non_empty", "is_truthy"]

_TRUE = frozenset({"true", "yes", "y", "1", "confirmed", "approved", "x", "done", "ok"})
_AT = attrgetter("at")
_TEXT = frozenset(TEXT_KINDS)
_SILENT = frozenset({Outcome.no_show, Outcome.canceled, Outcome.scheduled, Outcome.rescheduled})


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

    __slots__ = ("_indexes", "_spoken", "activities", "deal", "role_of", "roles")

    def __init__(self, deal: Deal) -> None:
        self.deal = deal
        acts = deal.activities
        self.activities: list[Activity] = list(acts) if _is_sorted(acts) else sorted(acts, key=_AT)
        self.roles: dict[str, str] = {}
        self.role_of: dict[str, str] = {}
        for c in deal.contacts:
            if c.role:
                self.roles.setdefault(c.role, c.id)
                self.role_of[c.id] = c.role
        self._spoken: list[Activity] | None = None
        self._indexes: dict[frozenset[ActivityKind], TextIndex] = {}

    def spoken(self) -> list[Activity]:
        """Activities whose text counts (not canceled, no-show or merely scheduled)."""
        if self._spoken is None:
            self._spoken = [a for a in self.activities if a.outcome not in _SILENT]
        return self._spoken

    def index(self, kinds: frozenset[ActivityKind]) -> TextIndex:
        """The text index of spoken activities of these kinds (built on first use)."""
        hit = self._indexes.get(kinds)
        if hit is None:
            hit = build_index([a for a in self.spoken() if a.kind in kinds])
            self._indexes[kinds] = hit
        return hit


def _is_sorted(acts: tuple[Activity, ...]) -> bool:
    return all(acts[i].at <= acts[i + 1].at for i in range(len(acts) - 1))


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
    return trusted(Evidence, source="field", detail=f"field {r.field} = {shown!r} ({r.op})")


def _role(rule: CompiledRule, ctx: DealContext) -> Evidence | None:
    role = rule.rule.role
    assert role is not None
    cid = ctx.roles.get(role)
    if cid is None:
        return None
    return trusted(Evidence, source="role", detail=f"contact with role {role}", contact_id=cid)


def _activity(rule: CompiledRule, ctx: DealContext) -> Evidence | None:
    for a in reversed(ctx.activities):
        if a.kind not in rule.kinds or a.outcome not in rule.outcomes:
            continue
        if rule.roles:
            who = next((c for c in a.contact_ids if ctx.role_of.get(c) in rule.roles), None)
            if who is None:
                continue
            detail = f"{a.outcome.value} {a.kind.value} on {a.at.date()} with {ctx.role_of[who]}"
            return trusted(
                Evidence, source="activity", detail=detail, activity_id=a.id, contact_id=who
            )
        detail = f"{a.outcome.value} {a.kind.value} on {a.at.date()}"
        return trusted(Evidence, source="activity", detail=detail, activity_id=a.id)
    return None


def _keywords(rule: CompiledRule, ctx: DealContext) -> Evidence | None:
    kws = rule.keywords
    assert kws is not None
    found = ctx.index(rule.kinds).search(kws)
    if found is None:
        return None
    a, hit = found
    return trusted(
        Evidence,
        source="keywords",
        detail=f"'{hit}' in {a.kind.value} of {a.at.date()}",
        activity_id=a.id,
    )


_TESTS = {"field": _field, "role": _role, "activity": _activity, "keywords": _keywords}


def evaluate(obj: CompiledObjective, ctx: DealContext) -> tuple[Evidence, ...]:
    """The evidence that proves ``obj`` (first matching rule), or () when it is missing."""
    return evaluate_all((obj,), ctx)[0]


def evaluate_all(
    objectives: tuple[CompiledObjective, ...], ctx: DealContext
) -> list[tuple[Evidence, ...]]:
    """Evidence for each objective, in order (() where missing).

    Rules that cannot match (field absent, role absent, no keyword word in the deal's
    text) are rejected inline before any test function is called: most objectives of
    most deals are missing, and this keeps their cost to a few set lookups.
    """
    fields = ctx.deal.fields
    roles = ctx.roles
    index = ctx.index
    text_words = index(_TEXT).words  # the kinds nearly every keyword rule uses
    out: list[tuple[Evidence, ...]] = []
    for obj in objectives:
        found: tuple[Evidence, ...] = ()
        for rule in obj.rules:
            kind = rule.kind
            if kind == "field":
                if rule.name not in fields:
                    continue
            elif kind == "role":
                if rule.name not in roles:
                    continue
            elif kind == "keywords":
                kws = rule.keywords
                assert kws is not None
                words = text_words if rule.kinds == _TEXT else index(rule.kinds).words
                if kws.any_words.isdisjoint(words):
                    continue
            ev = _TESTS[kind](rule, ctx)
            if ev is not None:
                found = (ev,)
                break
        out.append(found)
    return out
