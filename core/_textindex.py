"""A deal's activity text indexed once, so keyword rules cost a set lookup, not a scan.

All spoken activities of the chosen kinds are split into words once; the index keeps the
newest activity each word occurs in and one normalised string (activities separated by a
marker word) for multi-word phrases, with start offsets to map a phrase hit back to its
activity.  Keyword evidence then names the newest activity that mentions any keyword.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass

from nextadvance.core._compiled import KeywordSet
from nextadvance.core.models import Activity

__all__ = ["TextIndex", "build_index"]


@dataclass(frozen=True, slots=True)
class TextIndex:
    """Words -> newest activity position, a phrase string with offsets, and the activities."""

    acts: tuple[Activity, ...]
    newest: dict[str, int]
    text: str
    offsets: tuple[int, ...]

    def search(self, kws: KeywordSet) -> tuple[Activity, str] | None:
        """The newest activity mentioning any keyword, and that keyword; None if none does."""
        best_i = -1
        best_kw = ""
        newest = self.newest
        for word in kws.words:
            i = newest.get(word, -1)
            if i > best_i or (i == best_i and i >= 0 and word < best_kw):
                best_i, best_kw = i, word
        text = self.text
        for phrase in kws.phrases:
            pos = text.rfind(phrase)
            if pos >= 0:
                i = bisect_right(self.offsets, pos) - 1
                if i > best_i:
                    best_i, best_kw = i, phrase.strip()
        if best_i < 0:
            return None
        return self.acts[best_i], best_kw


def build_index(acts: list[Activity], words_of: list[list[str]]) -> TextIndex:
    """Index activities (oldest first) given each one's lower-cased words."""
    newest: dict[str, int] = {}
    parts: list[str] = []
    offsets: list[int] = []
    pos = 0
    for i, words in enumerate(words_of):
        newest.update(dict.fromkeys(words, i))
        part = " " + " ".join(words) + " "
        parts.append(part)
        offsets.append(pos)
        pos += len(part) + 1
    # each part keeps its padding and a NUL separates parts, so a phrase never spans two
    text = "\x00".join(parts)
    return TextIndex(tuple(acts), newest, text, tuple(offsets))
