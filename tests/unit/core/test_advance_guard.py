"""The learned advance guard: its scoring and explanation, the weight table (validation,
located errors, switching it off), how the next-step check applies it (downgrade only,
only an advance, only at the threshold), the shipped table, and the offline trainer."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from nextadvance.core import Playbook, RuleError
from nextadvance.core._advance_guard import CLASSES, AdvanceGuard, contact_words, guard_features
from nextadvance.core._lexicon_model import AdvanceGuardTable
from nextadvance.core._nextstep import CompiledLexicon
from nextadvance.mappings import load_playbook
from nextadvance.mappings.playbook import DEFAULT_LEXICON

SAM = (("Sam Ortiz", "VP Operations", "champion"),)
#: the rules read a dated client action here; the words say the client is only thinking
MULLING = "Sam mulling over the pricing sched"


def _table(threshold: float = 0.9) -> AdvanceGuardTable:
    # "mulling" pushes hard toward vague, "our" toward a seller step, "send" toward advance
    return AdvanceGuardTable(
        threshold=threshold,
        bias=(1.0, 0.0, 0.0),
        features=("w:mulling", "w:our", "w:send"),
        weights=((0.0, 0.0, 6.0), (0.0, 5.0, 0.0), (3.0, 0.0, 0.0)),
    )


def _check(playbook: Playbook, table: AdvanceGuardTable | None) -> CompiledLexicon:
    lexicon = playbook.lexicon.model_copy(update={"advance_guard": table})
    return CompiledLexicon(lexicon, playbook.compiled.order)


def test_features_read_contact_names_as_name() -> None:
    feats = guard_features("Sam not sending the deck", contact_words(SAM))
    assert {"w:_name", "b:^__name", "n:sending"} <= set(feats)
    assert "w:sam" not in feats
    assert contact_words((("Ana de la Cruz", "", ""),)) == {"ana", "de", "la", "cruz"}


def test_guard_scores_downgrades_and_explains() -> None:
    guard = _table().model()
    p = guard.probabilities(("w:mulling", "w:unknown"))
    assert sum(p) == pytest.approx(1.0) and p[2] > 0.99
    assert guard.downgrade(("w:mulling",)) == ("vague", pytest.approx(1 - p[0]))
    seller = guard.downgrade(("w:our",))
    assert seller is not None and seller[0] == "seller_action"
    assert guard.downgrade(("w:send",)) is None  # an advance's words keep it
    assert guard.downgrade(()) is None  # the bias alone never overturns the rules
    assert guard.explain(("w:send", "w:mulling"), "vague") == "w:mulling +6.00"


def test_threshold_decides_how_sure_the_guard_must_be() -> None:
    feats = ("w:mulling", "w:send")  # 1 + 3 for advance, 6 for vague: P(not) ~ 0.88
    assert _table(0.8).model().downgrade(feats) is not None
    assert _table(0.9).model().downgrade(feats) is None


def test_table_must_be_aligned() -> None:
    with pytest.raises(ValidationError, match="1 weight rows for 2 features"):
        AdvanceGuardTable(features=("w:a", "w:b"), weights=((1.0, 0.0, 0.0),))
    with pytest.raises(ValidationError, match="3 weights per feature"):
        AdvanceGuardTable(features=("w:a",), weights=((1.0, 0.0),))
    with pytest.raises(ValidationError, match="2 biases for 3 classes"):
        AdvanceGuardTable(bias=(0.0, 0.0))
    with pytest.raises(ValidationError, match="classes must be advance, seller_action, vague"):
        AdvanceGuardTable(classes=("advance", "vague", "seller_action"))


def test_wrong_table_in_a_lexicon_is_a_located_error(tmp_path: Path) -> None:
    lex = tmp_path / "lex.yaml"
    lex.write_text(
        "vague: ['touch base']\nadvance_guard:\n  features: ['w:a']\n  weights: [[1.0]]\n",
        encoding="utf-8",
    )
    with pytest.raises(RuleError) as exc:
        load_playbook(None, lex)
    (problem,) = exc.value.problems
    assert problem.file == str(lex) and problem.key_path == "advance_guard"
    assert "3 weights per feature" in problem.message


def test_check_downgrades_an_advance_with_the_tables_reason(playbook: Playbook) -> None:
    """Fails if the weight table is ignored: the rules alone read an advance."""
    rules = _check(playbook, None).classify(MULLING, "discovery", SAM)
    assert rules.verdict == "advance"
    got = _check(playbook, _table()).classify(MULLING, "discovery", SAM)
    assert got.verdict == "vague"
    assert "advance guard model reads vague with p=" in got.reason
    assert "w:mulling +6.00" in got.reason and rules.reason in got.reason
    assert got.clauses == rules.clauses  # the parse is still shown


def test_check_never_upgrades_nor_touches_other_verdicts(playbook: Playbook) -> None:
    # a table that reads everything as an advance changes no other verdict ...
    eager = AdvanceGuardTable(bias=(9.0, 0.0, 0.0), threshold=0.5)
    plain = _check(playbook, None)
    guarded = _check(playbook, eager)
    for text in ("I'll send pricing Fri", "touch base next week", "Sam to sign the MSA Fri"):
        assert guarded.classify(text, "discovery", SAM) == plain.classify(text, "discovery", SAM)
    # ... and one that reads everything as vague only turns advances into vague
    doubtful = AdvanceGuardTable(bias=(0.0, 0.0, 9.0), threshold=0.5)
    seller = _check(playbook, doubtful).classify("I'll send pricing Fri", "discovery", SAM)
    assert seller.verdict == "seller_action"


def test_shipped_table_loads_is_used_and_can_be_switched_off(
    playbook: Playbook, tmp_path: Path
) -> None:
    guard = playbook.compiled.lexicon.advance_guard
    assert guard is not None and 0.9 <= guard.threshold < 1 and len(guard.index) > 1000
    got = playbook.compiled.lexicon.classify(MULLING, "discovery", SAM)
    assert got.verdict == "vague" and "advance guard model" in got.reason
    for text in (
        "Sam to send the security questionnaire by Fri",
        "Sam booking the demo with his team for Tue 3/4",
        "Sam to intro us to procurement Thu",
    ):
        assert playbook.compiled.lexicon.classify(text, "discovery", SAM).verdict == "advance"
    lex = tmp_path / "lex.yaml"
    shipped = DEFAULT_LEXICON.read_text(encoding="utf-8")
    lex.write_text(shipped + "\nadvance_guard: null\n", encoding="utf-8")
    off = load_playbook(None, lex).compiled.lexicon
    assert off.advance_guard is None
    assert off.classify(MULLING, "discovery", SAM).verdict == "advance"


def test_trainer_learns_the_three_classes() -> None:
    """The offline trainer (benchmarks/advguard_cv.py) on made-up rows."""
    from benchmarks.advguard_cv import train
    from benchmarks.stagefit_cv import Row

    rows = []
    for k in range(6):
        rows.append(Row("a", f"Sam to send the deck x{k}", "discovery", "advance", SAM, ()))
        rows.append(Row("a", f"we send pricing y{k}", "discovery", "seller_action", SAM, ()))
        rows.append(Row("a", f"Sam mulling over it z{k}", "discovery", "vague", SAM, ()))
    weights, bias = train(rows, min_count=1)
    guard = AdvanceGuard(weights, bias, 0.5)
    names = contact_words(SAM)
    assert guard.downgrade(guard_features("Sam to send the deck", names)) is None
    assert guard.downgrade(guard_features("Sam mulling over it", names)) == (
        "vague",
        pytest.approx(1 - guard.probabilities(guard_features("Sam mulling over it", names))[0]),
    )
    assert weights["w:we"][CLASSES.index("seller_action")] > weights["w:we"][0]
