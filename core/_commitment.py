"""Whether a note sentence records a client commitment (an advance, METHOD.md §2).

Momentum asks this of every activity whose text holds a playbook commitment keyword; the
note reader (:mod:`nextadvance.core._notes`) reads topics and inherits this test.  A
sentence commits when one of its finer clauses is a client commitment: parsed by the
shared clause parser, and only up to the clause that commits.  A clause that names no
yes, no promise and no action cannot commit and is not parsed at all, unless the clause
after it may take its client actor from it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from nextadvance.core._clause import Clause, People
from nextadvance.core._memo import LONG_TEXT, remember
from nextadvance.core._note_text import alt, step_parts
from nextadvance.core._prefilter import initials

if TYPE_CHECKING:
    from nextadvance.core._lexicon_model import Lexicon
    from nextadvance.core._parse import ClauseParser

__all__ = ["CommitmentTest"]

#: bound of the per-clause memos (cleared when full)
_CLAUSE_LIMIT = 4_096


class CommitmentTest:
    """The lexicon's commitment cues compiled, on the shared clause parser."""

    def __init__(self, lexicon: Lexicon, parser: ClauseParser) -> None:
        self.parser = parser
        self.yes = alt(lexicon.note_commitments)
        #: client actions that in a note report a fact ("Kofi confirmed it works")
        self.info_actions = frozenset(lexicon.note_info_actions)
        self.not_commitment = alt(lexicon.note_not_commitment)
        self.promise = alt(lexicon.note_promises)
        self.fallback = lexicon.fallback_action
        #: id(clause) -> (clause, committed): a recurring clause is the parser's memoised one
        self._committed: dict[int, tuple[Clause, bool]] = {}
        #: (clause, names) -> (may commit, reads the clause before): ``_may_commit``
        self._may: dict[tuple[str, frozenset[str]], tuple[bool, bool]] = {}

    def committed(self, c: Clause) -> bool:
        """Whether a note clause records a client commitment made in the conversation.

        A yes ("said yes", "green light") counts; otherwise a client action must be
        agreed (past: "booked", "signed", "agreed to"), promised ("will", "to", "gonna")
        or dated, and not a fact report ("confirmed it works"), an obligation or a
        description of how things work ("must be signed by two directors", "the one who
        signs", "normally 2 weeks", a present-tense habit "Greg signs via DocuSign").  A
        verb no client action names ("just renewed") commits only when promised.
        """
        if c.actor == "seller" or c.polarity not in ("positive", "ongoing"):
            return False
        if c.polarity == "ongoing":  # "they're going ahead with it": a big step told
            return (
                c.min_stage is not None and self.yes is not None and bool(self.yes.search(c.text))
            )
        if self.not_commitment is not None and self.not_commitment.search(c.text):
            return False
        promised = self.promise is not None and self.promise.search(c.text) is not None
        if c.action is not None and c.form == "s" and c.when is None and not promised:
            return False  # a habit, how things work: "Greg signs via DocuSign"
        if self.yes is not None and self.yes.search(c.text):
            return True
        if c.action is None or c.action in self.info_actions:
            return False
        if c.action == self.fallback and not promised:
            return False  # an unlisted verb reports news ("just renewed"), it commits nothing
        return c.form == "past" or c.when is not None or promised

    def _commits(self, text: str, people: People, dated: bool) -> bool:
        """The commitment test on ``text``: a finer clause that is a client commitment
        ("Claire wants kickoff 1/6, booked it w/ her team"), each parsed knowing whether
        the sentence names a date (``dated``)."""
        parser = self.parser
        previous: Clause | None = None
        skipped: list[str] = []  # the clauses since ``previous`` that cannot commit
        for raw in parser.clauses(text):  # the clauses after a commitment are not cut
            for part in step_parts(raw):
                may, leans = self._may_commit(part, people.names)
                if not may:
                    skipped.append(part)
                    continue
                if skipped:
                    if leans:  # it may take its client from the clause before: parse those
                        for before in skipped:
                            previous = parser.clause(before, people, dated, previous)
                    skipped.clear()
                previous = parser.clause(part, people, dated, previous)
                hit = self._committed.get(id(previous))
                if hit is None or hit[0] is not previous:
                    hit = remember(
                        self._committed,
                        id(previous),
                        (previous, self.committed(previous)),
                        _CLAUSE_LIMIT,
                    )
                if hit[1]:
                    return True
        return False

    def _may_commit(self, part: str, names: frozenset[str]) -> tuple[bool, bool]:
        """Whether the clause ``part`` can commit, and whether its parse reads the clause
        before it.  Without a yes or a promise, ``committed`` needs an action the clause
        names (the parser's unlisted-verb fallback commits only when promised), no fact
        report, and that action agreed (a past form) or dated; a clause inherits a client
        actor only when it opens with an -ing or -s verb.  A clause that cannot commit is
        not parsed unless the next one reads it (memoised, short)."""
        key = (part, names)
        hit = self._may.get(key)
        if hit is None:
            parser = self.parser
            toks = parser.norm.tokens(part, names)
            s = " ".join([t.base for t in toks])
            may = (self.yes is not None and self.yes.search(s) is not None) or (
                self.promise is not None and self.promise.search(s) is not None
            )
            if not may:
                found = parser.finder.find(s, initials(s))
                may = (
                    found is not None
                    and found[2] not in self.info_actions
                    and found[2] != self.fallback
                    and (
                        next((t.form for t in toks if t.start >= found[0]), "base") == "past"
                        or parser.dated(s)
                    )
                )
            hit = (may, bool(toks) and toks[0].form in ("ing", "s"))
            if len(part) <= LONG_TEXT:
                remember(self._may, key, hit, _CLAUSE_LIMIT)
        return hit
