"""A small learned reader of a committed step's size: from which stage on it is realistic.

The lexicon gives each client action a ``min_stage`` ("sign" from negotiation), but a new
author names a big step with a domain object no rule lists ("the capital committee to
approve", "onboard us in their VMS", "execute the merchant agreement") and the rules read
it as a small one.  This module scores a committed clause's words with an ordinal
logistic regression: ``P(size > stage) = sigmoid(sum of word weights + bias[stage])``,
one weight per feature shared by every stage and one bias per stage.  It is trained
offline on the labelled corpus (``benchmarks/stagefit_cv.py --write``: an advance at stage
*s* says the step's size is at most *s*, an unrealistic one that it is bigger) and shipped
as a weight table (``mappings/defaults/stage_model.json``).  Pure Python, no I/O; every
verdict it gives names its top features (:meth:`StageModel.explain`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence

__all__ = ["StageModel", "step_features"]

#: words no shorter than this also give a prefix feature (a cheap stem for unseen words:
#: "onboarding" ~ "onboa", "capitalisation" ~ "capit")
_PREFIX = 5
#: a contact's name in the clause's words (the parser writes it so)
NAME = "_name"


def step_features(words: Sequence[str]) -> tuple[str, ...]:
    """The features of one committed clause: ``w:`` words, ``b:`` word pairs (``^``/``$``
    mark the ends) and ``p:`` five-letter prefixes of longer words.  Words are the
    clause's base forms without its date; a contact's name is ``_name`` and a number
    ``0``.  A feature appears once however often it occurs.  (The lexicon's action id is
    deliberately not a feature: it was tuned on the training authors, and on a new
    author's step the model has to read the words, not trust the rules' name for it.)"""
    feats: dict[str, None] = {}
    prev = "^"
    for raw in words:
        w = "0" if raw[:1].isdigit() else raw
        feats[f"w:{w}"] = None
        feats[f"b:{prev}_{w}"] = None
        if len(w) > _PREFIX and w.isalpha():
            feats[f"p:{w[:_PREFIX]}"] = None
        prev = w
    feats[f"b:{prev}_$"] = None
    return tuple(feats)


def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


class StageModel:
    """Ordinal logistic regression over a clause's features: feature -> weight, a bias
    per stage index (stage order) and the probability from which a step is too big."""

    __slots__ = ("bias", "index", "threshold")

    def __init__(
        self, index: Mapping[str, float], bias: Sequence[float], threshold: float = 0.8
    ) -> None:
        self.index = dict(index)
        self.bias = tuple(bias)
        self.threshold = threshold

    def score(self, feats: Iterable[str]) -> float:
        """The clause's linear score (stage-free: the sum of its features' weights)."""
        index = self.index
        return sum(index.get(f, 0.0) for f in feats)

    def top(self, feats: Iterable[str], k: int = 3) -> tuple[tuple[str, float], ...]:
        """The ``k`` features with the largest positive weights: what makes the step look
        big (the explanation of a "too big" verdict)."""
        hits = [(f, w) for f in feats if (w := self.index.get(f, 0.0)) > 0]
        hits.sort(key=lambda fw: -fw[1])
        return tuple((f, round(w, 2)) for f, w in hits[:k])

    def too_big(self, score: float, stage: int) -> float:
        """P(the step is bigger than the stage at index ``stage``)."""
        if not self.bias:
            return 0.0
        return _sigmoid(score + self.bias[max(0, min(stage, len(self.bias) - 1))])

    def size(self, score: float) -> int:
        """The first stage index where the step is no longer too big (P < 0.5); one past
        the last stage when it is too big for every stage."""
        for i in range(len(self.bias)):
            if self.too_big(score, i) < 0.5:
                return i
        return len(self.bias)
