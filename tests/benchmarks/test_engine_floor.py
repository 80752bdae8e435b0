"""The engine's floor: its assembly rebuilds exactly the decision, and nothing else runs."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from benchmarks import engine_floor
from benchmarks._gen import deals
from nextadvance.core import decide
from nextadvance.mappings import load_playbook

NOW = datetime(2026, 11, 23, tzinfo=UTC)


def test_assembly_builds_an_equal_decision_of_new_objects() -> None:
    playbook = load_playbook()
    for deal in deals(40, seed=5, now=NOW):
        decision = decide(deal, playbook, NOW)
        again = engine_floor.assembler(decision)()
        assert again is not decision and type(again) is type(decision)
        assert again.model_dump_json() == decision.model_dump_json()
        assert again.explanations is not decision.explanations  # containers are rebuilt
        assert again.explanations[0] is not decision.explanations[0]  # and so are models
        bare = engine_floor.assembler(decision, bare=True)()
        assert isinstance(bare, tuple) and len(bare) == len(type(decision).model_fields)


def test_the_command_prints_the_figures(capsys: pytest.CaptureFixture[str]) -> None:
    assert engine_floor.main(["--deals", "60", "--warm", "20"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["deals"] == 40 and out["budget_us"] == 50.0
    # figures only (never a timed assertion): each measured, none compared
    assert all(out[k] > 0 for k in ("decide_us", "assembly_us", "tuples_assembly_us"))
    assert out["models_per_decision"] > 10 and out["json_bytes_per_decision"] > 1000
