"""A deal's activity text indexed once, so keyword rules cost a set lookup, not a scan.

The subjects and bodies of all spoken activities are joined (a NUL token between two
activities), lower-cased, stripped of punctuation and split in a handful of C-level string
calls.  A keyword rule first intersects its words with the deal's word set (most rules
stop here); only on a hit is the text searched from the end, and the number of NUL tokens
before the hit says which activity it was.  A phrase can never span two activities because
the NUL token sits between them.
"""

from __future__ import annotations

from nextadvance.core._compiled import KeywordSet, split_words
from nextadvance.core._memo import LONG_TEXT, RECENT_LIMIT, remember
from nextadvance.core.models import Activity

__all__ = ["TextIndex", "build_index", "words_of"]

_BOUNDARY = "\x00"


class TextIndex:
    """The activities (oldest first), their joined normalised text and its word set.

    A plain slotted class rather than a frozen dataclass: one is built per deal and a
    frozen dataclass pays an ``object.__setattr__`` per field.  Treat it as read-only.
    """

    __slots__ = ("acts", "text", "words")

    def __init__(self, acts: tuple[Activity, ...], text: str, words: frozenset[str]) -> None:
        self.acts = acts
        self.text = text
        self.words = words

    def _where(self, pos: int) -> int:
        return self.text.count(_BOUNDARY, 0, pos)

    def search(self, kws: KeywordSet) -> tuple[Activity, str] | None:
        """The newest activity mentioning any keyword, and that keyword; None if none does."""
        text = self.text
        words = self.words
        best_pos = -1
        best_kw = ""
        # two different words cannot have their last occurrence start at the same spot, so
        # the order the hits are tried in does not change the result
        for word in kws.words & words:
            pos = text.rfind(f" {word} ")
            if pos > best_pos:
                best_pos, best_kw = pos, word
        for phrase, needed, kw in kws.phrase_entries:
            if needed <= words:
                pos = text.rfind(phrase)
                if pos > best_pos:
                    best_pos, best_kw = pos, kw
        if best_pos < 0:
            return None
        return self.acts[text.count(_BOUNDARY, 0, best_pos)], best_kw

    def every(self, kws: KeywordSet) -> dict[int, str]:
        """Position of every activity that mentions a keyword -> the first keyword found."""
        text = self.text
        out: dict[int, str] = {}
        needles = [(f" {w} ", w) for w in sorted(kws.words & self.words)]
        needles += [
            (p, p.strip())
            for p, needed in zip(kws.phrases, kws.phrase_words, strict=True)
            if needed <= self.words
        ]
        for needle, kw in needles:
            pos = text.find(needle)
            while pos >= 0:
                out.setdefault(self._where(pos), kw)
                pos = text.find(needle, pos + 1)
        return out


_EMPTY = TextIndex((), " ", frozenset())
#: one activity's text -> its words joined: subjects and templated bodies recur across
#: an org; bounded (cleared when full)
_WORDS: dict[tuple[str, str], tuple[str, frozenset[str]]] = {}
_WORDS_LIMIT = 2_048
#: the same for long texts (written notes), which recur only within their deal (core/_memo)
_LONG_WORDS: dict[tuple[str, str], tuple[str, frozenset[str]]] = {}
_BOUNDARY_SET = frozenset([_BOUNDARY])


def words_of(subject: str, body: str) -> tuple[str, frozenset[str]]:
    """One activity's normalised words joined by spaces, and as a set (memoised)."""
    key = (subject, body)
    if len(subject) + len(body) <= LONG_TEXT:
        memo, limit = _WORDS, _WORDS_LIMIT
    else:
        memo, limit = _LONG_WORDS, RECENT_LIMIT
    hit = memo.get(key)
    if hit is None:
        words = split_words(f"{subject} {body}")
        hit = remember(memo, key, (" ".join(words), frozenset(words)), limit)
    return hit


def build_index(acts: list[Activity]) -> TextIndex:
    """Index the text of ``acts`` (oldest first).

    Each activity's words are split once (memoised) and joined with the boundary token:
    splitting at whitespace and punctuation never crosses the spaces around the
    boundary, so this is the split of the whole joined text, word for word.
    """
    if not acts:
        return _EMPTY
    pieces: list[str] = []
    sets = [_BOUNDARY_SET] if len(acts) > 1 else []
    for i, a in enumerate(acts):
        if i:
            pieces.append(_BOUNDARY)
        words, unique = words_of(a.subject, a.body)
        if words:  # an activity without words adds no piece (no double space)
            pieces.append(words)
            sets.append(unique)
    return TextIndex(tuple(acts), f" {' '.join(pieces)} ", frozenset().union(*sets))
