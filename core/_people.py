"""Who is who on a deal, for filling templates: first names by role, who acts, who hears.

A contact can hold two roles, the deal may have nobody in a role, and a sentence said to
the client differs from one written about them ("you", "your legal team"); this keeps
those rules apart from the dates and lines of :mod:`nextadvance.core._coach`.  Pure.
"""

from __future__ import annotations

from datetime import date

from nextadvance.core._callplan import Pick
from nextadvance.core._memo import remember
from nextadvance.core._playbook_model import Advance
from nextadvance.core._wording_model import ROLE_PLACEHOLDERS, Wording, placeholders
from nextadvance.core.models import Deal

__all__ = ["DealPeople"]

#: who speaks for the deal when an advance names no actor, most useful first
_MAIN_ROLES = ("champion", "influencer", "decision_maker", "economic_buyer", "technical_buyer")
_HONORIFICS = frozenset({"dr", "dr.", "mr", "mr.", "mrs", "mrs.", "ms", "ms.", "prof", "prof."})
#: bound of the memos below (cleared when full): names recur across an org
_MEMO_LIMIT = 8_192
#: role-label tables are the same for many deals: built once per wording
_BASES: dict[int, tuple[Wording, dict[str, str]]] = {}


def _base(wording: Wording) -> dict[str, str]:
    """Role placeholders filled with their labels (per wording, built once)."""
    hit = _BASES.get(id(wording))
    if hit is None or hit[0] is not wording:
        roles = wording.roles
        base = {r: roles.get(r, r.replace("_", " ")) for r in ROLE_PLACEHOLDERS}
        hit = _BASES[id(wording)] = (wording, base)
    return hit[1]


_FIRST: dict[str, str | None] = {}
_UNSEEN = ""  # no first name is empty (a name without words has None)


def _first_name(name: str) -> str | None:
    """The first name of a contact (honorific skipped); memoised, names recur in an org."""
    if name in _FIRST:
        return _FIRST[name]
    first = remember(_FIRST, name, _split_first(name), _MEMO_LIMIT)
    return first


def _split_first(name: str) -> str | None:
    parts = name.split()
    if parts and parts[0].casefold() in _HONORIFICS:
        parts = parts[1:]
    return parts[0] if parts else None


class DealPeople:
    """Names and dates of one deal, for filling templates (one ``fill`` dict, reused)."""

    __slots__ = (
        "account",
        "fill",
        "holders",
        "main",
        "names",
        "nobody",
        "today",
        "wording",
    )

    def __init__(
        self,
        deal: Deal,
        wording: Wording,
        today: date,
        stand_ins: dict[str, tuple[str, ...]],
    ) -> None:
        self.wording, self.today = wording, today
        holders: dict[str, str] = {}
        names: list[str] = []
        for c in deal.contacts:
            first = _FIRST.get(c.name, _UNSEEN)  # the memo of _first_name, inlined
            if first is _UNSEEN:
                first = _first_name(c.name)
            if first is None:
                continue
            names.append(first)
            role = c.role
            if role and role not in holders:
                holders[role] = first
        for role, subs in stand_ins.items():  # e.g. the economic buyer decides
            if role not in holders:
                for r in subs:
                    if r in holders:
                        holders[role] = holders[r]
                        break
        self.holders = holders
        self.names = names
        main = names[0] if names else None
        for r in _MAIN_ROLES:
            if r in holders:
                main = holders[r]
                break
        self.main = main
        self.account = deal.account.name or "the account"
        #: who acts when the deal has no contact ("someone at Acme"), said once per deal
        self.nobody = wording.no_contact.format(account=self.account) if main is None else "nobody"
        fill = _base(wording).copy()
        for r, n in holders.items():
            if r in fill:
                fill[r] = n
        fill["account"] = self.account
        self.fill = fill

    def who(self, pick: Pick | None, lead: str | None = None) -> str:
        """Who acts in ``pick``: its ``actor``'s holder, else ``lead`` (the stretch's person,
        for the conservative: a fallback someone else must deliver is not closable on the
        call), else the main contact, or another contact when the main one is the person
        the text brings along ("Nora brings Nora")."""
        adv = pick.advance if pick else None
        if adv is not None and pick is not None and pick.finds_role is None:
            if adv.actor is not None and adv.actor in self.holders:
                return self.holders[adv.actor]
            named = _named(adv)[1]
            if not named:  # nobody the text brings along: nobody busy
                if lead is not None and lead in self.names:
                    return lead
                return self.main or self.nobody
            busy = {self.holders.get(r) for r in named}
            if lead is not None and lead in self.names and lead not in busy:
                return lead
            if self.main is not None and self.main in busy:
                other = self._other(busy, adv.solo is not None)
                if other is not None:
                    return other
        elif lead is not None and lead in self.names:
            return lead
        return self.main or self.nobody

    def _other(self, busy: set[str | None], buyers_only: bool) -> str | None:
        """Who else could act: a main-role holder (contact order), or, when the advance has
        no ``solo`` words to fall back on, any other contact."""
        for r, n in self.holders.items():
            if r in _MAIN_ROLES and n not in busy:
                return n
        if not buyers_only:
            for n in self.names:
                if n not in busy:
                    return n
        return None

    def alone(self, adv: Advance, who: str) -> bool:
        """Whether ``adv``'s text would name ``who`` twice ("Bruno brings Bruno")."""
        uses_who, named = _named(adv)
        return uses_who and any(self.fill.get(r) == who for r in named)

    def spoken(self, who: str) -> dict[str, str]:
        """The fill for sentences said to ``who``: a role they hold themselves is "you",
        a role nobody holds takes its spoken label (``wording.roles_said``)."""
        out = self.fill.copy()
        holders = self.holders
        for r, s in self.wording.roles_said.items():
            if r not in holders:
                out[r] = s
        for r, n in holders.items():
            if n == who and r in out:
                out[r] = "you"
        return out


_NAMED: dict[int, tuple[Advance, tuple[bool, tuple[str, ...]]]] = {}


def _named(adv: Advance) -> tuple[bool, tuple[str, ...]]:
    """Whether ``adv.text`` says ``{who}``, and the roles it or ``requires_roles`` name."""
    hit = _NAMED.get(id(adv))
    if hit is None or hit[0] is not adv:
        used = placeholders(adv.text)
        roles = dict.fromkeys([*adv.requires_roles, *(u for u in used if u in ROLE_PLACEHOLDERS)])
        hit = remember(_NAMED, id(adv), (adv, ("who" in used, tuple(roles))), _MEMO_LIMIT)
    return hit[1]
