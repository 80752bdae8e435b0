"""Regression floors on the labelled corpus, split by author (benchmarks/corpus.py).

The floors sit slightly below what the language layer measured, not at the targets.  The
held-out authors (``heldout``: channel, mobile; ``heldout2``: presales, manager, written later)
were never tuned on; the tuning after heldout2 existed used only the training split.  The
issue's held-out targets (>= 95 % overall, every verdict >= 90 %, wrongly-advance <= 1 %) are
NOT met: heldout 92.9 % (seller_action 88.9 %, wrongly-advance 4.9 %), heldout2 92.3 %
(seller_action 75.7 %, wrongly-advance 5.7 %; it measured 86.9 % before that tuning).  A
failure here means a lexicon or parser change made things worse; it never prints a held-out
text, only aggregates.
"""

from __future__ import annotations

from typing import Any

import pytest

from benchmarks.corpus import evaluate

#: split -> (overall, per-verdict floors, max wrongly-advance share of non-advance texts,
#: note polarity accuracy, note commitment accuracy)
FLOORS: dict[str, tuple[float, dict[str, float], float, float, float]] = {
    "train": (
        0.99,
        {
            "advance": 0.99,
            "vague": 0.98,
            "seller_action": 0.98,
            "unrealistic_for_stage": 0.98,
            "empty": 0.98,
        },
        0.01,
        0.90,
        0.92,
    ),
    "heldout": (
        0.92,
        {
            "advance": 0.94,
            "vague": 0.90,
            "seller_action": 0.87,
            "unrealistic_for_stage": 0.92,
            "empty": 0.97,
        },
        0.055,
        0.72,
        0.92,
    ),
    "heldout2": (
        0.91,
        {
            "advance": 0.96,
            "vague": 0.93,
            "seller_action": 0.74,
            "unrealistic_for_stage": 0.96,
            "empty": 0.97,
        },
        0.065,
        0.65,
        0.91,
    ),
}
