"""Loading mappings: shipped files, the JSON schema, and one test per error class."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from nextadvance.core.errors import MappingError, Problem
from nextadvance.mappings import (
    default_mapping_path,
    load_mapping,
    load_mapping_text,
    mapping_json_schema,
)

Writer = Callable[[str, str], Path]
SCHEMA_FILE = Path(__file__).resolve().parents[3] / "mappings" / "schemas" / "mapping.schema.json"


def _line_of(path: Path, needle: str) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in {path}")


def _problems(path: Path) -> tuple[Problem, ...]:
    with pytest.raises(MappingError) as info:
        load_mapping(path)
    return info.value.problems


@pytest.mark.parametrize("crm", ["salesforce", "hubspot"])
def test_shipped_mappings_load(crm: str) -> None:
    """Each shipped mapping loads cleanly and is for the CRM it is named after."""
    mapping = load_mapping(default_mapping_path(crm))
    assert mapping.crm == crm
    assert mapping.source == default_mapping_path(crm).resolve()
    assert mapping.playbook_path() is None


@pytest.mark.parametrize("crm", ["salesforce", "hubspot"])
def test_shipped_mappings_point_editors_at_the_schema(crm: str) -> None:
    """The first line of each shipped mapping names the committed JSON schema for editors."""
    first = default_mapping_path(crm).read_text(encoding="utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=../schemas/mapping.schema.json"


def test_committed_schema_equals_generated() -> None:
    """mappings/schemas/mapping.schema.json is what mapping_json_schema() generates now."""
    assert json.loads(SCHEMA_FILE.read_text(encoding="utf-8")) == mapping_json_schema()


def test_schema_accepts_shipped_mappings() -> None:
    """The JSON schema validates both shipped mappings (what an editor would check)."""
    import jsonschema
    import yaml

    for crm in ("salesforce", "hubspot"):
        data = yaml.safe_load(default_mapping_path(crm).read_text())
        jsonschema.validate(data, mapping_json_schema())


def test_unknown_crm_has_no_default() -> None:
    """Asking for a shipped mapping of an unknown CRM is a MappingError naming the choices."""
    with pytest.raises(MappingError, match="salesforce or hubspot"):
        default_mapping_path("pipedrive")


def test_syntax_error_names_file_and_line(tmp_path: Path) -> None:
    """A YAML syntax error is reported with the file and the line it is on."""
    path = tmp_path / "broken.yaml"
    path.write_text("crm: salesforce\npipelines:\n  default: [unclosed\n", encoding="utf-8")
    (problem,) = _problems(path)
    assert problem.file == str(path)
    assert problem.line is not None and problem.line >= 3
    assert "syntax" in problem.message


def test_wrong_type_names_key_line_and_found(write_mapping: Writer) -> None:
    """A value of the wrong type names its key path, line, and what was found."""
    path = write_mapping("subject_max_length: 255", "subject_max_length: lots")
    (problem,) = _problems(path)
    assert problem.key_path == "writeback.task.subject_max_length"
    assert problem.line == _line_of(path, "subject_max_length: lots")
    assert "'lots'" in problem.message


def test_unknown_key_suggests_the_right_one(write_mapping: Writer) -> None:
    """A misspelt key is reported at its line with a did-you-mean hint and the allowed keys."""
    path = write_mapping("    close_date: CloseDate", "    close_dat: CloseDate")
    (problem,) = _problems(path)
    assert problem.key_path == "deal.fields.close_dat"
    assert problem.line == _line_of(path, "close_dat:")
    assert problem.hint == "did you mean 'close_date'?"
    assert problem.expected is not None and "next_step" in problem.expected


def test_unknown_stage_suggests_the_canonical_key(write_mapping: Writer) -> None:
    """A stage mapped to a misspelt canonical key names the stage, line and the likely key."""
    path = write_mapping("Negotiation/Review: negotiation", "Negotiation/Review: negociation")
    (problem,) = _problems(path)
    assert problem.key_path == "pipelines.default.stages.Negotiation/Review"
    assert problem.line == _line_of(path, "Negotiation/Review:")
    assert "unknown canonical stage 'negociation'" in problem.message
    assert problem.hint == "did you mean 'negotiation'?"
    assert "closed_won" in (problem.expected or "")
    assert str(path) in str(MappingError([problem]))


def test_stage_keys_of_a_custom_playbook_are_accepted(tmp_path: Path) -> None:
    """With a custom playbook's stage keys, a stage the default playbook lacks is valid."""
    text = (
        default_mapping_path("salesforce")
        .read_text()
        .replace("Qualification: qualification", "Qualification: triage")
    )
    with pytest.raises(MappingError, match="triage"):
        load_mapping_text(text)
    keys = [
        "prospecting",
        "triage",
        "discovery",
        "solution",
        "proposal",
        "negotiation",
        "closed_won",
        "closed_lost",
    ]
    mapping = load_mapping_text(text, stage_keys=keys)
    assert mapping.pipelines["default"].stages["Qualification"] == "triage"


def test_two_spellings_of_one_crm_stage_clash(write_mapping: Writer) -> None:
    """Two entries that are the same CRM stage once case is ignored, mapped differently, clash."""
    path = write_mapping(
        "      Closed Lost: closed_lost",
        "      Closed Lost: closed_lost\n      closed won: closed_lost",
    )
    (problem,) = _problems(path)
    assert problem.key_path == "pipelines.default.stages.closed won"
    assert problem.line == _line_of(path, "closed won: closed_lost")
    assert "clashes with 'Closed Won'" in problem.message
    assert f"line {_line_of(path, 'Closed Won: closed_won')}" in problem.message


def test_duplicate_yaml_key_is_reported_with_both_lines(write_mapping: Writer) -> None:
    """A key written twice in one block is an error naming both lines."""
    path = write_mapping("    amount: Amount", "    amount: Amount\n    amount: Amount__c")
    (problem,) = _problems(path)
    assert problem.key_path == "deal.fields.amount"
    assert problem.line == _line_of(path, "amount: Amount__c")
    assert f"first defined on line {_line_of(path, 'amount: Amount')}" in problem.message


def test_missing_required_key_is_located_at_its_parent(write_mapping: Writer) -> None:
    """A missing required key is named, located at the block it belongs in."""
    path = write_mapping("    stage: StageName\n", "")
    (problem,) = _problems(path)
    assert problem.key_path == "deal.fields.stage"
    assert "missing required key 'stage'" in problem.message
    assert problem.line == _line_of(path, "  fields:")


def test_bad_transform_suggests_a_known_one(write_mapping: Writer) -> None:
    """An unknown transform name lists the transforms and suggests the closest."""
    path = write_mapping("transform: boolean}", "transform: bool}")
    (problem,) = _problems(path)
    assert problem.key_path == "deal.evidence.budget_confirmed.transform"
    assert problem.line == _line_of(path, "transform: bool}")
    assert problem.hint == "did you mean 'boolean'?"
    assert "'non_empty'" in (problem.expected or "")


def test_map_transform_needs_values(write_mapping: Writer) -> None:
    """transform: map without a values table is an error at the transform's line."""
    path = write_mapping("transform: boolean}", "transform: map}")
    (problem,) = _problems(path)
    assert problem.key_path == "deal.evidence.budget_confirmed.transform"
    assert "needs a 'values' table" in problem.message


def test_unknown_role_and_outcome_are_reported(write_mapping: Writer) -> None:
    """A contact role and an activity outcome outside the canonical sets are both reported."""
    path = write_mapping("Influencer: influencer", "Influencer: influence")
    path.write_text(path.read_text().replace("Busy: no_show", "Busy: noshow"))
    problems = _problems(path)
    assert [p.key_path for p in problems] == [
        "contacts.roles.Influencer",
        "activities.Task.outcome.rules[0].values.Busy",
    ]
    assert problems[0].hint == "did you mean 'influencer'?"
    assert problems[1].hint == "did you mean 'no_show'?"


def test_every_problem_is_reported_in_one_pass(write_mapping: Writer) -> None:
    """Structure errors and cross-reference errors in one file all come back together."""
    path = write_mapping("    close_date: CloseDate", "    close_dat: CloseDate")
    text = path.read_text().replace("Prospecting: prospecting", "Prospecting: prospect")
    text = text.replace("due: +2 business days", "due: next week")
    text = text.replace('subject: "{task_subject}"', 'subject: "Do {task_subjet}"')
    path.write_text(text)
    problems = _problems(path)
    assert {p.key_path for p in problems} == {
        "deal.fields.close_dat",
        "pipelines.default.stages.Prospecting",
        "writeback.task.due",
        "writeback.task.subject",
    }
    assert all(p.file == str(path) and p.line for p in problems)
    assert [p.line for p in problems] == sorted(p.line or 0 for p in problems)


def test_writeback_target_in_never_write_is_refused(write_mapping: Writer) -> None:
    """An output aimed at a field the mapping says never to write is an error."""
    path = write_mapping(
        "next_advance: {field: NA_Next_Advance__c", "next_advance: {field: NextStep"
    )
    (problem,) = _problems(path)
    assert problem.key_path == "writeback.deal.next_advance.field"
    assert "never_write" in problem.message


def test_two_outputs_cannot_share_a_field(write_mapping: Writer) -> None:
    """Two outputs written to the same CRM field clash."""
    path = write_mapping("stalled: {field: NA_Stalled__c", "stalled: {field: NA_Objectives__c")
    (problem,) = _problems(path)
    assert problem.key_path == "writeback.deal.stalled.field"
    assert "already receives objectives" in problem.message


def test_empty_and_non_mapping_files_are_clear_errors(tmp_path: Path) -> None:
    """An empty file or a bare list is a located error, not a traceback."""
    empty = tmp_path / "empty.yaml"
    empty.write_text("")
    assert "found an empty file" in _problems(empty)[0].message
    listy = tmp_path / "list.yaml"
    listy.write_text("- a\n- b\n")
    assert "found list" in _problems(listy)[0].message


def test_unreadable_file_is_a_mapping_error(tmp_path: Path) -> None:
    """A path that does not exist is a MappingError naming it."""
    (problem,) = _problems(tmp_path / "nope.yaml")
    assert "cannot read file" in problem.message


def test_yes_no_keys_stay_text(tmp_path: Path) -> None:
    """Value-map keys like Yes/No stay the CRM's text instead of turning into booleans."""
    text = (
        default_mapping_path("salesforce")
        .read_text()
        .replace(
            "transform: boolean}",
            "transform: map, values: {Yes: true, No: false, 10: true}}",
        )
    )
    mapping = load_mapping_text(text)
    assert mapping.deal.evidence["budget_confirmed"].values == {
        "Yes": True,
        "No": False,
        "10": True,
    }


def test_canonical_stages_equal_the_shipped_playbook() -> None:
    """The stage keys checked by default are exactly those of the shipped playbook."""
    from nextadvance.mappings import CANONICAL_STAGES, load_playbook

    assert tuple(s.key for s in load_playbook().stages) == CANONICAL_STAGES


def test_custom_playbook_stage_keys_are_used(tmp_path: Path) -> None:
    """A mapping naming its own playbook is checked against that playbook's stage keys."""
    playbook = default_mapping_path("salesforce").parent / "playbook.yaml"
    (tmp_path / "pb.yaml").write_text(
        playbook.read_text()
        .replace("key: qualification", "key: triage")
        .replace("stage: qualification", "stage: triage"),
    )
    text = (
        default_mapping_path("salesforce")
        .read_text()
        .replace("playbook: default", "playbook: pb.yaml")
    )
    path = tmp_path / "m.yaml"
    path.write_text(text)
    problems = _problems(path)
    assert [p.key_path for p in problems] == ["pipelines.default.stages.Qualification"]
    assert "one of: prospecting, triage, discovery" in (problems[0].expected or "")


def test_broken_custom_playbook_is_reported_with_the_mapping(tmp_path: Path) -> None:
    """A mapping whose playbook file is missing reports that under its playbook key."""
    text = (
        default_mapping_path("hubspot")
        .read_text()
        .replace("playbook: default", "playbook: nope.yaml")
    )
    path = tmp_path / "m.yaml"
    path.write_text(text)
    problems = _problems(path)
    assert problems[0].key_path == "playbook"
    assert problems[0].line == _line_of(path, "playbook: nope.yaml")
    assert any("nope.yaml" in str(p) for p in problems)


def test_shape_errors_say_what_to_write(write_mapping: Writer) -> None:
    """A bare value where a block belongs, or where a list belongs, says what to write."""
    path = write_mapping("pain: {field: Pain__c, transform: text}", "pain: Pain__c")
    path.write_text(path.read_text().replace("at: [ActivityDate, CreatedDate]", "at: ActivityDate"))
    block, listing = _problems(path)
    assert block.key_path == "deal.evidence.pain" and block.line == _line_of(path, "pain: Pain__c")
    assert block.message == "expected a block of keys here, found 'Pain__c'"
    assert block.hint == "e.g. {field: Pain__c}"
    assert listing.key_path == "activities.Task.at" and listing.hint == "write [ActivityDate]"


@pytest.mark.parametrize("crm", ["salesforce", "hubspot"])
def test_shipped_evidence_names_are_ones_the_playbook_uses(crm: str) -> None:
    """Every evidence field a shipped mapping fills is one the shipped playbook checks."""
    from nextadvance.mappings._scaffold import playbook_evidence_names

    mapping = load_mapping(default_mapping_path(crm))
    assert set(mapping.deal.evidence) <= set(playbook_evidence_names())
