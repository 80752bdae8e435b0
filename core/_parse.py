"""The clause parser: a next step or note sentence as who · action · object · when · polarity.

Steps (every phrase comes from the lexicon, see docs/playbook.md "How a text is read"):

1. the text is split into clauses (``;``, new lines, ``. ``, ``and then``, ...) and each
   clause normalised (:mod:`nextadvance.core._normalise`);
2. **when**: the first date-like phrase of the clause ("Fri", "12/5", "EOW", "next week");
3. **action**: the biggest client action the clause names (:mod:`nextadvance.core._actions`);
   a commitment verb ("agree to", "commit to", "say yes to") hands over to the action it
   governs ("agree to a pilot" is a pilot, not a confirmation), so stage fit follows the
   object;
4. **who**: the seller when the clause starts with a seller actor ("we", "I'll", "our
   SE"), a seller verb in the imperative ("send", "walk them through"), a seller *goal*
   ("get/have/ask/make sure/need X to ..."), a channel partner's contact or the rep a
   manager addresses ("Sam to prep CEO brief"; :mod:`nextadvance.core._sides`); the client
   when a client reference (one of the deal's contacts by name, title or role, "their
   legal", "procurement", an unknown capitalised name) comes before the action or is the
   agent of a passive ("to be signed by their legal"); otherwise unknown (a bare noun or
   verb: "signed SOW by 12/5");
5. **polarity**: ``negative`` (negation: "won't", "no", "not yet"), ``hedged`` (hope,
   waiting, "might", a requirement), ``ongoing`` (an ``-ing`` form with no future marker
   and no date: "legal looking at it"; :mod:`nextadvance.core._status`), else
   ``positive``.  Only a positive clause is a commitment.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from typing import TYPE_CHECKING

from nextadvance.core._actions import ActionFinder
from nextadvance.core._clause import Clause, People
from nextadvance.core._links import addressed, conditioned, refers_back
from nextadvance.core._memo import LONG_TEXT, remember
from nextadvance.core._normalise import Normaliser
from nextadvance.core._parse_refs import client_ref, fallback, for_someone
from nextadvance.core._prefilter import cannot_match, initials, prepare, start_finder
from nextadvance.core._regex import Regex, regex
from nextadvance.core._sides import SellerLead, contact_lead
from nextadvance.core._stage_model import NAME
from nextadvance.core._status import status

if TYPE_CHECKING:
    from nextadvance.core._lexicon_model import Lexicon

__all__ = ["Clause", "ClauseParser", "People"]

_FLAGS = re.IGNORECASE
#: seller verbs of receiving: "we get the PO from Michael" is Michael's commitment
_RECEIVE = frozenset({"get", "receive", "become", "expect", "collect"})
_COMMA = re.compile(r",\s+")
_UNSET = object()
#: bound of the clause memo (cleared when full: memory stays flat on big orgs, issue #20)
_CLAUSE_LIMIT = 4_096
#: a word written in capitals (3+ letters, maybe a plural "s"): an acronym
_ACRONYM = re.compile(r"(?<![\w'])[A-Z]{3,}s?(?![\w'])")
#: spoken or typed preamble before the step itself: "okay so", "next step is (to)",
#: "next step: Nora to ..." - never the whole clause ("next steps tbd" stays vague)
_PREAMBLE = re.compile(
    r"^(?:(?:(?:ok|okay|right|alright|well|um|uh|erm)\s*,?\s+)*so\b\s*,?\s*"
    r"|(?:ok|okay|right|alright|well)\s*,\s*)?"
    r"(?:(?:the\s+|my\s+|our\s+)?next\s+steps?"
    r"(?:\s*(?:is|are|will be|would be|=|:|-+|–)\s*(?:to\s+)?"
    r"|\s+(?=(?-i:[A-Z])|(?:i|we|send|email|share|prep|get)\b)))?",
    _FLAGS,
)
#: an aside in parentheses: a "?" in it doubts a detail, not the step ("(6 field + 2 office?)")
_ASIDE = re.compile(r"\([^()]*\)")
#: words that only lead from an action to its date ("a pilot starting 4/22", "sign by
#: Fri"): never the object, at its start or its end
_LEAD = r"(?:by|start|begin|due|kick off|kickoff)"
_TRAIL = (
    r"(?:by|on|for|before|until|till|from|start|begin|due|kick off|kickoff|(?:by )?(?:the )?end of)"
)
_OBJ_START = re.compile(rf"^(?:{_LEAD}(?:\s+|$))+")
_OBJ_END = re.compile(rf"(?:(?:^|\s+){_TRAIL})+$")


def _acronyms(raw: str, people: People) -> frozenset[str]:
    """The words of ``raw`` written in capitals that are no contact's initials."""
    return frozenset(a.lower() for a in _ACRONYM.findall(raw)) - people.names


def _alt(patterns: tuple[str, ...], lead: bool = False) -> Regex | None:
    if not patterns:
        return None
    body = "|".join(f"(?:{p})" for p in patterns)
    return regex((r"^(?:" + body + r")\b") if lead else (r"\b(?:" + body + r")"), _FLAGS)


class ClauseParser:
    """The lexicon compiled into the parser's regular expressions."""

    def __init__(self, lexicon: Lexicon, stage_order: dict[str, int]) -> None:
        self.lexicon = lexicon
        self._split_memo: dict[str, list[str]] = {}
        #: a short piece (and the names kept) -> whether it names a date (``names_date``)
        self._piece_dated: dict[tuple[str, frozenset[str]], bool] = {}
        #: a short clause's base forms -> its first date-like phrase (``_date``)
        self._dates: dict[str, re.Match[str] | None] = {}
        self._clause_memo: dict[
            tuple[str, People, bool, tuple[str | None, bool] | None], Clause
        ] = {}
        self.order = stage_order
        self.norm = Normaliser(lexicon)
        self.split = re.compile(lexicon.clause_separators, _FLAGS)
        self.vague_lead = _alt(lexicon.vague, lead=True)
        self.hedges = _alt(lexicon.hedges)
        self.negations = _alt(lexicon.negations)
        self.seller_actor = _alt(lexicon.seller_actors, lead=True)
        self.seller_verb = _alt(lexicon.seller_actions, lead=True)
        self.goal_lead = _alt(lexicon.seller_goals, lead=True)
        self.client_actor = _alt(lexicon.client_actors)
        self.generic_actor = _alt(lexicon.generic_client_actors)
        self.partner = _alt(lexicon.partner_titles)
        self.agent = re.compile(r"\b(?:by|from)\b")
        self.dates = _alt(lexicon.dates)
        self.finder = ActionFinder(lexicon, stage_order)
        self.actions = self.finder.actions
        self.stopwords = frozenset(w.lower() for w in lexicon.name_stopwords)
        self.fallback_exclude = frozenset(w.lower() for w in lexicon.fallback_exclude)
        self.imperative_exclude = frozenset(w.lower() for w in lexicon.imperative_exclude)
        self.imperative_recipient = frozenset(w.lower() for w in lexicon.imperative_recipient)
        self.recipient = _alt(lexicon.recipients)
        self.joint = frozenset(lexicon.joint_actions)
        self.requests = _alt(lexicon.seller_requests)
        prepare(self.dates, self.negations)
        #: where a date can start (``_date``): None when the pattern cannot be read
        self._date_starts = start_finder(self.dates) if self.dates is not None else None
        self.lead = SellerLead(
            self.norm,
            self.seller_verb,
            self.goal_lead,
            self.actions,
            self.client_actor,
            self.stopwords,
            self.imperative_exclude,
        )

    # -- pieces ---------------------------------------------------------------------------
    def clauses(self, text: str) -> list[str]:
        """The raw clauses of ``text``, memoised (bounded): a note is split for its topics,
        for its date and for its commitment.  The list returned is shared: callers only
        read it."""
        hit = self._split_memo.get(text)
        if hit is None:
            hit = [c.strip() for c in self.split.split(text) if c and c.strip()]
            remember(self._split_memo, text, hit, _CLAUSE_LIMIT)
        return hit

    # -- the parse ------------------------------------------------------------------------
    def clause(
        self, raw: str, people: People, text_dated: bool, previous: Clause | None = None
    ) -> Clause:
        """Parse one clause (``text_dated``: the whole text names a date), memoised: a
        clause depends on ``previous`` only through a client actor it may inherit, and
        note boilerplate ("Budget: approved", "Next step: TBD") repeats across notes."""
        inherited = (
            (previous.actor_text, previous.specific)
            if previous is not None and previous.actor == "client"
            else None
        )
        key = (raw, people, text_dated, inherited)
        hit = self._clause_memo.get(key)
        if hit is None:
            hit = self._clause(raw, people, text_dated, previous)
            remember(self._clause_memo, key, hit, _CLAUSE_LIMIT)
        return hit

    def _clause(
        self, raw: str, people: People, text_dated: bool, previous: Clause | None
    ) -> Clause:
        """One clause parsed (``clause`` without the memo)."""
        toks = self.norm.tokens(raw, people.names)
        s = " ".join(t.base for t in toks)
        acr = _acronyms(raw, people)
        starts = initials(s)  # word initials: patterns none can start with are skipped
        date = self._date(s)
        when = date.group(0) if date else None
        vague = bool(self.vague_lead is not None and self.vague_lead.search(s))
        # a goal reached ("got the green light from Ben") is not a goal any more
        goal = (
            not vague
            and bool(toks)
            and toks[0].form != "past"
            and (
                bool(self.goal_lead is not None and self.goal_lead.search(s))
                or self.lead.named_goal(toks, s, people)
            )
        )
        found = self.finder.find(s, starts)
        first = toks[0].form if toks else "base"
        inherit = previous is not None and previous.actor == "client" and first in ("ing", "s")
        # a contact's own name is never the seller's "will" ("Will to send the list")
        named = contact_lead(toks, people, raw)
        # a leading word in capitals is an acronym, not a verb: "MAP review w/ Ben Thu"
        verb_lead = not named and not (toks and toks[0].word in acr and not raw.isupper())
        seller = (
            not vague
            and not inherit
            and (
                goal
                or self.lead.seller_side(toks, s, people, acr)
                or bool(self.requests is not None and self.requests.search(s))
                or bool(not named and self.seller_actor is not None and self.seller_actor.search(s))
                or bool(
                    verb_lead
                    and self.seller_verb is not None
                    and self.seller_verb.search(s)
                    and not (first == "past" and found is not None and found[2] in self.joint)
                )
                or (
                    verb_lead
                    and self.lead.imperative(toks, people)
                    and (found is None or found[0] > 0)
                )
                or (verb_lead and for_someone(self, toks, s, people))
            )
        )
        actor_pos: int | None = None
        action = min_stage = obj = None
        actor, actor_text, specific = (
            ("seller", None, False) if seller else ("unknown", None, False)
        )
        if inherit and previous is not None:
            actor, actor_text, specific = "client", previous.actor_text, previous.specific
        at = end = len(s)
        if found is not None:
            at, end, action, min_stage = found
            end = max(end, s.find(" ", end) if " " in s[end:] else len(s))  # whole words
            rest = s[end:].strip()
            if date is not None and date.start() >= end:
                rest = s[end : date.start()].strip()
            # the action may be the noun itself ("agree to a pilot by Fri"): what is left
            # may be only the words that lead to the date, which are no object
            obj = _OBJ_END.sub("", _OBJ_START.sub("", rest)) or None
            by = self.agent.search(s, end)
            receive = not _RECEIVE.isdisjoint(t.base for t in toks if t.start < at)
            if seller and by is not None and not goal and receive:
                ref = client_ref(self, toks, s, people, by.end(), acr)
                if ref is not None:  # "we get the PO from Michael": the client acts
                    actor, actor_text, specific = "client", ref[1], ref[2]
            elif actor == "unknown":
                ref = client_ref(self, toks, s, people, 0, acr)
                if ref is not None and ref[0] <= at:
                    actor, actor_text, specific = "client", ref[1], ref[2]
                    actor_pos = ref[0]
                elif by is not None:  # passive: "to be signed by their legal"
                    ref = client_ref(self, toks, s, people, by.end(), acr)
                    if ref is not None:
                        actor, actor_text, specific = "client", ref[1], ref[2]
        elif actor == "unknown":
            ref = client_ref(self, toks, s, people, 0, acr)
            if ref is not None:
                actor, actor_text, specific = "client", ref[1], ref[2]
                actor_pos = ref[0]
                fb = fallback(self, toks, ref[0])
                if fb is not None:
                    at, end, action, min_stage = fb
                    obj = s[end:].strip() or None
                elif (way := addressed(toks, s, ref[0])) == "seller" and not vague:
                    actor, actor_text, specific = "seller", None, False
                elif way == "client":  # "org chart from Ben by Fri"
                    action, at, end = self.lexicon.fallback_action, ref[0], ref[0]
        if (
            self.negations is not None
            and not cannot_match(self.negations, starts)
            and self.negations.search(s)
        ):
            polarity = "negative"
        elif "?" in _ASIDE.sub("", raw) or (self.hedges is not None and self.hedges.search(s)):
            polarity = "hedged"  # a hedge, or a question: "has Ben confirmed the pilot?"
        else:
            polarity = status(s, toks, actor, found is not None, actor_pos, at, text_dated)
        form = next((t.form for t in toks if t.start >= at), "base")
        words: tuple[str, ...] = ()
        if action is not None and actor != "seller":
            lo, hi = (date.start(), date.end()) if date is not None else (-1, -1)
            words = tuple(
                NAME if t.word in people.names else t.base for t in toks if not lo <= t.start < hi
            )
        return Clause(
            s,
            actor,
            actor_text,
            action,
            obj,
            when,
            polarity,
            goal,
            min_stage,
            vague,
            specific,
            form,
            words,
        )

    def parse(self, text: str, people: People) -> tuple[Clause, ...]:
        """Every clause of ``text``, parsed."""
        whole = " ".join([t.base for t in self.norm.tokens(text, people.names)])
        dated = self._date(whole) is not None
        out: list[Clause] = []
        previous: Clause | None = None
        addressed = False  # after a heading naming the rep: "Raj: MAP w/ Ben by Fri"
        for part in self._pieces(text, people):
            current = self.clause(part, people, dated, previous)
            toks = self.norm.tokens(part, people.names)
            if len(toks) == 1 and self.lead.outsider(toks[0], people, _acronyms(part, people)):
                addressed = True
                current = replace(current, actor="seller", actor_text=None, specific=False)
            elif addressed and current.actor != "seller" and toks:
                ref = client_ref(self, toks, current.text, people, 0, _acronyms(part, people))
                if ref is None or ref[0] > 0:  # ... unless a client opens the clause
                    current = replace(current, actor="seller", actor_text=None, specific=False)
            current = conditioned(current, previous, dated)
            out.append(refers_back(current, previous, self.order))
            previous = current
        return tuple(out)

    def names_date(self, text: str, people: People) -> bool:
        """``any(c.when for c in self.parse(text, people))`` without parsing each clause:
        the same pieces, tokens and date search, nothing else (the note reader's
        commitment test needs only this, and a full parse was a third of its cost)."""
        names = people.names
        memo = self._piece_dated
        for part in self._pieces(text, people):
            # a note's pieces recur across notes though the note does not: a piece's
            # answer is memoised (short pieces, core/_memo)
            key = (part, names)
            dated = memo.get(key)
            if dated is None:
                s = " ".join([t.base for t in self.norm.tokens(part, names)])
                date = self._date(s)
                dated = date is not None and bool(date.group(0))
                if len(part) <= LONG_TEXT:
                    remember(memo, key, dated, _CLAUSE_LIMIT)
            if dated:
                return True
        return False

    def _pieces(self, text: str, people: People) -> Iterator[str]:
        """The pieces of ``text`` parsed one by one: each raw clause without its preamble,
        split where a client person opens a clause of their own."""
        for raw in self.clauses(text):
            step = _PREAMBLE.sub("", raw, count=1)
            yield from self._by_person(step or raw, people)

    def dated(self, s: str) -> bool:
        """Whether the clause of base forms ``s`` names a date (its parse has a ``when``)."""
        return self._date(s) is not None

    def _date(self, s: str) -> re.Match[str] | None:
        """The first date-like phrase of ``s`` (base forms), memoised for short ``s`` (a
        clause is searched for its date in the sentence's test and in its own parse): on
        lower-case ASCII text the pattern is tried only at the word starts a date can
        start at (``start_finder``), in order, which finds the match a search finds."""
        dates = self.dates
        if dates is None:
            return None
        memo = self._dates
        hit = memo.get(s, _UNSET)
        if hit is not _UNSET:
            return hit  # type: ignore[return-value]
        found: re.Match[str] | None = None
        starts = self._date_starts
        if starts is None or not (s.isascii() and s.islower()):
            found = dates.search(s)
        else:
            match = dates.cs.match
            for at in starts.finditer(s):
                found = match(s, at.start())
                if found is not None:
                    break
        if len(s) <= LONG_TEXT:
            remember(memo, s, found, _CLAUSE_LIMIT)
        return found

    def _by_person(self, raw: str, people: People) -> list[str]:
        """``raw`` split at commas that open a client person's own clause ("sent proposal,
        ben reviewing w cto, feedback thu": the second clause is Ben's)."""
        pieces = _COMMA.split(raw)
        if len(pieces) == 1:
            return pieces
        out = [pieces[0]]
        for piece in pieces[1:]:
            low = piece.lower()
            head = low.split(maxsplit=1)[0].strip(".'\"()") if low.strip() else ""
            if head in people.names or any(
                p is not None and p.match(low) for p in (self.client_actor, people.phrases)
            ):
                out.append(piece)
            else:
                out[-1] = f"{out[-1]}, {piece}"
        return out
