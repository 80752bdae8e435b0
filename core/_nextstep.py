"""Classify a recorded next step: advance, vague, seller_action, unrealistic_for_stage, empty.

The text is parsed into clauses (:mod:`nextadvance.core._parse`: who · action · object ·
when · polarity); this module turns the clauses into a verdict, in a fixed order
(documented in docs/playbook.md):

1. blank or a placeholder (``n/a``, ``tbd``) -> ``empty``;
2. a *commitment* is a clause with a client action, not the seller's (nor a seller goal
   such as "get Nora to sign"), and positive (no negation, hedge, or ``-ing`` status
   without a date);
3. a commitment whose action fits the deal's stage is an ``advance`` when the text says who
   (a client person, title or team) or when (a date); with neither it is ``vague``; a
   small step already done (past tense, no date in the text) is no next step;
4. a commitment that is too big for the stage (and says who or when) makes the text
   ``unrealistic_for_stage`` unless another commitment fits;
5. an ``advance`` that the learned advance guard (:mod:`nextadvance.core._advance_guard`,
   applied in :meth:`CompiledLexicon.classify`) reads at high confidence as a seller step
   or vague becomes that verdict;
6. otherwise any seller clause -> ``seller_action`` (a past-tense seller clause next to a
   hedged or ongoing client action is only a report: "sent pricing, hopefully they review
   soon" is ``vague``; and ``vague`` when the text is only a hedged
   intention such as "call me next quarter", "invite sent, no response"); else ``vague``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from nextadvance.core._advance_guard import AdvanceGuard, contact_words, guard_features
from nextadvance.core._memo import remember
from nextadvance.core._notes import NoteReader
from nextadvance.core._parse import Clause, ClauseParser, People
from nextadvance.core._regex import Regex, regex
from nextadvance.core._stage_model import StageModel, step_features

if TYPE_CHECKING:
    from nextadvance.core._lexicon_model import Lexicon

__all__ = ["CompiledLexicon", "StepResult"]

#: bound of the parse and people memos (cleared when full): reached within the first few
#: thousand deals of an org, so memory does not grow with it (issue #20)
_MEMO_LIMIT = 2_048
_PEOPLE_LIMIT = 1_024
# a clause opened by a relative word describes the event before it ("steering committee
# on 22.03. where he presents us"): the client's part in that step, not a step of its own
_RELATIVE_LEADS = frozenset({"where", "whereby", "which", "wherein"})

#: (name, title, role) of each contact on the deal
Contacts = tuple[tuple[str, str, str], ...]


@dataclass(frozen=True, slots=True)
class StepResult:
    """The classifier's answer: verdict, reason, strength, the action, and the parse.

    ``repairable``: a client step that fits the stage and lacks only who and when, so the
    rep's own words with a person and a date added make it an advance.
    """

    verdict: str
    reason: str
    strength: float = 0.0
    action: str | None = None
    clauses: tuple[Clause, ...] = ()
    #: the index in ``clauses`` of the commitment an ``advance`` rests on (-1: none)
    clause: int = -1
    repairable: bool = False

    def parse_text(self) -> str:
        """The parse behind the verdict, one ``who · action · ...`` group per clause."""
        return " | ".join(c.describe() for c in self.clauses)


class CompiledLexicon:
    """A lexicon compiled into a clause parser, ready to classify many texts quickly."""

    def __init__(self, lexicon: Lexicon, stage_order: dict[str, int]) -> None:
        self.lexicon = lexicon
        self.order = stage_order
        self.empty = {m.lower() for m in lexicon.empty_markers}
        self.parser = ClauseParser(lexicon, stage_order)
        self.notes = NoteReader(lexicon, self.parser)
        self._people: dict[Contacts, People] = {}
        self._parses: dict[tuple[str, Contacts], tuple[Clause, ...]] = {}
        #: the learned stage-fit model (None: the lexicon's ``min_stage`` alone decides; also
        #: when the table was trained for other stage names than the playbook's)
        self.stage_model: StageModel | None = (
            lexicon.stage_model.model(stage_order) if lexicon.stage_model is not None else None
        )
        self._sizes: dict[tuple[str, ...], float] = {}
        #: the advance guard's answer per text and contacts (it reads no stage): verdict,
        #: p and top features, or None to keep the advance
        self._guards: dict[tuple[str, Contacts], tuple[str, float, str] | None] = {}
        #: steps that fit any stage (a product tour): never sized by the model
        self.any_stage: Regex | None = (
            regex(r"\b(?:" + "|".join(lexicon.any_stage_steps) + r")", re.IGNORECASE)
            if lexicon.any_stage_steps
            else None
        )
        #: the learned advance guard (None: the rules' advance stands)
        self.advance_guard: AdvanceGuard | None = (
            lexicon.advance_guard.model() if lexicon.advance_guard is not None else None
        )
        self._stages = tuple(sorted(stage_order, key=stage_order.__getitem__))

    def people(self, contacts: Contacts) -> People:
        """The client-side words of these contacts (memoised)."""
        hit = self._people.get(contacts)
        if hit is None:
            hit = People.of(contacts, self.parser.partner)
            remember(self._people, contacts, hit, _PEOPLE_LIMIT)
        return hit

    def is_empty(self, text: str | None) -> bool:
        """Blank, a placeholder ("n/a", "tbd") or punctuation only."""
        raw = (text or "").strip().lower()
        squeezed = "".join(ch for ch in raw if ch.isalnum() or ch == " ").strip()
        return (
            not squeezed
            or raw.strip(" .!") in self.empty
            or squeezed in self.empty
            or squeezed.replace(" ", "") in self.empty
        )

    def classify(self, text: str | None, stage: str, contacts: Contacts = ()) -> StepResult:
        """Classify ``text`` for a deal in ``stage`` (see the module docstring for the order)."""
        if self.is_empty(text):
            return StepResult("empty", "no next step recorded")
        key = ((text or "").strip(), contacts)
        clauses = self._parses.get(key)
        if clauses is None:  # the parse does not depend on the stage: one per text
            clauses = self.parser.parse(key[0], self.people(contacts))
            remember(self._parses, key, clauses, _MEMO_LIMIT)
        result = self.verdict(clauses, stage)
        if result.verdict == "advance" and self.advance_guard is not None:
            if key in self._guards:  # the guard reads no stage: one answer per text
                down = self._guards[key]
            else:
                down = self.guard_answer(key[0], contacts, self.advance_guard)
                remember(self._guards, key, down, _MEMO_LIMIT)
            return self.guarded(result, down)
        return result

    @staticmethod
    def guard_answer(
        text: str, contacts: Contacts, guard: AdvanceGuard
    ) -> tuple[str, float, str] | None:
        """The verdict the advance guard reads at high confidence, its p and its top
        features (None: the advance stands)."""
        feats = guard_features(text, contact_words(contacts))
        down = guard.downgrade(feats)
        if down is None:
            return None
        verdict, p = down
        return verdict, p, guard.explain(feats, verdict)

    @staticmethod
    def guarded(result: StepResult, down: tuple[str, float, str] | None) -> StepResult:
        """``result`` (an advance), or the seller step / vague verdict the advance guard
        read (:meth:`guard_answer`), its reason naming the model and its top features."""
        if down is None:
            return result
        verdict, p, top = down
        return StepResult(
            verdict,
            f"the rules read an advance ({result.reason}), but the advance guard model reads"
            f" {verdict} with p={p:.3f} ({top})",
            0.0 if verdict == "seller_action" else 0.2,
            result.action,
            result.clauses,
        )

    def fits_any_stage(self, c: Clause) -> bool:
        """Whether committed clause ``c`` names a step the lexicon says fits any stage."""
        return self.any_stage is not None and self.any_stage.search(c.text) is not None

    def _learned_size(self, c: Clause, here: int) -> str | None:
        """Why the stage-fit model reads committed clause ``c`` as too big for the stage at
        index ``here`` (None: it fits, or the model is not sure enough).  The model only
        sizes an action the lexicon gives no ``min_stage`` (a general one: "confirm",
        "review", an unlisted verb), so an explicit ``min_stage`` always stands; nor a
        step the lexicon says fits any stage (``any_stage_steps``: a product tour)."""
        model = self.stage_model
        if model is None or not c.words or c.min_stage is not None:
            return None
        feats = None
        score = self._sizes.get(c.words)
        if score is None:  # the score does not depend on the stage: one per clause
            if self.fits_any_stage(c):
                score = 0.0  # never "big": a score <= 0 is never too big (below)
            else:
                feats = step_features(c.words)
                score = model.score(feats)
            remember(self._sizes, c.words, score, _MEMO_LIMIT)
        p = model.too_big(score, here)
        if p < model.threshold or score <= 0:
            return None  # ... nor when only the stage's prior, not the words, says "big"
        size = model.size(score)
        stages = self._stages
        after = f"from stage '{stages[size]}' on" if size < len(stages) else "late"
        feats = step_features(c.words) if feats is None else feats
        top = ", ".join(f"{f} {w:+.2f}" for f, w in model.top(feats))
        return f"stage-fit model p={p:.2f} it is realistic only {after} ({top})"

    def verdict(self, clauses: tuple[Clause, ...], stage: str) -> StepResult:
        """The verdict for parsed clauses."""
        here = self.order.get(stage, 0)
        s = self.lexicon.strength
        dated = any(c.when for c in clauses)
        joint = self.lexicon.joint_actions
        done: list[Clause] = []
        fitting: list[Clause] = []
        too_big: list[Clause] = []
        weak: list[Clause] = []
        learned: dict[int, str] = {}  # clause id -> why the model reads it as too big
        for c in clauses:
            if not c.commitment or c.vague:
                continue
            if not dated and c.form == "past" and c.min_stage is None and c.action not in joint:
                done.append(c)  # done, not a next step: "Ben shared the org chart"
                continue
            if c.min_stage is not None and self.order.get(c.min_stage, 0) > here:
                too_big.append(c)
            elif (big := self._learned_size(c, here)) is not None:
                too_big.append(c)
                learned[id(c)] = big
            else:
                fitting.append(c)
        if too_big:
            # "steering committee on 22/03 - Christoph getting us the slot": an undated
            # status after a big step is the client's part in it, not a step of its own
            first = clauses.index(too_big[0])
            fitting = [
                c
                for c in fitting
                if not (
                    c.when is None
                    and (c.form == "ing" or (bool(c.words) and c.words[0] in _RELATIVE_LEADS))
                    and clauses.index(c) > first
                )
            ]
        for c in fitting:
            who = c.actor == "client" and c.specific
            if who or dated:
                strength = s.complete if who and dated else (s.no_date if who else s.no_owner)
                what = (
                    "a client person and a date"
                    if who and dated
                    else (
                        "a client person but no date"
                        if who
                        else "a date but no client person named"
                    )
                )
                return StepResult(
                    "advance",
                    f"client commits to '{c.action}' with {what}",
                    strength,
                    c.action,
                    clauses,
                    clauses.index(c),
                )
            weak.append(c)
        for c in too_big:
            if (c.actor == "client" and c.specific) or dated:
                why = learned.get(id(c))
                return StepResult(
                    "unrealistic_for_stage",
                    f"client action '{c.action}' is realistic from stage '{c.min_stage}' on,"
                    f" the deal is in '{stage}'"
                    if why is None
                    else f"client step '{c.action}' looks too big for stage '{stage}': {why}",
                    0.0,
                    c.action,
                    clauses,
                )
            weak.append(c)
        if weak:
            c = weak[0]
            return StepResult(
                "vague",
                f"client action '{c.action}' but neither who (client person) nor when (date)",
                0.3,
                c.action,
                clauses,
                repairable=c in fitting,  # a step too big for the stage stays too big
            )
        seller = [c for c in clauses if c.actor == "seller"]
        if any(
            c.actor != "seller" and (c.action is not None or c.polarity != "positive")
            for c in clauses
        ):
            # "sent pricing. hopefully they review soon", "sent deck - no reply so far": what
            # the seller already did is a report; the next step is the client's, and it is
            # only hoped for (or silence)
            seller = [c for c in seller if c.form != "past" or c.goal]
        if (
            seller
            and not any(c.goal for c in seller)
            and all(c.polarity in ("hedged", "ongoing") for c in seller)
        ):
            return StepResult(
                "vague", "a hedged intention (hope, later), not a commitment", clauses=clauses
            )
        if seller:
            why = (
                "a seller goal about the client, not a client commitment"
                if any(c.goal for c in seller)
                else "describes what the seller will do, not a client commitment"
            )
            return StepResult("seller_action", why, clauses=clauses)
        cancelled = next(
            (c for c in clauses if c.action is not None and c.polarity != "positive"), None
        )
        if cancelled is not None:
            return StepResult(
                "vague",
                f"client action '{cancelled.action}' is {cancelled.polarity}: no commitment",
                0.2,
                cancelled.action,
                clauses,
            )
        if done:
            return StepResult(
                "vague",
                f"client action '{done[0].action}' already done, no next step or date",
                0.2,
                done[0].action,
                clauses,
            )
        if any(c.vague for c in clauses):
            return StepResult(
                "vague", "too general: no client action, actor or date", clauses=clauses
            )
        return StepResult("vague", "no recognisable client action", clauses=clauses)
