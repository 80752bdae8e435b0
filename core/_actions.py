"""Which client action a clause names (:mod:`nextadvance.core._parse`, step 3).

Every client action of the lexicon is one big case-insensitive alternation of phrases; a
clause is searched with each (skipping those no word of the clause can start,
:mod:`nextadvance.core._prefilter`) and the biggest step it names wins: the latest
``min_stage``, then lexicon order.  A step that is only a topic, or named inside a longer
match of another action, does not count.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from nextadvance.core._memo import LONG_TEXT, remember
from nextadvance.core._prefilter import StartIndex, first_of, prepare
from nextadvance.core._regex import Regex, regex

if TYPE_CHECKING:
    from nextadvance.core._lexicon_model import Lexicon

__all__ = ["ActionFinder"]

#: a step named after these is when, not what: "org map before Jon's intro"
_WHEN_BEFORE = re.compile(r"\b(?:before|after|ahead of|prior to)\s+(?:\S+\s+){0,2}$")
_WHEN_WORDS = re.compile(r"\b(?:before|after|ahead|prior)\b")
#: bound of the per-clause memo of ``find`` (cleared when full)
_FIND_LIMIT = 4_096
_UNSET = object()
#: after a determiner the next noun is what the action is done to, not what it is about:
#: "sign the quote" is the signature, "the signing process" / "pilot proposal" a topic
_DETERMINERS = r"(?:the|our|their|his|her|this|that|its)"


class ActionFinder:
    """The lexicon's client actions compiled, with the phrases that make one a topic."""

    def __init__(self, lexicon: Lexicon, stage_order: dict[str, int]) -> None:
        self.order = stage_order
        self.topic_before = (
            re.compile(r"\b(?:" + "|".join(lexicon.topic_before) + r")\s+(?:\S+\s+){0,2}$")
            if lexicon.topic_before
            else None
        )
        self.info_after = (
            re.compile(
                r"^\S*\s+(?:(?!"
                + _DETERMINERS
                + r"\s)\S+\s+)?(?:"
                + "|".join(lexicon.info_after)
                + r")\b"
            )
            if lexicon.info_after
            else None
        )
        #: (action id, its phrases as one pattern, the stage it is realistic from)
        self.actions: list[tuple[str, Regex, str | None]] = [
            (a.id, regex(r"\b(?:" + "|".join(a.patterns) + r")", re.IGNORECASE), a.min_stage)
            for a in lexicon.client_actions
        ]
        prepare(*[pat for _, pat, _ in self.actions])
        #: what each action's match can start with (``_prefilter``), read in the action loop
        self._firsts = tuple(first_of(pat) for _, pat, _ in self.actions)
        self._starts = StartIndex([pat for _, pat, _ in self.actions])
        #: a short clause's base forms -> ``find`` of it: a clause is parsed again for
        #: each clause before it and for the sentence's date, its action is the same
        self._found: dict[str, tuple[int, int, str, str | None] | None] = {}

    def is_topic(self, s: str, start: int, end: int) -> bool:
        """The action matched at ``start:end`` is only a topic ("a call to discuss the
        pilot", "the signing process")."""
        if self.topic_before is not None and self.topic_before.search(s, 0, start):
            return True
        return self.info_after is not None and self.info_after.match(s[start:]) is not None

    def find(
        self, s: str, starts: frozenset[str] | None = None
    ) -> tuple[int, int, str, str | None] | None:
        """``_find`` memoised for short ``s`` (``starts``, its word initials, only skips
        work: the answer is the same without them)."""
        memo = self._found
        hit = memo.get(s, _UNSET)
        if hit is not _UNSET:
            return hit  # type: ignore[return-value]
        found = self._find(s, starts)
        if len(s) <= LONG_TEXT:
            remember(memo, s, found, _FIND_LIMIT)
        return found

    def _find(
        self, s: str, starts: frozenset[str] | None = None
    ) -> tuple[int, int, str, str | None] | None:
        """The biggest step the clause mentions (latest ``min_stage``, then lexicon order).

        A big step that is only a topic ("a call to discuss the pilot", "the signing
        process") does not count, nor a match inside a longer match of another action
        ("approve" inside "approve the budget", or starting inside "budget is approved"):
        stage fit follows the object.
        """
        found: list[tuple[int, int, int, int, str, str | None]] = []
        when_words = _WHEN_WORDS.search(s) is not None
        firsts = self._firsts
        # where each action's phrases can start: its match is looked for only there
        at = self._starts.positions(s) if starts is not None else None
        indexed = self._starts.indexed
        for i, (aid, pat, min_stage) in enumerate(self.actions):
            first = firsts[i]
            if starts is not None and first is not None and first.isdisjoint(starts):
                continue  # no word of the clause starts as a phrase of this action
            size = -1 if min_stage is None else self.order.get(min_stage, 0)
            if at is not None and indexed[i]:
                where = at.get(i)
                if where is None:
                    continue  # no word of the clause starts as a phrase of this action
                matches = pat.finditer_at(s, where)
            else:
                matches = pat.finditer(s)
            for m in matches:
                # sharing or reviewing something is the commitment whatever it is about
                if (
                    min_stage is None and not (when_words and _WHEN_BEFORE.search(s, 0, m.start()))
                ) or not self.is_topic(s, m.start(), m.end()):
                    found.append((size, i, m.start(), m.end(), aid, min_stage))
                    break
        if not found:
            return None
        # ... but a big step named inside a general one is its object ("bringing the
        # steering committee in" is the committee session, not just an introduction)
        kept = [
            f
            for f in found
            if not any(
                g is not f
                and g[2] <= f[2] < g[3]
                and g[3] - g[2] > f[3] - f[2]
                and (g[5] is not None or f[5] is None)
                for g in found
            )
        ]
        best = min(kept, key=lambda f: (-f[0], f[1]))
        return best[2], best[3], best[4], best[5]
