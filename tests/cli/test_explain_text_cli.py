"""End-to-end: ``nextadvance explain --text`` and the parse behind ``decide``'s verdicts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from nextadvance.mappings.playbook import DEFAULT_LEXICON
from nextadvance.sync import cli

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "docs" / "examples" / "deals.jsonl"
NOW = "2026-11-23T12:00:00Z"


@pytest.fixture(scope="module")
def runner() -> CliRunner:
    """A CliRunner with every command module registered on the app."""
    return CliRunner()


def _explain(runner: CliRunner, *args: str) -> str:
    result = runner.invoke(cli.app, ["explain", *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_seller_goal_is_a_seller_action_and_the_parse_says_why(runner: CliRunner) -> None:
    """ "get Nora to agree to a pilot" is the seller's goal, not Nora's commitment."""
    out = _explain(runner, "--text", "get Nora to agree to a pilot by Fri", "--stage", "discovery")
    assert "As a next step (stage discovery): seller_action" in out
    assert "seller goal" in out and "pilot" in out


def test_passive_client_commitment_names_the_team_and_fits_the_stage(runner: CliRunner) -> None:
    """A passive signature by their legal is an advance in negotiation, too big in discovery."""
    text = "MSA to be signed by their legal by Dec 3"
    assert "negotiation): advance" in _explain(runner, "--text", text, "--stage", "negotiation")
    early = _explain(runner, "--text", text, "--stage", "discovery")
    assert "discovery): unrealistic_for_stage" in early
    assert "their legal" in early and "sign" in early


def test_ongoing_status_and_negation_are_not_commitments(runner: CliRunner) -> None:
    """ "legal looking at it" is a status; "won't commit to a pilot" is negated."""
    out = _explain(runner, "--text", "legal looking at it", "--stage", "proposal")
    assert "proposal): vague" in out and "ongoing" in out
    out = _explain(runner, "--text", "they won't commit to a pilot yet", "--stage", "discovery")
    assert "discovery): vague" in out and "negative" in out


def test_note_reading_shows_sign_and_commitment(runner: CliRunner) -> None:
    """A negative fact is learned_negative; a plain-English yes is a commitment."""
    out = _explain(
        runner,
        "--text",
        "Ben said there's no budget set aside until next FY",
        "--contact",
        "Ben Okafor|Head of Ops|champion",
    )
    assert "budget: learned_negative" in out
    assert "client commitment (an advance for momentum): no" in out
    out = _explain(runner, "--text", "Ben said yes to a pilot starting 4/22")
    assert "client commitment (an advance for momentum): yes" in out


def test_field_style_note_value_carries_the_sign(runner: CliRunner) -> None:
    """ "Budget: none yet" is bad news about budget (the value is the fact), not a budget
    cue beside an unrelated "none yet"; each label keeps its own value."""
    out = _explain(runner, "--text", "Budget: none yet. Timeline: Q3 go-live")
    assert "budget: learned_negative (bad news, not missing) - from 'Budget: none yet'" in out
    assert "timeline: learned - from 'Timeline: Q3 go-live'" in out


def test_advance_guard_downgrade_is_explained_and_can_be_switched_off(
    runner: CliRunner, tmp_path: Path
) -> None:
    """The rules read a dated-enough client step; the learned guard says vague and why."""
    args = ["--text", "Sam mulling over the pricing sched", "--stage", "discovery"]
    args += ["--contact", "Sam Ortiz|VP Operations|champion"]
    out = _explain(runner, *args)
    assert "discovery): vague" in out
    assert "the rules read an advance" in out and "advance guard model reads vague" in out
    assert "mulling" in out  # its top features name the word that decided it
    lex = tmp_path / "lexicon.yaml"
    lex.write_text(
        DEFAULT_LEXICON.read_text(encoding="utf-8") + "\nadvance_guard: null\n", encoding="utf-8"
    )
    off = _explain(runner, *args, "--lexicon", str(lex))
    assert "discovery): advance" in off and "advance guard" not in off


def test_unknown_stage_is_a_usage_error_with_did_you_mean(runner: CliRunner) -> None:
    """A misspelt stage names the known ones and exits 2."""
    result = runner.invoke(cli.app, ["explain", "--text", "x", "--stage", "discvery"])
    assert result.exit_code == 2
    assert "did you mean 'discovery'" in result.output


def test_explain_without_deal_or_text_is_a_usage_error(runner: CliRunner) -> None:
    """Neither --deal nor --text: exit 2 naming the options."""
    result = runner.invoke(cli.app, ["explain", "--input", str(EXAMPLES)])
    assert result.exit_code == 2


def test_decide_shows_the_parse_and_the_negative_budget(runner: CliRunner) -> None:
    """Every next-step explanation carries its parse; "No budget set aside yet" in the
    example notes is learned_negative, not learned and not missing."""
    result = runner.invoke(cli.app, ["decide", "--input", str(EXAMPLES), "--now", NOW])
    assert result.exit_code == 0, result.output
    decisions = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    for d in (d for d in decisions if d["open"]):
        why = next(e for e in d["explanations"] if e["rule_id"].startswith("next_step."))
        assert "parse" in why["inputs"]
        if d["next_step_check"]["verdict"] != "empty":
            assert "[parse: " in why["text"] and "polarity=" in why["text"]
    pinecrest = next(d for d in decisions if d["deal_id"] == "OPP-1005")
    budget = next(o for o in pinecrest["objectives"] if o["id"] == "budget")
    assert budget["status"] == "learned_negative"
    assert any(e["rule_id"] == "objective.learned_negative" for e in pinecrest["explanations"])
    explained = runner.invoke(
        cli.app, ["explain", "--input", str(EXAMPLES), "--deal", "OPP-1005", "--now", NOW]
    )
    assert explained.exit_code == 0
    assert "learned:" in explained.output and "objective.learned_negative" in explained.output
