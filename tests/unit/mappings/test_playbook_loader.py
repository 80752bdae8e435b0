"""Playbook and lexicon loading: shipped defaults, located errors, committed JSON schemas."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nextadvance.core import RuleError
from nextadvance.mappings import lexicon_json_schema, load_playbook, playbook_json_schema
from nextadvance.mappings.playbook import DEFAULT_LEXICON, DEFAULT_PLAYBOOK, SCHEMA_DIR

STAGES = [
    "prospecting",
    "qualification",
    "discovery",
    "solution",
    "proposal",
    "negotiation",
    "closed_won",
    "closed_lost",
]


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


MINI = """\
stages:
  - key: discovery
    stall_days: 20
    objectives:
      - id: pain
        title: Pain known
        evidence:
          - field: pain
    advances:
      - id: meet_dm
        level: stretch
        text: DM joins a meeting
        requires: [pain]
      - {id: intro, level: stretch, text: Contact introduces the team}
      - {id: notes, level: conservative, text: Contact shares notes}
  - key: closed_won
    closed: won
""" + "".join(f"  - key: {k}\n" for k in ("prospecting", "solution", "proposal", "negotiation"))


def test_defaults_load_with_canonical_stages() -> None:
    """The shipped playbook has the canonical stage keys, in order, and a lexicon."""
    pb = load_playbook()
    assert list(pb.stage_keys) == STAGES
    assert len(pb.segments) >= 6 and pb.lexicon.client_actions
    assert {b.id for b in pb.size_bands} == {"small", "mid", "enterprise"}


def test_shipped_yaml_points_at_committed_schema() -> None:
    """Each shipped YAML starts with a yaml-language-server $schema line."""
    assert DEFAULT_PLAYBOOK.read_text().startswith(
        "# yaml-language-server: $schema=../schemas/playbook.schema.json"
    )
    assert DEFAULT_LEXICON.read_text().startswith(
        "# yaml-language-server: $schema=../schemas/lexicon.schema.json"
    )


@pytest.mark.parametrize(
    ("name", "fn"),
    [("playbook.schema.json", playbook_json_schema), ("lexicon.schema.json", lexicon_json_schema)],
)
def test_committed_schema_equals_generated(name: str, fn: object) -> None:
    """The committed schema files are what the models generate (regenerate with write_schemas)."""
    committed = json.loads((SCHEMA_DIR / name).read_text())
    assert committed == fn()  # type: ignore[operator]


def test_unknown_key_is_located_with_did_you_mean(tmp_path: Path) -> None:
    """A misspelt key names file, line, key path and the likely key."""
    path = _write(tmp_path, "pb.yaml", MINI.replace("stall_days: 20", "stal_days: 20"))
    with pytest.raises(RuleError) as exc:
        load_playbook(path)
    text = str(exc.value)
    assert f"{path}:3 stages[0].stal_days: unknown key 'stal_days'" in text
    assert "did you mean 'stall_days'?" in text
    assert len(exc.value.problems) == 1  # no echo of the failed item as "too short"


def test_all_problems_reported_in_one_pass(tmp_path: Path) -> None:
    """Several mistakes in one file are all reported together, each with its line."""
    bad = MINI.replace("stall_days: 20", "stall_days: -1").replace(
        "level: stretch", "level: huge", 1
    )
    path = _write(tmp_path, "pb.yaml", bad)
    with pytest.raises(RuleError) as exc:
        load_playbook(path)
    lines = {p.line for p in exc.value.problems}
    assert len(exc.value.problems) == 2 and lines == {3, 11}
    assert any(p.key_path == "stages[0].advances[0].level" for p in exc.value.problems)


def test_advance_requiring_undefined_objective(tmp_path: Path) -> None:
    """An advance requiring an objective that does not exist is located, with a hint."""
    path = _write(tmp_path, "pb.yaml", MINI.replace("requires: [pain]", "requires: [pian]"))
    with pytest.raises(RuleError) as exc:
        load_playbook(path)
    (problem,) = exc.value.problems
    assert problem.line == 13
    assert problem.key_path == "stages[0].advances[0].requires[0]"
    assert "unknown objective 'pian'" in problem.message
    assert problem.hint == "did you mean 'pain'?"


def test_segment_with_unknown_stage(tmp_path: Path) -> None:
    """A segment adding an objective to an unknown stage names the stage and suggests one."""
    seg = """segments:
  - id: health
    industries: [healthcare]
    add:
      - stage: discovry
        objective: {id: hipaa, title: HIPAA owner, evidence: [{field: compliance_owner}]}
"""
    path = _write(tmp_path, "pb.yaml", MINI + seg)
    with pytest.raises(RuleError) as exc:
        load_playbook(path)
    (problem,) = exc.value.problems
    assert problem.key_path == "segments[0].add[0].stage"
    assert problem.line == 26 and problem.hint == "did you mean 'discovery'?"


def test_bad_regex_in_lexicon_is_located(tmp_path: Path) -> None:
    """A broken regular expression in the lexicon names the lexicon file, line and key."""
    lex = _write(tmp_path, "lex.yaml", "vague:\n  - 'touch base'\n  - 'check (in'\n")
    with pytest.raises(RuleError) as exc:
        load_playbook(None, lex)
    (problem,) = exc.value.problems
    assert problem.file == str(lex) and problem.line == 3 and problem.key_path == "vague[1]"
    assert "bad regular expression" in problem.message


def test_lexicon_min_stage_must_exist(tmp_path: Path) -> None:
    """A client action's min_stage must be a playbook stage."""
    lex = _write(
        tmp_path,
        "lex.yaml",
        "client_actions:\n  - id: sign\n    min_stage: negociation\n    patterns: ['sign']\n",
    )
    with pytest.raises(RuleError) as exc:
        load_playbook(None, lex)
    (problem,) = exc.value.problems
    assert problem.line == 3 and problem.hint == "did you mean 'negotiation'?"


def test_evidence_rule_needs_exactly_one_kind(tmp_path: Path) -> None:
    """An evidence rule with both field and role is rejected at its line."""
    path = _write(
        tmp_path,
        "pb.yaml",
        MINI.replace("- field: pain", "- field: pain\n            role: champion"),
    )
    with pytest.raises(RuleError) as exc:
        load_playbook(path)
    assert "exactly one of field, role, activity, keywords" in str(exc.value)
    assert exc.value.problems[0].line == 8


def test_yaml_syntax_and_duplicate_keys(tmp_path: Path) -> None:
    """YAML syntax errors and duplicate keys are RuleErrors with a line, not tracebacks."""
    broken = _write(tmp_path, "a.yaml", "stages: [\n")
    with pytest.raises(RuleError, match="YAML syntax error"):
        load_playbook(broken)
    dup = _write(tmp_path, "b.yaml", MINI + "stages: []\n")
    with pytest.raises(RuleError, match="duplicate key"):
        load_playbook(dup)


def test_missing_file_is_rule_error(tmp_path: Path) -> None:
    """A playbook path that does not exist is reported as a problem with the file name."""
    with pytest.raises(RuleError, match="cannot read file"):
        load_playbook(tmp_path / "nope.yaml")


def test_segment_cannot_redefine_a_stage_objective(tmp_path: Path) -> None:
    """A segment adding an objective id a stage already defines is located and explained."""
    seg = """segments:
  - id: health
    industries: [healthcare]
    add:
      - stage: discovery
        objective: {id: pain, title: Pain again, evidence: [{field: pain}]}
"""
    path = _write(tmp_path, "pb.yaml", MINI + seg)
    with pytest.raises(RuleError) as exc:
        load_playbook(path)
    (problem,) = exc.value.problems
    assert problem.key_path == "segments[0].add[0].objective.id"
    assert "already defined by a stage" in problem.message


@pytest.mark.parametrize("broken", ['{"stages": ["prospecting"], "bias": []}', '{"bias": [1,'])
def test_broken_shipped_stage_table_names_its_own_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, broken: str
) -> None:
    """A lexicon without its own stage_model gets the shipped stage_model.json; a broken
    shipped table must be reported in that file, not in the lexicon the user wrote (which
    has no ``stage_model`` key to look at)."""
    table = tmp_path / "stage_model.json"
    table.write_text(broken, encoding="utf-8")
    monkeypatch.setattr("nextadvance.mappings.playbook.DEFAULT_STAGE_MODEL", table)
    with pytest.raises(RuleError) as exc:
        load_playbook()
    (problem,) = exc.value.problems
    assert problem.file == str(table), problem
    assert problem.line == 1 or problem.key_path, problem
