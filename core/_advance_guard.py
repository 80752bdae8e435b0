"""A small learned second opinion on an ``advance``: may it be a seller step or vague?

The next-step rules were tuned on their training authors; a new author's seller goal
("Dev get PO # from OS") or status ("dana mulling over the pricing sched") can still parse
as a dated client commitment and read as an ``advance``, the worst miss for coaching.
This module scores the text with a three-class logistic regression (softmax over
``advance``, ``seller_action``, ``vague``) on the words, word pairs, prefixes and negated
words of :func:`nextadvance.core._note_model.note_features`, trained offline on the
labelled corpus (``benchmarks/advguard_cv.py --write``) and shipped as a weight table
(``mappings/defaults/advance_guard.json``).  It only ever *downgrades* an advance the
rules gave, and only when ``P(advance)`` falls to ``1 - threshold`` or below.  Pure Python,
no I/O; a downgrade names its top features (:meth:`AdvanceGuard.explain`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence

from nextadvance.core._note_model import note_features

__all__ = ["CLASSES", "AdvanceGuard", "contact_words", "guard_features"]

#: the classes in the table's weight order; 0 is the rules' verdict it may overturn
CLASSES = ("advance", "seller_action", "vague")


def contact_words(contacts: Iterable[tuple[str, str, str]]) -> frozenset[str]:
    """The words of the contacts' names, lower case (``(name, title, role)`` triples)."""
    return frozenset(w.lower() for n, _, _ in contacts for w in n.split() if len(w) > 1)


def guard_features(text: str, names: frozenset[str] = frozenset()) -> tuple[str, ...]:
    """The features of one next-step text (contact names, lower case, read as ``_name``).
    What the rules parsed is deliberately not a feature: they were tuned on the training
    authors, so a model fed their output would learn to trust them more than they deserve
    on a new author."""
    return note_features(text, names)


class AdvanceGuard:
    """Softmax regression over :data:`CLASSES`: feature -> one weight per class, one bias
    per class, and the confidence from which an advance is overturned."""

    __slots__ = ("bias", "index", "threshold")

    def __init__(
        self,
        index: Mapping[str, Sequence[float]],
        bias: Sequence[float],
        threshold: float = 0.9,
    ) -> None:
        self.index = {f: tuple(ws) for f, ws in index.items()}
        self.bias = tuple(bias)
        self.threshold = threshold

    def probabilities(self, feats: Iterable[str]) -> tuple[float, ...]:
        """P(each class of :data:`CLASSES`) for a text's features."""
        z = list(self.bias)
        index = self.index
        for f in feats:
            ws = index.get(f)
            if ws is not None:
                for i, w in enumerate(ws):
                    z[i] += w
        top = max(z)
        ex = [math.exp(v - top) for v in z]
        total = sum(ex)
        return tuple(e / total for e in ex)

    def downgrade(self, feats: Sequence[str]) -> tuple[str, float] | None:
        """The verdict an advance should become and the model's confidence that it is not
        one (None: keep the advance).  Only when ``P(not advance) >= threshold``."""
        p = self.probabilities(feats)
        not_advance = 1.0 - p[0]
        if not_advance < self.threshold:
            return None
        return (CLASSES[1] if p[1] >= p[2] else CLASSES[2]), not_advance

    def explain(self, feats: Iterable[str], verdict: str, k: int = 3) -> str:
        """The ``k`` features that pushed hardest from ``advance`` toward ``verdict``."""
        i = CLASSES.index(verdict)
        contrib = [(f, ws[i] - ws[0]) for f in feats if (ws := self.index.get(f)) is not None]
        contrib.sort(key=lambda fw: -fw[1])
        return ", ".join(f"{f} {v:+.2f}" for f, v in contrib[:k] if v > 0)
