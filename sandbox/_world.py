"""A CRM-neutral invented world: the seeded generator's output, loaded by each emulation.

The generator (``_generator.py``) fills a :class:`World`; the Salesforce and HubSpot apps each
project it into their own objects (Opportunity/Task/Event vs deals/calls/meetings ...), so the
same seed gives the same companies, people and histories in both CRMs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

__all__ = ["WActivity", "WCompany", "WContact", "WDeal", "WOwner", "World"]


@dataclass
class WOwner:
    """A sales rep (Salesforce User / HubSpot owner)."""

    key: str
    first_name: str
    last_name: str
    email: str
    timezone: str = "America/New_York"


@dataclass
class WCompany:
    """An invented company (Account / company)."""

    key: str
    name: str
    industry: str
    employees: int
    domain: str
    owner_key: str


@dataclass
class WContact:
    """An invented person at a company."""

    key: str
    company_key: str
    first_name: str
    last_name: str
    title: str
    email: str


@dataclass
class WActivity:
    """One touch on a deal.

    ``kind`` is call|meeting|email|task|note; ``outcome`` is completed|no_show|canceled|
    rescheduled|scheduled|unknown (meetings with a past time and no logged outcome are
    ``unknown``); ``call_disposition`` is connected|no_answer|left_voicemail|busy for calls.
    """

    key: str
    deal_key: str
    kind: str
    at: datetime
    subject: str
    body: str
    outcome: str
    owner_key: str
    contact_keys: list[str] = field(default_factory=list)
    direction: str | None = None
    call_disposition: str | None = None
    task_status: str | None = None  # for tasks: not_started|completed
    duration_minutes: int | None = None


@dataclass
class WDeal:
    """An invented opportunity.

    ``stage_index`` indexes the emulated CRM's own default stage list (0 = earliest open
    stage; the last two are closed won and closed lost), so each CRM maps it to its labels.
    ``roles`` maps contact key -> role label (Decision Maker, Economic Buyer, Technical
    Buyer, Influencer, Evaluator, Executive Sponsor, Business User, Other).
    """

    key: str
    name: str
    company_key: str
    owner_key: str
    pipeline: str
    stage_index: int
    amount: float
    close_date: date
    created_at: datetime
    modified_at: datetime
    next_step: str | None
    description: str | None
    roles: dict[str, str] = field(default_factory=dict)
    budget_confirmed: bool | None = None
    decision_date: date | None = None
    pain: str | None = None


@dataclass
class World:
    """Everything the generator invented, in a deterministic order."""

    seed: int
    now: datetime
    owners: list[WOwner] = field(default_factory=list)
    companies: list[WCompany] = field(default_factory=list)
    contacts: list[WContact] = field(default_factory=list)
    deals: list[WDeal] = field(default_factory=list)
    activities: list[WActivity] = field(default_factory=list)
