"""The engine's speed-ups must never change an answer (issue #20).

Each shortcut claims exactness: the first-letter reject only skips a regex that cannot
match, the candidate index only skips objectives every rule would reject, the clause
split rewrite splits as the original pattern did, and ``batch_gc`` leaves the collector
as it found it.  These tests check the claims on the corpus texts and generated deals.
"""

from __future__ import annotations

import gc
import random
import re
from datetime import UTC, datetime

import pytest

from benchmarks._gen import deals
from nextadvance.core import batch_gc
from nextadvance.core._agenda import look_ahead_scope
from nextadvance.core._candidates import candidates
from nextadvance.core._compiled import TEXT_KIND_SET
from nextadvance.core._evidence import DealContext, evaluate
from nextadvance.core._learn import learn
from nextadvance.core._momentum import _commitment
from nextadvance.core._prefilter import cannot_match, first_letters, first_pairs, initials
from nextadvance.core._regex import Regex, regex
from nextadvance.core.models import Deal
from nextadvance.mappings import load_playbook
from tests.unit.core._corpus import train_texts

#: the clause separators as they were before the lookbehinds moved after their "."/":"
_OLD_SPLIT = re.compile(
    r"[;\n|]+|(?<!\bmr)(?<!\bms)(?<!\bdr)(?<!\bmrs)(?<!\bvs)(?<!\bno)(?<!\best)\.\s+"
    r"|\s+(?:and then|then)\s+|,\s*(?:and|then)\s+|(?<!\bre):\s+|\s+-+\s+|\s+->\s+"
    r"|(?<=\?)\s+",
    re.IGNORECASE,
)


@pytest.fixture(scope="module")
def playbook():  # type: ignore[no-untyped-def]
    return load_playbook()


def _patterns(playbook) -> list[re.Pattern[str]]:  # type: ignore[no-untyped-def]
    lex = playbook.compiled.lexicon
    p, n = lex.parser, lex.notes
    pats = [pat for _, pat, _ in p.actions] + [p.dates, p.negations, p.hedges, p.client_actor]
    pats += [n.negations, n.uncertainty, n.good_news, n.yes, n.promise, n.not_commitment]
    pats += [x for t in n.topics for x in (t.cues, t.negative, t.positive, t.unless, t.weak)]
    return [x for x in pats if x is not None]


def test_first_letter_reject_never_skips_a_match(playbook) -> None:  # type: ignore[no-untyped-def]
    texts = train_texts()
    assert len(texts) > 1000
    norm = playbook.compiled.lexicon.parser.norm
    pats = _patterns(playbook)
    assert sum(first_letters(p) is not None for p in pats) > len(pats) // 2
    rejected = 0
    for text in texts:
        for s in (text, " ".join(t.base for t in norm.tokens(text)), text.lower()):
            starts = initials(s)
            for pat in pats:
                if cannot_match(pat, starts):
                    rejected += 1
                    assert pat.search(s) is None, (pat.pattern[:60], s)
    assert rejected > 0


def test_first_letters_reads_the_pattern() -> None:
    assert first_letters(re.compile(r"\b(?:sign(?:ed)?|put pen|e-?sign|\d+ hrs)", re.I)) == (
        frozenset("spe0123456789")
    )
    assert first_letters(re.compile(r"(?<!\w)(?:x|\$\d)")) is None  # "$" is no word start
    assert first_letters(re.compile(r"sign")) is None  # no boundary: may start mid-word
    assert first_letters(re.compile(r"\b(?:a|.b)")) is None  # "." is anything
    assert first_pairs(re.compile(r"\b(?:sign(?:ed)?|e-?sign|q[1-2]\b|x)", re.I)) == (
        frozenset({"si", "e-", "es", "q1", "q2", "x"})
    )
    assert first_pairs(re.compile(r"\b(?:a.|b)")) == frozenset({"a", "b"})  # "a" then any
    assert initials("Sent the e-sign link, 12/5") == frozenset(
        {"s", "se", "t", "th", "e", "e-", "si", "l", "li", "1", "12", "5"}
    )
    assert initials("café") is None


def test_clause_split_same_as_before(playbook) -> None:  # type: ignore[no-untyped-def]
    split = playbook.compiled.lexicon.parser.split
    rng = random.Random(5)
    bits = ["mr", "Dr", "no", "est", "re", "vs", ".", ". ", ": ", " - ", " -> ", " then "]
    bits += ["? ", " and then ", ", and ", ";", "\n", "|", " ", "x", "amr", "xre", "\t"]
    texts = train_texts() + ["".join(rng.choice(bits) for _ in range(12)) for _ in range(20_000)]
    for text in texts:
        assert split.split(text) == _OLD_SPLIT.split(text), text


def test_candidates_skip_only_objectives_nothing_proves(playbook) -> None:  # type: ignore[no-untyped-def]
    cp = playbook.compiled
    now = datetime(2026, 11, 23, tzinfo=UTC)
    skipped = 0
    for deal in deals(300, seed=11, now=now):
        stage = cp.stage(deal.stage)
        if stage.closed:
            continue
        objectives = cp.scope(stage.key, deal.account)[1]
        ctx = DealContext(deal)
        words = ctx.index(TEXT_KIND_SET).words
        keep = set(candidates(objectives, deal.fields, ctx.roles, words))
        for i, obj in enumerate(objectives):
            if i not in keep:
                skipped += 1
                assert evaluate(obj, ctx) == (), (deal.id, obj.id)
    assert skipped > 0


def test_learn_reuses_the_first_call_exactly(playbook) -> None:  # type: ignore[no-untyped-def]
    """The look-ahead's second ``learn`` for a deal (next stage's objectives) reuses the
    first call's results: the same as learning them on a fresh context, rule by rule."""
    cp = playbook.compiled
    now = datetime(2026, 11, 23, tzinfo=UTC)
    reused = 0
    for deal in deals(300, seed=13, now=now):
        stage = cp.stage(deal.stage)
        if stage.closed:
            continue
        segments, objectives = cp.scope(stage.key, deal.account)[:2]
        ctx = DealContext(deal)
        roles = cp.stage_roles[stage.key].intersection(ctx.roles)
        ahead = look_ahead_scope(cp, stage, segments, roles)  # as decide reads it
        if not ahead:
            continue
        first = learn(objectives, ctx, cp.lexicon.notes)
        assert first == learn(objectives, DealContext(deal), cp.lexicon.notes)
        again = learn(ahead, ctx, cp.lexicon.notes)
        assert again == learn(ahead, DealContext(deal), cp.lexicon.notes), deal.id
        reused += 1
    assert reused > 100


def test_batch_gc_restores_the_collector() -> None:
    before = gc.get_threshold()
    frozen = gc.get_freeze_count()
    callbacks = list(gc.callbacks)
    with batch_gc(12_345):
        assert gc.get_threshold()[0] == 12_345
        assert gc.get_freeze_count() >= frozen
        with batch_gc(99):  # nested: no change
            assert gc.get_threshold()[0] == 12_345
        assert gc.get_threshold()[0] == 12_345
        kept = [[] for _ in range(10)]
        gc.collect(0)  # survivors of a collection are frozen: not walked again
        assert gc.get_freeze_count() > frozen
        del kept
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == frozen
    assert gc.callbacks == callbacks


def _regexes(playbook) -> list[Regex]:  # type: ignore[no-untyped-def]
    lex = playbook.compiled.lexicon
    p, n = lex.parser, lex.notes
    found = [v for o in (p, n) for v in vars(o).values() if isinstance(v, Regex)]
    found += [pat for _, pat, _ in p.actions]
    found += [x for t in n.topics for x in (t.cues, t.negative, t.positive, t.unless, t.weak)]
    return [x for x in found if x is not None]


def test_case_sensitive_twins_match_the_same(playbook) -> None:  # type: ignore[no-untyped-def]
    """On lower-case ASCII text every twin finds exactly the matches of the lexicon's
    case-insensitive pattern (the corpus texts in base forms and lower-cased)."""
    norm = playbook.compiled.lexicon.parser.norm
    pats = _regexes(playbook)
    assert sum(p.cs is not p.ci for p in pats) > len(pats) // 2
    compared = 0
    for text in train_texts():
        for s in (" ".join(t.base for t in norm.tokens(text)), text.lower()):
            if not (s.isascii() and s.islower()):
                continue
            for pat in pats:
                compared += 1
                got = [m.span() for m in pat.cs.finditer(s)]
                assert got == [m.span() for m in pat.ci.finditer(s)], (pat.pattern[:60], s)
    assert compared > 10_000


def test_twin_only_for_patterns_it_can_vouch_for() -> None:
    assert regex(r"\b(?:sign|q[1-4])", re.I).cs.flags & re.I == 0
    assert regex(r"\b(?:Q[1-4])", re.I).cs.flags & re.I  # an upper-case literal
    assert regex(r"\b(?:[A-Z]x)", re.I).cs.flags & re.I  # an upper-case range
    assert regex(r"\b(?:ſ|x)", re.I).cs.flags & re.I  # folds to "s"
    assert regex(r"(?:€|\$) ?\d", re.I).cs.flags & re.I == 0  # a symbol has no case
    assert regex(r"(?-i:[A-Z])x", re.I).cs.flags & re.I  # an inline flag group
    twin = regex(r"\bnext week\b", re.I)
    assert twin.search("Next Week") is not None  # mixed case: the original runs
    assert twin.search("next week") is not None


def test_commitment_per_text_same_as_per_deal_scan(playbook) -> None:  # type: ignore[no-untyped-def]
    """The momentum's per-text commitment memo finds, activity by activity, what the scan
    of the deal's joined text found (the first keyword in needle order, confirmed by the
    note reader), on deals made of the train corpus texts."""
    cp = playbook.compiled
    kws, notes = cp.commitment, cp.lexicon.notes
    texts = train_texts()
    rng = random.Random(3)
    compared = found = 0
    for i in range(0, len(texts), 6):
        acts = [
            {
                "id": f"a{i}-{k}",
                "kind": "note",
                "at": "2026-10-01T10:00:00Z",
                "subject": rng.choice(["", "Call", "Notes"]),
                "body": text,
            }
            for k, text in enumerate(texts[i : i + 6])
        ]
        deal = Deal.model_validate(
            {
                "id": f"T{i}",
                "stage": "discovery",
                "created_at": "2026-01-01T00:00:00Z",
                "activities": acts,
            }
        )
        ctx = DealContext(deal)
        index = ctx.index(TEXT_KIND_SET)
        old = {
            index.acts[j].id: kw
            for j, kw in index.every(kws).items()
            if notes.read(ctx.note(index.acts[j])[0]).commitment
        }
        new = {a.id: kw for a in index.acts if (kw := _commitment(cp, a.subject, a.body))}
        assert new == old, deal.id
        compared += 1
        found += bool(old)
    assert compared > 500 and found > 100


def _every_clause_parsed(lex, text: str, who) -> bool:  # type: ignore[no-untyped-def]
    """The commitment test with no clause skipped: each finer clause parsed in turn."""
    from nextadvance.core._note_text import SUB_STEP

    parser, notes = lex.parser, lex.notes
    dated = any(c.when for c in parser.parse(text, who))
    previous = None
    for raw in parser.clauses(text):
        for part in SUB_STEP.split(raw):
            if part.strip():
                previous = parser._clause(part, who, dated, previous)
                if notes.committed(previous):
                    return True
    return False


def test_commitment_alone_is_what_a_full_reading_says(playbook) -> None:  # type: ignore[no-untyped-def]
    """Momentum asks the note reader only whether the client committed (``commits``),
    which skips the topics, the full parse and clauses that cannot commit; on a fifth of the training texts, with and without
    the deal's people, the answer is the full reading's and the date test is the parse's."""
    lex = playbook.compiled.lexicon
    fresh = load_playbook().compiled.lexicon  # no memo shared with ``lex``
    people = lex.people((("Ben Ortiz", "CFO", "economic buyer"), ("Claire Wu", "", "")))
    texts = train_texts()[::5]  # ~3,000 texts: a minute, not several
    committed = 0
    for text in texts:
        for who in (lex.people(()), people):
            assert lex.parser.names_date(text, who) == any(
                c.when for c in lex.parser.parse(text, who)
            ), text
            full = lex.notes.read(text, who).commitment
            assert fresh.notes.commits(text, who) == full, text
            assert _every_clause_parsed(lex, text, who) == full, text
            committed += full
    assert committed > 100  # the texts do exercise commitments


def test_clause_memo_keys_on_all_a_clause_reads(playbook) -> None:  # type: ignore[no-untyped-def]
    """A memoised clause depends on the clause before only through a client actor it may
    inherit: for training clauses after several different previous clauses (client ones
    with other names, a seller one, none), the memo answers what a fresh parse says."""
    lex = playbook.compiled.lexicon
    parser = lex.parser
    people = lex.people((("Ben Ortiz", "CFO", "economic buyer"),))
    prevs = [None] + [
        parser._clause(t, people, False, None)
        for t in (
            "Ben agreed to the pilot",
            "their legal signed",
            "we send the deck",
            "CFO to review",
        )
    ]
    assert {p.actor for p in prevs if p is not None} >= {"client", "seller"}
    checked = 0
    for text in train_texts()[::7]:
        for raw in parser.clauses(text)[:3]:
            for dated in (False, True):
                for prev in prevs:
                    got = parser.clause(raw, people, dated, prev)
                    assert got == parser._clause(raw, people, dated, prev), (raw, prev)
                    checked += 1
    assert checked > 10_000
