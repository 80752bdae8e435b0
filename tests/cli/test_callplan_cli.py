"""End-to-end: what ``decide`` and ``explain`` tell the rep when the deal has bad news,
a stage gap or a close date the open essentials cannot meet (rep-view items 1a, 1d, 3, 12)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from nextadvance.sync import cli

NOW = "2026-11-23T12:00:00Z"
_BASE: dict[str, Any] = {
    "created_at": "2026-10-01T09:00:00Z",
    "stage_entered_at": "2026-11-10T09:00:00Z",
    "account": {"name": "Harbor Bank"},
    "contacts": [
        {"id": "c1", "name": "Nora Diaz", "role": "champion"},
        {"id": "c2", "name": "Ellen Buyer", "role": "economic_buyer"},
        {"id": "c3", "name": "Tom Tech", "role": "technical_buyer"},
    ],
}
_LEARNED = {
    "pain": "manual work",
    "decision_date": "2027-01-29",
    "impact": "20 hours a week",
    "decision_process": "the CFO signs off",
    "technical_fit": True,
    "procurement_steps": "supplier form",
}
_MET = {
    "id": "m1",
    "kind": "meeting",
    "at": "2026-11-12T10:00:00Z",
    "outcome": "completed",
    "contact_ids": ["c2"],
}
DEALS = [
    {  # proposal, all learned but budget: "not allocated yet"
        **_BASE,
        "id": "NOBUDGET",
        "stage": "proposal",
        "fields": _LEARNED,
        "activities": [
            _MET,
            {
                "id": "n1",
                "kind": "meeting",
                "at": "2026-11-20T10:00:00Z",
                "outcome": "completed",
                "body": "Nora said it is not allocated yet.",
            },
        ],
    },
    {  # negotiation, budget confirmed, but nobody ever met who decides
        **_BASE,
        "id": "NEVERMET",
        "stage": "negotiation",
        "fields": {**_LEARNED, "budget_confirmed": True},
    },
    {  # qualification, nothing learned, closing in ten days
        **_BASE,
        "id": "TOOSOON",
        "stage": "qualification",
        "close_date": "2026-12-03",
        "contacts": _BASE["contacts"][:1],
    },
]


@pytest.fixture(scope="module")
def decided(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    path = tmp_path_factory.mktemp("deals") / "deals.jsonl"
    path.write_text("\n".join(json.dumps(d) for d in DEALS) + "\n", encoding="utf-8")
    result = CliRunner().invoke(cli.app, ["decide", "--input", str(path), "--now", NOW])
    assert result.exit_code == 0, result.output
    out = [json.loads(x) for x in result.stdout.splitlines() if x.strip()]
    return path, {d["deal_id"]: d for d in out}


def _body(d: dict[str, Any]) -> list[str]:
    return list(d["coaching"]["body"])


def test_no_budget_task_does_not_close_for_a_signature(
    decided: tuple[Path, dict[str, Any]],
) -> None:
    body = _body(decided[1]["NOBUDGET"])
    assert body[0] == "First: No budget yet. Deal with that before anything else."
    close = next(x for x in body if x.startswith("Close: "))
    assert close == (
        'Close: "Could you introduce me to Ellen before Mon 30 Nov,'
        ' so we can work out where the budget comes from?"'
    )
    assert not any("sign" in x for x in body)
    assert decided[1]["NOBUDGET"]["coaching"]["subject"] == (
        "Get Nora to introduce Ellen to find budget by Mon 30 Nov"
    )


def test_explain_says_why_the_recovery_was_chosen(decided: tuple[Path, dict[str, Any]]) -> None:
    path = decided[0]
    out = CliRunner().invoke(
        cli.app, ["explain", "--input", str(path), "--deal", "NOBUDGET", "--now", NOW]
    )
    assert out.exit_code == 0, out.output
    text = " ".join(out.stdout.split())
    assert "'find_budget' chosen instead of" in text and "the answer on 'budget' was no" in text


def test_gap_closes_before_the_final_terms(decided: tuple[Path, dict[str, Any]]) -> None:
    d = decided[1]["NEVERMET"]
    assert d["coaching"]["subject"] == "Get Nora to bring Ellen to a 20-minute call by Mon 30 Nov"
    assert not any("final terms" in x for x in _body(d))
    assert not any("20 minutes with" in x for x in _body(d) if x.startswith("Ask: "))


def test_watch_counts_what_the_checklist_shows(decided: tuple[Path, dict[str, Any]]) -> None:
    watch = [x for x in _body(decided[1]["TOOSOON"]) if x.startswith("Watch: ")]
    assert watch == [
        "Watch: close date Thu 3 Dec is 10 days out, 5 still open: a first real conversation"
        " has happened, pain or goal stated in the client's words, ...; ask Nora what the"
        " date depends on."
    ]


def test_validate_explains_a_bad_recovery(tmp_path: Path) -> None:
    """``mappings validate`` locates a recovery with ``requires`` and says what to do."""
    root = Path(__file__).resolve().parents[2] / "mappings" / "defaults"
    anchor = "          id: find_budget\n"
    text = (root / "playbook.yaml").read_text(encoding="utf-8")
    (tmp_path / "pb.yaml").write_text(
        text.replace(anchor, anchor + "          requires: [pain]\n"), encoding="utf-8"
    )
    mapping = (root / "salesforce.yaml").read_text(encoding="utf-8")
    assert mapping.count("\nplaybook: default\n") == 1
    (tmp_path / "m.yaml").write_text(
        mapping.replace("\nplaybook: default\n", "\nplaybook: pb.yaml\n"), encoding="utf-8"
    )
    out = CliRunner().invoke(cli.app, ["mappings", "validate", str(tmp_path / "m.yaml")])
    assert out.exit_code == 2
    text = " ".join(out.output.split())
    assert "pb.yaml:" in text and "objectives[2].recovery.requires" in text
    assert "cannot require other objectives: remove 'requires'" in text
