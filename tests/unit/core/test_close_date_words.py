"""The Watch line says how far the close date is as a rep would: "today", "tomorrow",
"2 days out", never "1 days out" or "0 days out"; the words are the playbook's."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from nextadvance.core import Playbook, decide
from nextadvance.core._wording_model import Wording, wording_problems
from nextadvance.core.models import Deal
from nextadvance.mappings import load_playbook

ROOT = Path(__file__).resolve().parents[3]
NOW = datetime(2026, 11, 23, 9, tzinfo=UTC)


@pytest.fixture(scope="module")
def playbook() -> Playbook:
    """The shipped playbook with no minimum lead, so an advance may fall on a close date
    today or tomorrow and the close-date note is the "N days out" one."""
    pb = load_playbook()
    return pb.model_copy(
        update={"thresholds": pb.thresholds.model_copy(update={"min_lead_business_days": 0})}
    )


def _watch(playbook: Playbook, days: int) -> str:
    line = (ROOT / "docs" / "examples" / "deals.jsonl").read_text().splitlines()[0]
    deal = Deal.model_validate_json(line)  # OPP-1001, one essential open
    deal = deal.model_copy(update={"close_date": NOW.date() + timedelta(days=days)})
    body = decide(deal, playbook, NOW).coaching.body
    return next(x for x in body if x.startswith("Watch: "))


@pytest.mark.parametrize(
    ("days", "said"),
    [(0, "is today, "), (1, "is tomorrow, "), (2, "is 2 days out, ")],
)
def test_days_out_in_words(playbook: Playbook, days: int, said: str) -> None:
    watch = _watch(playbook, days)
    assert said in watch, watch
    assert "1 days" not in watch and "0 days" not in watch


def test_the_words_are_the_playbooks(playbook: Playbook) -> None:
    w = playbook.wording
    close = w.close_date.model_copy(update={"tomorrow": "due tomorrow (!)"})
    edited = playbook.model_copy(update={"wording": w.model_copy(update={"close_date": close})})
    assert "is due tomorrow (!), " in _watch(edited, 1)


def test_days_out_may_only_use_days() -> None:
    w = Wording()
    bad = w.model_copy(
        update={"close_date": w.close_date.model_copy(update={"days_out": "{close} soon"})}
    )
    problems = wording_problems(bad)
    assert [p for p, _ in problems] == [("wording", "close_date", "days_out")]
    assert wording_problems(w) == []
