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


def test_clauses_ruled_out_never_commit_and_the_memo_answers_as_afresh() -> None:
    """``_may_commit`` rules a clause out only when no parse of it commits (whatever the
    clause before), and says it reads the clause before whenever the parse inherits a
    client actor from it; its memo answers what working it out afresh says."""
    lex = load_playbook().compiled.lexicon
    notes, parser = lex.notes, lex.parser
    people = lex.people((("Ben Ortiz", "CFO", "economic buyer"), ("Claire Wu", "", "")))
    client = parser._clause("Ben to sign the order form", people, False, None)
    assert client.actor == "client"
    ruled_out = leaning = 0
    for text in train_texts()[::4] * 2:  # the second pass answers from the memo
        for who in (lex.people(()), people):
            for raw in parser.clauses(text):
                for part in step_parts(raw):
                    may, leans = notes._may_commit(part, who.names)
                    toks = parser.norm.tokens(part, who.names)
                    assert leans == (bool(toks) and toks[0].form in ("ing", "s")), part
                    for previous in (None, client):
                        c = parser._clause(part, who, True, previous)  # no memo
                        assert may or not notes.committed(c), part
                        if not leans:  # the clause before is not read
                            assert c == parser._clause(part, who, True, None), part
                    ruled_out += not may
                    leaning += leans
    assert ruled_out > 1_000 and leaning > 100
    assert 0 < len(notes._may) <= 4_096
    assert all(len(part) <= LONG_TEXT for part, _ in notes._may)
