"""Mapping support for messy orgs: ignore_pipelines and HTML activity bodies."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from nextadvance.core.errors import MappingError
from nextadvance.mappings import Mapping, default_mapping_path, load_mapping, translate_activity
from nextadvance.mappings._html import html_to_text, looks_like_html
from nextadvance.mappings._stages import map_stage


def _hubspot(tmp_path: Path, extra: str) -> Path:
    text = default_mapping_path("hubspot").read_text(encoding="utf-8")
    path = tmp_path / "hs.yaml"
    path.write_text(text.replace("\ndeal:\n", f"\n{extra}\n\ndeal:\n", 1), encoding="utf-8")
    return path


def test_html_body_becomes_lines_of_text() -> None:
    """Tags go, blocks become lines, entities are decoded, scripts and styles dropped."""
    html = (
        '<div style="font-family: Arial"><p><strong>Spoke with Ann &amp; Bo.</strong></p>'
        "<ul><li>Budget: approved</li><li>Next step: send the quote</li></ul>"
        "<style>p {color: red}</style><p>Thanks,<br>Sam&nbsp;Lee</p><p>&nbsp;</p></div>"
    )
    assert html_to_text(html) == (
        "Spoke with Ann & Bo.\nBudget: approved\nNext step: send the quote\nThanks,\nSam Lee"
    )


@pytest.mark.parametrize("text", ["plain text", "a < b and c > d", "x<3", ""])
def test_plain_text_is_left_alone(text: str) -> None:
    """Text without a tag is returned unchanged (stock bodies read as before)."""
    assert not looks_like_html(text)
    assert html_to_text(text) == text


def test_activity_body_is_stripped_on_translation(hs_mapping: Mapping) -> None:
    """A HubSpot note body in HTML reaches the engine as plain text."""
    record = {
        "hs_object_id": "1",
        "hs_timestamp": "2026-11-01T10:00:00Z",
        "hs_note_body": "<p>Budget: <b>approved</b></p><p>Next step: pilot</p>",
    }
    result = translate_activity(hs_mapping, "notes", record, now=datetime(2026, 11, 16, tzinfo=UTC))
    assert result.value is not None
    assert result.value.body == "Budget: approved\nNext step: pilot"


def test_ignore_pipelines_policy(tmp_path: Path, hs_mapping: Mapping) -> None:
    """Without the key a left-out pipeline is a choice; with it, unlisted ones are undecided."""
    assert hs_mapping.ignore_pipelines is None
    assert hs_mapping.pipeline_policy("default") == "mapped"
    assert hs_mapping.pipeline_policy("7654321") == "left_out"
    strict = load_mapping(_hubspot(tmp_path, "ignore_pipelines: [7654321]"))
    assert strict.ignore_pipelines == ["7654321"]  # YAML digits read as an id
    assert strict.pipeline_policy("7654321") == "ignored"
    assert strict.pipeline_policy("8800101") == "unlisted"
    lookup = map_stage(strict, "8800101", "8800102")
    assert lookup.stage is None and lookup.key_path == "ignore_pipelines"
    assert lookup.problem is not None and "hs.yaml" in lookup.problem


def test_pipeline_both_mapped_and_ignored_is_an_error(tmp_path: Path) -> None:
    """A contradiction is located at the ignore_pipelines entry."""
    path = _hubspot(tmp_path, "ignore_pipelines: [default]")
    with pytest.raises(MappingError) as info:
        load_mapping(path)
    (problem,) = [p for p in info.value.problems if "ignore_pipelines" in p.message]
    assert "both mapped" in problem.message
    assert problem.line is not None
