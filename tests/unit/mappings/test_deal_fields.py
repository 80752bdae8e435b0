"""The rep-facing deal fields: each has one job, says it once, and none restates another.

NA_Next_Advance__c names the Aim (the task carries the fallback), the verdict's "Try:" is
the rep's own step repaired or one short suggestion, NA_Objectives__c lists the current
stage plus what is still open from earlier ones, with a "no" marked as such.
"""

from __future__ import annotations

import gzip
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from nextadvance.core import Decision, decide
from nextadvance.core.models import Deal
from nextadvance.mappings import (
    Mapping,
    default_mapping_path,
    load_mapping,
    load_playbook,
    render_writeback,
)
from nextadvance.mappings._checklist import checklist_lines, fit_lines
from nextadvance.mappings._coach_task import advance_line

DATA = Path(__file__).resolve().parents[1] / "core" / "data"
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
#: words that carry no content: a 3-gram of them repeating is grammar, not repetition
_STOP = frozenset(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "of",
        "to",
        "for",
        "in",
        "on",
        "by",
        "with",
        "at",
        "is",
        "are",
        "be",
        "it",
        "its",
        "this",
        "that",
        "you",
        "your",
        "their",
        "they",
        "them",
        "we",
        "us",
        "our",
        "who",
        "what",
        "when",
        "how",
        "if",
        "as",
        "before",
        "after",
        "from",
    ]
)
_DATE = re.compile(
    r"^(?:mon|tue|wed|thu|fri|sat|sun|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|\d+)$"
)
#: the rep-facing text fields of the stock mappings
_TEXT_FIELDS = {
    "salesforce": ("NA_Next_Advance__c", "NA_Next_Step_Verdict__c", "NA_Objectives__c"),
    "hubspot": ("na_next_advance", "na_next_step_verdict", "na_objectives"),
}


def _content(text: str) -> list[str]:
    """The text's content words, in order (dates and function words left out)."""
    words = re.findall(r"[a-z0-9][a-z0-9'-]*", text.casefold())
    return [w for w in words if w not in _STOP and not _DATE.match(w)]


def _repeated_trigrams(text: str) -> set[tuple[str, ...]]:
    """Content 3-grams said twice: within a line, and whole lines said twice (a checklist's
    lines are items, so its "(essential)" mark on several items is format, not repetition)."""
    twice: set[tuple[str, ...]] = set()
    lines = [line for line in text.split("\n") if line.strip()]
    if len({tuple(_content(line)) for line in lines}) < len(lines):
        twice.add(("<a line twice>",))
    for line in lines:
        words = _content(line)
        seen: set[tuple[str, ...]] = set()
        for i in range(len(words) - 2):
            gram = tuple(words[i : i + 3])
            if gram in seen:
                twice.add(gram)
            seen.add(gram)
    return twice


def _segments(text: str) -> list[str]:
    """The field's sentences and quoted parts of at least four words (what could be restated)."""
    parts = re.split(r"\n|: |\. |'|\[.\] ", text)
    return [" ".join(p.split()) for p in parts if len(p.split()) >= 4]


@pytest.fixture(scope="module")
def golden() -> list[tuple[Deal, Decision]]:
    playbook = load_playbook()
    with gzip.open(DATA / "golden_deals.jsonl.gz", "rt", encoding="utf-8") as fh:
        deals = [Deal.model_validate_json(line) for line in fh if line.strip()]
    return [(d, decide(d, playbook, NOW)) for d in deals]


@pytest.mark.parametrize("crm", ["salesforce", "hubspot"])
def test_no_field_repeats_itself_or_restates_another(
    crm: str, golden: list[tuple[Deal, Decision]]
) -> None:
    """On every golden deal: no content 3-gram twice in one field; no field quotes another."""
    mapping = load_mapping(default_mapping_path(crm))
    checked = 0
    for deal, decision in golden:
        fields = render_writeback(mapping, deal, decision, NOW).deal_fields
        texts = {f: str(fields[f]) for f in _TEXT_FIELDS[crm] if fields.get(f)}
        for name, text in texts.items():
            assert not _repeated_trigrams(text), (deal.id, name, text)
        for a, text_a in texts.items():
            for b, text_b in texts.items():
                if a != b:
                    quoted = [s for s in _segments(text_a) if s in " ".join(text_b.split())]
                    assert not quoted, (deal.id, a, b, quoted)
        checked += len(texts)
    assert checked > 2 * len(golden)


def test_next_advance_field_is_the_aim_when_the_task_carries_the_fallback(
    golden: list[tuple[Deal, Decision]],
) -> None:
    """With the stock task (its body has "At least: ..."), the field names only the Aim;
    without a task, the field is where the rep finds the fallback, and keeps it."""
    mapping = load_mapping(default_mapping_path("salesforce"))
    deal, decision = next(
        (d, x)
        for d, x in golden
        if x.open and x.call_objective.stretch is not None and x.call_objective.conservative
    )
    stretch = decision.call_objective.stretch
    conservative = decision.call_objective.conservative
    assert stretch is not None and conservative is not None
    plan = render_writeback(mapping, deal, decision, NOW)
    assert plan.task is not None and conservative.text in plan.task.body
    assert plan.deal_fields["NA_Next_Advance__c"] == f"Aim: {stretch.text}"
    assert conservative.text not in str(plan.deal_fields["NA_Next_Advance__c"])
    assert mapping.writeback.task is not None
    no_task = _without_task(mapping)
    alone = render_writeback(no_task, deal, decision, NOW)
    assert alone.task is None
    assert alone.deal_fields["NA_Next_Advance__c"] == (
        f"Aim: {stretch.text}. At least: {conservative.text}"
    )


def _without_task(mapping: Mapping) -> Mapping:
    task = mapping.writeback.task
    assert task is not None
    wb = mapping.writeback.model_copy(update={"task": task.model_copy(update={"enabled": False})})
    return mapping.model_copy(update={"writeback": wb})


def test_advance_line_keeps_the_fallback_only_where_no_task_says_it() -> None:
    assert advance_line("A books X", "A sends Y", fallback_in_task=True) == "Aim: A books X"
    assert (
        advance_line("A books X", "A sends Y", fallback_in_task=False)
        == "Aim: A books X. At least: A sends Y"
    )
    assert advance_line("", "A sends Y", fallback_in_task=True) == "At least: A sends Y"


def _decision(objectives: list[dict[str, Any]], stage: str = "proposal") -> Decision:
    return Decision.model_validate(
        {
            "deal_id": "D",
            "stage": stage,
            "open": True,
            "decided_at": NOW,
            "objectives": objectives,
            "next_step_check": {"verdict": "empty", "reason": "no next step recorded"},
            "call_objective": {},
            "momentum": {},
            "priority": 10,
        }
    )


def _o(oid: str, stage: str, status: str, essential: bool = True) -> dict[str, Any]:
    return {
        "id": oid,
        "title": oid.title(),
        "stage": stage,
        "essential": essential,
        "status": status,
    }


def test_checklist_marks_a_no_and_shows_the_stage_plus_open_earlier_essentials() -> None:
    """Learned earlier ones are counted in one line, open earlier essentials and negatives
    stay, a 'no' reads as one (not as an open box), then the current stage's objectives."""
    d = _decision(
        [
            _o("pain", "discovery", "learned"),
            _o("why_now", "discovery", "missing", essential=False),
            _o("budget", "discovery", "learned_negative"),
            _o("impact", "discovery", "missing"),
            _o("champion", "solution", "learned", essential=False),
            _o("proposal_sent", "proposal", "learned"),
            _o("pricing_ok", "proposal", "missing"),
            _o("start_date", "proposal", "missing", essential=False),
        ]
    )
    assert checklist_lines(d) == [
        "[x] 2 objectives of earlier stages learned",
        "[!] Budget — answer was no",
        "[ ] Impact (essential)",
        "[x] Proposal_Sent",
        "[ ] Pricing_Ok (essential)",
        "[ ] Start_Date",
    ]


def test_checklist_fits_whole_lines_in_the_field() -> None:
    lines = [f"[ ] Objective number {i} (essential)" for i in range(10)]
    text = fit_lines(lines, 120)
    assert len(text) <= 120
    kept = text.split("\n")
    assert kept[-1] == f"… {10 - len(kept) + 1} more"
    assert all(line in lines for line in kept[:-1])
    assert fit_lines(lines[:2], 1000) == "\n".join(lines[:2])


def test_verdict_repairs_the_reps_own_step_when_it_only_lacks_who_and_when() -> None:
    """'review the proposal' at Proposal: the rewrite is the rep's words with the person and
    a date, not our conservative; a seller action still gets one short suggestion."""
    playbook = load_playbook()
    base = {
        "id": "D-9",
        "name": "Acme",
        "stage": "proposal",
        "created_at": "2026-10-01T09:00:00Z",
        "contacts": [{"id": "c1", "name": "Lucia Marchetti", "role": "champion"}],
    }
    vague = decide(Deal.model_validate({**base, "next_step": "review the proposal"}), playbook, NOW)
    check = vague.next_step_check
    assert check.verdict == "vague" and check.repairable
    conservative = vague.call_objective.conservative
    assert conservative is not None and conservative.by is not None
    assert vague.coaching.verdict.startswith("Too vague to check afterwards. Try: 'Lucia: ")
    assert "review the proposal by " in vague.coaching.verdict
    assert conservative.text not in vague.coaching.verdict
    seller = decide(Deal.model_validate({**base, "next_step": "Send pricing"}), playbook, NOW)
    assert not seller.next_step_check.repairable
    assert seller.coaching.verdict.endswith(f"Try: '{seller.call_objective.conservative.text}'")  # type: ignore[union-attr]


def test_a_step_too_big_for_the_stage_is_not_repaired() -> None:
    """'sign the contract' at Prospecting lacks who and when, but a name and a date would not
    make it realistic: no repair."""
    lexicon = load_playbook().compiled.lexicon
    assert lexicon.classify("review the proposal", "proposal").repairable
    assert not lexicon.classify("sign the contract", "prospecting").repairable
    assert not lexicon.classify("Send pricing", "proposal").repairable


def test_objectives_field_of_a_golden_deal_is_shorter_than_every_objective(
    golden: list[tuple[Deal, Decision]],
) -> None:
    """A late-stage deal's field lists fewer lines than it has objectives, and still marks
    each learned-negative one with '[!]'."""
    mapping = load_mapping(default_mapping_path("salesforce"))
    late = [(d, x) for d, x in golden if x.stage in ("negotiation", "proposal") and x.open]
    assert late
    for deal, decision in late:
        text = str(render_writeback(mapping, deal, decision, NOW).deal_fields["NA_Objectives__c"])
        negatives = [o for o in decision.objectives if o.status == "learned_negative"]
        assert len(text.split("\n")) < len(decision.objectives) + 1
        for o in negatives:
            assert f"[!] {o.title} — answer was no" in text


def test_strategic_objective_line_is_playbook_wording() -> None:
    """'Tie it to:' was English in the core; ops now word it in wording.body.tie."""
    playbook = load_playbook()
    deal = Deal.model_validate(
        {
            "id": "D-7",
            "name": "Acme",
            "stage": "discovery",
            "created_at": "2026-10-01T09:00:00Z",
            "strategic_objective": "cut order errors by half",
            "contacts": [{"id": "c1", "name": "Lucia Marchetti", "role": "champion"}],
        }
    )
    assert "Tie it to: cut order errors by half" in decide(deal, playbook, NOW).coaching.body
    body = playbook.wording.body.model_copy(update={"tie": "Link to goal: {objective}"})
    wording = playbook.wording.model_copy(update={"body": body})
    custom = playbook.model_copy(update={"wording": wording})
    lines = decide(deal, custom, NOW).coaching.body
    assert "Link to goal: cut order errors by half" in lines
    assert not any(line.startswith("Tie it to") for line in lines)
