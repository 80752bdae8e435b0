"""The engine's memos hold no long text and stay within one bound (issue #20 goal 1).

A 100k-deal sync must need little more memory than a 10k one: the memos keep short texts
only (core/_memo) and the candidate index's memos share one bound.  These tests decide
deals whose call notes are long, as a real org's are, and check both what the memos hold
and that a decision does not depend on whether an answer came from a memo.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime

import pytest

from benchmarks._gen import NOTES, deals
from nextadvance.core import _candidates, _coach, _coachdates, _evidence, _textindex, decide
from nextadvance.core._memo import LONG_TEXT, RECENT_LIMIT, remember
from nextadvance.core.models import Deal
from nextadvance.mappings import load_playbook

NOW = datetime(2026, 11, 23, tzinfo=UTC)


def _long_note_deals(n: int) -> list[Deal]:
    """Generated deals whose activity bodies join three notes, half with a unique tail."""
    rng = random.Random(3)
    out = []
    for d in deals(n, seed=5, now=NOW):
        acts = []
        for a in d.activities:
            body = " ".join(rng.sample(NOTES, 3))
            if rng.random() < 0.5:
                body += f" Ref {rng.randrange(10**6)}."
            acts.append(a.model_copy(update={"body": body}))
        out.append(d.model_copy(update={"activities": acts}))
    return out


@pytest.fixture(scope="module")
def playbook():  # type: ignore[no-untyped-def]
    return load_playbook()


def test_long_notes_stay_out_of_the_org_wide_memos(playbook) -> None:  # type: ignore[no-untyped-def]
    batch = _long_note_deals(150)
    assert any(len(a.body) > LONG_TEXT for d in batch for a in d.activities)
    for d in batch:
        decide(d, playbook, NOW)
    cp = playbook.compiled
    notes = cp.lexicon.notes
    assert all(len(text) <= LONG_TEXT for text, _ in notes._memo)
    assert all(len(text) <= LONG_TEXT for text in notes._parts)
    assert all(len(key[0]) <= LONG_TEXT for key in notes._signs)
    assert all(len(s) + len(b) <= LONG_TEXT for s, b in _textindex._WORDS)
    assert all(len(s) + len(b) <= LONG_TEXT for s, b in cp.commitments)
    assert 0 < len(_textindex._LONG_WORDS) <= RECENT_LIMIT
    assert 0 < len(notes._long_parts) <= RECENT_LIMIT
    assert all(len(v) <= 80 for _, _, v in _evidence._FIELDS if isinstance(v, str))
    assert len(_evidence._FIELDS) <= _evidence._FIELDS_LIMIT


def test_candidate_memos_share_one_bound(playbook) -> None:  # type: ignore[no-untyped-def]
    for d in _long_note_deals(200):
        decide(d, playbook, NOW)
    memos = [index.memo for index in _candidates._INDEXES.values()]
    assert sum(len(m) for m in memos) <= _candidates._MEMO_LIMIT
    assert all(len(key) <= _candidates._MEMO_WORDS for m in memos for key in m)


def test_decisions_do_not_depend_on_the_memos(playbook) -> None:  # type: ignore[no-untyped-def]
    batch = _long_note_deals(40)
    warm = [decide(d, playbook, NOW).model_dump_json() for d in batch]
    again = [decide(d, playbook, NOW).model_dump_json() for d in reversed(batch)]
    assert again[::-1] == warm


def test_coach_memos_stay_within_their_bounds(playbook) -> None:  # type: ignore[no-untyped-def]
    """The coach's per-name and per-date memos are cleared when full, and the id()-keyed
    ones hold the object their key names."""
    for d in _long_note_deals(120):
        decide(d, playbook, NOW)
    assert 0 < len(_coachdates._BY) <= _coachdates._MEMO_LIMIT
    assert 0 < len(_coachdates._DUE) <= _coachdates._SMALL_LIMIT + 1
    assert len(_coach._NAMES) <= _coach._NAMES_LIMIT
    assert all(key[4] == id(off) for key, (off, _) in _coachdates._BY.items())
    assert all(key[2] == id(off) for key, (off, _) in _coachdates._DUE.items())


def test_remember_clears_a_full_memo_then_stores() -> None:
    """The one bounded store every memo uses: below its bound a memo grows, at its bound
    it is cleared and keeps only the new entry, and the value stored is returned."""
    memo: dict[int, str] = {}
    for i in range(3):
        assert remember(memo, i, str(i), 3) == str(i)
    assert memo == {0: "0", 1: "1", 2: "2"}
    assert remember(memo, 7, "7", 3) == "7"
    assert memo == {7: "7"}
