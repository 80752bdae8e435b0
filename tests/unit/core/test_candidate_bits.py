"""The candidate index's bit sets pick exactly the positions the keyword sets may match."""

from __future__ import annotations

import random
from datetime import UTC, datetime

from benchmarks._gen import deals
from nextadvance.core import _candidates
from nextadvance.core._candidates import candidates
from nextadvance.core._compiled import TEXT_KIND_SET, KeywordSet
from nextadvance.mappings import load_playbook


def test_bits_pick_what_may_match_picks() -> None:
    cp = load_playbook().compiled
    rng = random.Random(13)
    now = datetime(2026, 11, 23, tzinfo=UTC)
    lists = {}
    for deal in deals(200, seed=3, now=now):
        stage = cp.stage(deal.stage)
        if not stage.closed:
            objectives = cp.scope(stage.key, deal.account)[1]
            lists[id(objectives)] = objectives
    assert len(lists) > 3
    picked = 0
    for objectives in lists.values():
        candidates(objectives, {}, (), frozenset())  # builds the index
        index = _candidates._INDEXES[id(objectives)]
        # each position's keyword sets, read from the rules as the index reads them
        sets: dict[int, list[KeywordSet]] = {}
        for i, obj in enumerate(objectives):
            for rule in obj.rules:
                if (
                    rule.kind == "keywords"
                    and rule.kinds is TEXT_KIND_SET
                    and rule.keywords is not None
                ):
                    sets.setdefault(i, []).append(rule.keywords)
        vocab = sorted(index.words)
        for _ in range(400):
            present = frozenset(rng.sample(vocab, min(len(vocab), rng.randrange(0, 40))))
            words = present | {"\x00not a keyword word"}
            want = set(index.always)
            for i, kss in sets.items():
                near = any(not ks.any_words.isdisjoint(present) for ks in kss)
                if near and any(ks.may_match(present) for ks in kss):
                    want.add(i)
            _candidates._held[0] = 0
            index.memo.clear()  # the miss path, not a memo answer
            assert candidates(objectives, {}, (), words) == sorted(want), sorted(present)
            picked += len(want) - len(index.always)
    assert picked > 1000
