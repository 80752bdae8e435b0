"""Static HubSpot metadata the emulation serves: object types and their default properties.

Values follow HubSpot's published defaults (crm-api-notes B4-B9) so the connector's mappings
can be written once against the sandbox and reused against a real portal.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["OBJECT_TYPES", "ObjectType", "PropDef", "default_properties", "resolve_type"]


@dataclass(frozen=True)
class ObjectType:
    """One CRM object type: its plural name, ``0-x`` id and the names of its stamps."""

    name: str
    type_id: str
    singular: str
    created_prop: str
    modified_prop: str
    defaults: tuple[str, ...]
    read_scope: str
    write_scope: str


def _engagement(name: str, type_id: str, singular: str) -> ObjectType:
    return ObjectType(
        name,
        type_id,
        singular,
        "hs_createdate",
        "hs_lastmodifieddate",
        ("hs_createdate", "hs_lastmodifieddate", "hs_object_id"),
        "crm.objects.contacts.read",
        "crm.objects.contacts.write",
    )


OBJECT_TYPES: dict[str, ObjectType] = {
    t.name: t
    for t in (
        ObjectType(
            "deals",
            "0-3",
            "deal",
            "createdate",
            "hs_lastmodifieddate",
            (
                "amount",
                "closedate",
                "createdate",
                "dealname",
                "dealstage",
                "hs_lastmodifieddate",
                "hs_object_id",
                "pipeline",
            ),
            "crm.objects.deals.read",
            "crm.objects.deals.write",
        ),
        ObjectType(
            "companies",
            "0-2",
            "company",
            "createdate",
            "hs_lastmodifieddate",
            ("createdate", "domain", "hs_lastmodifieddate", "hs_object_id", "name"),
            "crm.objects.companies.read",
            "crm.objects.companies.write",
        ),
        ObjectType(
            "contacts",
            "0-1",
            "contact",
            "createdate",
            "lastmodifieddate",
            ("createdate", "email", "firstname", "hs_object_id", "lastmodifieddate", "lastname"),
            "crm.objects.contacts.read",
            "crm.objects.contacts.write",
        ),
        _engagement("tasks", "0-27", "task"),
        _engagement("calls", "0-48", "call"),
        _engagement("meetings", "0-47", "meeting"),
        _engagement("emails", "0-49", "email"),
        _engagement("notes", "0-46", "note"),
    )
}
from ._standard import EXTRA_PROPS, EXTRA_TYPES  # noqa: E402  (needs the names above)

OBJECT_TYPES.update((t.name, t) for t in EXTRA_TYPES)
_BY_ALIAS: dict[str, str] = {}
for _t in OBJECT_TYPES.values():
    for _alias in (_t.name, _t.type_id, _t.singular):
        if _alias:
            _BY_ALIAS[_alias] = _t.name


def resolve_type(name: str) -> ObjectType | None:
    """The object type named ``name`` (plural, singular or ``0-3``-style id), if known."""
    key = _BY_ALIAS.get(name.lower())
    return OBJECT_TYPES[key] if key else None


@dataclass
class PropDef:
    """A property definition (the subset of HubSpot's Property model we keep)."""

    name: str
    label: str
    type: str  # string | number | date | datetime | enumeration | bool
    field_type: str
    group: str
    options: list[tuple[str, str]] = field(default_factory=list)  # (value, label)
    unique: bool = False
    calculated: bool = False  # read-only, derived by the CRM
    hubspot_defined: bool = True
    created_ms: int = 0


def _p(name: str, label: str, typ: str = "string", ftype: str = "text", **kw: object) -> PropDef:
    return PropDef(name, label, typ, ftype, kw.pop("group", ""), **kw)  # type: ignore[arg-type]


_STAMPS = {
    "createdate": _p("createdate", "Create Date", "datetime", "date", calculated=True),
    "hs_createdate": _p("hs_createdate", "Created at", "datetime", "date", calculated=True),
    "hs_lastmodifieddate": _p(
        "hs_lastmodifieddate", "Last Modified Date", "datetime", "date", calculated=True
    ),
    "lastmodifieddate": _p(
        "lastmodifieddate", "Last Modified Date", "datetime", "date", calculated=True
    ),
    "hs_object_id": _p("hs_object_id", "Record ID", "number", "number", calculated=True),
}
_OWNER = _p("hubspot_owner_id", "Owner", "enumeration", "select")
_TS = _p("hs_timestamp", "Activity date", "datetime", "date")
_ENG_BODY = {
    "tasks": [
        _p("hs_task_subject", "Task Title"),
        _p("hs_task_body", "Task notes", ftype="textarea"),
        _p(
            "hs_task_status",
            "Task Status",
            "enumeration",
            "select",
            options=[
                (v, v.replace("_", " ").title())
                for v in ("NOT_STARTED", "IN_PROGRESS", "WAITING", "COMPLETED", "DEFERRED")
            ],
        ),
        _p(
            "hs_task_priority",
            "Priority",
            "enumeration",
            "select",
            options=[(v, v.title()) for v in ("NONE", "LOW", "MEDIUM", "HIGH")],
        ),
        _p(
            "hs_task_type",
            "Task Type",
            "enumeration",
            "select",
            options=[(v, v.title()) for v in ("EMAIL", "CALL", "TODO")],
        ),
        _p("hs_task_reminders", "Reminder", "string", "text"),
        _p("hs_task_completion_date", "Completed at", "datetime", "date"),
    ],
    "calls": [
        _p("hs_call_title", "Call Title"),
        _p("hs_call_body", "Call notes", ftype="textarea"),
        _p(
            "hs_call_direction",
            "Call direction",
            "enumeration",
            "select",
            options=[("INBOUND", "Inbound"), ("OUTBOUND", "Outbound")],
        ),
        _p("hs_call_duration", "Call duration", "number", "number"),
        _p(
            "hs_call_status",
            "Call status",
            "enumeration",
            "select",
            options=[
                (v, v.title())
                for v in (
                    "BUSY",
                    "CALLING_CRM_USER",
                    "CANCELED",
                    "COMPLETED",
                    "CONNECTING",
                    "FAILED",
                    "IN_PROGRESS",
                    "NO_ANSWER",
                    "QUEUED",
                    "RINGING",
                )
            ],
        ),
        _p("hs_call_disposition", "Call outcome"),
    ],
    "meetings": [
        _p("hs_meeting_title", "Meeting name"),
        _p("hs_meeting_body", "Meeting description", ftype="textarea"),
        _p("hs_internal_meeting_notes", "Internal notes", ftype="textarea"),
        _p("hs_meeting_start_time", "Start time", "datetime", "date"),
        _p("hs_meeting_end_time", "End time", "datetime", "date"),
        _p("hs_meeting_location", "Location"),
        _p(
            "hs_meeting_outcome",
            "Meeting outcome",
            "enumeration",
            "select",
            options=[
                (v, v.replace("_", " ").title())
                for v in ("SCHEDULED", "COMPLETED", "RESCHEDULED", "NO_SHOW", "CANCELED")
            ],
        ),
    ],
    "emails": [
        _p("hs_email_subject", "Subject"),
        _p("hs_email_text", "Body", ftype="textarea"),
        _p(
            "hs_email_direction",
            "Email direction",
            "enumeration",
            "select",
            options=[
                ("EMAIL", "Outgoing"),
                ("INCOMING_EMAIL", "Incoming"),
                ("FORWARDED_EMAIL", "Forwarded"),
            ],
        ),
        _p(
            "hs_email_status",
            "Email send status",
            "enumeration",
            "select",
            options=[(v, v.title()) for v in ("BOUNCED", "FAILED", "SCHEDULED", "SENDING", "SENT")],
        ),
    ],
    "notes": [_p("hs_note_body", "Note body", ftype="textarea")],
}
_DEAL = [
    _p("dealname", "Deal Name"),
    _p("amount", "Amount", "number", "number"),
    _p("dealstage", "Deal Stage", "enumeration", "radio"),
    _p("pipeline", "Pipeline", "enumeration", "select"),
    _p("closedate", "Close Date", "datetime", "date"),
    _p("description", "Deal Description", ftype="textarea"),
    _p("hs_next_step", "Next step", ftype="textarea"),
    _p(
        "dealtype",
        "Deal Type",
        "enumeration",
        "radio",
        options=[("newbusiness", "New Business"), ("existingbusiness", "Existing Business")],
    ),
    _p(
        "hs_priority",
        "Priority",
        "enumeration",
        "select",
        options=[("low", "Low"), ("medium", "Medium"), ("high", "High")],
    ),
    _p(
        "hs_forecast_category",
        "Forecast category",
        "enumeration",
        "select",
        options=[
            (v, v.replace("_", " ").title())
            for v in ("OMIT", "PIPELINE", "BEST_CASE", "COMMIT", "CLOSED")
        ],
    ),
    _p("hs_deal_stage_probability", "Deal Stage Probability", "number", "number", calculated=True),
    _p(
        "hs_is_closed",
        "Is Deal Closed?",
        "bool",
        "booleancheckbox",
        calculated=True,
        options=[("true", "Yes"), ("false", "No")],
    ),
    _p(
        "hs_is_closed_won",
        "Is Closed Won",
        "bool",
        "booleancheckbox",
        calculated=True,
        options=[("true", "Yes"), ("false", "No")],
    ),
    _p("notes_last_contacted", "Last Contacted", "datetime", "date", calculated=True),
    _p("num_associated_contacts", "Number of Contacts", "number", "number", calculated=True),
]
_COMPANY = [
    _p("name", "Company name"),
    _p("domain", "Company Domain Name"),
    _p("industry", "Industry", "enumeration", "select"),
    _p("numberofemployees", "Number of Employees", "number", "number"),
    _p("city", "City"),
    _p("country", "Country/Region"),
]
_CONTACT = [
    _p("firstname", "First Name"),
    _p("lastname", "Last Name"),
    _p("email", "Email", unique=True),
    _p("jobtitle", "Job Title"),
    _p("phone", "Phone Number"),
    _p(
        "hs_buying_role",
        "Buying Role",
        "enumeration",
        "checkbox",
        options=[
            (v, v.replace("_", " ").title())
            for v in (
                "BUDGET_HOLDER",
                "CHAMPION",
                "DECISION_MAKER",
                "END_USER",
                "EXECUTIVE_SPONSOR",
                "INFLUENCER",
                "LEGAL_AND_COMPLIANCE",
                "OTHER",
            )
        ],
    ),
]
_GROUP = {
    "deals": "dealinformation",
    "companies": "companyinformation",
    "contacts": "contactinformation",
    "tasks": "task",
    "calls": "call",
    "meetings": "meeting",
    "emails": "email",
    "notes": "note",
}


def default_properties(type_name: str) -> list[PropDef]:
    """A fresh list of HubSpot-defined properties for one object type."""
    t = OBJECT_TYPES[type_name]
    own = {"deals": _DEAL, "companies": _COMPANY, "contacts": _CONTACT}.get(type_name)
    if own is None and type_name in EXTRA_PROPS:
        own = [_p(*spec) for spec in EXTRA_PROPS[type_name]]
    if own is None:
        own = [_TS, *_ENG_BODY[type_name]]
    stamps = [_STAMPS[t.created_prop], _STAMPS[t.modified_prop], _STAMPS["hs_object_id"]]
    out: list[PropDef] = []
    for p in [*stamps, _OWNER, *own]:
        out.append(
            PropDef(
                p.name,
                p.label,
                p.type,
                p.field_type,
                p.group or _GROUP.get(type_name, f"{t.singular}information"),
                list(p.options),
                p.unique,
                p.calculated,
            )
        )
    return out
