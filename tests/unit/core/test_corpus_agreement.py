"""The labelled corpus is trustworthy: a blind second annotator agrees with its authors.

A second annotator (given only GUIDE.md section 1, not the authors' labels) labelled a
stratified sample of 200 next steps, 40 per author across both splits; a later blind
annotator labelled 160 of heldout6 (40 per author, stratified by verdict), and others 160 of
heldout7, 160 of heldout8 and 160 of heldout9 (40 per author, drawn at random).  If the authors'
labels drifted (a bad edit, a relabel that went too far) this agreement would drop.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

CORPUS = Path(__file__).parent / "data" / "corpus"
VERDICTS = ("advance", "vague", "seller_action", "unrealistic_for_stage", "empty")


def _author_labels() -> dict[str, str]:
    labels: dict[str, str] = {}
    for path in sorted(CORPUS.glob("*/*.nextsteps.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            labels[row["id"]] = row["verdict"]
    return labels


@pytest.mark.parametrize(
    ("sample", "size"),
    [
        ("second_annotator.jsonl", 200),
        ("second_annotator_heldout6.jsonl", 160),
        ("second_annotator_heldout7.jsonl", 160),
        ("second_annotator_heldout8.jsonl", 160),
        ("second_annotator_heldout9.jsonl", 160),
    ],
)
def test_blind_second_annotator_agrees_with_the_authors(sample: str, size: int) -> None:
    """Agreement >= 95 % and Cohen's kappa >= 0.9 on each blind sample."""
    authors = _author_labels()
    second = [
        json.loads(line)
        for line in (CORPUS / "agreement" / sample).read_text(encoding="utf-8").splitlines()
    ]
    assert len(second) == size
    pairs = [(authors[row["id"]], row["verdict"]) for row in second]
    n = len(pairs)
    observed = sum(a == b for a, b in pairs) / n
    first = Counter(a for a, _ in pairs)
    other = Counter(b for _, b in pairs)
    expected = sum(first[v] * other[v] for v in VERDICTS) / (n * n)
    kappa = (observed - expected) / (1 - expected)
    print(f"agreement {observed:.1%}, kappa {kappa:.3f} on {n} texts")
    assert observed >= 0.95
    assert kappa >= 0.9
