"""Regression floors on the labelled corpus, split by author (benchmarks/corpus.py).

The floors sit slightly below what the language layer measured, not at the targets.  The
held-out authors (``heldout``: channel, mobile; ``heldout2``: presales, manager, written later)
were never tuned on; the tuning after heldout2 existed used only the training split.  The
issue's held-out targets (>= 95 % overall, every verdict >= 90 %, wrongly-advance <= 1 %) are
NOT met.  After the third round of tuning (training authors agency and regulated added):
heldout 94.0 % (seller_action 88.2 %, wrongly-advance 4.4 %), heldout2 92.7 % (seller_action
75.0 %, wrongly-advance 5.5 %), heldout3 (emea, written 2026-12-05) 96.2 % (wrongly-advance
1.4 %; it measured 95.9 % / 2.9 % before that tuning); heldout4 (voice, apac, written
2026-12-06, never tuned on) 94.8 % (wrongly-advance 1.7 %).  After the fifth round (train
authors smb, publicsector, expansion; tuned on train only, held-out measured once at the
end): heldout 94.9 % (seller_action 89.6 %, wrongly-advance 4.0 %), heldout2 94.1 %
(seller_action 79.3 %, 3.8 %), heldout3 96.6 % (1.4 %), heldout4 94.8 % (1.2 %).
heldout5 (plg, industrial, review; written 2026-12-06, never tuned on) measured once with those
rules: 96.4 % (every verdict >= 95.4 %, wrongly-advance 0.9 %).  A
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
    "train": (  # smb, publicsector, expansion joined untouched on 2026-12-06; tuned on since
        0.995,
        {
            "advance": 0.995,
            "vague": 0.99,
            "seller_action": 0.995,
            "unrealistic_for_stage": 0.995,
            "empty": 0.995,
        },
        0.002,
        0.97,  # with the learned note model (trained on these authors): 97.6 %
        0.945,
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
        0.80,  # notes polarity 81.6 % with the learned note model (77.3 % before)
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
        0.78,  # notes polarity 80.5 % with the learned note model (71.3 % before)
        0.91,
    ),
    "heldout3": (
        0.95,
        {
            "advance": 0.96,
            "vague": 0.94,
            "seller_action": 0.96,
            "unrealistic_for_stage": 0.90,
            "empty": 0.97,
        },
        0.02,
        0.88,  # notes polarity 89.9 % with the learned note model (84.9 % before)
        0.89,
    ),
    # heldout4 (voice, apac; written 2026-12-06 from GUIDE.md alone) was measured once, before
    # any tuning on anything: 94.8 %, wrongly-advance 1.7 %, notes polarity 66.5 %.
    "heldout4": (
        0.94,
        {
            "advance": 0.92,
            "vague": 0.95,
            "seller_action": 0.94,
            "unrealistic_for_stage": 0.90,
            "empty": 0.97,
        },
        0.025,
        0.76,  # notes polarity 78.0 % with the learned note model (69.7 % before)
        0.91,
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
}

#: the smallest split each figure is measured on (heldout3 is one author)
MIN_SIZE = {"train": (900, 350), "heldout3": (300, 100)}


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
        evaluate("heldout", misses=[])
