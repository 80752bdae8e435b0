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
from dataclasses import replace
from typing import TYPE_CHECKING

from nextadvance.core._actions import ActionFinder
from nextadvance.core._clause import Clause, People
from nextadvance.core._links import NOT_VERB, addressed, conditioned, refers_back
from nextadvance.core._normalise import Normaliser, Token
from nextadvance.core._prefilter import cannot_match, initials, prepare
from nextadvance.core._regex import Regex, regex
from nextadvance.core._sides import PROMISE, SellerLead, contact_lead
from nextadvance.core._stage_model import NAME
from nextadvance.core._status import status

if TYPE_CHECKING:
    from nextadvance.core._lexicon_model import Lexicon

__all__ = ["Clause", "ClauseParser", "People"]

_FLAGS = re.IGNORECASE
#: seller verbs of receiving: "we get the PO from Michael" is Michael's commitment
_RECEIVE = frozenset({"get", "receive", "become", "expect", "collect"})
_COMMA = re.compile(r",\s+")
#: a word written in capitals (3+ letters, maybe a plural "s"): an acronym
_ACRONYM = re.compile(r"(?<![\w'])[A-Z]{3,}s?(?![\w'])")
_OWN = re.compile(r"\b(?:our|my)\s+$")
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
        """The raw clauses of ``text``."""
        return [c.strip() for c in self.split.split(text) if c and c.strip()]

    def _client_ref(
        self,
        toks: list[Token],
        s: str,
        people: People,
        offset: int = 0,
        acronyms: frozenset[str] = frozenset(),
    ) -> tuple[int, str, bool] | None:
        """Offset, text and specificity of the first client reference at or after
        ``offset`` (a name, title or team is specific; "they", "the client" is not; an
        unknown acronym in capitals, "MRAs", "PHI", is a thing, not a person)."""
        best: tuple[int, str, bool] | None = None
        for t in toks:
            if t.start < offset:
                continue
            if (t.word in people.names and not _OWN.search(s, 0, t.start)) or (
                t.cap
                and t.word not in acronyms
                and not _OWN.search(s, 0, t.start)
                and t.word not in self.stopwords
                and t.word not in self.norm.vocabulary
                and t.word.isalpha()
                and len(t.word) > 1
            ):
                best = (t.start, t.word, True)
                break
        generic_end = -1
        for pat, specific in (
            (self.client_actor, True),
            (people.phrases, True),
            (self.generic_actor, False),
        ):
            if pat is not None:
                # "our legal", "my manager": a team of the seller's own side
                m = next(
                    (m for m in pat.finditer(s, offset) if not _OWN.search(s, 0, m.start())), None
                )
                if m is None:
                    continue
                if not specific:
                    generic_end = m.end()
                if best is None or m.start() < best[0]:
                    best = (m.start(), m.group(0), specific)
        if best is not None and not best[2] and generic_end >= 0:
            # "their legal": the team named right after the generic word is who
            for spec in (self.client_actor, people.phrases):
                n = spec.search(s, generic_end) if spec is not None else None
                if n is not None and n.start() <= generic_end + 1:
                    best = (best[0], f"{best[1]} {n.group(0)}", True)
                    break
        return best

    def _for_someone(self, toks: list[Token], s: str, people: People) -> bool:
        """The clause opens with a bare verb done *for or with* someone, or on the seller's
        own things: "share the one-pager w Kenji", "review Deborah's redlines with our
        legal", "run the true-up calc for Howard" - the rep's to-do, even when the verb
        is a client action (a bare "review proposal" is not: nobody is named)."""
        if not toks:
            return False
        t = toks[0]
        if not (
            t.form == "base"
            and t.word in self.norm.verb_bases
            and (t.word not in self.imperative_exclude or t.word in self.imperative_recipient)
            and not (t.cap and t.word not in self.norm.vocabulary)
            and t.word not in people.names
        ):
            return False
        if self.recipient is not None and self.recipient.search(s, len(t.base)):
            return True
        ref = self._client_ref(toks, s, people, len(t.base) + 1)
        return ref is not None and ref[2]

    def _fallback(self, toks: list[Token], ref_at: int) -> tuple[int, int, str, str | None] | None:
        """An unlisted client action: the client person, a promise marker, then a verb
        ("Ben to circulate the deck internally Fri"), or a verb in -ing/-s/past form
        right after the person ("Ben circulating the deck Fri")."""
        after = [t for t in toks if t.start > ref_at][:5]
        for i, t in enumerate(after):
            if t.base in PROMISE and i + 1 < len(after):
                nxt = after[i + 1]
                if nxt.base in ("to", "be") and i + 2 < len(after):
                    nxt = after[i + 2]
                # a verb of the table, or after "to" any word that is not a function
                # word or a date ("Ben to cascade the deck", "Ben to pop it over")
                unlisted = t.base == "to" and nxt.word.isalpha() and nxt.word not in NOT_VERB
                if (nxt.verb or unlisted) and nxt.base not in self.fallback_exclude:
                    return nxt.start, nxt.start + len(nxt.base), self.lexicon.fallback_action, None
                if t.base == "promise":  # "Ben promised the architecture diagram by Fri"
                    return t.start, t.start + len(t.base), self.lexicon.fallback_action, None
                return None
            if t.verb and t.form in ("ing", "s", "past") and t.base not in self.fallback_exclude:
                return t.start, t.start + len(t.base), self.lexicon.fallback_action, None
            if t.verb:
                return None
        return None

    # -- the parse ------------------------------------------------------------------------
    def clause(
        self, raw: str, people: People, text_dated: bool, previous: Clause | None = None
    ) -> Clause:
        """Parse one clause (``text_dated``: the whole text names a date)."""
        toks = self.norm.tokens(raw, people.names)
        s = " ".join(t.base for t in toks)
        acr = _acronyms(raw, people)
        starts = initials(s)  # word initials: patterns none can start with are skipped
        date = (
            self.dates.search(s)
            if self.dates is not None and not cannot_match(self.dates, starts)
            else None
        )
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
                or (verb_lead and self._for_someone(toks, s, people))
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
                ref = self._client_ref(toks, s, people, by.end(), acr)
                if ref is not None:  # "we get the PO from Michael": the client acts
                    actor, actor_text, specific = "client", ref[1], ref[2]
            elif actor == "unknown":
                ref = self._client_ref(toks, s, people, 0, acr)
                if ref is not None and ref[0] <= at:
                    actor, actor_text, specific = "client", ref[1], ref[2]
                    actor_pos = ref[0]
                elif by is not None:  # passive: "to be signed by their legal"
                    ref = self._client_ref(toks, s, people, by.end(), acr)
                    if ref is not None:
                        actor, actor_text, specific = "client", ref[1], ref[2]
        elif actor == "unknown":
            ref = self._client_ref(toks, s, people, 0, acr)
            if ref is not None:
                actor, actor_text, specific = "client", ref[1], ref[2]
                actor_pos = ref[0]
                fb = self._fallback(toks, ref[0])
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
        dated = (
            self.dates is not None
            and not cannot_match(self.dates, initials(whole))
            and self.dates.search(whole) is not None
        )
        out: list[Clause] = []
        previous: Clause | None = None
        addressed = False  # after a heading naming the rep: "Raj: MAP w/ Ben by Fri"
        for raw in self.clauses(text):
            step = _PREAMBLE.sub("", raw, count=1)
            for part in self._by_person(step or raw, people):
                current = self.clause(part, people, dated, previous)
                toks = self.norm.tokens(part, people.names)
                if len(toks) == 1 and self.lead.outsider(toks[0], people, _acronyms(part, people)):
                    addressed = True
                    current = replace(current, actor="seller", actor_text=None, specific=False)
                elif addressed and current.actor != "seller" and toks:
                    ref = self._client_ref(toks, current.text, people, 0, _acronyms(part, people))
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
        if self.dates is None:
            return False
        for raw in self.clauses(text):
            step = _PREAMBLE.sub("", raw, count=1)
            for part in self._by_person(step or raw, people):
                s = " ".join([t.base for t in self.norm.tokens(part, people.names)])
                if cannot_match(self.dates, initials(s)):
                    continue
                date = self.dates.search(s)
                if date is not None and date.group(0):
                    return True
        return False

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
