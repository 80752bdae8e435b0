"""The coach card speaks the rep's language (review item 2): its verdict is the verdict
field's sentence and rewrite under a label from the playbook's ``wording.card``, a good step
that the deal or today qualifies is not "A real advance", and no card string is an id, a
stage key or the engine's debugging reason."""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from nextadvance.core import Decision, Playbook, decide
from nextadvance.core.models import Deal
from nextadvance.mappings import load_playbook
from nextadvance.mappings._card_verdict import split_verdict
from nextadvance.mappings._coach import build_coach

ROOT = Path(__file__).resolve().parents[3]
GOLDEN = ROOT / "tests" / "unit" / "core" / "data" / "golden_deals.jsonl.gz"
NOW = datetime(2026, 11, 23, 9, tzinfo=UTC)

#: an engine id as its reasons quote it ('share_info', 'legal_review')
_QUOTED_ID = re.compile(r"'[a-z]+_[a-z_]+'")
_SNAKE = re.compile(r"\b[a-z]+_[a-z_]+\b")
#: payload keys that hold codes for the card's logic, never shown
_CODES = frozenset({"code", "qualifier", "status", "stretch_id", "conservative_id", "decided_at"})


@pytest.fixture(scope="module")
def playbook() -> Playbook:
    return load_playbook()


def _examples() -> list[Deal]:
    lines = (ROOT / "docs" / "examples" / "deals.jsonl").read_text().splitlines()
    return [Deal.model_validate_json(line) for line in lines if line.strip()]


def _example(deal_id: str, **changes: Any) -> Deal:
    for deal in _examples():
        if deal.id == deal_id:
            return deal.model_copy(update=changes)
    raise KeyError(deal_id)


def _card(playbook: Playbook, deal: Deal, now: datetime = NOW) -> dict[str, Any]:
    decision = decide(deal, playbook, now)
    return build_coach(
        decision,
        stage_title=next((s.title for s in playbook.stages if s.key == decision.stage), None),
        activity_dates={a.id: a.at for a in deal.activities},
        contact_names={c.id: c.name for c in deal.contacts if c.name},
        playbook=playbook,
    )


def _strings(x: Any, key: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(x, dict):
        for k, v in x.items():
            if k not in _CODES:
                yield from _strings(v, k)
    elif isinstance(x, list):
        for v in x:
            yield from _strings(v, key)
    elif isinstance(x, str):
        yield key, x


def test_no_card_string_is_an_id_a_stage_key_or_a_debug_reason(playbook: Playbook) -> None:
    """Over 300 golden deals and the docs examples: the verdict was "client commits to
    'share_info' with a client person and a date" and "learn" listed ids like ``pain``."""
    with gzip.open(GOLDEN, "rt", encoding="utf-8") as fh:
        deals = [Deal.model_validate_json(line) for _, line in zip(range(300), fh, strict=False)]
    stage_keys = {s.key for s in playbook.stages}
    ids = {o.id for s in playbook.stages for o in s.objectives} | stage_keys
    reasons = re.compile(r"client commits to|client action|is realistic from stage|too general:")
    seen = 0
    for deal in [*deals, *_examples()]:
        card = _card(playbook, deal)
        for key, text in _strings(card):
            seen += 1
            where = (deal.id, key, text)
            assert not _QUOTED_ID.search(text), where
            assert not _SNAKE.search(text), where
            assert not any(f"'{k}'" in text for k in stage_keys), where
            assert text not in ids, where
            assert not reasons.search(text), where
        assert card["stage"] in {s.title for s in playbook.stages}
    assert seen > 10_000


def test_ops_wording_reaches_the_card(playbook: Playbook) -> None:
    """Labels and the verdict sentence are the playbook's: an edit by ops shows on the card."""
    w = playbook.wording
    edited = playbook.model_copy(
        update={
            "wording": w.model_copy(
                update={
                    "card": w.card.model_copy(
                        update={"labels": {**w.card.labels, "seller_action": "Whose move?"}}
                    ),
                    "verdicts": {
                        **w.verdicts,
                        "seller_action": "{who} has nothing to do yet! Try: '{rewrite}' (ask)",
                    },
                }
            )
        }
    )
    deal = _example("OPP-1004", next_step="Send the revised order form to Marc")
    before, after = _card(playbook, deal)["verdict"], _card(edited, deal)["verdict"]
    assert before["code"] == after["code"] == "seller_action"
    assert before["label"] == "Your action, not the client's"
    assert after["label"] == "Whose move?"
    assert before["sentence"] == "That is your action, not the client's."
    assert after["sentence"] == "Marc has nothing to do yet!"
    assert after["rewrite"] == before["rewrite"] and before["rewrite"]


@pytest.mark.parametrize(
    ("step", "qualifier", "label", "said"),
    [
        ("Ines (legal) returns redlines by 11/02", "overdue", "Its date has passed", "has passed"),
        (
            "Zelda to send the signed order form by 12/01",
            "unknown_person",
            "Names someone not on the deal",
            "who is Zelda?",
        ),
        (
            "Marc to confirm budget by 12/01",
            "behind_stage",
            "Goes back to a settled question",
            "settled stages ago",
        ),
    ],
)
def test_a_qualified_advance_is_not_a_real_advance(
    playbook: Playbook, step: str, qualifier: str, label: str, said: str
) -> None:
    verdict = _card(playbook, _example("OPP-1004", next_step=step))["verdict"]
    assert verdict["code"] == "advance"
    assert verdict["qualifier"] == qualifier
    assert verdict["label"] == label and "real advance" not in verdict["label"]
    assert said in verdict["sentence"] and verdict["rewrite"] is None


def test_a_good_step_is_a_real_advance(playbook: Playbook) -> None:
    verdict = _card(playbook, _example("OPP-1004"))["verdict"]
    assert (verdict["code"], verdict["qualifier"]) == ("advance", None)
    assert verdict["label"] == "A real advance"
    assert verdict["sentence"] == "Good next step: a client commitment with a date."


def test_card_and_field_say_the_same_verdict(playbook: Playbook) -> None:
    """The card's sentence and "Try instead" are the field's, repaired rewrites included."""
    for deal in _examples():
        decision: Decision = decide(deal, playbook, NOW)
        if not decision.open:
            continue
        verdict = _card(playbook, deal)["verdict"]
        if verdict["rewrite"]:
            said = f"{verdict['sentence']} Try: '{verdict['rewrite']}'"
            assert decision.coaching.verdict == said
        else:
            assert decision.coaching.verdict == verdict["sentence"]


def test_learn_lists_titles_from_the_whole_playbook(playbook: Playbook) -> None:
    """A look-ahead names a next-stage objective the decision only knows by id."""
    titles = {o.id: o.title for s in playbook.stages for o in s.objectives}
    titles.update((a.objective.id, a.objective.title) for g in playbook.segments for a in g.add)
    for deal in _examples():
        decision = decide(deal, playbook, NOW)
        card = _card(playbook, deal)
        assert card["learn"] == [titles[i] for i in decision.call_objective.learn][:8]


@pytest.mark.parametrize(
    ("template", "said", "want"),
    [
        (
            "Too vague to check afterwards. Try: '{rewrite}'",
            "Too vague to check afterwards. Try: 'Lucia: review the 'new' plan by Mon 14 Dec'",
            ("Too vague to check afterwards.", "Lucia: review the 'new' plan by Mon 14 Dec"),
        ),
        (
            "{who}, is that yours? Try: '{rewrite}'",
            "Ann, is that yours? Try: 'x'",
            ("Ann, is that yours?", "x"),
        ),
        # nothing before the rewrite, no rewrite, or not this template: kept whole
        ("Try: '{rewrite}'", "Try: 'x'", ("Try: 'x'", None)),
        (
            "No client commitment yet.",
            "No client commitment yet.",
            ("No client commitment yet.", None),
        ),
        ("Vague. Try: '{rewrite}'", "Something else. Try: 'x'", ("Something else. Try: 'x'", None)),
    ],
)
def test_split_verdict(template: str, said: str, want: tuple[str, str | None]) -> None:
    assert split_verdict(template, said) == want


def test_payload_stays_json(playbook: Playbook) -> None:
    card = _card(
        playbook, _example("OPP-1004", next_step="Zelda to send the signed order form by 12/01")
    )
    assert json.loads(json.dumps(card))["verdict"]["qualifier"] == "unknown_person"
