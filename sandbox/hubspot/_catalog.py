"""HubSpot's catalogue beyond properties: deal pipelines and stages, association type ids
(with their inverses and the buying-role labels) and call dispositions.

Values follow HubSpot's published defaults (crm-api-notes B5-B7).
"""

from __future__ import annotations

from dataclasses import dataclass

from ._schema import OBJECT_TYPES
from ._standard import EXTRA_ASSOCIATIONS

__all__ = [
    "ASSOCIATION_TYPES",
    "CALL_DISPOSITIONS",
    "DEFAULT_ASSOC",
    "INVERSE",
    "MESSY_PIPELINES",
    "PIPELINES",
    "RENAMED_STAGES",
    "ROLE_LABEL_TYPES",
    "STAGES",
    "AssocType",
    "Stage",
]


@dataclass(frozen=True)
class Stage:
    """A deal stage: id, label, order, win probability (0..1), closed flag."""

    id: str
    label: str
    probability: float
    closed: bool


PIPELINES: dict[str, tuple[str, list[Stage]]] = {
    "default": (
        "Sales Pipeline",
        [
            Stage("appointmentscheduled", "Appointment Scheduled", 0.2, False),
            Stage("qualifiedtobuy", "Qualified To Buy", 0.4, False),
            Stage("presentationscheduled", "Presentation Scheduled", 0.6, False),
            Stage("decisionmakerboughtin", "Decision Maker Bought-In", 0.8, False),
            Stage("contractsent", "Contract Sent", 0.9, False),
            Stage("closedwon", "Closed Won", 1.0, True),
            Stage("closedlost", "Closed Lost", 0.0, True),
        ],
    ),
    # A second, custom pipeline (expansion of existing customers): custom pipelines and
    # their stages get numeric ids.  Same shape as the default: five open stages, won, lost.
    "7654321": (
        "Expansion Pipeline",
        [
            Stage("7654322", "Expansion Identified", 0.1, False),
            Stage("7654323", "Needs Confirmed", 0.3, False),
            Stage("7654324", "Proposal Shared", 0.5, False),
            Stage("7654325", "Sponsor Approved", 0.7, False),
            Stage("7654326", "Order Form Sent", 0.9, False),
            Stage("7654327", "Won", 1.0, True),
            Stage("7654328", "Lost", 0.0, True),
        ],
    ),
}
STAGES: dict[str, Stage] = {s.id: s for _, stages in PIPELINES.values() for s in stages}


@dataclass(frozen=True)
class AssocType:
    """An association type id between two object types, with its category and label."""

    from_type: str
    to_type: str
    type_id: int
    category: str
    label: str | None
    name: str  # the v3 ``associations`` type name, e.g. ``deal_to_company``


def _pairs() -> list[AssocType]:
    out: list[AssocType] = []

    def pair(a: str, b: str, ab: int, ba: int, suffix: str = "") -> None:
        sa, sb = OBJECT_TYPES[a].singular, OBJECT_TYPES[b].singular
        out.append(AssocType(a, b, ab, "HUBSPOT_DEFINED", None, f"{sa}_to_{sb}{suffix}"))
        out.append(AssocType(b, a, ba, "HUBSPOT_DEFINED", None, f"{sb}_to_{sa}{suffix}"))

    pair("contacts", "companies", 279, 280, "_unlabeled")
    pair("contacts", "companies", 1, 2)
    pair("deals", "contacts", 3, 4)
    pair("deals", "companies", 341, 342, "_unlabeled")
    pair("deals", "companies", 5, 6)
    base = {
        "calls": (181, 193, 205),
        "emails": (185, 197, 209),
        "meetings": (187, 199, 211),
        "notes": (189, 201, 213),
        "tasks": (191, 203, 215),
    }
    for eng, (company, contact, deal) in base.items():
        pair("companies", eng, company, company + 1)
        pair("contacts", eng, contact, contact + 1)
        pair("deals", eng, deal, deal + 1)
    for a, b, ab, ba in EXTRA_ASSOCIATIONS:
        pair(a, b, ab, ba)
    return out


# Deal<->contact roles are modelled as HubSpot association labels (USER_DEFINED), the way
# a portal records buying-committee roles; each label has its own id pair.
ROLES = (
    "Decision Maker",
    "Economic Buyer",
    "Technical Buyer",
    "Influencer",
    "Evaluator",
    "Executive Sponsor",
    "Business User",
    "Other",
)
ROLE_LABEL_TYPES: dict[str, tuple[int, int]] = {
    role: (1001 + 2 * i, 1002 + 2 * i) for i, role in enumerate(ROLES)
}


def _labels() -> list[AssocType]:
    out: list[AssocType] = []
    for role, (ab, ba) in ROLE_LABEL_TYPES.items():
        slug = role.lower().replace(" ", "_")
        out.append(AssocType("deals", "contacts", ab, "USER_DEFINED", role, slug))
        out.append(AssocType("contacts", "deals", ba, "USER_DEFINED", role, slug))
    return out


ASSOCIATION_TYPES: dict[int, AssocType] = {a.type_id: a for a in (*_pairs(), *_labels())}
# The unlabelled (default) association type for each ordered pair of object types.
DEFAULT_ASSOC: dict[tuple[str, str], int] = {}
for _a in ASSOCIATION_TYPES.values():
    if _a.category == "HUBSPOT_DEFINED" and _a.type_id not in (1, 2, 5, 6):
        DEFAULT_ASSOC.setdefault((_a.from_type, _a.to_type), _a.type_id)
# Each association type id and the id of the same link seen from the other side.
INVERSE: dict[int, int] = {}
for _a in ASSOCIATION_TYPES.values():
    _lo = _a.type_id if _a.type_id % 2 == 1 else _a.type_id - 1
    INVERSE[_a.type_id] = _lo + 1 if _a.type_id == _lo else _lo

# Default call outcomes of a HubSpot portal (GET /calling/v1/dispositions); the GUIDs are
# HubSpot's defaults as recalled in crm-api-notes B5 (unverified against a live portal).
CALL_DISPOSITIONS: dict[str, tuple[str, str]] = {
    "connected": ("f240bbac-87c9-4f6e-bf70-924b57d47db7", "Connected"),
    "no_answer": ("73a0d17f-1163-4015-bdd5-ec830791da20", "No answer"),
    "busy": ("9d9162e7-6cf3-4944-bf63-4dff82258764", "Busy"),
    "left_voicemail": ("b2cf5968-551e-4856-9783-52b3da59a7d0", "Left voicemail"),
    "left_live_message": ("a4c4c377-d246-4b32-a13b-75a56a4cd0ff", "Left live message"),
    "wrong_number": ("17b47fee-58de-441e-a44c-c6300d46f273", "Wrong number"),
}

#: The further pipelines of a messy portal (``org="messy"``), each with its own stages.
#: Renewals' "Quote Sent" stage was renamed "Renewal Quote Out" after deals were in it: the
#: id (what a deal stores) stays, the label changes (see ``RENAMED_STAGES``).
MESSY_PIPELINES: dict[str, tuple[str, list[Stage]]] = {
    "8800001": (
        "Renewals",
        [
            Stage("8800002", "Renewal Due", 0.3, False),
            Stage("8800003", "Usage Reviewed", 0.5, False),
            Stage("8800004", "Renewal Quote Out", 0.7, False),
            Stage("8800005", "Verbal Yes", 0.9, False),
            Stage("8800006", "Paper Signed", 0.95, False),
            Stage("8800007", "Renewed", 1.0, True),
            Stage("8800008", "Churned", 0.0, True),
        ],
    ),
    "8800101": (
        "Partner Channel",
        [
            Stage("8800102", "Partner Registered", 0.2, False),
            Stage("8800103", "Joint Call Held", 0.4, False),
            Stage("8800104", "Partner Quote", 0.6, False),
            Stage("8800105", "Partner Commit", 0.8, False),
            Stage("8800106", "Partner Closing", 0.9, False),
            Stage("8800107", "Partner Won", 1.0, True),
            Stage("8800108", "Partner Lost", 0.0, True),
        ],
    ),
}
#: stage id -> the label it had before a rename (messy portal)
RENAMED_STAGES: dict[str, str] = {"8800004": "Quote Sent"}
