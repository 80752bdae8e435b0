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


def test_assembly_builds_an_equal_decision_of_new_objects_but_shared_ones() -> None:
    playbook = load_playbook()
    decisions = [decide(deal, playbook, NOW) for deal in deals(60, seed=5, now=NOW)]
    shared = engine_floor.shared_nodes(decisions)
    assert shared  # the engine's memos hand some nodes to several decisions
    reused = 0
    for decision in decisions:
        for ids in (frozenset(), shared):
            again = engine_floor.assembler(decision, shared=ids)()
            assert again is not decision and type(again) is type(decision)
            assert again.model_dump_json() == decision.model_dump_json()
            for old, new in zip(
                engine_floor._nodes(decision), engine_floor._nodes(again), strict=True
            ):
                if old == ():  # the empty tuple is one object in CPython
                    continue
                # a shared node is handed over as it is; every other one is built anew
                assert (old is new) == (id(old) in ids), (type(old), ids is shared)
                reused += old is new
        bare = engine_floor.assembler(decision, bare=True)()
        assert isinstance(bare, tuple) and len(bare) == len(type(decision).model_fields)
    assert reused > 0


def test_the_command_prints_the_figures(capsys: pytest.CaptureFixture[str]) -> None:
    assert engine_floor.main(["--deals", "60", "--warm", "20"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["deals"] == 40 and out["budget_us"] == 50.0 and out["assembled_sample"] == 40
    # figures only (never a timed assertion): each measured, none compared
    assert all(out[k] > 0 for k in ("decide_us", "assembly_us", "tuples_assembly_us"))
    assert out["models_per_decision"] > 10 and out["json_bytes_per_decision"] > 1000
    assert 0 < out["models_and_containers_built_per_decision"] < out["nodes_per_decision"]


def test_the_engine_part_of_the_suite_reports_against_the_goal(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from benchmarks.run import _engine

    rows = _engine(120, 80)
    assert [r["part"] for r in rows] == ["engine", "engine_floor"]
    assert rows[0]["deals"] == 120 and rows[1]["deals"] == 60
    said = capsys.readouterr().out
    assert "x the 20,000 target" in said and "us budget (benchmarks.engine_floor)" in said
