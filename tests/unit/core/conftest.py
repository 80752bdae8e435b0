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
