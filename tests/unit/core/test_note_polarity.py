"""Note polarity on sentences written for issue #16 (not from the corpus): general rules
for the topics fresh authors miss most - timelines, signing, technical fit, procurement,
compelling events, success criteria and pain - and for negation scope ("didn't push back on
the timeline" is good news, "can't keep doing it by hand" is pain, "no sorry, the CEO signs"
is a spoken self-correction).  Cases in ``data/note_polarity.jsonl``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nextadvance.core import Playbook, read_note

_DATA = Path(__file__).parent / "data" / "note_polarity.jsonl"
CASES = [json.loads(line) for line in _DATA.read_text(encoding="utf-8").splitlines() if line]


@pytest.mark.parametrize("case", CASES, ids=[c["text"][:40] for c in CASES])
def test_note_polarity_general_rules(playbook: Playbook, case: dict[str, object]) -> None:
    facts = case["facts"]
    assert isinstance(facts, dict)
    got = read_note(playbook, str(case["text"])).facts
    assert {k: got.get(k) for k in facts} == facts
