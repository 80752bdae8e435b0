"""The commitment test's per-clause memo answers what testing each clause afresh says."""

from __future__ import annotations

from nextadvance.core import _note_text
from nextadvance.core._memo import LONG_TEXT
from nextadvance.core._note_text import SUB_STEP, step_parts
from nextadvance.mappings import load_playbook
from tests.unit.core._corpus import train_texts


def test_committed_memo_same_as_testing_each_clause() -> None:
    lex = load_playbook().compiled.lexicon
    notes, parser = lex.notes, lex.parser
    people = lex.people((("Ben Ortiz", "CFO", "economic buyer"), ("Claire Wu", "", "")))
    committed = 0
    for text in train_texts()[::4] * 2:  # the second pass answers from the memos
        for who in (lex.people(()), people):
            dated = parser.names_date(text, who)
            want = False
            previous = None
            for raw in parser.clauses(text):
                for part in SUB_STEP.split(raw):
                    if part.strip() and not want:
                        previous = parser._clause(part, who, dated, previous)  # no memo
                        want = notes.committed(previous)
            assert notes._commits(text, who, dated) is want, text
            committed += want
    assert committed > 200
    assert 0 < len(notes._committed) <= 4_096
    assert all(notes.committed(c) is got for c, got in notes._committed.values())


def test_step_parts_memo_same_as_splitting_again() -> None:
    parser = load_playbook().compiled.lexicon.parser
    cut = 0
    for text in train_texts()[::3] * 2:  # the second pass answers from the memo
        for raw in parser.clauses(text):
            want = tuple(p for p in SUB_STEP.split(raw) if p.strip())
            assert step_parts(raw) == want, raw
            cut += len(want) > 1
    assert cut > 100
    assert 0 < len(_note_text._STEP_PARTS) <= _note_text._STEP_PARTS_LIMIT
    assert all(len(raw) <= LONG_TEXT for raw in _note_text._STEP_PARTS)
