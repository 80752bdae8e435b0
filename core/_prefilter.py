"""A cheap exact reject for the lexicon's big word-initial regular expressions.

The clause parser tries every client action's pattern (16 alternations of ~30 phrases
each, case-insensitive) on every clause.  Python's ``re`` cannot skip ahead in such a
pattern, so it attempts every branch at every word of the clause, even when no branch
can start there.  Most patterns begin with a word boundary (``\\b`` or ``(?<!\\w)``)
followed by a word character, so a match can only start at a word whose first letter
is one a branch starts with.  :func:`first_letters` reads that letter set off the
compiled pattern's syntax tree; :func:`initials` gives a text's word-initial letters
(one small regex); when the two sets are disjoint the pattern cannot match, exactly.
Anything the analysis does not understand yields ``None``: no reject, the pattern runs.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Sequence
from typing import Any, Protocol

from nextadvance.core._memo import remember

__all__ = [
    "StartIndex",
    "cannot_match",
    "first_letters",
    "first_of",
    "first_pairs",
    "initials",
    "prepare",
    "start_finder",
]

_sre: Any = importlib.import_module("re._parser")
_c: Any = importlib.import_module("re._constants")
_WORD_START = re.compile(r"\b\w")
#: a word's first character and the one after it, whatever it is (none at the end)
_WORD_PAIR = re.compile(r"\b\w.?", re.DOTALL)
_WORD_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789_")
_ZERO_WIDTH = (_c.AT, _c.ASSERT, _c.ASSERT_NOT)
_REPEATS = (_c.MAX_REPEAT, _c.MIN_REPEAT, getattr(_c, "POSSESSIVE_REPEAT", _c.MAX_REPEAT))


class Source(Protocol):
    """A compiled pattern's source and flags (a ``re.Pattern`` or a ``Regex`` of
    :mod:`nextadvance.core._regex`)."""

    @property
    def pattern(self) -> str: ...

    @property
    def flags(self) -> int: ...


#: the first characters of a piece of pattern (None: anything) and whether it can be empty
_First = tuple[set[str] | None, bool]


def _seq(items: Any) -> _First:
    out: set[str] = set()
    for op, av in items:
        chars, nullable = _item(op, av)
        if chars is None:
            return None, False
        out |= chars
        if not nullable:
            return out, False
    return out, True


def _item(op: Any, av: Any) -> _First:
    if op is _c.LITERAL:
        return {chr(av).lower()}, False
    if op is _c.IN:
        chars: set[str] = set()
        for sub, val in av:
            if sub is _c.LITERAL:
                chars.add(chr(val).lower())
            elif sub is _c.RANGE and val[1] - val[0] < 128:
                chars.update(chr(x).lower() for x in range(val[0], val[1] + 1))
            elif sub is _c.CATEGORY and val is _c.CATEGORY_DIGIT:
                chars.update("0123456789")  # all \d can match in ASCII text
            else:  # a negation, a category (\w, \d, \S): anything
                return None, False
        return chars, False
    if op is _c.SUBPATTERN:
        return _seq(av[3])
    if op is _c.BRANCH:
        out: set[str] = set()
        nullable = False
        for alt in av[1]:
            chars_alt, empty = _seq(alt)
            if chars_alt is None:
                return None, False
            out |= chars_alt
            nullable = nullable or empty
        return out, nullable
    if op in _REPEATS:
        chars_rep, empty = _seq(av[2])
        return chars_rep, av[0] == 0 or empty
    if op in _ZERO_WIDTH:  # ignoring a constraint only widens the set
        return set(), True
    return None, False  # ANY, NOT_LITERAL, group references, ...: anything


def _word_start(op: Any, av: Any) -> bool:
    """``\\b`` or ``(?<!\\w)``: the match starts where a word may start."""
    if op is _c.AT:
        return bool(av is _c.AT_BOUNDARY)
    return bool(
        op is _c.ASSERT_NOT
        and av[0] == -1
        and len(av[1]) == 1
        and av[1][0][0] is _c.IN
        and list(av[1][0][1]) == [(_c.CATEGORY, _c.CATEGORY_WORD)]
    )


def _after_word_start(pattern: Source) -> list[Any] | None:
    """The parsed pattern after its leading word boundary; None when it has none (or the
    syntax is unknown): then no reject can be shown and the pattern always runs."""
    try:
        tree = _sre.parse(pattern.pattern, pattern.flags)
    except Exception:  # an unknown syntax: no reject, the pattern runs
        return None
    items = list(tree.data)
    if not items or not _word_start(*items[0]):
        return None
    return items[1:]


def first_letters(pattern: Source) -> frozenset[str] | None:
    """The (lower-case, ASCII) word characters a match of ``pattern`` can start with, when
    it starts at a word boundary with one of them; None when that cannot be shown."""
    items = _after_word_start(pattern)
    if items is None:
        return None
    chars, nullable = _seq(items)
    if chars is None or nullable or not chars or not chars <= _WORD_CHARS:
        return None
    return frozenset(chars)


#: a piece of pattern's possible starts, up to two characters: (text, whether the next
#: piece continues it); "" with False is "anything"
_Pre = set[tuple[str, bool]]
_K = 2
_MAX_STARTS = 4_096


def _pre_seq(items: Any) -> _Pre | None:
    cur: _Pre = {("", True)}
    for op, av in items:
        piece = _pre_item(op, av)
        if piece is None:
            return None
        nxt: _Pre = set()
        for head, more in cur:
            if not more or len(head) >= _K:
                nxt.add((head, False))
                continue
            for tail, goes_on in piece:
                joined = head + tail
                nxt.add((joined[:_K], False) if len(joined) >= _K else (joined, goes_on))
        if len(nxt) > _MAX_STARTS:
            return None
        cur = nxt
    return cur


def _pre_item(op: Any, av: Any) -> _Pre | None:
    if op is _c.LITERAL or op is _c.IN:
        chars, _ = _item(op, av)
        return {("", False)} if chars is None else {(c, True) for c in chars}
    if op is _c.SUBPATTERN:
        return _pre_seq(av[3])
    if op is _c.BRANCH:
        out: _Pre = set()
        for alt in av[1]:
            got = _pre_seq(alt)
            if got is None:
                return None
            out |= got
        return out
    if op in _REPEATS:
        lo, hi, sub = av
        out = {("", True)} if lo == 0 else set()
        for j in range(max(lo, 1), min(hi, _K) + 1):
            got = _pre_seq(list(sub) * j)
            if got is None:
                return None
            out |= got
        if hi > _K:  # more copies than characters looked at: what follows is unknown
            got = _pre_seq(list(sub) * _K)
            if got is None:
                return None
            out |= {(head, False) for head, _ in got}
        return out
    if op in _ZERO_WIDTH:  # ignoring a constraint only widens the set
        return {("", True)}
    return {("", False)}  # ANY, NOT_LITERAL, ...: any character


def first_pairs(pattern: Source) -> frozenset[str] | None:
    """What a match of ``pattern`` can start with, up to two (lower-case) characters, when
    it starts at a word boundary with a word character; None when that cannot be shown.
    A one-character entry is followed by anything (or by the end of the match)."""
    items = _after_word_start(pattern)
    if items is None:
        return None
    got = _pre_seq(items)
    if got is None:
        return None
    heads = {head for head, _ in got}
    if not heads or any(not h or h[0] not in _WORD_CHARS or not h.isascii() for h in heads):
        return None
    return frozenset(heads)


def initials(text: str) -> frozenset[str] | None:
    """How the words of ``text`` start: the first character and the first two characters
    of each word, lower-cased (None for non-ASCII text, where case-insensitive matching
    may fold letters the reject does not know about)."""
    if not text.isascii():
        return None
    low = text.lower()
    # two scans in C instead of a Python loop over the word starts: a pair match never
    # swallows a word start (its second character is a word character, so no word starts
    # there, or it is not, and the next word starts after it)
    return frozenset(_WORD_START.findall(low)).union(_WORD_PAIR.findall(low))


#: first letters per compiled pattern, by identity: hashing a Pattern hashes its whole
#: compiled code, too slow for a per-clause lookup (bounded, cleared when full)
_FIRST: dict[int, tuple[Source, frozenset[str] | None]] = {}


def _entry(pat: Source) -> tuple[Source, frozenset[str] | None]:
    hit = _FIRST.get(id(pat))
    if hit is None or hit[0] is not pat:
        hit = remember(_FIRST, id(pat), (pat, first_pairs(pat)), 4_096)
    return hit


def first_of(pat: Source) -> frozenset[str] | None:
    """:func:`first_pairs` of ``pat``, memoised (what :func:`cannot_match` tests)."""
    return _entry(pat)[1]


def start_finder(pat: Source) -> re.Pattern[str] | None:
    """A small pattern matching (empty) at each word start of lower-case ASCII text where a
    match of ``pat`` can start (:func:`first_pairs`), or None when that cannot be shown.

    Trying ``pat`` only there, in order, finds the match ``pat.search`` finds (as
    :meth:`StartIndex.positions` does for many patterns): ``re`` tries a big alternation
    at every word start, this one character class there (the clause date search, issue
    #20: a third of its cost)."""
    first = first_of(pat)
    if first is None:
        return None
    tails: dict[str, set[str]] = {}
    for head in first:
        tails.setdefault(head[0], set()).add(head[1:])
    alts = [
        re.escape(c)
        if "" in rest
        else re.escape(c) + "[" + "".join(map(re.escape, sorted(rest))) + "]"
        for c, rest in sorted(tails.items())
    ]
    return re.compile(r"\b(?=" + "|".join(alts) + ")")


def prepare(*patterns: Source | None) -> None:
    """Analyse these patterns now (when the lexicon is compiled), not on first use in
    ``decide``: reading a big pattern's syntax tree takes a millisecond or more."""
    for pat in patterns:
        if pat is not None:
            _entry(pat)


def cannot_match(pat: Source, starts: frozenset[str] | None) -> bool:
    """True when ``pat`` cannot match a text whose words start as ``starts`` says
    (:func:`initials`): no word starts with one of the pattern's possible starts."""
    if starts is None:
        return False
    first = _entry(pat)[1]
    return first is not None and first.isdisjoint(starts)


class StartIndex:
    """Patterns by what their matches can start with: a text's word starts then say, for
    each pattern, the only positions a match of it can start at.

    ``re`` tries a big alternation behind ``\\b`` at every character of the text (a
    leading ``\\b`` defeats its literal-prefix scan); matching it only at the word starts
    whose first one or two characters :func:`first_pairs` allows, in order, finds the
    same matches (:meth:`nextadvance.core._regex.Regex.finditer_at`), several times
    faster on a clause.  Patterns the analysis cannot read are not indexed.
    """

    __slots__ = ("by_head", "indexed")

    def __init__(self, patterns: Sequence[Source]) -> None:
        by_head: dict[str, list[int]] = {}
        indexed: list[bool] = []
        for i, pat in enumerate(patterns):
            first = first_of(pat)
            indexed.append(first is not None)
            for head in first or ():
                by_head.setdefault(head, []).append(i)
        self.by_head = {k: tuple(v) for k, v in by_head.items()}
        #: whether pattern ``i`` is indexed (else it must be searched as usual)
        self.indexed = tuple(indexed)

    def positions(self, text: str) -> dict[int, list[int]] | None:
        """Indexed pattern -> the word starts of ``text`` (ascending) a match of it can
        start at; an indexed pattern absent here cannot match.  None for non-ASCII text
        (as :func:`initials`)."""
        if not text.isascii():
            return None
        out: dict[int, list[int]] = {}
        get = self.by_head.get
        for m in _WORD_PAIR.finditer(text.lower()):
            pos = m.start()
            pair = m.group()
            for head in (pair[0], pair) if len(pair) == 2 else (pair,):
                for i in get(head, ()):
                    found = out.get(i)
                    if found is None:
                        out[i] = [pos]
                    elif found[-1] != pos:
                        found.append(pos)
        return out
