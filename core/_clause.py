"""The parse of one clause as data: who · action · object · when · polarity, and the
deal's client side as words (contact names, titles and roles).  Built by
:mod:`nextadvance.core._parse`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from nextadvance.core._regex import Regex

__all__ = ["Clause", "People"]


@dataclass(frozen=True, slots=True)
class People:
    """The deal's client side as words: contact name parts and title/role phrases.

    ``partners``: the words of contacts who work for a channel partner (a reseller, an
    SI: their title says so), their names and their firm's - on the seller's side of the
    deal, so "Pete (Corvane) to resend the quote" is the seller's to-do.
    """

    names: frozenset[str] = frozenset()
    phrases: re.Pattern[str] | None = None
    partners: frozenset[str] = frozenset()

    @staticmethod
    def of(contacts: tuple[tuple[str, str, str], ...], partner: Regex | None = None) -> People:
        """From (name, title, role) triples (any may be empty); ``partner`` matches the
        title of a channel partner's contact."""
        names: set[str] = set()
        phrases: set[str] = set()
        partners: set[str] = set()
        for name, title, role in contacts:
            parts = [p for p in re.split(r"[\s.]+", name.lower()) if len(p) > 1]
            names.update(parts)
            if len(parts) > 1:
                names.add("".join(p[0] for p in parts))  # initials: "nl"
            if len(parts) > 2:
                names.add(parts[0][0] + parts[1][0])  # "MA" for Mark Anthony Villanueva
            if partner is not None and title and partner.search(title):
                # the firm's own name (its first word: "Corvane", not "Systems") and its
                # tag in parentheses ("SI", "reseller")
                firm = title.rsplit(",", 1)[-1].lower() if "," in title else ""
                words = re.findall(r"\w+", re.sub(r"\([^()]*\)", " ", firm))[:1]
                words += re.findall(r"\w+", " ".join(re.findall(r"\(([^()]*)\)", title.lower())))
                partners.update(parts, (w for w in words if len(w) > 1))
                if len(parts) > 1:
                    partners.add("".join(p[0] for p in parts))
                continue  # a partner's title is no client title ("Account Manager")
            if title:
                phrases.add(re.escape(title.lower()))
            if role:
                phrases.add(re.escape(role.replace("_", " ").lower()))
        pat = (
            re.compile(r"\b(?:" + "|".join(sorted(phrases, key=len, reverse=True)) + r")\b")
            if phrases
            else None
        )
        return People(frozenset(names), pat, frozenset(partners))


@dataclass(frozen=True, slots=True)
class Clause:
    """One clause read: who acts, the action, its object, when, and its polarity."""

    text: str
    actor: str  # "seller", "client", "unknown"
    actor_text: str | None
    action: str | None  # a client action id, or None
    object: str | None
    when: str | None
    polarity: str  # "positive", "negative", "hedged", "ongoing"
    goal: bool = False  # a seller goal about the client ("get Nora to sign")
    min_stage: str | None = None
    vague: bool = False  # starts with a too-general phrase ("touch base")
    specific: bool = False  # the client actor is a person, title or team, not "they"
    form: str = "base"  # the action verb's form ("s": a habit, "signs via DocuSign")
    #: the clause's base words without its date, a contact's name as ``_name`` (the
    #: stage-fit model's input; only for a clause with a client action)
    words: tuple[str, ...] = ()

    @property
    def commitment(self) -> bool:
        """A client-side (or unattributed) action read as positive."""
        return self.action is not None and self.actor != "seller" and self.polarity == "positive"

    def as_dict(self) -> dict[str, Any]:
        """The parse as plain data (explanation inputs)."""
        return {
            "who": self.actor if self.actor_text is None else f"{self.actor} ({self.actor_text})",
            "action": self.action,
            "object": self.object,
            "when": self.when,
            "polarity": self.polarity,
            **({"seller_goal": True} if self.goal else {}),
        }

    def describe(self) -> str:
        """``who · action · object · when · polarity`` for explanations."""
        d = self.as_dict()
        return " · ".join(
            f"{k}={v}" for k, v in d.items() if v is not None and k != "seller_goal"
        ) + (" (seller goal, not a client commitment)" if self.goal else "")
