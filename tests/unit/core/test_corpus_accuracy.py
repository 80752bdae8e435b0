"""Regression floors on the labelled corpus, split by author (benchmarks/corpus.py).

The floors sit slightly below what the language layer measured, not at the targets.  Held-out
authors are never tuned on and the tool prints only aggregates for them.  Each earlier held-out
split (heldout … heldout4, heldout6, heldout7) was measured untouched, reported, and then
moved into ``train/``; their last figures before joining are in the corpus GUIDE.md.
heldout5 (plg, industrial, review; written 2026-12-06, never tuned on) measured once: 96.4 %
(every verdict >= 95.4 %, wrongly-advance 0.9 %), and after each later round of tuning on
train.  heldout8 and heldout9 (four authors each, written 2026-12-07) are the newest.  A failure here means a
lexicon or parser change made things worse; it never prints a held-out text, only aggregates.
"""

from __future__ import annotations

from typing import Any

import pytest

from benchmarks.corpus import evaluate

#: split -> (overall, per-verdict floors, max wrongly-advance share of non-advance texts,
#: note polarity accuracy, note commitment accuracy)
FLOORS: dict[str, tuple[float, dict[str, float], float, float, float]] = {
    # train: 35 authors since 2026-12-07 (the earlier held-out splits heldout … heldout4,
    # heldout6 and heldout7 joined after their last untouched measurement, recorded in the
    # corpus GUIDE.md; six authors written for training joined untouched at 98.2 %); tuned
    # on.  In-sample 2026-12-07 after retraining the learned tables on all 35: 99.1 %
    # (every verdict >= 98.7 %, wrongly-advance 0.0 %), notes polarity 94.0 % (91.8 %
    # before the note model saw the six new authors), commitment 93.8 %; after that day's
    # lexicon round on the 35 (095c02f) 99.3 % (every verdict >= 98.7 %, wrongly-advance
    # 1 text), notes polarity 94.0 %, commitment 93.9 %.
    "train": (
        0.98,
        {
            "advance": 0.983,
            "vague": 0.975,
            "seller_action": 0.978,
            "unrealistic_for_stage": 0.972,
            "empty": 0.995,
        },
        0.008,
        # notes: the note model is in-sample here; its honest leave-one-author-out figure is
        # notes_cv's
        0.93,
        0.93,
    ),
    # heldout5 (plg, industrial, review; written 2026-12-06 from GUIDE.md sections 1-2 alone)
    # was measured once, before any tuning on it: 96.4 %, wrongly-advance 0.9 %, notes
    # polarity 74.6 %, commitment 93.1 %.
    "heldout5": (
        0.95,
        {
            "advance": 0.94,
            "vague": 0.96,
            "seller_action": 0.95,
            "unrealistic_for_stage": 0.94,
            "empty": 0.97,
        },
        0.015,
        0.72,
        0.91,
    ),
    # heldout8 (legaltech, devtools, agtech, banking; written 2026-12-07 from GUIDE.md sections
    # 1-2 alone) measured once untouched, with the rules and models of 2026-12-07 (bab7715):
    # 95.3 % (advance 93.4 %, unrealistic_for_stage 94.5 %, wrongly-advance 1.7 %), notes
    # polarity 73.9 %, commitment 93.7 %; after that day's two train-only rounds 95.6 %
    # (wrongly-advance 1.5 %), notes polarity 74.9 %.
    "heldout8": (
        0.945,
        {
            "advance": 0.925,
            "vague": 0.965,
            "seller_action": 0.95,
            "unrealistic_for_stage": 0.935,
            "empty": 0.96,
        },
        0.025,
        0.72,
        0.92,
    ),
    # heldout9 (automotive, biotech, japan, nordic; written 2026-12-07 from GUIDE.md sections
    # 1-2 alone) measured once untouched, with the rules and models of 36a3e0e: 96.6 %
    # (advance 95.0 %, seller_action 96.8 %, wrongly-advance 0.5 %), notes polarity 83.4 %,
    # commitment 93.6 %.
    "heldout9": (
        0.955,
        {
            "advance": 0.94,
            "vague": 0.97,
            "seller_action": 0.955,
            "unrealistic_for_stage": 0.96,
            "empty": 0.96,
        },
        0.012,
        0.78,
        0.92,
    ),
    # every held-out split pooled (heldout5, heldout8, heldout9: eleven authors never tuned
    # on), after the second session of 2026-12-07: 96.4 %, every verdict >= 94.7 %
    # (advance), wrongly-advance 17 of 2,333 non-advance texts (0.73 %), notes polarity
    # 79.3 %, commitment 93.6 %.  The targets are >= 95 %, every verdict >= 90 % and
    # wrongly-advance <= 1 %; the floors hold the last at the target.
    "heldout": (
        0.955,
        {
            "advance": 0.935,
            "vague": 0.97,
            "seller_action": 0.955,
            "unrealistic_for_stage": 0.955,
            "empty": 0.97,
        },
        0.010,
        0.77,
        0.92,
    ),
}

#: the smallest split each figure is measured on
MIN_SIZE = {"train": (5000, 2000)}


@pytest.fixture(scope="module", params=sorted(FLOORS))
def figures(request: pytest.FixtureRequest) -> tuple[str, dict[str, Any]]:
    """Aggregate figures of one split (no texts)."""
    split = str(request.param)
    return split, evaluate(split)


def test_corpus_has_the_promised_size_per_split(figures: tuple[str, dict[str, Any]]) -> None:
    """>= 1,500 next steps and >= 500 note sentences overall; both splits non-trivial."""
    split, res = figures
    texts, sentences = MIN_SIZE.get(split, (600, 240))
    assert res["next_steps"]["texts"] >= texts
    assert res["notes"]["sentences"] >= sentences


def test_next_step_accuracy_stays_above_its_floors(figures: tuple[str, dict[str, Any]]) -> None:
    """Overall, per verdict and wrongly-advance rate do not regress."""
    split, res = figures
    overall, per_verdict, max_wrong, _, _ = FLOORS[split]
    ns = res["next_steps"]
    assert ns["overall"] >= overall, (split, ns["overall"])
    for verdict, floor in per_verdict.items():
        assert ns["per_verdict"][verdict] >= floor, (split, verdict, ns["per_verdict"][verdict])
    assert ns["wrongly_advance_rate_of_non_advance"] <= max_wrong, (
        split,
        ns["wrongly_advance_rate_of_non_advance"],
    )


def test_note_reading_stays_above_its_floors(figures: tuple[str, dict[str, Any]]) -> None:
    """Per-fact polarity and commitment accuracy on note sentences do not regress."""
    split, res = figures
    _, _, _, polarity, commitment = FLOORS[split]
    nt = res["notes"]
    assert nt["polarity_accuracy"] >= polarity, (split, nt["polarity_accuracy"])
    assert nt["commitment_accuracy"] >= commitment, (split, nt["commitment_accuracy"])


def test_held_out_misses_are_never_listed() -> None:
    """The tool refuses to list per-text misses of the held-out split."""
    with pytest.raises(ValueError, match="training split"):
        evaluate("heldout5", misses=[])
