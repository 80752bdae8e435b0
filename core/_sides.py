"""Who opens a clause: a contact, or someone on the seller's side (:mod:`nextadvance.core._parse`).

A next step says who acts by how it starts.  The seller's side opens it with a bare verb
("send pricing"), a goal about a contact ("Jake to get Ben to commit"), a channel
partner's contact ("Pete (Corvane) to resend the quote") or the rep a manager addresses
("Sam to prep CEO brief", "JT: get CMO on cal"); a contact opens it with their name, even
a name that is also a verb ("mark to take sue thru the findings").
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from nextadvance.core._clause import People
    from nextadvance.core._normalise import Normaliser, Token
    from nextadvance.core._regex import Regex

__all__ = ["PROMISE", "SellerLead", "contact_lead"]

#: markers of a promise between a client person and a verb
PROMISE = frozenset({"to", "will", "shall", "gonna", "agree", "promise", "go"})

#: after a channel partner's name, verbs that report the client rather than act
_REPORT = frozenset(
    {"say", "tell", "think", "report", "mention", "hear", "feel", "confirm", "reckon", "believe"}
)
#: between the name of the rep a manager addresses and the to-do ("Sam: pls send ...")
_ADDRESS = frozenset(
    {"to", "will", "should", "must", "pls", "please", "plz", "can", "need", "needs"}
)
#: a request: what follows is the to-do of the one addressed
_PLEASE = frozenset({"pls", "please", "plz"})
#: after a name: a goal verb aimed at someone else ("Jake needs to get Ben to ...")
_NAMED_GOAL = re.compile(
    r"(?:to |will |must |should |need to |have to |be to )?"
    r"(?:get|ask|make sure|push|convince|chase|nudge|remind|press|persuade) "
)


#: the seller's own paper ("send DocuSign", "send OF for signature", "resend the quote")
_PAPER = re.compile(
    r"\b(?:docusign|order form|of|quote|proposal|pricing|deck|case stud\w*|one-pager|"
    r"for (?:signature|sign-?off|countersignature))\b"
)
_SEND = frozenset({"send", "resend", "email", "forward", "share", "shoot"})
#: ... unless it comes back signed from the client
_RETURNED = re.compile(r"\b(?:sign|signed|countersign\w*|execute\w*|back)\b")
#: the one named acting for their own people ("Priya to share the deck with her CFO")
_THEIR_OWN = re.compile(r"\b(?:his|her|their)\b")


def contact_lead(toks: list[Token], people: People, raw: str = "") -> bool:
    """The clause opens with a contact's name, even one that is also a verb ("Mark to
    walk Sue through it", "mark locking the go-live date"): capitalised, followed by a
    promise or a verb form that only a person takes, or by an aside in the clause as
    written (``raw``) that introduces the person ("mark (legal) sending redlines")."""
    if not toks or toks[0].word not in people.names:
        return False
    if toks[0].cap:
        return True
    head = raw.lstrip()
    n = len(toks[0].word)
    if head[:n].lower() == toks[0].word and head[n:].lstrip().startswith("("):
        return True
    return len(toks) > 1 and (toks[1].base in PROMISE or toks[1].form in ("ing", "s", "past"))


class SellerLead:
    """The opening of a clause read for the seller's side, from the parser's lexicon parts:
    the verb table (``norm``), seller verbs and goals as leading patterns, the client
    actions and client titles (a recipient), and the lexicon's word lists."""

    def __init__(
        self,
        norm: Normaliser,
        seller_verb: Regex | None,
        goal_lead: Regex | None,
        actions: list[tuple[str, Regex, str | None]],
        client_actor: Regex | None,
        stopwords: frozenset[str],
        imperative_exclude: frozenset[str],
    ) -> None:
        self.norm = norm
        self.seller_verb = seller_verb
        self.goal_lead = goal_lead
        self.actions = actions
        self.client_actor = client_actor
        self.stopwords = stopwords
        self.imperative_exclude = imperative_exclude

    def imperative(self, toks: list[Token], people: People) -> bool:
        """The clause opens with a bare verb of the verb table: the rep's own to-do (not a
        contact whose name is a verb: "Mark 'needs to think about ROI'")."""
        if not toks:
            return False
        t = toks[0]
        return (
            t.form == "base"
            and not contact_lead(toks, people)
            and t.word in self.norm.verb_bases
            and t.word not in self.imperative_exclude
            and not (t.cap and t.word not in self.norm.vocabulary)
        )

    def named_goal(self, toks: list[Token], s: str, people: People) -> bool:
        """Someone who is not on the deal, out to get one of the deal's contacts to act:
        "Jake to get Ben to commit to a close date" is the rep's goal (a manager's note),
        not Jake's commitment."""
        t = toks[0]
        if not (t.cap and t.word not in people.names and t.word not in self.norm.vocabulary):
            return False
        m = _NAMED_GOAL.match(s, len(t.base) + 1)
        if m is None:
            return False
        after = s[m.end() :]
        return any(w.word in people.names for w in toks if w.start >= m.end()) or bool(
            people.phrases is not None and people.phrases.match(after.removeprefix("the "))
        )

    def outsider(self, t: Token, people: People, acronyms: frozenset[str]) -> bool:
        """``t`` is a name, not of the deal's contacts (nor a short form of one: "Ricky"
        for Ricardo, nor a client title: "MD"), on a deal that has contacts: someone on the
        seller's side."""
        return bool(
            people.names  # with no contacts on the deal, any name may be the client's
            and t.cap
            and t.word.isalpha()
            and len(t.word) > 1
            and t.word not in people.names
            and t.word not in acronyms
            and t.word not in self.stopwords
            and t.word not in self.norm.vocabulary
            and not (self.client_actor is not None and self.client_actor.fullmatch(t.word))
            and not any(n[:3] == t.word[:3] for n in people.names if len(n) > 2)
        )

    def seller_side(
        self, toks: list[Token], s: str, people: People, acronyms: frozenset[str]
    ) -> bool:
        """The clause opens with someone on the seller's side who acts:

        - a channel partner's contact or firm ("Pete (Corvane) to resend the quote", "Halvard
          to scope the PoC"), unless reporting the client ("Pete says the EU is keen");
        - someone not on the deal, told what to do by a manager ("Sam to prep CEO brief",
          "JT send DocuSign today", "MK: get CMO on cal"): a seller verb or goal follows
          the name.  A name that may be a contact's short form ("Ricky" for Ricardo) is
          the client's.
        """
        if not toks:
            return False
        t = toks[0]
        if t.word in people.partners:
            verb = next((w for w in toks if w.word not in people.partners), None)
            return verb is not None and verb.base not in _REPORT and verb.form != "past"
        if not self.outsider(t, people, acronyms):
            return False
        if self.goal_lead is not None and self.goal_lead.match(s[len(t.base) + 1 :]):
            return True  # "Raj needs EB access before we quote"
        nxt = next((w for w in toks[1:] if w.base not in _ADDRESS), None)
        if nxt is None or nxt.form != "base":
            return False
        rest = s[nxt.start :]
        if self.goal_lead is not None and self.goal_lead.match(rest):
            return True
        if any(w.base in _PLEASE for w in toks[1:] if w.start < nxt.start):
            return True  # a request to the one named: "Sam pls confirm VP Sales attending"
        if not (
            (self.seller_verb is not None and self.seller_verb.match(rest))
            or (nxt.verb and nxt.base not in self.imperative_exclude)  # "Sam to find ..."
        ):
            return False
        if not any(pat.match(s, nxt.start) for _, pat, _ in self.actions):
            return True  # a verb only the seller's side uses ("prep", "chase", "tailor")
        # a verb clients use too ("send", "set up"): the seller's paper going out ("JT send
        # DocuSign today"), or done for one of the deal's contacts ("Lena send MSA to KB") -
        # not for "her CFO", the one named's own people
        after = nxt.start + len(nxt.base)
        if _THEIR_OWN.search(s, after):
            return False
        if nxt.base in _SEND and _PAPER.search(s, after) and not _RETURNED.search(s, after):
            return True
        return any(w.word in people.names for w in toks if w.start > nxt.start) or any(
            pat is not None and pat.search(s, after) for pat in (people.phrases, self.client_actor)
        )
