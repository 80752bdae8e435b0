"""The shipped lexicon classifies a labelled set of real-world next-step phrasings."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import yaml

from nextadvance.core import Playbook

DATA = Path(__file__).parent / "data" / "next_steps.yaml"


def test_labelled_next_steps_accuracy_at_least_95_percent(playbook: Playbook) -> None:
    """Overall accuracy on >= 200 labelled texts is >= 95%, and every verdict is covered."""
    rows = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    assert len(rows) >= 200
    total: Counter[str] = Counter()
    right: Counter[str] = Counter()
    misses = []
    for verdict, stage, text in rows:
        got = playbook.compiled.lexicon.classify(text, stage).verdict
        total[verdict] += 1
        if got == verdict:
            right[verdict] += 1
        else:
            misses.append(f"{verdict} -> {got} [{stage}] {text!r}")
    assert set(total) == {"advance", "vague", "seller_action", "unrealistic_for_stage", "empty"}
    for verdict in sorted(total):
        print(
            f"{verdict:22} {right[verdict]:3}/{total[verdict]:3} = {right[verdict] / total[verdict]:.1%}"
        )
    overall = sum(right.values()) / sum(total.values())
    print(f"{'overall':22} {sum(right.values()):3}/{sum(total.values()):3} = {overall:.1%}")
    print("\n".join(misses))
    assert overall >= 0.95, misses
    assert all(right[v] / total[v] >= 0.85 for v in total), misses
