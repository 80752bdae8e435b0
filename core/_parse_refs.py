"""Who a clause names on the client side, and the clause parser's two fallbacks.

``client_ref`` finds the first client reference in a clause (a contact's name, a title or
team, "their legal", or a generic "they"); ``for_someone`` tells a rep's to-do done for or
with someone ("share the one-pager w Kenji"); ``fallback`` reads an unlisted client verb
after the person ("Ben to circulate the deck Fri").  Split from
:mod:`nextadvance.core._parse`, which calls them with itself as ``p``.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from nextadvance.core._clause import People
from nextadvance.core._links import NOT_VERB
from nextadvance.core._normalise import Token
from nextadvance.core._sides import PROMISE

if TYPE_CHECKING:
    from nextadvance.core._parse import ClauseParser

__all__ = ["OWN", "client_ref", "fallback", "for_someone"]

#: "our legal", "my manager": a team of the seller's own side just before a match
OWN = re.compile(r"\b(?:our|my)\s+$")


def client_ref(
    p: ClauseParser,
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
        if (t.word in people.names and not OWN.search(s, 0, t.start)) or (
            t.cap
            and t.word not in acronyms
            and not OWN.search(s, 0, t.start)
            and t.word not in p.stopwords
            and t.word not in p.norm.vocabulary
            and t.word.isalpha()
            and len(t.word) > 1
        ):
            best = (t.start, t.word, True)
            break
    generic_end = -1
    for pat, specific in (
        (p.client_actor, True),
        (people.phrases, True),
        (p.generic_actor, False),
    ):
        if pat is not None:
            # "our legal", "my manager": a team of the seller's own side
            m = next((m for m in pat.finditer(s, offset) if not OWN.search(s, 0, m.start())), None)
            if m is None:
                continue
            if not specific:
                generic_end = m.end()
            if best is None or m.start() < best[0]:
                best = (m.start(), m.group(0), specific)
    if best is not None and not best[2] and generic_end >= 0:
        # "their legal": the team named right after the generic word is who
        for spec in (p.client_actor, people.phrases):
            n = spec.search(s, generic_end) if spec is not None else None
            if n is not None and n.start() <= generic_end + 1:
                best = (best[0], f"{best[1]} {n.group(0)}", True)
                break
    return best


def for_someone(p: ClauseParser, toks: list[Token], s: str, people: People) -> bool:
    """The clause opens with a bare verb done *for or with* someone, or on the seller's
    own things: "share the one-pager w Kenji", "review Deborah's redlines with our
    legal", "run the true-up calc for Howard" - the rep's to-do, even when the verb
    is a client action (a bare "review proposal" is not: nobody is named)."""
    if not toks:
        return False
    t = toks[0]
    if not (
        t.form == "base"
        and t.word in p.norm.verb_bases
        and (t.word not in p.imperative_exclude or t.word in p.imperative_recipient)
        and not (t.cap and t.word not in p.norm.vocabulary)
        and t.word not in people.names
    ):
        return False
    if p.recipient is not None and p.recipient.search(s, len(t.base)):
        return True
    ref = client_ref(p, toks, s, people, len(t.base) + 1)
    return ref is not None and ref[2]


def fallback(
    p: ClauseParser, toks: list[Token], ref_at: int
) -> tuple[int, int, str, str | None] | None:
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
            if (nxt.verb or unlisted) and nxt.base not in p.fallback_exclude:
                return nxt.start, nxt.start + len(nxt.base), p.lexicon.fallback_action, None
            if t.base == "promise":  # "Ben promised the architecture diagram by Fri"
                return t.start, t.start + len(t.base), p.lexicon.fallback_action, None
            return None
        if t.verb and t.form in ("ing", "s", "past") and t.base not in p.fallback_exclude:
            return t.start, t.start + len(t.base), p.lexicon.fallback_action, None
        if t.verb:
            return None
    return None
