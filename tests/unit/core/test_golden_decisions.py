"""Decisions on 400 varied generated deals stay byte-identical to a committed golden file.

The golden hashes were produced by the engine before its performance work; any change to
what ``decide`` outputs (field values, order, explanations) shows up here as the ids of the
deals whose serialised Decision differs.  Regenerate only for an intended output change.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from datetime import datetime
from pathlib import Path

from nextadvance.core import Playbook, decide
from nextadvance.core.models import Deal
from nextadvance.mappings import load_playbook

DATA = Path(__file__).parent / "data"


def _deals() -> list[Deal]:
    with gzip.open(DATA / "golden_deals.jsonl.gz", "rt", encoding="utf-8") as fh:
        return [Deal.model_validate_json(line) for line in fh if line.strip()]


def _golden() -> tuple[datetime, dict[str, str]]:
    data = json.loads((DATA / "golden_decisions.json").read_text(encoding="utf-8"))
    return datetime.fromisoformat(data["now"]), data["sha256"]


def _digest(deal: Deal, playbook: Playbook, now: datetime) -> str:
    return hashlib.sha256(decide(deal, playbook, now).model_dump_json().encode()).hexdigest()


def test_decisions_match_golden(playbook: Playbook) -> None:
    """Every golden deal's serialised Decision hashes to the committed value."""
    now, golden = _golden()
    deals = _deals()
    assert len(deals) == len(golden) == 400
    assert {d.stage for d in deals} >= {"closed_won", "closed_lost", "prospecting", "negotiation"}
    differ = [d.id for d in deals if _digest(d, playbook, now) != golden[d.id]]
    assert differ == [], f"{len(differ)} decisions changed, e.g. {differ[:10]}"


def test_decisions_match_golden_in_reverse_on_a_fresh_playbook() -> None:
    """Memoised parts do not leak between deals: reverse order on a fresh playbook agrees."""
    now, golden = _golden()
    fresh = load_playbook()
    differ = [d.id for d in reversed(_deals()) if _digest(d, fresh, now) != golden[d.id]]
    assert differ == [], f"{len(differ)} decisions changed, e.g. {differ[:10]}"
