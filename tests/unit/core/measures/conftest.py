"""Builders for the measures tests: compact deals/activities and a small playbook."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from nextadvance.core import Playbook
from nextadvance.core.models import Activity, ActivityKind, Contact, Deal, Outcome


def ts(text: str) -> datetime:
    """``2026-07-01T10:00`` (UTC unless an offset is given) as an aware datetime."""
    value = datetime.fromisoformat(text)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


class Build:
    """Factories for canonical records with sensible defaults."""

    ts = staticmethod(ts)

    @staticmethod
    def act(
        id: str,
        kind: str,
        at: str,
        outcome: str = "completed",
        body: str = "",
        owner: str | None = None,
        contacts: tuple[str, ...] = (),
        **extra: Any,
    ) -> Activity:
        return Activity(
            id=id,
            kind=ActivityKind(kind),
            at=ts(at),
            outcome=Outcome(outcome),
            body=body,
            owner=owner,
            contact_ids=contacts,
            **extra,
        )

    @staticmethod
    def deal(
        id: str,
        stage: str = "discovery",
        created: str = "2026-01-01T09:00",
        activities: tuple[Activity, ...] = (),
        owner: str | None = "alice",
        close: str | None = None,
        amount: float | None = None,
        entered: str | None = None,
        contacts: tuple[Contact, ...] = (),
        **extra: Any,
    ) -> Deal:
        return Deal(
            id=id,
            stage=stage,
            created_at=ts(created),
            activities=activities,
            owner=owner,
            close_date=date.fromisoformat(close) if close else None,
            amount=amount,
            stage_entered_at=ts(entered) if entered else None,
            contacts=contacts,
            **extra,
        )


@pytest.fixture
def b() -> type[Build]:
    """The record builders."""
    return Build


@pytest.fixture
def playbook() -> Playbook:
    """Two open stages, won/lost, keyword/role/question evidence and commitment keywords."""
    return Playbook.model_validate(
        {
            "stages": [
                {
                    "key": "discovery",
                    "objectives": [
                        {
                            "id": "budget",
                            "title": "Budget set aside",
                            "evidence": [{"keywords": ["budget"]}],
                            "questions": ["Is money set aside for this?"],
                        },
                        {
                            "id": "decision_maker",
                            "title": "Decision maker known",
                            "evidence": [{"role": "decision_maker"}],
                            "questions": ["Who signs off on this?"],
                        },
                        {
                            "id": "timeline",
                            "title": "Timeline known",
                            "essential": False,
                            "evidence": [{"keywords": ["timeline", "go live"]}],
                        },
                        {
                            "id": "competitors",
                            "title": "Competitors known",
                            "essential": False,
                            "evidence": [{"keywords": ["competitor"]}],
                        },
                    ],
                },
                {
                    "key": "proposal",
                    "objectives": [
                        {
                            "id": "tech_fit",
                            "title": "Technical fit confirmed",
                            "evidence": [{"keywords": ["integration"]}],
                        }
                    ],
                },
                {"key": "closed_won", "closed": "won"},
                {"key": "closed_lost", "closed": "lost"},
            ],
            "thresholds": {"commitment_keywords": ["agreed to", "pilot"]},
        }
    )
