"""The other standard object types every HubSpot portal has, present and empty.

Third-party clients discover them (list, properties, association types) before reading what
they were asked for, and a real portal never answers "Unable to infer object type" for a
standard object.  So they exist here with HubSpot's object type ids, their stamps, a few of
their documented default properties and their association type ids, and hold no records
unless a client creates some.  Object type ids follow HubSpot's object definition pages
(developers.hubspot.com/docs/api-reference/latest/crm/objects/*/object-definition).
"""

from __future__ import annotations

from ._schema import ObjectType

__all__ = ["EXTRA_ASSOCIATIONS", "EXTRA_PROPS", "EXTRA_TYPES"]


def _type(
    name: str, type_id: str, singular: str, scope: str, defaults: tuple[str, ...]
) -> ObjectType:
    return ObjectType(
        name,
        type_id,
        singular,
        "hs_createdate" if name in _ENGAGEMENT_LIKE else "createdate",
        "hs_lastmodifieddate",
        (*defaults, "hs_lastmodifieddate", "hs_object_id"),
        f"{scope}.read" if "." in scope else scope,
        f"{scope}.write" if "." in scope else scope,
    )


_ENGAGEMENT_LIKE = {"communications", "postal_mail"}

EXTRA_TYPES: tuple[ObjectType, ...] = (
    _type(
        "tickets",
        "0-5",
        "ticket",
        "tickets",
        ("content", "createdate", "hs_pipeline", "hs_pipeline_stage", "subject"),
    ),
    _type(
        "products", "0-7", "product", "e-commerce", ("createdate", "description", "name", "price")
    ),
    _type(
        "line_items",
        "0-8",
        "line_item",
        "crm.objects.line_items",
        ("amount", "createdate", "name", "price", "quantity"),
    ),
    _type(
        "quotes",
        "0-14",
        "quote",
        "crm.objects.quotes",
        ("createdate", "hs_expiration_date", "hs_status", "hs_title"),
    ),
    _type(
        "communications",
        "0-18",
        "communication",
        "crm.objects.contacts",
        ("hs_createdate", "hs_communication_channel_type", "hs_communication_body"),
    ),
    _type(
        "feedback_submissions",
        "0-19",
        "feedback_submission",
        "crm.objects.feedback_submissions",
        ("createdate", "hs_content", "hs_survey_type"),
    ),
    _type(
        "leads",
        "0-136",
        "lead",
        "crm.objects.leads",
        ("createdate", "hs_lead_name", "hs_pipeline_stage"),
    ),
    # Deal splits: HubSpot names the object ``deal_split``; its object type id is not in the
    # references we could check, so it is addressable by name only.
    _type(
        "deal_splits",
        "",
        "deal_split",
        "crm.objects.deals",
        ("createdate", "hs_split_amount", "hs_split_percentage"),
    ),
    _type(
        "goal_targets",
        "0-74",
        "goal_target",
        "crm.objects.goals",
        ("createdate", "hs_goal_name", "hs_target_amount"),
    ),
    _type(
        "postal_mail",
        "0-116",
        "postal_mail",
        "crm.objects.contacts",
        ("hs_createdate", "hs_postal_mail_body", "hs_timestamp"),
    ),
)


def _p(name: str, label: str, typ: str = "string", ftype: str = "text") -> tuple[str, ...]:
    return (name, label, typ, ftype)


# Per type: (name, label, type, fieldType) of a few documented default properties.
EXTRA_PROPS: dict[str, list[tuple[str, ...]]] = {
    "tickets": [
        _p("subject", "Ticket name"),
        _p("content", "Ticket description", ftype="textarea"),
        _p("hs_pipeline", "Pipeline", "enumeration", "select"),
        _p("hs_pipeline_stage", "Ticket status", "enumeration", "select"),
        _p("hs_ticket_priority", "Priority", "enumeration", "select"),
    ],
    "products": [
        _p("name", "Name"),
        _p("description", "Description", ftype="textarea"),
        _p("price", "Unit price", "number", "number"),
        _p("hs_sku", "SKU"),
    ],
    "line_items": [
        _p("name", "Name"),
        _p("price", "Unit price", "number", "number"),
        _p("quantity", "Quantity", "number", "number"),
        _p("amount", "Net price", "number", "number"),
        _p("hs_product_id", "Product ID", "number", "number"),
    ],
    "quotes": [
        _p("hs_title", "Quote name"),
        _p("hs_expiration_date", "Expiration date", "datetime", "date"),
        _p("hs_status", "Quote approval status", "enumeration", "select"),
    ],
    "communications": [
        _p("hs_communication_channel_type", "Channel type", "enumeration", "select"),
        _p("hs_communication_body", "Body", ftype="textarea"),
        _p("hs_timestamp", "Activity date", "datetime", "date"),
    ],
    "feedback_submissions": [
        _p("hs_content", "Response"),
        _p("hs_survey_type", "Survey type", "enumeration", "select"),
    ],
    "leads": [
        _p("hs_lead_name", "Lead name"),
        _p("hs_pipeline_stage", "Lead stage", "enumeration", "select"),
    ],
    "deal_splits": [
        _p("hs_split_amount", "Split amount", "number", "number"),
        _p("hs_split_percentage", "Split percentage", "number", "number"),
    ],
    "goal_targets": [
        _p("hs_goal_name", "Goal name"),
        _p("hs_target_amount", "Target", "number", "number"),
    ],
    "postal_mail": [
        _p("hs_postal_mail_body", "Body", ftype="textarea"),
        _p("hs_timestamp", "Activity date", "datetime", "date"),
    ],
}

# (from, to, type id from->to, type id to->from): HubSpot's association type ids for the
# standard objects (v4 associations guide, "association type ID values").
EXTRA_ASSOCIATIONS: tuple[tuple[str, str, int, int], ...] = (
    ("contacts", "tickets", 15, 16),
    ("deals", "line_items", 19, 20),
    ("companies", "tickets", 25, 26),
    ("deals", "tickets", 27, 28),
    ("deals", "quotes", 63, 64),
    ("quotes", "line_items", 67, 68),
    ("quotes", "contacts", 69, 70),
    ("quotes", "companies", 71, 72),
    ("contacts", "communications", 81, 82),
    ("tickets", "communications", 83, 84),
    ("deals", "communications", 85, 86),
    ("companies", "communications", 87, 88),
    # Postal mail ids as listed in the v4 guide's table; not confirmed against a live portal.
    ("contacts", "postal_mail", 453, 454),
    ("tickets", "postal_mail", 455, 456),
    ("deals", "postal_mail", 457, 458),
    ("companies", "postal_mail", 459, 460),
)
