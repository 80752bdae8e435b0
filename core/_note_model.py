"""A small learned reader for call notes: which objectives a sentence talks about.

The lexicon's topic cues are precise but only know the phrasings their authors saw; a
sentence written by a new author often names a topic in words no cue lists ("the council
only meets monthly" is the decision process).  This module scores each topic with a
linear model (logistic regression) over the sentence's words, word pairs, word prefixes
and words after a negation, trained offline on the labelled corpus
(``benchmarks/notes_cv.py --write``) and shipped as a weight table
(``mappings/defaults/note_model.json``).  Pure Python, no I/O: the table arrives with the
lexicon.  Every verdict it gives can name its top features (:meth:`NoteModel.explain`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

__all__ = ["NoteModel", "Scored", "note_features"]

_TOKEN = re.compile(r"[a-z]+(?:'[a-z]+)?|\d+(?:[.,]\d+)?|[$€£%]")
_NEG = frozenset(
    {"no", "not", "never", "nobody", "nothing", "without", "none", "neither", "nor", "cannot"}
)
_NEG_SUFFIX = "n't"
_NAME = "_name"
#: how many words after a negation carry its mark ("not sure who signs")
_SCOPE = 3
#: words no shorter than this also give a prefix feature (a cheap stem: "budgets" ~ "budge")
_PREFIX = 5


def _words(text: str) -> list[str]:
    out: list[str] = []
    for t in _TOKEN.findall(text.lower().replace("’", "'")):
        out.append("0" if t[0].isdigit() else t)
    return out


def note_features(text: str, names: frozenset[str] = frozenset()) -> tuple[str, ...]:
    """The features of one note sentence: ``w:`` words, ``b:`` word pairs (``^``/``$``
    mark the ends), ``p:`` five-letter prefixes, ``n:`` words within three after a
    negation.  A feature appears once however often it occurs.  (What the lexicon's rules
    found is deliberately not a feature: the rules were tuned on the training authors, so
    a model trained on them would learn to trust the rules more than they deserve.)  A
    contact's name (``names``, lower case) reads as ``_name``: "Chloe" says nothing of a
    topic, and an author's recurring names would otherwise become topic words."""
    words = _words(text)
    if names:
        words = [_NAME if w in names or w.removesuffix("'s") in names else w for w in words]
    feats: dict[str, None] = {}
    scope = 0
    prev = "^"
    for w in words:
        feats[f"w:{w}"] = None
        feats[f"b:{prev}_{w}"] = None
        if len(w) >= _PREFIX + 1:
            feats[f"p:{w[:_PREFIX]}"] = None
        if scope:
            feats[f"n:{w}"] = None
            scope -= 1
        if w in _NEG or w.endswith(_NEG_SUFFIX):
            scope = _SCOPE
        prev = w
    feats[f"b:{prev}_$"] = None
    return tuple(feats)


@dataclass(frozen=True, slots=True)
class Scored:
    """One topic's score for a sentence: probability and the features that pushed most."""

    probability: float
    top: tuple[tuple[str, float], ...]


def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


class NoteModel:
    """Per-topic logistic regression: feature -> one weight per topic, a bias per topic
    and one decision threshold.  A sentence is scored for every topic in one pass over
    its features."""

    __slots__ = ("bias", "index", "keep_rules", "threshold", "topics")

    def __init__(
        self,
        topics: tuple[str, ...],
        index: Mapping[str, tuple[float, ...]],
        bias: tuple[float, ...],
        threshold: float = 0.5,
        keep_rules: bool = True,
    ) -> None:
        self.topics = topics
        self.index = dict(index)
        self.bias = bias
        self.threshold = threshold
        #: a topic the rules found stays whatever the model says (the model only adds)
        self.keep_rules = keep_rules

    @classmethod
    def of(
        cls,
        weights: Mapping[str, Mapping[str, float]],
        bias: Mapping[str, float],
        threshold: float = 0.5,
        keep_rules: bool = True,
    ) -> NoteModel:
        """A model from per-topic ``{feature: weight}`` tables (the trainer's shape)."""
        topics = tuple(weights)
        feats = sorted({f for w in weights.values() for f in w})
        index = {f: tuple(weights[t].get(f, 0.0) for t in topics) for f in feats}
        return cls(topics, index, tuple(bias.get(t, 0.0) for t in topics), threshold, keep_rules)

    def probabilities(self, feats: Iterable[str]) -> list[float]:
        """P(the sentence talks about each topic), in ``topics`` order."""
        index = self.index
        hits = [ws for f in feats if (ws := index.get(f)) is not None]
        if not hits:
            return [_sigmoid(b) for b in self.bias]
        # one column per topic, summed in C: a note is scored on every read of a new text
        columns = zip(*hits, strict=True)
        return [_sigmoid(b + sum(col)) for b, col in zip(self.bias, columns, strict=True)]

    def explain(self, i: int, feats: Iterable[str], p: float, k: int = 3) -> Scored:
        """The ``k`` features that pushed topic ``i``'s probability ``p`` hardest toward
        its verdict (read or not read)."""
        sign = 1.0 if p >= self.threshold else -1.0
        contrib = [(f, ws[i]) for f in feats if (ws := self.index.get(f)) is not None]
        contrib.sort(key=lambda fw: -fw[1] * sign)
        return Scored(p, tuple((f, round(v, 2)) for f, v in contrib[:k] if v * sign > 0))
