"""The learned call-note topic model: its features, its scoring and explanation, how the
note reader combines it with the lexicon's cues, and the shipped weight table."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from nextadvance.core import Playbook, read_note
from nextadvance.core._lexicon_model import NoteModelTable
from nextadvance.core._note_model import NoteModel, note_features
from nextadvance.core._notes import NoteReader


def test_features_are_words_pairs_prefixes_and_negation_scope() -> None:
    feats = note_features("No budget until Q3, they can't say when")
    assert {"w:no", "w:budget", "b:^_no", "b:no_budget", "b:when_$"} <= set(feats)
    assert "p:budge" in feats  # a six-letter word gives its five-letter prefix
    assert {"n:budget", "n:until", "n:q"} <= set(feats)  # three words after "no"
    assert "n:say" in feats and "n:when" in feats  # ... and after "can't"
    assert "n:they" not in feats  # the scope ended
    assert note_features("$40k by 12/5") == note_features("$55k by 11/3")  # numbers are 0
    assert len(feats) == len(set(feats))


def _table(keep_rules: bool = True) -> NoteModelTable:
    return NoteModelTable(
        threshold=0.5,
        keep_rules=keep_rules,
        features=("w:council", "w:meets", "w:budget"),
        bias={"decision_process": -2.0, "budget": -2.0},
        weights={"decision_process": (1.5, 1.5, 0.0), "budget": (0.0, 0.0, -3.0)},
    )


def test_model_scores_every_topic_and_explains_with_top_features() -> None:
    model = _table().model()
    feats = note_features("the council meets")
    p_process, p_budget = model.probabilities(feats)
    assert p_process == pytest.approx(1 / (1 + 2.718281828**-1.0), rel=1e-6)
    assert p_budget == pytest.approx(1 / (1 + 2.718281828**2.0), rel=1e-6)
    scored = model.explain(0, feats, p_process)
    assert [f for f, _ in scored.top] == ["w:council", "w:meets"]
    assert "w:budget" not in model.index or model.index["w:budget"][0] == 0.0


def test_table_weights_must_align_with_features() -> None:
    with pytest.raises(ValidationError, match="2 weights for 3 features"):
        NoteModelTable(features=("a", "b", "c"), weights={"pain": (1.0, 2.0)})


def test_of_builds_the_same_model_as_the_table() -> None:
    weights = {"decision_process": {"w:council": 1.5, "w:meets": 1.5}, "budget": {"w:budget": -3.0}}
    model = NoteModel.of(weights, {"decision_process": -2.0, "budget": -2.0})
    table = _table().model()
    feats = note_features("the council meets on the budget")
    assert model.probabilities(feats) == pytest.approx(table.probabilities(feats))


def _reader(playbook: Playbook, table: NoteModelTable | None) -> NoteReader:
    lexicon = playbook.lexicon.model_copy(update={"note_model": table})
    return NoteReader(lexicon, playbook.compiled.lexicon.parser)


def test_reader_adds_what_the_model_finds_with_the_rules_sign_and_says_why(
    playbook: Playbook,
) -> None:
    text = "the council meets in March, nothing decided"
    assert "decision_process" not in _reader(playbook, None).read(text).facts
    got = _reader(playbook, _table()).read(text)
    assert got.facts["decision_process"] == "positive"
    assert got.where["decision_process"] == "the council meets in March"
    assert got.why["decision_process"].startswith("model p=0.73 (w:council +1.50, w:meets +1.50")
    unsure = _reader(playbook, _table()).read("not sure when the council meets")
    assert unsure.facts == {"decision_process": "negative"}  # the lexicon's sign rules


def test_reader_keeps_or_drops_a_cue_fact_the_model_doubts(playbook: Playbook) -> None:
    text = "No budget this year"
    kept = _reader(playbook, _table(keep_rules=True)).read(text)
    assert kept.facts == {"budget": "negative"}
    assert kept.why["budget"].startswith("lexicon cue in 'No budget this year'; model p=0.01")
    assert "w:budget -3.00" in kept.why["budget"]
    assert _reader(playbook, _table(keep_rules=False)).read(text).facts == {}


def test_shipped_model_reads_a_topic_no_cue_names(playbook: Playbook) -> None:
    # (the table retrained on 35 authors no longer reads "She'll need the school board to
    # approve the purchase": p=0.16, several new authors label board approval as the
    # signing process; docs/playbook.md)
    got = read_note(playbook, "the council has to approve it first")
    assert got.facts == {"decision_process": "positive"}
    assert got.why["decision_process"].startswith("model p=")
    assert playbook.compiled.lexicon.notes.model is not None
