"""The messy org's schema: what a long-lived, multi-currency org with Shared Activities has.

Why: real orgs are not the stock org.  This adds record types and sales processes, multi-
currency (``CurrencyIsoCode``, ``CurrencyType``), Person Accounts, Shared Activities
(``TaskRelation``/``EventRelation``), Enhanced Email (``EmailMessage``), Lightning notes
(``ContentNote`` linked by ``ContentDocumentLink``), custom stage names, and hides
``Opportunity.Pain__c`` as field-level security does for a user without Read access: describe
omits it and SOQL naming it fails with INVALID_FIELD, exactly like a field that does not exist.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from ._schema import MESSY_STAGES, Field, SObject, _obj, _ref

__all__ = ["CURRENCIES", "FLS_HIDDEN", "messy_schema"]

#: (ISO code, conversion rate to the corporate currency USD, decimal places)
CURRENCIES: tuple[tuple[str, float, int], ...] = (
    ("USD", 1.0, 2),
    ("EUR", 0.92, 2),
    ("GBP", 0.79, 2),
    ("JPY", 151.0, 0),
)

#: (object, field) the integration user cannot see (field-level security)
FLS_HIDDEN = ("Opportunity", "Pain__c")


def _without(obj: SObject, name: str) -> SObject:
    """``obj`` rebuilt without one field (columns renumbered, before any row exists)."""
    out = SObject(obj.name, obj.label, obj.key_prefix, writable=obj.writable)
    for f in obj.fields.values():
        if f.name.lower() != name.lower():
            out.add(f)
    return out


def messy_schema(schema: dict[str, SObject]) -> None:
    """Reshape the stock ``schema`` in place into the messy org's."""
    ro: dict[str, Any] = {"createable": False, "updateable": False}
    codes = tuple(c[0] for c in CURRENCIES)
    opp = _without(schema["opportunity"], FLS_HIDDEN[1])
    stage = opp.fields["stagename"]
    opp.fields["stagename"] = replace(
        stage, picklist=(*stage.picklist, *(s[0] for s in MESSY_STAGES))
    )
    opp.add(_ref("RecordTypeId", "RecordType", "RecordType"))
    opp.add(Field("CurrencyIsoCode", "picklist", 3, picklist=codes, default="USD"))
    schema["opportunity"] = opp
    schema["account"].add(Field("IsPersonAccount", "boolean", nillable=False, **ro))
    schema["account"].add(_ref("PersonContactId", "Contact", "PersonContact", **ro))
    schema["contact"].add(Field("IsPersonAccount", "boolean", nillable=False, **ro))
    objs = [
        _obj(
            "RecordType",
            "012",
            [
                Field("Name", "string", 80, **ro),
                Field("DeveloperName", "string", 80, **ro),
                Field("SobjectType", "picklist", 40, **ro),
                _ref("BusinessProcessId", "BusinessProcess", "BusinessProcess", **ro),
                Field("IsActive", "boolean", **ro),
                Field("Description", "string", 255, **ro),
            ],
            writable=False,
        ),
        _obj(
            "BusinessProcess",
            "019",
            [
                Field("Name", "string", 80, **ro),
                Field("TableEnumOrId", "picklist", 40, **ro),
                Field("IsActive", "boolean", **ro),
                Field("Description", "string", 255, **ro),
            ],
            writable=False,
        ),
        _obj(
            "CurrencyType",
            "02B",
            [
                Field("IsoCode", "picklist", 3, **ro),
                Field("ConversionRate", "double", precision=18, scale=6, **ro),
                Field("DecimalPlaces", "int", **ro),
                Field("IsActive", "boolean", **ro),
                Field("IsCorporate", "boolean", **ro),
            ],
            writable=False,
        ),
        _obj(
            "TaskRelation",
            "0RT",
            [
                _ref("TaskId", "Task", "Task", **ro),
                Field(
                    "RelationId",
                    "reference",
                    18,
                    reference_to=("Contact", "Account", "Opportunity"),
                    relationship="Relation",
                    **ro,
                ),
                Field("IsWhat", "boolean", nillable=False, **ro),
                _ref("AccountId", "Account", "Account", **ro),
            ],
            writable=False,
        ),
        _obj(
            "EventRelation",
            "0RE",
            [
                _ref("EventId", "Event", "Event", **ro),
                Field(
                    "RelationId",
                    "reference",
                    18,
                    reference_to=("Contact", "Account", "Opportunity"),
                    relationship="Relation",
                    **ro,
                ),
                Field("IsWhat", "boolean", nillable=False, **ro),
                Field("IsInvitee", "boolean", nillable=False, **ro),
                Field("IsParent", "boolean", nillable=False, **ro),
                Field("Status", "picklist", 40, picklist=("New", "Accepted", "Declined"), **ro),
                _ref("AccountId", "Account", "Account", **ro),
            ],
            writable=False,
        ),
        _obj(
            "EmailMessage",
            "02s",
            [
                Field("Subject", "string", 3000),
                Field("TextBody", "textarea", 131072),
                Field("HtmlBody", "textarea", 131072),
                Field("MessageDate", "datetime"),
                Field("FromAddress", "email", 1000),
                Field("ToAddress", "string", 4000),
                Field("Incoming", "boolean", nillable=False, default=False),
                Field("Status", "picklist", 40, picklist=("0", "1", "2", "3", "4", "5")),
                Field(
                    "RelatedToId",
                    "reference",
                    18,
                    reference_to=("Opportunity", "Account"),
                    relationship="RelatedTo",
                ),
                _ref("ActivityId", "Task", "Activity", **ro),
            ],
        ),
        _obj(
            "ContentNote",
            "069",
            [
                Field("Title", "string", 255),
                # the note body (HTML): a blob, served at .../ContentNote/<id>/Content
                Field("Content", "base64", 131072),
                Field("TextPreview", "string", 255, **ro),
                Field("FileType", "string", 20, **ro),
                _ref("OwnerId", "User", "Owner"),
            ],
        ),
        _obj(
            "ContentDocumentLink",
            "06A",
            [
                _ref("ContentDocumentId", "ContentNote", "ContentDocument", nillable=False),
                Field(
                    "LinkedEntityId",
                    "reference",
                    18,
                    reference_to=("Opportunity", "Account", "User"),
                    relationship="LinkedEntity",
                    nillable=False,
                ),
                Field("ShareType", "picklist", 1, picklist=("V", "C", "I")),
                Field("Visibility", "picklist", 40, picklist=("AllUsers", "InternalUsers")),
            ],
        ),
    ]
    for obj in objs:
        schema[obj.name.lower()] = obj
