"""A case-insensitive lexicon pattern that runs case-sensitively where that is the same.

The parser and the note reader search big case-insensitive alternations (the lexicon's
phrases) in text they have already lower-cased: a clause's base forms.  Python's ``re``
matches a case-insensitive literal by folding every character it compares, about twice
as slow as a plain comparison.  On text that is ASCII and has no upper-case letter, a
pattern whose literals and ranges hold no upper-case or non-ASCII letter matches exactly
as its case-sensitive twin does (a fold only ever relates a letter to its other case, or
to a non-ASCII letter), so :class:`Regex` picks the twin there and the original
elsewhere.  Patterns the check cannot vouch for keep one compiled form for both.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from typing import Any

# re's private parser is imported in one place, core/_prefilter.py, which reads patterns too
from nextadvance.core._prefilter import _c, _sre

__all__ = ["Regex", "regex"]

_CHAR_OPS = (_c.LITERAL, _c.NOT_LITERAL)


def _plain(code: int) -> bool:
    """A character a case-insensitive match compares like a case-sensitive one against
    lower-case ASCII text: ASCII and not upper-case, or no letter at all (a symbol such
    as "€" or an emoji; the letters that fold to ASCII ones, "ſ", "ı", the Kelvin sign,
    are letters)."""
    ch = chr(code)
    return not ch.isupper() if ch.isascii() else not ch.isalpha()


def _safe(value: Any) -> bool:
    """No literal, set member or range in this piece of parsed pattern is upper-case or
    non-ASCII (and every nested piece is the same)."""
    if isinstance(value, _sre.SubPattern):
        return all(_safe_item(op, av) for op, av in value.data)
    if isinstance(value, list | tuple):
        return all(_safe(v) for v in value)
    return True  # group numbers, repeat bounds, flags, None


def _safe_item(op: Any, av: Any) -> bool:
    if op in _CHAR_OPS:
        return _plain(av)
    if op is _c.IN:
        for sub, val in av:
            if sub in _CHAR_OPS:
                if not _plain(val):
                    return False
            elif sub is _c.RANGE:
                if not all(_plain(x) for x in range(val[0], val[1] + 1)):
                    return False
            elif sub not in (_c.NEGATE, _c.CATEGORY):
                return False  # anything else: no twin, the pattern runs as written
        return True
    if op is _c.SUBPATTERN and (av[1] | av[2]) & re.IGNORECASE:
        return False  # an inline (?i:) or (?-i:) group: keep the pattern as written
    return _safe(av)


def _twin(pattern: re.Pattern[str]) -> re.Pattern[str]:
    """The case-sensitive compile of ``pattern`` when it matches the same on lower-case
    ASCII text, else ``pattern`` itself."""
    if not pattern.flags & re.IGNORECASE:
        return pattern
    try:
        tree = _sre.parse(pattern.pattern, pattern.flags)
    except Exception:  # an unknown syntax: no twin, the pattern runs as written
        return pattern
    if not _safe(tree):
        return pattern
    return re.compile(pattern.pattern, pattern.flags & ~re.IGNORECASE)


class Regex:
    """``ci`` (as compiled from the lexicon) with its case-sensitive twin ``cs``; the
    methods used by the parser, each choosing the twin on lower-case ASCII text."""

    __slots__ = ("ci", "cs", "flags", "pattern")

    def __init__(self, pattern: re.Pattern[str]) -> None:
        self.ci = pattern
        self.cs = _twin(pattern)
        self.pattern = pattern.pattern
        self.flags = pattern.flags

    def search(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        """``re.Pattern.search``."""
        pat = self.cs if string.isascii() and string.islower() else self.ci
        return pat.search(string, pos, endpos)

    def match(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        """``re.Pattern.match``."""
        pat = self.cs if string.isascii() and string.islower() else self.ci
        return pat.match(string, pos, endpos)

    def fullmatch(
        self, string: str, pos: int = 0, endpos: int = sys.maxsize
    ) -> re.Match[str] | None:
        """``re.Pattern.fullmatch``."""
        pat = self.cs if string.isascii() and string.islower() else self.ci
        return pat.fullmatch(string, pos, endpos)

    def finditer(
        self, string: str, pos: int = 0, endpos: int = sys.maxsize
    ) -> Iterator[re.Match[str]]:
        """``re.Pattern.finditer``."""
        pat = self.cs if string.isascii() and string.islower() else self.ci
        return pat.finditer(string, pos, endpos)

    def finditer_at(self, string: str, positions: list[int]) -> Iterator[re.Match[str]]:
        """``finditer``, trying only ``positions`` (ascending): exact when no match can
        start anywhere else (:class:`nextadvance.core._prefilter.StartIndex`).  A match
        found there is the one ``finditer`` finds, since it tries the same pattern at each
        position in order; its matches are never empty (they start with a word
        character), so the next one is looked for from where this one ended."""
        pat = self.cs if string.isascii() and string.islower() else self.ci
        end = 0
        for pos in positions:
            if pos >= end:
                m = pat.match(string, pos)
                if m is not None:
                    yield m
                    end = m.end()


def regex(pattern: str, flags: int = 0) -> Regex:
    """Compile ``pattern`` as a :class:`Regex`."""
    return Regex(re.compile(pattern, flags))
