"""Which of a deal's objectives any evidence rule could prove, found by inverted index.

Most objectives of most deals are missing, and ``learn_all`` used to reject each one rule
by rule (is the field there? the role? any keyword word in the text?).  The answers to
those questions are properties of the deal, so per objective list (one per stage and
segments, shared) the rules are indexed once by field name, role and keyword word; a
deal then asks the index with its field names, roles and text words and gets the few
objectives worth testing.  The others would fail every rule: they are missing, exactly as
the rule-by-rule test would have found.  Rules the index cannot reject (activity rules,
keyword rules reading other activity kinds) make their objective always a candidate.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from nextadvance.core._compiled import TEXT_KIND_SET, CompiledObjective, KeywordSet

__all__ = ["candidates"]

#: memo bound (objective lists are few: one per stage and segment set)
_LIMIT = 1_024
#: bound of the keyword-words memos of all indexes together (cleared together when full):
#: one bound per index let an org's ~70 objective lists hold ~70k entries between them,
#: filling with the org instead of within its first thousands of deals (issue #20)
_MEMO_LIMIT = 4_096
#: keyword-word sets larger than this are not memoised: a long note's set hardly recurs
#: (a 10k-deal Salesforce sandbox sync: 0.7 % hits above 4 words, 90 % up to 4)
_MEMO_WORDS = 8
#: entries held by all indexes' memos
_held = [0]


class _Index:
    """One objective list's rules by what they need (positions in the list)."""

    __slots__ = (
        "always",
        "bits",
        "by_field",
        "by_role",
        "memo",
        "objectives",
        "phrases",
        "words",
    )

    def __init__(self, objectives: tuple[CompiledObjective, ...]) -> None:
        self.objectives = objectives  # held so the id() key is never reused meanwhile
        always: set[int] = set()
        by_field: dict[str, set[int]] = {}
        by_role: dict[str, set[int]] = {}
        keyword_sets: dict[int, list[KeywordSet]] = {}
        for i, obj in enumerate(objectives):
            for rule in obj.rules:
                if rule.kind == "field":
                    by_field.setdefault(rule.name, set()).add(i)
                elif rule.kind == "role":
                    by_role.setdefault(rule.name, set()).add(i)
                elif (
                    rule.kind == "keywords"
                    and rule.kinds is TEXT_KIND_SET
                    and rule.keywords is not None
                ):
                    # sharing a word with a phrase ("to", "the") does not make an objective
                    # a candidate, holding all its words does
                    keyword_sets.setdefault(i, []).append(rule.keywords)
                else:
                    always.add(i)
        self.always = frozenset(always)
        self.by_field = {k: frozenset(v) for k, v in by_field.items()}
        self.by_role = {k: frozenset(v) for k, v in by_role.items()}
        #: keyword word -> (positions it may make candidates, positions it makes candidates
        #: as a single-word keyword), each as bits of an int: a deal's words are or-ed
        #: together in a few integer operations, not a set union and a test per position
        near: dict[str, int] = {}
        single: dict[str, int] = {}
        for i, sets in keyword_sets.items():
            bit = 1 << i
            for ks in sets:
                for w in ks.any_words:
                    near[w] = near.get(w, 0) | bit
                for w in ks.words:
                    single[w] = single.get(w, 0) | bit
        self.bits = {w: (n, single.get(w, 0)) for w, n in near.items()}
        self.words = frozenset(near)
        #: each position's phrases (the words each needs), from all its keyword sets
        self.phrases = {
            k: tuple([needed for ks in v for needed in ks.phrase_words])
            for k, v in keyword_sets.items()
        }
        #: keyword words present -> the positions they (and the rules the index cannot
        #: reject) make candidates: an org's texts share their keyword words even when the
        #: texts differ (bounded, cleared when full)
        self.memo: dict[frozenset[str], frozenset[int]] = {}


_INDEXES: dict[int, _Index] = {}


def candidates(
    objectives: tuple[CompiledObjective, ...],
    fields: Mapping[str, Any],
    roles: Collection[str],
    words: frozenset[str],
) -> list[int]:
    """Positions (ascending) of the objectives some rule might prove for a deal with these
    field names, contact roles and text words (of the default text activity kinds)."""
    index = _INDEXES.get(id(objectives))
    if index is None or index.objectives is not objectives:
        if len(_INDEXES) >= _LIMIT:
            _INDEXES.clear()
            _held[0] = 0
        index = _INDEXES[id(objectives)] = _Index(objectives)
    present = index.words.intersection(words)
    hit = index.memo.get(present)
    if hit is None:
        # a position some present word may make a candidate is one when a single-word
        # keyword of it is present, else when every word of one of its phrases is: what
        # ``KeywordSet.may_match`` says of its sets (``present`` holds every keyword word
        # the text has, so testing on it is testing on the text's words)
        near = single = 0
        bits = index.bits
        for w in present:
            n, s = bits[w]
            near |= n
            single |= s
        acc = set(index.always)
        rest = near & ~single
        near &= single
        while near:
            low = near & -near
            acc.add(low.bit_length() - 1)
            near ^= low
        phrases = index.phrases
        while rest:
            low = rest & -rest
            i = low.bit_length() - 1
            rest ^= low
            for needed in phrases[i]:
                if needed <= present:
                    acc.add(i)
                    break
        hit = frozenset(acc)
        if len(present) <= _MEMO_WORDS:
            if _held[0] >= _MEMO_LIMIT:
                for other in _INDEXES.values():
                    other.memo.clear()
                _held[0] = 0
            index.memo[present] = hit
            _held[0] += 1
    out = set(hit)
    by_field = index.by_field
    for f in fields:
        found = by_field.get(f)
        if found is not None:
            out |= found
    by_role = index.by_role
    for r in roles:
        found = by_role.get(r)
        if found is not None:
            out |= found
    return sorted(out)
