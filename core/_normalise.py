"""Normalisation: the first step of reading a rep's text the way a person would.

A next step or a note sentence is lower-cased, split into tokens, abbreviations and
contractions are expanded (``mtg`` -> ``meeting``, ``w/`` -> ``with``, ``won't`` ->
``will not``), a word the lexicon does not know is corrected when exactly one word of the
lexicon's own vocabulary is one edit away (``reveiw`` -> ``review``), and every verb is
reduced to its base form from the shipped table (``sent`` -> ``send``) while remembering
which form it was (an ``-ing`` form without a date is a status, not a commitment).

Everything here is data from the lexicon; the class only applies it.  Names of the deal's
contacts are never "corrected".
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, NamedTuple

from nextadvance.core._memo import remember

if TYPE_CHECKING:
    from nextadvance.core._lexicon_model import Lexicon

__all__ = ["Normaliser", "Token"]

#: characters stripped from either end of a whitespace-separated piece
_EDGE = "\"'()[]{}<>.,;:!?*~`^=_“”‘’«»…"
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'"})
_WORD = re.compile(r"^[a-z]+$")
#: bound of the tokens memo (cleared when full)
_TOKENS_LIMIT = 256
#: bound of the per-piece memo (one whitespace-separated word each; cleared when full)
_PIECES_LIMIT = 8_192
#: builds a Token from a tuple in C (``Token(...)`` runs a Python-level ``__new__``)
_new_tuple = tuple.__new__
#: a literal word in a regular expression (not a prefix such as "struggl")
_CUE_WORD = re.compile(r"(?<![a-z\\])[a-z]{3,}(?=\\b|[\s)|?]|$)")
#: verb forms that, capitalised after the first word, are a day: "on-site Sat" is Saturday
_DAYS = frozenset({"sat"})


class Token(NamedTuple):
    """One normalised word: the text as read, its base form, the verb form, name flag.

    A named tuple, not a frozen dataclass: every word of every text read is one, and a
    frozen dataclass pays an ``object.__setattr__`` per field on construction.
    """

    word: str
    base: str
    form: str  # "base", "ing", "past", "s"
    cap: bool  # written with a capital letter (names, titles)
    start: int  # offset of ``base`` in the clause's joined base text
    verb: bool = False  # a form or base of the verb table


def _deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def _one_edit(a: str, b: str) -> bool:
    """True when ``a`` and ``b`` differ by one insertion, deletion, substitution or swap."""
    if a == b:
        return False
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    if la == lb:
        diff = [i for i in range(la) if a[i] != b[i]]
        if len(diff) == 1:
            return True
        return (
            len(diff) == 2
            and diff[1] == diff[0] + 1
            and a[diff[0]] == b[diff[1]]
            and a[diff[1]] == b[diff[0]]
        )
    if la > lb:
        a, b = b, a
    return any(b[:i] + b[i + 1 :] == a for i in range(len(b)))


class Normaliser:
    """Abbreviations, one-edit typo correction and verb base forms, from the lexicon."""

    def __init__(self, lexicon: Lexicon) -> None:
        self.abbreviations = {k.lower(): v.lower() for k, v in lexicon.abbreviations.items()}
        self.verbs = {k.lower(): (v[0].lower(), v[1]) for k, v in lexicon.verb_forms.items()}
        vocab: set[str] = set()
        for w in lexicon.vocabulary:
            vocab.update(w.lower().split())
        for exp in self.abbreviations.values():
            vocab.update(exp.split())
        for form, (base, _) in self.verbs.items():
            vocab.add(form)
            vocab.add(base)
        #: words typo correction may correct to (function words and names never)
        self.targets = frozenset(w for w in vocab if _WORD.match(w))
        vocab.update(w.lower() for w in lexicon.name_stopwords)
        # whole words the call-note topic cues spell out ("hate", "manual") are known
        # words: never "corrected" into another word ("hates" is not "haves")
        for topic in lexicon.topics.values():
            for pat in (*topic.cues, *topic.negative, *topic.positive):
                vocab.update(_CUE_WORD.findall(pat.lower()))
        self.vocabulary = frozenset(w for w in vocab if _WORD.match(w))
        index: dict[str, set[str]] = {}
        for w in self.targets:
            if len(w) >= 4:
                for d in _deletes(w) | {w}:
                    index.setdefault(d, set()).add(w)
        self._index = index
        self._min_typo = lexicon.typo_min_length
        self.verb_bases = frozenset(b for b, _ in self.verbs.values())
        self.verbs_all = self.verb_bases | frozenset(self.verbs)
        self._memo: dict[str, str | None] = {}
        self._tokens: dict[tuple[str, frozenset[str] | tuple[str, ...]], list[Token]] = {}
        #: (piece, a word came before it) -> ``_piece`` of it, with no names protected
        self._pieces: dict[
            tuple[str, bool], tuple[tuple[tuple[str, str, str, bool, bool], ...], bool, bool]
        ] = {}

    def _inflected(self, word: str) -> bool:
        """``word`` is a regular form of a known word ("loads", "expired", "handling",
        "deferred"): a real word, not a typo."""
        v = self.vocabulary
        for suffix in ("s", "es", "ed", "d", "ing", "er", "ers"):
            if word.endswith(suffix) and len(word) - len(suffix) >= 3:
                stem = word[: -len(suffix)]
                if stem in v or stem + "e" in v or (stem[-1:] == stem[-2:-1] and stem[:-1] in v):
                    return True
        return False

    def _named(self, piece: str, after: list[str], names: set[str]) -> bool:
        """An acronym written in capitals before a capitalised word the lexicon does not
        know (nor a contact's name) is part of a name ("SIG Lite"), not an abbreviation."""
        piece = piece.strip(_EDGE)  # "(SIG Lite vs ...)": the parenthesis is not the name
        if not (len(piece) >= 3 and piece.isalpha() and piece.isupper() and after):
            return False
        nxt = after[0].strip(_EDGE)
        low = nxt.lower()
        return (
            nxt[:1].isupper()
            and not nxt.isupper()
            and low not in self.vocabulary
            and low not in self.abbreviations
            and low not in self.verbs_all
            and low not in names  # "MTG Ben Tues": Ben is a contact, MTG a meeting
        )

    def correct(self, word: str) -> str | None:
        """The one vocabulary word one edit away from ``word``, or None (none or several)."""
        if word in self._memo:
            return self._memo[word]
        fix: str | None = None
        if (
            len(word) >= self._min_typo
            and _WORD.match(word)
            and word not in self.vocabulary
            and not self._inflected(word)
        ):
            cands: set[str] = set()
            for d in _deletes(word) | {word}:
                cands |= self._index.get(d, set())
            # a typo rarely changes the first letter ("light" is not "might")
            close = sorted(c for c in cands if c[0] == word[0] and _one_edit(word, c))
            fix = close[0] if len(close) == 1 else None
        if len(self._memo) < 16_384:
            self._memo[word] = fix
        return fix

    def tokens(self, text: str, protected: Iterable[str] = ()) -> list[Token]:
        """Normalised tokens of ``text``; words in ``protected`` (names) are kept as written.

        Memoised (bounded): reading one text tokenises the same string several times (the
        whole text for its date, each clause, each finer part, often all one string).
        The list returned is shared: callers only read it.
        """
        names = protected if isinstance(protected, frozenset | tuple) else frozenset(protected)
        key = (text, names)
        hit = self._tokens.get(key)
        if hit is None:
            hit = self._tokenise(text, names)
            remember(self._tokens, key, hit, _TOKENS_LIMIT)
        return hit

    def _tokenise(self, text: str, protected: Iterable[str]) -> list[Token]:
        keep = set(protected)
        out: list[Token] = []
        pos = 0
        first = True
        pieces = text.translate(_APOSTROPHES).split()
        # a piece's words depend only on the piece and on whether a word came before it,
        # except for a contact's name (no memo when names are protected) and a capitals
        # acronym, which reads the next piece (never memoised, ``_piece``)
        memo = None if keep else self._pieces
        for i, piece in enumerate(pieces):
            hit = None
            if memo is not None:
                hit = memo.get((piece, first))
            if hit is None:
                hit = self._piece(piece, pieces[i + 1 : i + 2], keep, first)
                if memo is not None and hit[2]:
                    remember(memo, (piece, first), hit, _PIECES_LIMIT)
            words, used, _ = hit
            for word, base, form, cap, verb in words:
                out.append(_new_tuple(Token, (word, base, form, cap, pos, verb)))
                pos += len(base) + 1
            if used:
                first = False
        return out

    def _piece(
        self, piece: str, after: list[str], keep: set[str], first: bool
    ) -> tuple[tuple[tuple[str, str, str, bool, bool], ...], bool, bool]:
        """One whitespace-separated piece's words (word, base, form, cap, verb), whether it
        counts as a word before the next piece, and whether the result may be memoised
        (it does not read ``after``: an all-capitals piece may be part of a name)."""
        low = piece.lower()
        # a contact's name written as one ("Mo (Brightpath)") is no abbreviation
        name = piece[:1].isupper() and low.strip(_EDGE) in keep
        expansion = None if name else self.abbreviations.get(low)
        if expansion is not None and self._named(piece, after, keep):
            expansion = low  # "SIG Lite", a named thing: not "signature lite"
        if expansion is None:
            core = low.strip(_EDGE)
            if not core:
                return (), False, True
            expansion = None if name else self.abbreviations.get(core)
            if expansion is not None and self._named(piece, after, keep):
                expansion = core
            if expansion is None:
                if core.endswith("'s") and (core[:-2] in keep or piece[:1].isupper()):
                    core = core[:-2]  # "Rick's EA": the name
                expansion = core
                if core not in keep:
                    fixed = self.correct(core)
                    # a capitalised word is a name unless it starts the text and is
                    # a misspelt verb ("Reveiw proposal")
                    if fixed is not None and (
                        not piece[:1].isupper() or (first and fixed in self.verbs_all)
                    ):
                        expansion = fixed
        stripped = piece.strip(_EDGE)
        cap = stripped[:1].isupper()
        day = cap and not first and low.strip(_EDGE) in _DAYS
        words = []
        for word in expansion.split():
            base, form = (word, "base") if day else self.verbs.get(word, (word, "base"))
            words.append((word, base, form, cap, base in self.verb_bases))
        alone = not (len(stripped) >= 3 and stripped.isalpha() and stripped.isupper())
        return tuple(words), True, alone
