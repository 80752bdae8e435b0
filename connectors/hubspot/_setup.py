"""HubSpot setup: properties can be created through the API (group ``nextadvance``)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from nextadvance.connectors._base import Connector
from nextadvance.connectors._card import CardFields, write_hubspot_project
from nextadvance.connectors._profile import SetupStrategy
from nextadvance.connectors._setup import FieldSpec
from nextadvance.core.errors import ConnectorError, RecordRejected

__all__ = ["GROUP", "SETUP", "create_hubspot_properties"]

#: HubSpot property group our properties live in.
GROUP = "nextadvance"

_HS_TYPES = {
    "text": ("string", "text"),
    "textarea": ("string", "textarea"),
    "picklist": ("string", "text"),
    "boolean": ("bool", "booleancheckbox"),
    "date": ("date", "date"),
    "datetime": ("datetime", "date"),
}


def create_hubspot_properties(connector: Connector, missing: Sequence[FieldSpec]) -> list[str]:
    """Create group ``nextadvance`` and the missing properties; return what was created.

    An existing group or property (409) is not an error: setup can be re-run safely.
    """
    api = getattr(connector, "api", None)
    if api is None or not hasattr(api, "create_property"):
        raise ValueError("create_hubspot_properties needs a HubSpot connector")
    created: list[str] = []
    for obj in dict.fromkeys(f.object for f in missing):
        try:
            api.create_property_group(
                obj, {"name": GROUP, "label": "NextAdvance", "displayOrder": -1}
            )
            created.append(f"{obj} group {GROUP}")
        except RecordRejected:
            pass  # already there
    for spec in missing:
        kind, field_type = _HS_TYPES.get(spec.type, ("string", "text"))
        body: dict[str, object] = {
            "name": spec.name,
            "label": spec.label,
            "type": kind,
            "fieldType": field_type,
            "groupName": GROUP,
            "description": "Written by nextadvance; do not edit by hand.",
        }
        if spec.type == "boolean":
            body["options"] = [
                {"label": "Yes", "value": "true", "displayOrder": 0, "hidden": False},
                {"label": "No", "value": "false", "displayOrder": 1, "hidden": False},
            ]
        if spec.options:  # a dropdown the rep picks from (the coach card's feedback)
            body["type"], body["fieldType"] = "enumeration", "select"
            body["description"] = "Set by reps on the nextadvance coach card; read by the sync."
            body["options"] = [
                {"label": o.capitalize(), "value": o, "displayOrder": i, "hidden": False}
                for i, o in enumerate(spec.options)
            ]
        if spec.unique:
            body["hasUniqueValue"] = True
        try:
            api.create_property(spec.object, body)
            created.append(str(spec))
        except RecordRejected as exc:
            if exc.status != 409:
                raise
        except ConnectorError:
            raise
    return created


def _apply(
    connector: Connector, missing: Sequence[FieldSpec], out: Path, card: CardFields | None
) -> list[str]:
    lines = [f"created {line}" for line in create_hubspot_properties(connector, missing)]
    if card is not None:
        files = write_hubspot_project(card, out)
        lines.append(f"Wrote the coach card's HubSpot project ({len(files)} files) to {out}.")
    return lines


SETUP = SetupStrategy(
    apply_does="create them.",
    live=True,
    apply=_apply,
    out_help="Folder for the coach card's HubSpot developer project (with --apply).",
    default_out="nextadvance-hubspot-card",
    card_hint=(
        "Upload the card with the HubSpot CLI:\n"
        "  cd {out} && hs project upload\n"
        "then install the app in your portal and add the 'Next advance coach' card to the deal "
        "record (docs/crm-card.md)."
    ),
)
