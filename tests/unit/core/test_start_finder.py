"""The start-indexed date search (``ClauseParser._date``) finds what a plain search finds."""

from __future__ import annotations

import re

import pytest

from nextadvance.core._clause import People
from nextadvance.core._memo import LONG_TEXT
from nextadvance.core._prefilter import start_finder
from nextadvance.core._regex import Regex
from nextadvance.mappings import load_playbook
from tests.unit.core._corpus import train_texts


@pytest.fixture(scope="module")
def playbook():  # type: ignore[no-untyped-def]
    return load_playbook()


def _first(pat: Regex, finder: re.Pattern[str], s: str) -> re.Match[str] | None:
    for at in finder.finditer(s):
        found = pat.match(s, at.start())
        if found is not None:
            return found
    return None


def _span(m: re.Match[str] | None) -> tuple[int, int, str] | None:
    return None if m is None else (m.start(), m.end(), m.group(0))


def test_date_search_same_as_a_plain_search(playbook) -> None:  # type: ignore[no-untyped-def]
    parser = playbook.compiled.lexicon.parser
    assert parser._date_starts is not None  # the shipped date pattern is read
    norm = parser.norm
    found = 0
    extra = ["eow", "by 12/5", "next wk", "q3 2027", "on the 3rd of jan", "a 2-jun x", "w/e"]
    for text in train_texts() + extra:
        for s in (text.lower(), " ".join(t.base for t in norm.tokens(text))):
            want = parser.dates.search(s)
            assert _span(parser._date(s)) == _span(want), s
            found += want is not None
    assert found > 500


def test_start_finder_on_every_lexicon_pattern(playbook) -> None:  # type: ignore[no-untyped-def]
    lex = playbook.compiled.lexicon
    p, n = lex.parser, lex.notes
    pats = [pat for _, pat, _ in p.actions] + [p.dates, p.negations, p.hedges, p.client_actor]
    pats += [n.negations, n.uncertainty, n.good_news, n.yes, n.promise, n.not_commitment]
    pats += [x for t in n.topics for x in (t.cues, t.negative, t.positive, t.unless, t.weak)]
    finders = [(pat, start_finder(pat)) for pat in pats if pat is not None]
    read = [(pat, f) for pat, f in finders if f is not None]
    assert len(read) > len(finders) // 2
    matched = 0
    for text in train_texts()[:3000]:
        s = text.lower()
        if not s.isascii():
            continue
        for pat, finder in read:
            want = pat.search(s)
            assert _span(_first(pat, finder, s)) == _span(want), (pat.pattern[:60], s)
            matched += want is not None
    assert matched > 1000


def test_start_finder_reads_the_pattern() -> None:
    finder = start_finder(re.compile(r"\b(?:sign(?:ed)?|e-?sign|q[1-2]\b|x)", re.I))
    assert finder is not None
    assert [m.start() for m in finder.finditer("x signs esign e-sign q3 q1 ax")] == [
        0,
        2,
        8,
        14,
        16,
        24,
    ]
    assert start_finder(re.compile(r"sign")) is None  # no boundary: may start mid-word


def test_memoised_date_answers_same_as_searching_again(playbook) -> None:  # type: ignore[no-untyped-def]
    parser = playbook.compiled.lexicon.parser
    norm = parser.norm
    people = People.of((("Ben Ortiz", "CFO", ""), ("Nora Lee", "", "champion")))
    dated = 0
    for text in train_texts() * 2:  # the second pass answers from the memos
        for who in (People(), people):
            want = False
            for part in parser._pieces(text, who):
                s = " ".join(t.base for t in norm.tokens(part, who.names))
                m = parser.dates.search(s)
                assert _span(parser._date(s)) == _span(m), s
                want = want or (m is not None and bool(m.group(0)))
            assert parser.names_date(text, who) is want, text
            dated += want
    assert dated > 500
    assert 0 < len(parser._dates) <= 4_096 and 0 < len(parser._piece_dated) <= 4_096
    assert all(len(s) <= LONG_TEXT for s in parser._dates)
