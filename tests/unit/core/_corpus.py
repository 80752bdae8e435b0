"""The training corpus's texts, for tests that pin a fast path equal to its slow one.

Only the training split is read: a failing assertion prints the text it failed on, and a
held-out text must never be shown to whoever tunes the engine.
"""

from __future__ import annotations

import json
from pathlib import Path

CORPUS = Path(__file__).parent / "data" / "corpus"


def train_texts() -> list[str]:
    """Every non-empty ``text`` of the training split's JSON lines, in file order."""
    out = []
    for path in sorted(CORPUS.glob("train/*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            text = json.loads(line).get("text") if line.strip() else None
            if text:
                out.append(text)
    return out
