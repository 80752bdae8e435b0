"""The emulated org's objects and fields: what describe returns and what writes are checked against.

A small, faithful subset of the standard objects the connector touches (see crm-api-notes A8),
plus a few custom fields a typical org has and, when the ``custom_fields`` preset is on, the
``NA_*__c`` fields nextadvance writes back.  Field names are case-insensitive, as in Salesforce.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["MESSY_STAGES", "NA_FIELDS", "STAGES", "Field", "SObject", "build_schema"]


@dataclass(frozen=True, slots=True)
class Field:
    """One field's describe metadata (the subset clients look at)."""

    name: str
    type: str
    length: int = 0
    label: str = ""
    nillable: bool = True
    createable: bool = True
    updateable: bool = True
    custom: bool = False
    external_id: bool = False
    unique: bool = False
    picklist: tuple[str, ...] = ()
    restricted: bool = False
    reference_to: tuple[str, ...] = ()
    relationship: str | None = None
    default: Any = None
    precision: int = 0
    scale: int = 0

    def describe(self) -> dict[str, Any]:
        """The field as ``sobjects/<Type>/describe`` lists it."""
        return {
            "name": self.name,
            "label": self.label or self.name.removesuffix("__c").replace("_", " "),
            "type": self.type,
            "length": self.length,
            "precision": self.precision,
            "scale": self.scale,
            "byteLength": self.length * 3,
            "digits": 0,
            "nillable": self.nillable,
            "createable": self.createable,
            "updateable": self.updateable,
            "custom": self.custom,
            "externalId": self.external_id,
            "unique": self.unique,
            "idLookup": self.name == "Id" or self.external_id,
            "calculated": False,
            "filterable": True,
            "sortable": self.type not in ("textarea",) or self.length <= 255,
            "groupable": self.type not in ("textarea", "double", "currency", "percent"),
            "defaultedOnCreate": self.default is not None or self.name in _SYSTEM,
            "defaultValue": self.default,
            "referenceTo": list(self.reference_to),
            "relationshipName": self.relationship,
            "polymorphicForeignKey": len(self.reference_to) > 1,
            "namePointing": len(self.reference_to) > 1,
            "restrictedPicklist": self.restricted,
            "picklistValues": [
                {
                    "value": v,
                    "label": v,
                    "active": True,
                    "defaultValue": v == self.default,
                    "validFor": None,
                }
                for v in self.picklist
            ],
            "soapType": _SOAP.get(self.type, "xsd:string"),
        }


_SOAP = {
    "id": "tns:ID",
    "reference": "tns:ID",
    "boolean": "xsd:boolean",
    "currency": "xsd:double",
    "double": "xsd:double",
    "percent": "xsd:double",
    "int": "xsd:int",
    "date": "xsd:date",
    "datetime": "xsd:dateTime",
    "base64": "xsd:base64Binary",
}
_SYSTEM = (
    "Id",
    "IsDeleted",
    "CreatedDate",
    "CreatedById",
    "LastModifiedDate",
    "LastModifiedById",
    "SystemModstamp",
)


@dataclass
class SObject:
    """An object type: its fields in describe order and a case-insensitive column index."""

    name: str
    label: str
    key_prefix: str
    fields: dict[str, Field] = field(default_factory=dict)
    writable: bool = True
    col: dict[str, int] = field(default_factory=dict)

    def add(self, f: Field) -> None:
        """Append a field (a new column at the end of every row)."""
        self.col[f.name.lower()] = len(self.fields)
        self.fields[f.name.lower()] = f

    def get(self, name: str) -> Field | None:
        """A field by case-insensitive name."""
        return self.fields.get(name.lower())


#: (label, sort order, probability, forecast category, closed, won) - the default org's stages
STAGES: tuple[tuple[str, int, int, str, bool, bool], ...] = (
    ("Prospecting", 1, 10, "Pipeline", False, False),
    ("Qualification", 2, 10, "Pipeline", False, False),
    ("Needs Analysis", 3, 20, "Pipeline", False, False),
    ("Value Proposition", 4, 50, "Pipeline", False, False),
    ("Id. Decision Makers", 5, 60, "Pipeline", False, False),
    ("Perception Analysis", 6, 70, "Pipeline", False, False),
    ("Proposal/Price Quote", 7, 75, "Pipeline", False, False),
    ("Negotiation/Review", 8, 90, "Commit", False, False),
    ("Closed Won", 9, 100, "Closed", True, True),
    ("Closed Lost", 10, 0, "Omitted", True, False),
)

#: the messy org's second sales process (record type ``Renewal``): custom stage names
MESSY_STAGES: tuple[tuple[str, int, int, str, bool, bool], ...] = (
    ("Renewal Scoping", 11, 20, "Pipeline", False, False),
    ("Renewal Proposal", 12, 60, "Pipeline", False, False),
    ("Renewal Negotiation", 13, 80, "Commit", False, False),
    ("Renewed", 14, 100, "Closed", True, True),
    ("Churned", 15, 0, "Omitted", True, False),
)

#: custom fields nextadvance writes back (created by the ``custom_fields`` preset)
NA_FIELDS: dict[str, tuple[Field, ...]] = {
    "Opportunity": (
        Field("NA_Next_Advance__c", "string", 255, custom=True),
        Field("NA_Objectives__c", "textarea", 32768, custom=True),
        Field("NA_Next_Step_Verdict__c", "string", 255, custom=True),
        Field("NA_Stalled__c", "boolean", nillable=False, custom=True, default=False),
        Field("NA_Last_Evaluated__c", "datetime", custom=True),
        Field("NA_Parked_Until__c", "date", custom=True),
        Field("NA_Parked_Reason__c", "string", 255, custom=True),
        Field("NA_Coach__c", "textarea", 32768, custom=True),
        Field("NA_Feedback__c", "picklist", 255, custom=True, picklist=("yes", "no", "done")),
        Field("NA_Written__c", "string", 255, custom=True),
    ),
    "Task": (
        Field("NA_Key__c", "string", 80, custom=True, external_id=True, unique=True),
        Field("NA_Written__c", "string", 255, custom=True),
    ),
}


def _ref(name: str, to: str, rel: str | None, **kw: Any) -> Field:
    return Field(name, "reference", 18, reference_to=(to,), relationship=rel, **kw)


def _common(obj: SObject) -> None:
    ro: dict[str, Any] = {"createable": False, "updateable": False}
    obj.add(Field("Id", "id", 18, nillable=False, **ro))
    obj.add(Field("IsDeleted", "boolean", nillable=False, **ro))
    obj.add(Field("CreatedDate", "datetime", nillable=False, **ro))
    obj.add(_ref("CreatedById", "User", "CreatedBy", nillable=False, **ro))
    obj.add(Field("LastModifiedDate", "datetime", nillable=False, **ro))
    obj.add(_ref("LastModifiedById", "User", "LastModifiedBy", nillable=False, **ro))
    obj.add(Field("SystemModstamp", "datetime", nillable=False, **ro))


def _obj(name: str, prefix: str, fields: list[Field], writable: bool = True) -> SObject:
    obj = SObject(name, name, prefix, writable=writable)
    _common(obj)
    for f in fields:
        obj.add(f)
    return obj


def build_schema(custom_fields: bool = True, org: str = "stock") -> dict[str, SObject]:
    """The org's objects by lower-case name; ``custom_fields`` adds :data:`NA_FIELDS`;
    ``org="messy"`` reshapes it as a long-lived org (see :mod:`._messy_schema`)."""
    ro: dict[str, Any] = {"createable": False, "updateable": False}
    stage_names = tuple(s[0] for s in STAGES)
    task_status = ("Not Started", "In Progress", "Completed", "Waiting on someone else", "Deferred")
    objs = [
        _obj(
            "User",
            "005",
            [
                Field("Username", "string", 80, nillable=False),
                Field("FirstName", "string", 40),
                Field("LastName", "string", 80, nillable=False),
                Field("Name", "string", 121, **ro),
                Field("Email", "email", 128, nillable=False),
                Field("IsActive", "boolean", nillable=False, default=True),
                Field("TimeZoneSidKey", "picklist", 40, nillable=False, default="America/New_York"),
            ],
            writable=False,
        ),
        _obj(
            "Account",
            "001",
            [
                Field("Name", "string", 255, nillable=False),
                Field(
                    "Industry",
                    "picklist",
                    255,
                    picklist=(
                        "Healthcare",
                        "Financial Services",
                        "Public Sector",
                        "Software",
                        "Manufacturing",
                        "Retail",
                        "Logistics",
                        "Education",
                        "Other",
                    ),
                ),
                Field("NumberOfEmployees", "int", precision=8),
                Field("Website", "url", 255),
                Field("Type", "picklist", 255, picklist=("Prospect", "Customer - Direct", "Other")),
                _ref("OwnerId", "User", "Owner", nillable=False),
            ],
        ),
        _obj(
            "Contact",
            "003",
            [
                _ref("AccountId", "Account", "Account"),
                Field("FirstName", "string", 40),
                Field("LastName", "string", 80, nillable=False),
                Field("Name", "string", 121, **ro),
                Field("Title", "string", 128),
                Field("Email", "email", 80),
                _ref("OwnerId", "User", "Owner", nillable=False),
            ],
        ),
        _obj(
            "Opportunity",
            "006",
            [
                Field("Name", "string", 120, nillable=False),
                _ref("AccountId", "Account", "Account"),
                _ref("OwnerId", "User", "Owner", nillable=False),
                Field(
                    "StageName",
                    "picklist",
                    255,
                    nillable=False,
                    picklist=stage_names,
                    restricted=True,
                ),
                Field("Amount", "currency", precision=18, scale=2),
                Field("CloseDate", "date", nillable=False),
                Field("Probability", "percent", precision=3),
                Field("NextStep", "string", 255),
                Field(
                    "ForecastCategoryName",
                    "picklist",
                    255,
                    picklist=("Pipeline", "Best Case", "Commit", "Omitted", "Closed"),
                ),
                Field("IsClosed", "boolean", nillable=False, **ro),
                Field("IsWon", "boolean", nillable=False, **ro),
                Field("Type", "picklist", 255, picklist=("New Business", "Existing Business")),
                Field(
                    "LeadSource", "picklist", 255, picklist=("Web", "Partner", "Referral", "Event")
                ),
                Field("Description", "textarea", 32000),
                Field("LastActivityDate", "date", **ro),
                Field("HasOpenActivity", "boolean", nillable=False, **ro),
                Field("HasOverdueTask", "boolean", nillable=False, **ro),
                Field("Budget_Confirmed__c", "boolean", nillable=False, custom=True, default=False),
                Field("Decision_Date__c", "date", custom=True),
                Field("Pain__c", "textarea", 1000, custom=True),
                # a non-unique external id, as migrated orgs have (upsert can match several: 300)
                Field("Legacy_Id__c", "string", 80, custom=True, external_id=True),
            ],
        ),
        _obj(
            "OpportunityStage",
            "01J",
            [
                Field("ApiName", "string", 255, **ro),
                Field("MasterLabel", "string", 255, **ro),
                Field("IsActive", "boolean", **ro),
                Field("SortOrder", "int", **ro),
                Field("IsClosed", "boolean", **ro),
                Field("IsWon", "boolean", **ro),
                Field("DefaultProbability", "percent", **ro),
                Field("ForecastCategory", "picklist", 40, **ro),
                Field("ForecastCategoryName", "picklist", 255, **ro),
                Field("Description", "string", 255, **ro),
            ],
            writable=False,
        ),
        _obj(
            "OpportunityContactRole",
            "00K",
            [
                _ref("OpportunityId", "Opportunity", "Opportunity", nillable=False),
                _ref("ContactId", "Contact", "Contact", nillable=False),
                Field(
                    "Role",
                    "picklist",
                    40,
                    picklist=(
                        "Decision Maker",
                        "Economic Buyer",
                        "Technical Buyer",
                        "Influencer",
                        "Evaluator",
                        "Executive Sponsor",
                        "Business User",
                        "Other",
                    ),
                ),
                Field("IsPrimary", "boolean", nillable=False, default=False),
            ],
        ),
        _obj(
            "Task",
            "00T",
            [
                Field(
                    "WhatId",
                    "reference",
                    18,
                    reference_to=("Opportunity", "Account"),
                    relationship="What",
                ),
                Field("WhoId", "reference", 18, reference_to=("Contact",), relationship="Who"),
                Field("Subject", "combobox", 255),
                Field(
                    "Status",
                    "picklist",
                    40,
                    nillable=False,
                    picklist=task_status,
                    default="Not Started",
                ),
                Field(
                    "Priority",
                    "picklist",
                    40,
                    nillable=False,
                    picklist=("High", "Normal", "Low"),
                    default="Normal",
                ),
                Field("ActivityDate", "date"),
                Field("Description", "textarea", 32000),
                _ref("OwnerId", "User", "Owner", nillable=False),
                Field("IsClosed", "boolean", nillable=False, **ro),
                Field(
                    "TaskSubtype",
                    "picklist",
                    40,
                    updateable=False,
                    picklist=("Task", "Email", "ListEmail", "Cadence", "Call", "LinkedIn"),
                ),
                Field("CallDisposition", "string", 255),
                Field("CallType", "picklist", 40, picklist=("Internal", "Inbound", "Outbound")),
                Field("CallDurationInSeconds", "int"),
                _ref("AccountId", "Account", "Account", **ro),
            ],
        ),
        _obj(
            "Event",
            "00U",
            [
                Field(
                    "WhatId",
                    "reference",
                    18,
                    reference_to=("Opportunity", "Account"),
                    relationship="What",
                ),
                Field("WhoId", "reference", 18, reference_to=("Contact",), relationship="Who"),
                Field("Subject", "combobox", 255),
                Field("StartDateTime", "datetime"),
                Field("EndDateTime", "datetime"),
                Field("ActivityDateTime", "datetime"),
                Field("ActivityDate", "date"),
                Field("DurationInMinutes", "int"),
                Field("IsAllDayEvent", "boolean", nillable=False, default=False),
                Field("Description", "textarea", 32000),
                _ref("OwnerId", "User", "Owner", nillable=False),
                Field("EventSubtype", "picklist", 40, updateable=False, picklist=("Event",)),
                _ref("AccountId", "Account", "Account", **ro),
                Field(
                    "Outcome__c",
                    "picklist",
                    40,
                    custom=True,
                    picklist=("Completed", "No Show", "Canceled", "Rescheduled"),
                ),
            ],
        ),
    ]
    schema = {o.name.lower(): o for o in objs}
    if custom_fields:
        for obj_name, extra in NA_FIELDS.items():
            for f in extra:
                schema[obj_name.lower()].add(f)
    if org == "messy":
        from ._messy_schema import messy_schema

        messy_schema(schema)
    elif org != "stock":
        raise ValueError(f"org must be stock or messy, not {org!r}")
    return schema
