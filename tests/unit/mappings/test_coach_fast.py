"""The coach's memoised paths give exactly what the plain ones gave (the bytes the CRM gets,
the signature whose hash goes into the write stamp)."""

from __future__ import annotations

import gzip
import hashlib
import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from nextadvance.core import Decision, decide
from nextadvance.core.models import Deal
from nextadvance.mappings import _coach_text as ct
from nextadvance.mappings import load_playbook
from nextadvance.mappings._coach import (
    _cut,
    _evidence_cut,
    build_coach,
    evidence_line,
    utc_second,
)
from nextadvance.mappings._writeback import task_key
from nextadvance.sync.run import _values

NOW = datetime(2026, 11, 27, 15, 30, tzinfo=UTC)
GOLDEN = Path(__file__).parents[1] / "core" / "data" / "golden_deals.jsonl.gz"


def _plain_signature(text: str) -> str | None:
    """coach_signature as it was: parse the text back, drop decided_at, sorted dump."""
    if not text.startswith('{"v":'):
        return None
    try:
        data = json.loads(text)
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    data.pop("decided_at", None)
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


@pytest.fixture(scope="module")
def decisions() -> list[tuple[Deal, Decision]]:
    playbook = load_playbook()
    with gzip.open(GOLDEN, "rt", encoding="utf-8") as fh:
        deals = [Deal.model_validate_json(line) for _, line in zip(range(200), fh, strict=False)]
    return [(d, decide(d, playbook, NOW)) for d in deals]


def test_rendered_signature_is_the_parsed_one(decisions: list[tuple[Deal, Decision]]) -> None:
    playbook = load_playbook()
    for deal, decision in decisions:
        payload = build_coach(
            decision,
            activity_dates={a.id: a.at for a in deal.activities},
            contact_names={c.id: c.name for c in deal.contacts if c.name},
            playbook=playbook,
        )
        text = ct.coach_text(payload)
        assert text == ct.coach_json(payload)
        assert ct._RECENT[ct._shape(text)] == _plain_signature(text)
        assert ct.coach_signature(text) == _plain_signature(text)
        ct._RECENT.clear()  # the parsed path too
        assert ct.coach_signature(text) == _plain_signature(text)


def test_signature_of_unusual_texts_and_the_memo_bound() -> None:
    odd: dict[str, Any] = {"v": 1, "decided_at": "x", "s": "é\ud800 \u2028", "n": [1.5, None]}
    text = ct.coach_text(odd)
    assert ct.coach_signature(text) == _plain_signature(text)
    for text in ('{"v": broken', "[x] Budget known", '{"v":1}', '{"v":[1]}'):
        assert ct.coach_signature(text) == _plain_signature(text)
    for i in range(3 * ct._RECENT_MAX):
        ct.coach_text({"v": 1, "i": i})
    assert len(ct._RECENT) == ct._RECENT_MAX


def test_memoised_cut_and_stamp_equal_the_plain_ones() -> None:
    for text in ("  a  b\n c ", "", " \n", "x" * 300, 42, "é" * 239 + " y"):
        flat = " ".join(str(text).split())
        want = None if not flat else flat if len(flat) <= 240 else flat[:239].rstrip() + "…"
        assert _cut(text) == _cut(text) == want
    assert _cut(None) is None
    moment = datetime(2026, 11, 27, 23, 59, 59, 999, tzinfo=ZoneInfo("America/New_York"))
    same = moment.astimezone(timezone(timedelta(hours=5)))
    assert utc_second(moment) == utc_second(same) == "2026-11-28T04:59:59Z"


def test_memoised_digest_and_moment_equal_the_plain_ones() -> None:
    for value in (None, "", "true", "2026-11-27", "x" * 64, "y" * 65, "é" * 70):
        plain = hashlib.sha256((value or "").encode()).hexdigest()[:8]
        assert _values.digest_norm(value) == _values.digest_norm(value) == plain
    local = datetime(2026, 11, 27, 10, 0, 5, tzinfo=ZoneInfo("Europe/Paris"))
    assert _values.norm(local) == _values.norm(local.astimezone(UTC)) == "2026-11-27T09:00:05"
    assert _values.norm(datetime(2026, 11, 27)) == "2026-11-27"  # naive: UTC, midnight a date


def test_memoised_task_key_equals_the_plain_one(decisions: list[tuple[Deal, Decision]]) -> None:
    for deal, d in decisions:
        co = d.call_objective
        ident = {
            "stage": d.stage,
            "learn": sorted(str(x) for x in co.learn),
            "stretch": co.stretch.advance_id if co.stretch is not None else None,
            "conservative": co.conservative.advance_id if co.conservative is not None else None,
        }
        plain = hashlib.sha256(json.dumps(ident, sort_keys=True).encode()).hexdigest()[:16]
        assert task_key(deal.id, d) == task_key(deal.id, d) == f"na-{deal.id}-{plain}"


def test_shared_encoders_equal_json_dumps(decisions: list[tuple[Deal, Decision]]) -> None:
    for _, decision in decisions[:50]:
        payload = build_coach(decision)
        assert ct.coach_json(payload) == json.dumps(
            payload, ensure_ascii=False, separators=(",", ":")
        )
        assert ct._sorted_json(payload) == json.dumps(
            payload, ensure_ascii=False, sort_keys=True, separators=(",", ":")
        )


def test_memoised_evidence_line_equals_the_plain_one(
    decisions: list[tuple[Deal, Decision]],
) -> None:
    for deal, decision in decisions:
        names = {c.id: c.name for c in deal.contacts if c.name}
        for o in decision.objectives:
            for ev in o.evidence:
                contact = names.get(ev.contact_id) if ev.contact_id else None
                plain = _cut(evidence_line(ev.detail, contact))
                assert _evidence_cut(ev.detail, contact) == plain
                assert _evidence_cut(ev.detail, contact) == plain  # and from the memo
