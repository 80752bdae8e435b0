"""Reading call notes: which objectives a sentence informs, with what sign, and commitment.

METHOD.md §3: what is learned has a sign.  "No budget this year" is learned and bad news;
it is neither missing nor learned in the good sense.  A note sentence is split into
clauses; a clause *shows* an objective when one of the lexicon's ``topics`` cues matches
its normalised text, and the fact is ``negative`` when the clause also has one of the
topic's negative cues, a negation or an uncertainty phrase ("no idea who signs") -
unless a positive override matches ("no blockers").  A sentence is a *commitment* when a
clause is a client commitment (:mod:`nextadvance.core._parse`: a client action, not the
seller's, positive) or a plain-English yes ("said yes", "green light", "let's do it"):
that test is :mod:`nextadvance.core._commitment`'s.  Everything here is lexicon data; results are memoised per (text, people), for short texts
(core/_memo: a long note is hardly read twice).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from nextadvance.core._commitment import CommitmentTest
from nextadvance.core._memo import LONG_TEXT, RECENT_LIMIT, remember
from nextadvance.core._note_model import NoteModel, note_features
from nextadvance.core._note_text import alt, cue_hit, labelled, sub_parts
from nextadvance.core._parse import Clause, ClauseParser, People
from nextadvance.core._prefilter import prepare
from nextadvance.core._regex import Regex, regex

if TYPE_CHECKING:
    from nextadvance.core._lexicon_model import Lexicon

__all__ = ["NoteReader", "NoteReading"]

#: memo bound (cleared when full): reached within the first few thousand deals of an org,
#: so a 100k-deal run needs no more memory than a 10k one (issue #20)
_MEMO_LIMIT = 3_072
_PARTS_LIMIT = 4_096
_SIGNS_LIMIT = 1_024
#: bound of the per-clause memos (clause parts, a topic's sign in one clause)
_CLAUSE_LIMIT = 4_096
_NEVER = regex(r"(?!)")


@dataclass(frozen=True, slots=True)
class NoteReading:
    """What one note sentence tells: objective id -> "positive"/"negative", commitment,
    the commitment's parse, the clause text that showed each fact and why each fact was
    read (the lexicon cue's clause, or the learned model's probability and top features)."""

    facts: dict[str, str] = field(default_factory=dict)
    commitment: bool = False
    clauses: tuple[Clause, ...] = ()
    where: dict[str, str] = field(default_factory=dict)
    why: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class _Topic:
    id: str
    cues: Regex
    negative: Regex | None
    positive: Regex | None
    unless: Regex | None = None
    weak: Regex | None = None
    sentence_unless: bool = False


class NoteReader(CommitmentTest):
    """The lexicon's topic cues compiled, sharing the next-step check's clause parser; the
    commitment test (``commits``) is :class:`~nextadvance.core._commitment.CommitmentTest`'s."""

    def __init__(self, lexicon: Lexicon, parser: ClauseParser) -> None:
        super().__init__(lexicon, parser)
        self.negations = alt(lexicon.negations)
        self.uncertainty = alt(lexicon.uncertainty)
        self.good_news = alt(lexicon.note_good_news)
        self.bad_news = alt(lexicon.note_bad_news)
        self.hedges = alt(lexicon.hedges)
        self.topics = tuple(
            _Topic(
                tid,
                cues,
                alt(t.negative),
                alt(t.positive),
                alt(t.unless),
                alt(t.weak),
                t.sentence_unless,
            )
            for tid, t in lexicon.topics.items()
            if (cues := alt(t.cues) or _NEVER) is not None
        )
        #: the learned topic model (None: the lexicon's cues alone decide)
        self.model: NoteModel | None = (
            lexicon.note_model.model() if lexicon.note_model is not None else None
        )
        self._by_id = {t.id: t for t in self.topics}
        prepare(
            self.negations,
            self.uncertainty,
            self.good_news,
            self.bad_news,
            self.hedges,
            self.yes,
            self.not_commitment,
            self.promise,
            *[p for t in self.topics for p in (t.cues, t.negative, t.positive, t.unless, t.weak)],
        )
        self._memo: dict[tuple[str, People], NoteReading] = {}
        self._commit_memo: dict[tuple[str, People], bool] = {}
        self._signs: dict[tuple[str, str, str], tuple[str, str]] = {}
        self._parts: dict[str, tuple[tuple[str, str, str], ...]] = {}
        self._long_parts: dict[str, tuple[tuple[str, str, str], ...]] = {}
        self._raw_parts: dict[str, tuple[tuple[str, str, str], ...]] = {}
        self._clause_signs: dict[tuple[str, str, str], str] = {}

    def sign(self, topic: _Topic, s: str, words: str = "") -> str:
        """The sign of ``topic`` in a clause that shows it (``s``: base forms, ``words``:
        the words as written; a cue may match either: "froze" and "frozen")."""
        if cue_hit(topic.positive, s, words):
            return "positive"
        if cue_hit(topic.negative, s, words):
            return "negative"
        if cue_hit(self.good_news, s, words):  # "budget not an issue", "no objections"
            return "positive"
        for pat in (self.negations, self.uncertainty):
            if cue_hit(pat, s, words):
                return "negative"
        return "positive"

    def sign_of(self, text: str, topic_id: str, keyword: str) -> tuple[str, str]:
        """The sign of the fact a keyword rule found in an activity's ``text``, and the
        clause it sits in: the clause's topic sign when the lexicon knows the topic,
        else negative on a negation or uncertainty ("no budget set aside yet")."""
        key = (text, topic_id, keyword)
        hit = self._signs.get(key)
        if hit is not None:
            return hit
        needle = f" {keyword.lower()} "
        found = ("positive", "")
        for part, words, s in self._split(text):
            if needle not in words and needle not in f" {s} ":
                continue
            found = (self._clause_sign(topic_id, s, words.strip()), part.strip())
        if len(text) <= LONG_TEXT:
            remember(self._signs, key, found, _SIGNS_LIMIT)
        return found

    def _clause_sign(self, topic_id: str, s: str, words: str) -> str:
        """The sign of ``topic_id`` in one clause (base forms ``s``, ``words`` as written),
        memoised per clause: a note's clauses recur more than whole notes do."""
        key = (topic_id, s, words)
        sign = self._clause_signs.get(key)
        if sign is None:
            topic = self._by_id.get(topic_id)
            if topic is not None:
                sign = self.sign(topic, s, words)
            else:
                sign = (
                    "negative"
                    if any(
                        p is not None and p.search(s) for p in (self.negations, self.uncertainty)
                    )
                    else "positive"
                )
            remember(self._clause_signs, key, sign, _CLAUSE_LIMIT)
        return sign

    def _split(self, text: str) -> tuple[tuple[str, str, str], ...]:
        """The finer clauses of ``text`` with their padded words and base forms, memoised:
        every objective a note proves asks for its sign, and tokenising the note once
        instead of once per objective is most of what a new note costs (a long note in a
        small memo: it is asked again only within its deal, core/_memo)."""
        if len(text) <= LONG_TEXT:
            memo, limit = self._parts, _PARTS_LIMIT
        else:
            memo, limit = self._long_parts, RECENT_LIMIT
        hit = memo.get(text)
        if hit is None:
            out: list[tuple[str, str, str]] = []
            for raw in self._clauses(text):
                out.extend(self._split_raw(raw))
            hit = remember(memo, text, tuple(out), limit)
        return hit

    def _clauses(self, text: str) -> list[str]:
        """The parser's raw clauses of a note, a short "label: value" kept as one
        ("Budget: none yet. Timeline: Q3" is two facts, each with its value)."""
        return labelled(self.parser.clauses(text), text)

    def _split_raw(self, raw: str) -> tuple[tuple[str, str, str], ...]:
        """One raw clause's finer parts, padded words and base forms (memoised per clause)."""
        hit = self._raw_parts.get(raw)
        if hit is None:
            out = []
            for part in sub_parts(raw):
                toks = self.parser.norm.tokens(part)
                out.append(
                    (
                        part,
                        f" {' '.join(t.word for t in toks)} ",
                        " ".join(t.base for t in toks),
                    )
                )
            hit = remember(self._raw_parts, raw, tuple(out), _CLAUSE_LIMIT)
        return hit

    def _bad_news(self, s: str, words: str) -> bool:
        """A clause that names no topic but is bad news ("which adds weeks")."""
        if cue_hit(self.good_news, s, words):
            return False
        return cue_hit(self.bad_news, s, words)

    def _read_part(
        self,
        part: str,
        s: str,
        words: str,
        facts: dict[str, str],
        where: dict[str, str],
        weak: dict[str, tuple[str, str]],
        whole: tuple[str, str],
    ) -> list[str]:
        """Record the topics one clause shows (strong cues in ``facts``, weak ones aside);
        returns the topics it showed with a strong cue."""
        shown: list[str] = []
        for topic in self.topics:
            if cue_hit(topic.unless, *(whole if topic.sentence_unless else (s, words))):
                continue
            strong = cue_hit(topic.cues, s, words)
            if not strong and not cue_hit(topic.weak, s, words):
                continue
            sign = self.sign(topic, s, words)
            if not strong:
                if weak.get(topic.id, ("",))[0] != "negative":
                    weak[topic.id] = (sign, part.strip())
                continue
            shown.append(topic.id)
            if facts.get(topic.id) != "negative":  # bad news is not undone
                facts[topic.id] = sign
                where[topic.id] = part.strip()
        return shown

    def _learned(
        self,
        model: NoteModel,
        text: str,
        people: People,
        facts: dict[str, str],
        where: dict[str, str],
        why: dict[str, str],
    ) -> None:
        """Let the learned model add the topics the cues missed (and, when the table says
        so, drop the ones it is sure are not there); a topic it adds takes its sign from
        the lexicon's sign rules on the clause the model scores highest for it."""
        feats = note_features(text, people.names)
        parts: list[tuple[str, tuple[str, ...]]] | None = None
        for i, (topic, p) in enumerate(zip(model.topics, model.probabilities(feats), strict=True)):
            if topic not in facts and p < model.threshold:
                continue
            scored = model.explain(i, feats, p)
            top = ", ".join(f"{f} {w:+.2f}" for f, w in scored.top)
            said = f"model p={p:.2f} ({top})"
            if topic in facts:
                if p >= model.threshold or model.keep_rules:
                    why[topic] += f"; {said}"
                else:
                    del facts[topic], where[topic], why[topic]
                continue
            if parts is None:
                parts = [
                    (c, note_features(c, people.names))
                    for raw in self._clauses(text)
                    for c in sub_parts(raw)
                    if c.strip()
                ] or [(text, feats)]
            part = max(parts, key=lambda pf: model.probabilities(pf[1])[i])[0]
            toks = self.parser.norm.tokens(part, people.names)
            s = " ".join(t.base for t in toks)
            words = " ".join(t.word for t in toks)
            cues = self._by_id.get(topic)
            if cues is not None:
                facts[topic] = self.sign(cues, s, words)
            else:
                facts[topic] = "negative" if cue_hit(self.negations, s, words) else "positive"
            where[topic] = part.strip()
            why[topic] = said

    def commits(self, text: str, people: People = People()) -> bool:
        """Whether the client committed to something in this sentence: ``read(...).commitment``
        without reading the topics, which momentum never asks for (the engine reads every
        activity with a commitment keyword; the topics were most of that cost, issue #20).
        Memoised like ``read`` (short texts only)."""
        key = (text, people)
        hit = self._memo.get(key)
        if hit is not None:
            return hit.commitment
        known = self._commit_memo.get(key)
        if known is not None:
            return known
        commitment = self._commits(text, people, self.parser.names_date(text, people))
        if len(text) <= LONG_TEXT:
            remember(self._commit_memo, key, commitment, _MEMO_LIMIT)
        return commitment

    def read(self, text: str, people: People = People()) -> NoteReading:
        """Facts and commitment of one note sentence (memoised if short, core/_memo)."""
        key = (text, people)
        hit = self._memo.get(key)
        if hit is not None:
            return hit
        facts: dict[str, str] = {}
        where: dict[str, str] = {}
        weak: dict[str, tuple[str, str]] = {}
        before: list[str] = []  # the topics of the last clause that showed any
        for raw in self._clauses(text):
            rtoks = self.parser.norm.tokens(raw, people.names)
            whole = (" ".join(t.base for t in rtoks), " ".join(t.word for t in rtoks))
            for part in sub_parts(raw):
                toks = self.parser.norm.tokens(part, people.names)
                s = " ".join(t.base for t in toks)
                if not s:
                    continue
                words = " ".join(t.word for t in toks)
                shown = self._read_part(part, s, words, facts, where, weak, whole)
                if not shown and before and self._bad_news(s, words):
                    for tid in before:  # "..., which adds weeks": about the clause before
                        facts[tid] = "negative"
                before = shown or before
        if not facts:  # a weak cue ("this year", "until Q3") only when nothing else is said
            for tid, (sign, part) in weak.items():
                facts[tid], where[tid] = sign, part
        why = {t: f"lexicon cue in '{where[t]}'" for t in facts}
        if self.model is not None:
            self._learned(self.model, text, people, facts, where, why)
        clauses = self.parser.parse(text, people)
        commitment = self._commits(text, people, any(c.when for c in clauses))
        reading = NoteReading(facts, commitment, clauses, where, why)
        if len(text) <= LONG_TEXT:
            remember(self._memo, key, reading, _MEMO_LIMIT)
        return reading
