"""The clause action finder's memo answers what finding the action afresh says."""

from __future__ import annotations

from nextadvance.core._memo import LONG_TEXT
from nextadvance.core._prefilter import initials
from nextadvance.mappings import load_playbook
from tests.unit.core._corpus import train_texts


def test_find_memo_same_as_finding_again() -> None:
    parser = load_playbook().compiled.lexicon.parser
    finder, norm = parser.finder, parser.norm
    found = 0
    for text in train_texts()[::3] * 2:  # the second pass answers from the memo
        for raw in parser.clauses(text):
            s = " ".join(t.base for t in norm.tokens(raw))
            want = finder._find(s)  # no word initials: every action searched
            assert finder.find(s, initials(s)) == want, s
            assert finder.find(s) == want, s
            found += want is not None
    assert found > 1000
    assert 0 < len(finder._found) <= 4_096
    assert all(len(s) <= LONG_TEXT for s in finder._found)
