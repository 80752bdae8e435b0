"""The coach payload: built from real decisions, bounded, tolerant, idempotent by content."""

from __future__ import annotations

import gzip
import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from nextadvance.core import Decision, decide
from nextadvance.core.models import Deal
from nextadvance.mappings import load_playbook
from nextadvance.mappings._coach import (
    MAX_CHARS,
    CoachPayload,
    build_coach,
    coach_json,
    coach_json_schema,
    coach_signature,
    evidence_line,
    stage_label,
)

NOW = datetime(2026, 11, 27, 15, 30, tzinfo=UTC)
GOLDEN = Path(__file__).parents[1] / "core" / "data" / "golden_deals.jsonl.gz"
#: The CRM limits the payload must stay far under: Salesforce Long Text Area max length
#: and HubSpot's text property value limit.
SALESFORCE_LONG_TEXT_MAX = 131_072
HUBSPOT_TEXT_MAX = 65_536


def _golden(n: int) -> list[Deal]:
    with gzip.open(GOLDEN, "rt", encoding="utf-8") as fh:
        return [Deal.model_validate_json(line) for _, line in zip(range(n), fh, strict=False)]


@pytest.fixture(scope="module")
def decisions() -> list[tuple[Deal, Decision]]:
    playbook = load_playbook()
    return [(d, decide(d, playbook, NOW)) for d in _golden(300)]


def _titles() -> dict[str, str]:
    return {s.key: s.title for s in load_playbook().stages}


def test_real_decisions_build_valid_payloads(decisions: list[tuple[Deal, Decision]]) -> None:
    titles = _titles()
    playbook = load_playbook()
    labels = playbook.wording.card.labels
    sizes = []
    for deal, decision in decisions:
        dates = {a.id: a.at for a in deal.activities}
        names = {c.id: c.name for c in deal.contacts if c.name}
        payload = build_coach(
            decision,
            stage_title=titles.get(decision.stage),
            activity_dates=dates,
            contact_names=names,
            playbook=playbook,
        )
        CoachPayload.model_validate(payload)  # the published contract holds
        text = coach_json(payload)
        sizes.append(len(text))
        assert payload["stage"] == titles[decision.stage]
        verdict = payload["verdict"]
        assert verdict["label"] == labels[verdict["qualifier"] or verdict["code"]]
        for o, src in zip(payload["objectives"], decision.objectives, strict=False):
            assert o["title"] == src.title  # names, not ids
            assert o["evidence"] is None or not re.search(r"_|\(\w+\)", o["evidence"])
            if src.status == "learned" and src.evidence and src.evidence[0].activity_id:
                assert o["on"] == dates[src.evidence[0].activity_id].date().isoformat()
            if src.evidence and src.evidence[0].source in ("field", "role"):
                assert o["on"] is None  # a field's value is not when it was learned
    assert max(sizes) < 8_000, max(sizes)
    # the set covers what the card has to show
    built = [build_coach(d) for _, d in decisions]
    assert any(p["gap"] for p in built)
    assert any(p["momentum"]["stalled"] for p in built)
    assert any(p["advance"]["stretch"] for p in built)
    assert {p["verdict"]["code"] for p in built} >= {"advance", "vague", "empty"}


def test_evidence_and_rewrite(decisions: list[tuple[Deal, Decision]]) -> None:
    for _, decision in decisions:
        payload = build_coach(decision)
        for o in payload["objectives"]:
            assert (o["evidence"] is None) == (o["status"] == "missing")
        verdict, advance = payload["verdict"], payload["advance"]
        if verdict["code"] != "advance" and advance["stretch"]:
            # the verdict field's sentence and rewrite (coaching.verdict), split
            said = decision.coaching.verdict
            assert said == f"{verdict['sentence']} Try: '{verdict['rewrite']}'"
        elif decision.open:
            assert verdict["sentence"] == decision.coaching.verdict and verdict["rewrite"] is None


def test_unknown_and_negative_statuses(decisions: list[tuple[Deal, Decision]]) -> None:
    """``learned_negative`` (issue16) passes through; a status the card cannot know reads
    as missing, never as learned."""
    _, decision = next((d, x) for d, x in decisions if len(x.objectives) >= 2)
    first, second = decision.objectives[0], decision.objectives[1]
    changed = decision.model_copy(
        update={
            "objectives": (
                first.model_copy(update={"status": "learned_negative"}),
                second.model_copy(update={"status": "someday_new_status"}),
                *decision.objectives[2:],
            )
        }
    )
    payload = build_coach(changed)
    assert payload["objectives"][0]["status"] == "learned_negative"
    assert payload["objectives"][1]["status"] == "missing"
    assert payload["objectives"][1]["evidence"] is None
    CoachPayload.model_validate(payload)


def test_worst_case_is_bounded(decisions: list[tuple[Deal, Decision]]) -> None:
    """Every list full, every text far over its cap: still under MAX_CHARS, which is far
    under both CRMs' limits."""
    _, base = decisions[0]
    huge = "ẞ" * 5000
    obj = base.objectives[0] if base.objectives else None
    assert obj is not None
    many = tuple(
        obj.model_copy(update={"title": huge + str(i), "status": "learned"}) for i in range(60)
    )
    co = base.call_objective.model_copy(
        update={
            "learn": tuple(huge for _ in range(40)),
            "questions": tuple(huge for _ in range(40)),
            "plan": tuple(huge for _ in range(40)),
        }
    )
    worst = base.model_copy(
        update={
            "objectives": many,
            "call_objective": co,
            "stage_gap": True,
            "stage_gap_objectives": tuple(f"x{i}" for i in range(60)),
            "next_step_check": base.next_step_check.model_copy(
                update={"reason": huge, "text": huge}
            ),
            "coaching": base.coaching.model_copy(update={"verdict": huge}),
        }
    )
    text = coach_json(build_coach(worst, stage_title=huge))
    CoachPayload.model_validate_json(text)
    assert len(text) <= MAX_CHARS < HUBSPOT_TEXT_MAX < SALESFORCE_LONG_TEXT_MAX
    assert len(text.encode("utf-8")) < HUBSPOT_TEXT_MAX  # even counted in bytes


def test_signature_ignores_only_decided_at(decisions: list[tuple[Deal, Decision]]) -> None:
    _, decision = decisions[1]
    a = coach_json(build_coach(decision))
    later = decision.model_copy(update={"decided_at": decision.decided_at + timedelta(days=1)})
    b = coach_json(build_coach(later))
    assert a != b and coach_signature(a) == coach_signature(b)
    stalled = decision.model_copy(
        update={
            "momentum": decision.momentum.model_copy(update={"stalled": True, "last_advance": "x"})
        }
    )
    assert coach_signature(coach_json(build_coach(stalled))) != coach_signature(a)
    assert coach_signature("[x] Budget known") is None
    assert coach_signature('{"v": broken') is None


def test_schema_is_published_shape() -> None:
    schema: dict[str, Any] = coach_json_schema()
    assert schema["title"] == "CoachPayload"
    assert set(schema["required"]) >= {"v", "stage", "objectives", "verdict", "momentum"}
    status = schema["$defs"]["CoachObjective"]["properties"]["status"]
    assert set(status["enum"]) == {"learned", "missing", "learned_negative"}
    json.dumps(schema)


@pytest.mark.parametrize(
    ("key", "label"),
    [("needs_analysis", "Needs analysis"), ("closed-won", "Closed won"), ("", "")],
)
def test_stage_label(key: str, label: str) -> None:
    assert stage_label(key) == label


@pytest.mark.parametrize(
    ("detail", "contact", "line"),
    [
        ("'budget' in call of 2027-01-14", None, "\u201cbudget\u201d mentioned in a call"),
        ("'budget' in email of 2027-01-14", None, "\u201cbudget\u201d mentioned in an email"),
        ("completed meeting on 2027-04-24", None, "Meeting held"),
        (
            "completed call on 2026-11-23 with decision_maker",
            None,
            "Call held with the decision maker",
        ),
        ("contact with role economic_buyer", "Dana Lee", "Economic buyer: Dana Lee"),
        ("contact with role champion", None, "Champion named"),
        ("field pain = 'manual work' (non_empty)", None, "Pain: manual work"),
        ("field budget_confirmed = 'True' (truthy)", None, "Budget confirmed"),
        ("field decision_date = '2026-12-28' (non_empty)", None, "Decision date: 28 Dec 2026"),
        ("field decision_date = '2027-01-05T00:00:00'", None, "Decision date: 5 Jan 2027"),
        ("stage_change to solution (stage_entered)", None, "stage change to solution"),
        (
            "'allocated' in meeting of 2026-01-02, negative: 'Vera said it's not allocated yet'"
            " (learned, bad news: not met, not missing; the next call must deal with it)",
            None,
            "In a meeting: \u201cVera said it's not allocated yet\u201d",
        ),
    ],
)
def test_evidence_lines_are_in_words(detail: str, contact: str | None, line: str) -> None:
    assert evidence_line(detail, contact) == line
