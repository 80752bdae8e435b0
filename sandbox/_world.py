"""A CRM-neutral invented world: the seeded generator's output, loaded by each emulation.

The generator (``_generator.py``) fills a :class:`World`; the Salesforce and HubSpot apps each
project it into their own objects (Opportunity/Task/Event vs deals/calls/meetings ...), so the
same seed gives the same companies, people and histories in both CRMs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

__all__ = [
    "MESSY_PIPELINES",
    "NEUTRAL_OPEN_STAGES",
    "ORGS",
    "PIPELINES",
    "WActivity",
    "WCompany",
    "WContact",
    "WDeal",
    "WOwner",
    "World",
]

#: The generator's neutral stage scale: ``stage_index`` 0..4 are open stages (earliest first),
#: 5 is closed won and 6 closed lost.  It equals HubSpot's default pipeline; Salesforce, whose
#: default list has 8 open stages, spreads each neutral open stage over one or two of its own.
NEUTRAL_OPEN_STAGES = 5

#: The two pipelines deals are spread over: new business (most deals) and expansion of
#: existing customers (HubSpot: a second pipeline; Salesforce: Opportunity.Type).
PIPELINES = ("default", "expansion")

#: The shapes of org the generator can invent: ``stock`` (the default, unchanged data that
#: cassettes, golden files and benchmarks rely on) and ``messy`` (see ``_messy.py``).
ORGS = ("stock", "messy")

#: Further pipelines of a messy org: renewals (a mapping is expected to map it) and a
#: partner channel (left for ops to decide about).
MESSY_PIPELINES = ("renewal", "partner")


@dataclass(slots=True)
class WOwner:
    """A sales rep (Salesforce User / HubSpot owner)."""

    key: str
    first_name: str
    last_name: str
    email: str
    timezone: str = "America/New_York"


@dataclass(slots=True)
class WCompany:
    """An invented company (Account / company)."""

    key: str
    name: str
    industry: str
    employees: int
    domain: str
    owner_key: str


@dataclass(slots=True)
class WContact:
    """An invented person at a company."""

    key: str
    company_key: str
    first_name: str
    last_name: str
    title: str
    email: str


@dataclass(slots=True)
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


@dataclass(slots=True)
class WDeal:
    """An invented opportunity.

    ``stage_index`` is on the neutral scale (see :data:`NEUTRAL_OPEN_STAGES`: 0..4 open,
    5 closed won, 6 closed lost); each CRM maps it to its own labels.  ``pipeline`` is one
    of :data:`PIPELINES`.
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


@dataclass(slots=True)
class World:
    """Everything the generator invented, in a deterministic order.

    ``org`` is ``stock`` or ``messy``; a messy world also says which owners were
    deactivated (``inactive_owners``), which activities are linked to further deals
    (``shared_activities``: activity key -> more deal keys) and which activity bodies are
    HTML (``html_bodies``), so each CRM can project them its own way.
    """

    seed: int
    now: datetime
    org: str = "stock"
    inactive_owners: list[str] = field(default_factory=list)
    shared_activities: dict[str, list[str]] = field(default_factory=dict)
    html_bodies: set[str] = field(default_factory=set)
    owners: list[WOwner] = field(default_factory=list)
    companies: list[WCompany] = field(default_factory=list)
    contacts: list[WContact] = field(default_factory=list)
    deals: list[WDeal] = field(default_factory=list)
    activities: list[WActivity] = field(default_factory=list)
