"""Classify a recorded next step: advance, vague, seller_action, unrealistic_for_stage, empty.

The lexicon (YAML) supplies every phrase; this module only applies them in a fixed order
(documented in docs/playbook.md):

1. blank or a placeholder (``n/a``, ``tbd``) -> ``empty``;
2. the text is split into clauses; a clause is the *seller's* when it starts with a
   seller actor ("we", "I'll", "our team") or with a seller verb in the imperative ("send",
   "walk them through"); it is *vague* when it starts with a vague phrase ("touch base",
   "follow up"); otherwise it is the *client's* when it names a client action ("sign",
   "review", "introduce", "book a meeting");
3. a client clause whose action is too big for the deal's stage makes the text
   ``unrealistic_for_stage`` unless another client clause fits the stage;
4. a fitting client clause is an ``advance`` when the text names a client person or a date
   (strength 1.0 with both, lower with one); with neither, or hedged ("hopefully",
   "waiting on"), it is ``vague``;
5. otherwise any seller clause -> ``seller_action`` (``vague`` when hedged, e.g. "call me
   next quarter"); else ``vague``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from nextadvance.core._lexicon_model import Lexicon

__all__ = ["CompiledLexicon", "StepResult"]

_FLAGS = re.IGNORECASE


def _alt(patterns: tuple[str, ...]) -> re.Pattern[str] | None:
    if not patterns:
        return None
    return re.compile("|".join(f"(?:{p})" for p in patterns), _FLAGS)


@dataclass(frozen=True, slots=True)
class StepResult:
    """The classifier's raw answer: verdict, reason, strength and the client action found."""

    verdict: str
    reason: str
    strength: float = 0.0
    action: str | None = None


class CompiledLexicon:
    """A lexicon with its patterns compiled, ready to classify many texts quickly."""

    def __init__(self, lexicon: Lexicon, stage_order: dict[str, int]) -> None:
        self.lexicon = lexicon
        self.order = stage_order
        self.empty = {m.lower() for m in lexicon.empty_markers}
        self.split = re.compile(lexicon.clause_separators, _FLAGS)
        self.vague = _alt(lexicon.vague)
        self.vague_lead = (
            re.compile(r"^\W*(?:" + "|".join(f"(?:{p})" for p in lexicon.vague) + ")", _FLAGS)
            if lexicon.vague
            else None
        )
        self.hedges = _alt(lexicon.hedges)
        self.seller_lead = (
            re.compile(
                r"^\W*(?:(?:"
                + "|".join(lexicon.seller_actors)
                + r")\b|(?:"
                + "|".join(lexicon.seller_actions)
                + r")\b)",
                _FLAGS,
            )
            if lexicon.seller_actors or lexicon.seller_actions
            else None
        )
        self.client_actor = _alt(lexicon.client_actors)
        self.dates = _alt(lexicon.dates)
        self.actions = [
            (a.id, re.compile(r"\b(?:" + "|".join(a.patterns) + r")", _FLAGS), a.min_stage)
            for a in lexicon.client_actions
        ]
        self.any_action = (
            re.compile(
                r"\b(?:" + "|".join(p for a in lexicon.client_actions for p in a.patterns) + ")",
                _FLAGS,
            )
            if lexicon.client_actions
            else None
        )
        self.stopwords = {w.lower() for w in lexicon.name_stopwords}
        self._name = re.compile(r"(?<![\w'])([A-Z][a-z]+(?:-[A-Z][a-z]+)?)\b")
        self._subject_to = re.compile(
            r"^\W*([A-Za-z][\w.'-]*)(?:\s+[A-Za-z][\w.'-]*)?\s+(?:to|will|agreed to|'ll|is going to)\s",
            _FLAGS,
        )

    def _has_owner(self, text: str) -> bool:
        if self.client_actor is not None and self.client_actor.search(text):
            return True
        for m in self._name.finditer(text):
            if m.group(1).lower() not in self.stopwords:
                return True
        for clause in self.split.split(text):
            sub = self._subject_to.match(clause or "")
            if sub and sub.group(1).lower() not in self.stopwords:
                return True
        return False

    def _client_action(self, clause: str) -> tuple[str, str | None] | None:
        if self.any_action is None or not self.any_action.search(clause):
            return None  # one scan answers "no client action" for most seller/vague texts
        for aid, pat, min_stage in self.actions:
            if pat.search(clause):
                return aid, min_stage
        return None

    def classify(self, text: str | None, stage: str) -> StepResult:
        """Classify ``text`` for a deal in ``stage`` (see the module docstring for the order)."""
        raw = (text or "").strip()
        if not raw or raw.lower().strip(" .!") in self.empty or not re.search(r"\w", raw):
            return StepResult("empty", "no next step recorded")
        clauses = [c.strip() for c in self.split.split(raw) if c and c.strip()]
        seller = vague = 0
        fitting: list[str] = []
        too_big: list[tuple[str, str]] = []
        here = self.order.get(stage, 0)
        for clause in clauses:
            if self.seller_lead is not None and self.seller_lead.search(clause):
                seller += 1
                continue
            if self.vague_lead is not None and self.vague_lead.search(clause):
                vague += 1
                continue
            found = self._client_action(clause)
            if found is None:
                if self.vague is not None and self.vague.search(clause):
                    vague += 1
                continue
            aid, min_stage = found
            if min_stage is not None and self.order.get(min_stage, 0) > here:
                too_big.append((aid, min_stage))
            else:
                fitting.append(aid)
        if fitting:
            action = fitting[0]
            if self.hedges is not None and self.hedges.search(raw):
                return StepResult(
                    "vague",
                    f"client action '{action}' is hedged (hope, waiting): no commitment recorded",
                    0.2,
                    action,
                )
            owner = self._has_owner(raw)
            dated = self.dates is not None and self.dates.search(raw) is not None
            s = self.lexicon.strength
            if owner and dated:
                return StepResult(
                    "advance",
                    f"client action '{action}' with a client person and a date",
                    s.complete,
                    action,
                )
            if owner:
                return StepResult(
                    "advance",
                    f"client action '{action}' with a client person but no date",
                    s.no_date,
                    action,
                )
            if dated:
                return StepResult(
                    "advance",
                    f"client action '{action}' with a date but no client person named",
                    s.no_owner,
                    action,
                )
            return StepResult(
                "vague",
                f"client action '{action}' but neither who (client person) nor when (date)",
                0.3,
                action,
            )
        if too_big:
            aid, min_stage = too_big[0]
            return StepResult(
                "unrealistic_for_stage",
                f"client action '{aid}' is realistic from stage '{min_stage}' on,"
                f" the deal is in '{stage}'",
                0.0,
                aid,
            )
        if seller and self.hedges is not None and self.hedges.search(raw):
            return StepResult("vague", "a hedged intention (hope, later), not a commitment")
        if seller:
            return StepResult(
                "seller_action", "describes what the seller will do, not a client commitment"
            )
        if vague:
            return StepResult("vague", "too general: no client action, actor or date")
        return StepResult("vague", "no recognisable client action")
