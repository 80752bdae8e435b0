"""The next-step lexicon: the phrases that tell a client advance from a seller to-do.

Rules are data (YAML ``lexicon.yaml``) so ops can add their team's phrasing without code.
All patterns are Python regular expressions matched case-insensitively against the
next-step text; :meth:`Lexicon.patterns` lists every one with its key path so a loader can
report a bad regex at its line.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, model_validator

from nextadvance.core._advance_guard import CLASSES, AdvanceGuard
from nextadvance.core._note_model import NoteModel
from nextadvance.core._stage_model import StageModel

__all__ = [
    "AdvanceGuardTable",
    "ClientAction",
    "Lexicon",
    "NoteModelTable",
    "StageModelTable",
    "StrengthScores",
    "TopicCues",
]


class _M(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ClientAction(_M):
    """A kind of client commitment; ``min_stage`` is the earliest stage where it is realistic."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    patterns: tuple[str, ...] = Field(min_length=1)
    min_stage: str | None = None
    description: str = ""


class TopicCues(_M):
    """How a call-note clause shows one objective (a playbook objective id) and its sign."""

    #: the clause talks about the objective
    cues: tuple[str, ...] = Field(min_length=1)
    #: ... and says it is bad news ("no budget", "spend frozen")
    negative: tuple[str, ...] = ()
    #: ... good news despite a negation word ("no blockers", "nobody above her needs to")
    positive: tuple[str, ...] = ()
    #: a clause matching one of these is about something else, not this objective
    #: ("$400k set aside" is budget, not impact; "success = error down 15%" is criteria)
    unless: tuple[str, ...] = ()
    #: ``unless`` looks at the whole sentence, not the clause: for objectives shown by
    #: generic words (a number, "big problem") that another clause of the sentence
    #: explains ("budget approved, $40k"; "no SSO with their IdP, big problem")
    sentence_unless: bool = False
    #: weak cues: they show this objective only when no other objective's cue matches
    #: anywhere in the sentence ("until Q3" alone is timeline; "no budget until Q3" budget)
    weak: tuple[str, ...] = ()


class NoteModelTable(_M):
    """A learned call-note topic model (see :mod:`nextadvance.core._note_model`): the
    feature names, and per topic a bias and one weight per feature (same order); a topic
    is read when its probability reaches ``threshold``; ``keep_rules`` keeps every topic a
    lexicon cue found (the model only adds)."""

    threshold: float = Field(default=0.5, gt=0, lt=1)
    keep_rules: bool = True
    features: tuple[str, ...] = ()
    bias: dict[str, float] = {}
    weights: dict[str, tuple[float, ...]] = {}

    @model_validator(mode="after")
    def _aligned(self) -> NoteModelTable:
        for topic, ws in self.weights.items():
            if len(ws) != len(self.features):
                raise ValueError(
                    f"note_model.weights.{topic} has {len(ws)} weights"
                    f" for {len(self.features)} features"
                )
        return self

    def model(self) -> NoteModel:
        """The table as a scorer (built once, with the lexicon's compiled form)."""
        topics = tuple(self.weights)
        columns = [self.weights[t] for t in topics]
        index = {
            f: row
            for j, f in enumerate(self.features)
            if any(row := tuple(col[j] for col in columns))
        }
        bias = tuple(self.bias.get(t, 0.0) for t in topics)
        return NoteModel(topics, index, bias, self.threshold, self.keep_rules)


class StageModelTable(_M):
    """A learned stage-fit model (see :mod:`nextadvance.core._stage_model`): one weight per
    feature (same order), one bias per stage (``stages``, in the playbook's order); a
    committed step the rules let through is too big when the model's probability reaches
    ``threshold``."""

    threshold: float = Field(default=0.8, gt=0, lt=1)
    stages: tuple[str, ...] = ()
    bias: tuple[float, ...] = ()
    features: tuple[str, ...] = ()
    weights: tuple[float, ...] = ()

    @model_validator(mode="after")
    def _aligned(self) -> StageModelTable:
        if len(self.weights) != len(self.features):
            raise ValueError(
                f"stage_model has {len(self.weights)} weights for {len(self.features)} features"
            )
        if len(self.bias) != len(self.stages):
            raise ValueError(
                f"stage_model has {len(self.bias)} biases for {len(self.stages)} stages"
            )
        # stages are matched by name: a repeated one would silently keep its last bias
        twice = sorted({s for s in self.stages if self.stages.count(s) > 1})
        if twice:
            raise ValueError(f"stage_model names stage(s) {', '.join(twice)} more than once")
        return self

    def model(self, stage_order: dict[str, int]) -> StageModel | None:
        """The table as a scorer, its biases in ``stage_order`` (stage -> position); None
        when the table names none of the playbook's stages.  Stages are matched by name, so
        one table serves a playbook with fewer or more stages: a playbook stage the table
        does not name takes the bias of the stage before it (stages before the first named
        one, that stage's), a table stage the playbook lacks is unused.  A bias is only
        meaningful for the stage it was trained on: a playbook with its own stage names
        (the shipped table is added to any lexicon without one) must not read every stage
        as the table's first, which would call most steps too big at every stage."""
        named = dict(zip(self.stages, self.bias, strict=True))
        ordered = sorted(stage_order, key=stage_order.__getitem__)
        first = next((named[s] for s in ordered if s in named), None)
        if first is None:
            return None
        bias: list[float] = []
        last = first
        for stage in ordered:
            last = named.get(stage, last)
            bias.append(last)
        index = {f: w for f, w in zip(self.features, self.weights, strict=True) if w}
        return StageModel(index, bias, self.threshold)


class AdvanceGuardTable(_M):
    """The learned advance guard (see :mod:`nextadvance.core._advance_guard`): one weight
    per class of ``classes`` per feature (same order), one bias per class; an advance the
    rules gave becomes ``seller_action`` or ``vague`` when the model's probability that it
    is not an advance reaches ``threshold``."""

    threshold: float = Field(default=0.98, gt=0, lt=1)
    classes: tuple[str, ...] = CLASSES
    bias: tuple[float, ...] = (0.0, 0.0, 0.0)
    features: tuple[str, ...] = ()
    weights: tuple[tuple[float, ...], ...] = ()

    @model_validator(mode="after")
    def _aligned(self) -> AdvanceGuardTable:
        if self.classes != CLASSES:
            raise ValueError(f"advance_guard classes must be {', '.join(CLASSES)} in that order")
        if len(self.bias) != len(CLASSES):
            raise ValueError(
                f"advance_guard has {len(self.bias)} biases for {len(CLASSES)} classes"
            )
        if len(self.weights) != len(self.features):
            raise ValueError(
                f"advance_guard has {len(self.weights)} weight rows for"
                f" {len(self.features)} features"
            )
        if any(len(row) != len(CLASSES) for row in self.weights):
            raise ValueError(f"advance_guard needs {len(CLASSES)} weights per feature")
        return self

    def model(self) -> AdvanceGuard:
        """The table as a scorer."""
        index = dict(zip(self.features, self.weights, strict=True))
        return AdvanceGuard(index, self.bias, self.threshold)


class StrengthScores(_M):
    """Strength of an ``advance`` verdict (0-1) depending on what the text names."""

    complete: float = Field(default=1.0, ge=0, le=1)
    no_owner: float = Field(default=0.7, ge=0, le=1)
    no_date: float = Field(default=0.6, ge=0, le=1)


class Lexicon(_M):
    """Patterns for classifying a next step (see docs/playbook.md, "Next-step lexicon")."""

    empty_markers: tuple[str, ...] = ("n/a", "na", "none", "tbd", "tba", "-", "?", "x")
    vague: tuple[str, ...] = ()
    hedges: tuple[str, ...] = ()
    seller_actors: tuple[str, ...] = ()
    seller_actions: tuple[str, ...] = ()
    client_actors: tuple[str, ...] = ()
    #: client references that say "the client side" but not who ("they", "the client")
    generic_client_actors: tuple[str, ...] = ()
    #: a contact whose title matches one of these works for a channel partner ("Account
    #: Manager, Corvane (reseller)"): on the seller's side, not the client's
    partner_titles: tuple[str, ...] = ()
    client_actions: tuple[ClientAction, ...] = ()
    dates: tuple[str, ...] = ()
    name_stopwords: tuple[str, ...] = ()
    clause_separators: str = (
        # the lookbehinds come after the "." and ":" they guard (same matches): tried only
        # where there is one, not at every position of the text (3-7x faster splits)
        r"[;\n|]+|\.(?<!\bmr\.)(?<!\bms\.)(?<!\bdr\.)(?<!\bmrs\.)(?<!\bvs\.)(?<!\bno\.)(?<!\best\.)\s+"
        r"|\s+(?:and then|then)\s+"
        r"|,\s*(?:and|then)\s+"
        # "Ben: send pricing Fri", "asked for case studies - send by Fri": a heading or
        # a dash starts the rep's own clause
        r"|:(?<!\bre:)\s+|\s+-+\s+|\s+->\s+"
        # a question ends its sentence ("where's the PO? chase Ben"); the "?" stays with it
        r"|(?<=\?)\s+"
    )
    strength: StrengthScores = StrengthScores()
    #: normalisation: token -> expansion ("mtg" -> "meeting", "won't" -> "will not")
    abbreviations: dict[str, str] = {}
    #: inflected verb -> [base, form]; shipped as verb_forms.yaml (scripts/build_verb_forms.py)
    verb_forms: dict[str, tuple[str, Literal["ing", "past", "s"]]] = {}
    #: extra words one-edit typo correction may correct to (besides verbs, abbreviations
    #: and name_stopwords)
    vocabulary: tuple[str, ...] = ()
    #: words shorter than this are never typo-corrected
    typo_min_length: int = Field(default=4, ge=3)
    #: a clause starting with one of these is the seller's goal ("get X to", "ask X for")
    seller_goals: tuple[str, ...] = ()
    #: anywhere in a clause: the client asked the seller to act ("said to call him")
    seller_requests: tuple[str, ...] = ()
    #: negation anywhere in a clause cancels its commitment ("won't", "not yet", "no")
    negations: tuple[str, ...] = ()
    #: verbs of commitment that hand over to the action they govern ("agree to a pilot")
    commitment_verbs: tuple[str, ...] = ()
    #: an action mention right after one of these is a topic, not the action ("a call
    #: to discuss the pilot", "confirm who signs")
    topic_before: tuple[str, ...] = ()
    #: an action mention followed by one of these is information about it ("the signing
    #: process", "approval steps"): the action is sharing information, not the step
    info_after: tuple[str, ...] = ()
    #: a client person followed by a promise ("to", "will", "gonna") and a verb no action
    #: pattern knows is still a commitment, of this kind (no stage limit)
    fallback_action: str = "other_action"
    #: verbs that never make such a fallback commitment ("Ben to think about it")
    fallback_exclude: tuple[str, ...] = ()
    #: a clause opening with a verb of the verb table in its base form is the seller's
    #: imperative ("circulate the deck") unless the verb is one of these (nouns that open
    #: a client step too: "pilot kickoff 12/3", "review proposal")
    imperative_exclude: tuple[str, ...] = ()
    #: ... but these are still the seller's to-do when done for or with someone
    #: ("review Deborah's redlines with our legal", "run the true-up calc for Howard")
    imperative_recipient: tuple[str, ...] = ()
    #: phrases after an opening bare verb that make it the seller's to-do for or with
    #: someone ("with our legal", "in our system", "for Howard" is found as a client name)
    recipients: tuple[str, ...] = ()
    #: client actions that, opening a clause in the past tense, report a step both sides
    #: agreed, not the seller's to-do ("booked a demo w/ Lisa 11/12")
    joint_actions: tuple[str, ...] = ()
    #: next steps: a committed step naming one of these fits any stage (a tour or demo of
    #: the product: "give us a tour of the platform"), so the learned stage-fit model never
    #: sizes it; an action's own ``min_stage`` still does
    any_stage_steps: tuple[str, ...] = ()
    #: call notes: phrases of not knowing ("no idea", "not sure"): the fact is negative
    uncertainty: tuple[str, ...] = ()
    #: call notes: a negation that is good news for any topic ("not an issue", "no
    #: objections"), unless the topic's own negative cues match
    note_good_news: tuple[str, ...] = ()
    #: call notes: a clause naming no topic that is bad news about the clause before it
    #: ("..., which adds weeks", "- could be a blocker", "but neither confirmed")
    note_bad_news: tuple[str, ...] = ()
    #: call notes: objective id -> cues showing the objective and its sign
    topics: dict[str, TopicCues] = {}
    #: call notes: a client yes that is a commitment without a client action ("said yes",
    #: "let's do it", "go ahead")
    note_commitments: tuple[str, ...] = ()
    #: call notes: client action ids that report a fact rather than commit ("confirmed")
    note_info_actions: tuple[str, ...] = ()
    #: call notes: a clause with one of these describes how things work or what must
    #: happen, not a commitment ("must be signed by", "the one who signs", "normally")
    note_not_commitment: tuple[str, ...] = ()
    #: call notes: a promise marker that makes a client action a commitment ("will")
    note_promises: tuple[str, ...] = ()
    #: call notes: the learned topic model's weight table (``note_model.json``; None: the
    #: cues alone decide)
    note_model: NoteModelTable | None = None
    #: next steps: the learned stage-fit model's weight table (``stage_model.json``; None:
    #: the actions' ``min_stage`` alone decides)
    stage_model: StageModelTable | None = None
    #: next steps: the learned advance guard's weight table (``advance_guard.json``; None:
    #: the rules' advance stands)
    advance_guard: AdvanceGuardTable | None = None

    def patterns(self) -> Iterator[tuple[tuple[str | int, ...], str]]:
        """Every regex in the lexicon with its key path (for validation and error locations)."""
        for name in (
            "vague",
            "hedges",
            "seller_actors",
            "seller_actions",
            "client_actors",
            "dates",
            "seller_goals",
            "negations",
            "commitment_verbs",
            "generic_client_actors",
            "partner_titles",
            "topic_before",
            "info_after",
            "uncertainty",
            "note_good_news",
            "note_bad_news",
            "note_commitments",
            "note_not_commitment",
            "note_promises",
            "recipients",
            "seller_requests",
            "any_stage_steps",
        ):
            for i, pat in enumerate(getattr(self, name)):
                yield (name, i), pat
        for topic, cues in self.topics.items():
            for part in ("cues", "negative", "positive", "unless", "weak"):
                for i, pat in enumerate(getattr(cues, part)):
                    yield ("topics", topic, part, i), pat
        for i, action in enumerate(self.client_actions):
            for j, pat in enumerate(action.patterns):
                yield ("client_actions", i, "patterns", j), pat
        yield ("clause_separators",), self.clause_separators

    def stage_references(self) -> Iterator[tuple[tuple[str | int, ...], str]]:
        """Stage keys the lexicon names, with key paths (checked against the playbook)."""
        for i, action in enumerate(self.client_actions):
            if action.min_stage is not None:
                yield ("client_actions", i, "min_stage"), action.min_stage

    @model_validator(mode="after")
    def _regexes_compile(self, info: ValidationInfo) -> Lexicon:
        if isinstance(info.context, dict) and info.context.get("defer_references"):
            return self
        bad = []
        for path, pat in self.patterns():
            try:
                re.compile(pat)
            except re.error as exc:
                bad.append(f"{'.'.join(map(str, path))}: bad regular expression {pat!r}: {exc}")
        if bad:
            raise ValueError("; ".join(bad))
        return self
