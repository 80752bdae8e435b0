"""Shared fixtures for the engine tests: the shipped playbook and a compact deal builder."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from nextadvance.core import Playbook
from nextadvance.core.models import Deal
from nextadvance.mappings import load_playbook

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


@pytest.fixture(scope="session")
def playbook() -> Playbook:
    """The default playbook and lexicon as shipped."""
    return load_playbook()


def _make_deal(**overrides: Any) -> Deal:
    """A minimal valid open deal; keyword arguments replace top-level fields."""
    data: dict[str, Any] = {
        "id": "D-1",
        "name": "Acme Rollout",
        "stage": "qualification",
        "created_at": "2026-11-01T09:00:00Z",
        "stage_entered_at": "2026-11-10T09:00:00Z",
    }
    data.update(overrides)
    return Deal.model_validate(data)


#: contacts, fields and a meeting that prove every default essential before negotiation,
#: so a late-stage deal is not ahead of its evidence (no stage gap changes its advance)
PAST_EVIDENCE: dict[str, Any] = {
    "fields": {
        "pain": "manual work",
        "budget_confirmed": True,
        "decision_date": "2027-01-29",
        "impact": "20 hours a week",
        "decision_process": "the CFO signs off",
        "technical_fit": True,
        "procurement_steps": "supplier form",
    },
    "contacts": [
        {"id": "eb", "name": "Ellen Buyer", "role": "economic_buyer"},
        {"id": "tb", "name": "Tom Tech", "role": "technical_buyer"},
    ],
    "activities": [
        {
            "id": "m-eb",
            "kind": "meeting",
            "at": "2026-11-12T10:00:00Z",
            "body": "",
            "outcome": "completed",
            "contact_ids": ["eb"],
        }
    ],
}


def _with_past_evidence(
    contacts: list[dict[str, Any]],
    drop: tuple[str, ...] = (),
    *,
    meeting: bool = True,
    notes: tuple[dict[str, Any], ...] = (),
    **overrides: Any,
) -> Deal:
    """A deal whose earlier-stage essentials are all learned (but the ``drop`` fields, and
    the meeting with who decides unless ``meeting``), ``contacts`` first, plus ``notes``
    (activities); keyword arguments replace top-level fields."""
    fields = {k: v for k, v in PAST_EVIDENCE["fields"].items() if k not in drop}
    held = PAST_EVIDENCE["activities"] if meeting else []
    data: dict[str, Any] = {
        **PAST_EVIDENCE,
        "fields": fields,
        "contacts": [*contacts, *PAST_EVIDENCE["contacts"]],
        "activities": [*held, *notes],
        **overrides,
    }
    return _make_deal(**data)


@pytest.fixture
def with_past_evidence() -> Any:
    """Factory for a deal with every default essential before negotiation learned."""
    return _with_past_evidence


def _activity(aid: str, kind: str, at: str, body: str = "", **kw: Any) -> dict[str, Any]:
    """An activity dict (completed unless ``outcome`` is given)."""
    return {"id": aid, "kind": kind, "at": at, "body": body, "outcome": "completed", **kw}


@pytest.fixture
def now() -> datetime:
    """The fixed 'now' all engine scenarios are decided at."""
    return NOW


@pytest.fixture
def make_deal() -> Any:
    """Factory for a minimal valid deal (keyword arguments replace top-level fields)."""
    return _make_deal


@pytest.fixture
def activity() -> Any:
    """Factory for an activity dict."""
    return _activity
