"""The coach card's files for ``nextadvance setup``: the Salesforce LWC and permission set
for the metadata package, and the HubSpot developer project folder.

The card sources ship as package data (``nextadvance.crm_ui``); they name the default
fields (``NA_Coach__c`` / ``na_coach``, ``NA_Feedback__c`` / ``na_feedback``), so the copies
are rewritten to the fields the connection's mapping names, like every other write-back field.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib.resources.abc import Traversable
from pathlib import Path
from xml.sax.saxutils import escape

from nextadvance.crm_ui import hubspot_project, salesforce_lwc
from nextadvance.mappings import Mapping

__all__ = ["CardFields", "card_fields", "write_hubspot_project", "write_salesforce_card"]

PERMISSION_SET = "NextAdvance_Coach"
_SF_DEFAULTS = ("NA_Coach__c", "NA_Feedback__c")
_HS_DEFAULTS = ("na_coach", "na_feedback")


@dataclass(frozen=True)
class CardFields:
    """The CRM fields the card reads (coach payload) and writes (feedback)."""

    object: str
    coach: str
    feedback: str


def card_fields(mapping: Mapping) -> CardFields | None:
    """The card's fields from the mapping; None when the mapping writes no coach payload."""
    wb = mapping.writeback.deal
    if wb.coach is None or not wb.coach.enabled:
        return None
    feedback = wb.feedback.field if wb.feedback is not None and wb.feedback.enabled else ""
    return CardFields(mapping.deal.object, wb.coach.field, feedback)


def _copy(src: Traversable, dest: Path, renames: dict[str, str]) -> list[Path]:
    out: list[Path] = []
    for item in src.iterdir():
        if item.name in ("__tests__", "node_modules") or item.name.startswith("."):
            continue
        target = dest / item.name
        if item.is_dir():
            out += _copy(item, target, renames)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        text = item.read_text(encoding="utf-8")
        for old, new in renames.items():
            if new:
                text = text.replace(old, new)
        target.write_text(text, encoding="utf-8")
        out.append(target)
    return out


def write_salesforce_card(
    fields: CardFields, root: Path
) -> tuple[list[Path], dict[str, list[str]]]:
    """Write ``lwc/`` and the permission set under ``root``; return files and package members."""
    renames = dict(zip(_SF_DEFAULTS, (fields.coach, fields.feedback), strict=True))
    written = _copy(salesforce_lwc(), root / "lwc", renames)
    perms = [
        f"    <fieldPermissions>\n        <editable>false</editable>\n"
        f"        <field>{escape(fields.object)}.{escape(fields.coach)}</field>\n"
        f"        <readable>true</readable>\n    </fieldPermissions>"
    ]
    if fields.feedback:
        perms.append(
            f"    <fieldPermissions>\n        <editable>true</editable>\n"
            f"        <field>{escape(fields.object)}.{escape(fields.feedback)}</field>\n"
            f"        <readable>true</readable>\n    </fieldPermissions>"
        )
    path = root / "permissionsets" / f"{PERMISSION_SET}.permissionset"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<PermissionSet xmlns="http://soap.sforce.com/2006/04/metadata">\n'
        "    <description>Reps see the nextadvance coach card and can say whether it was "
        "useful.</description>\n"
        + "\n".join(perms)
        + "\n    <label>NextAdvance coach card</label>\n</PermissionSet>\n",
        encoding="utf-8",
    )
    written.append(path)
    members = {
        "LightningComponentBundle": ["naCoachCard", "naCoachModel"],
        "PermissionSet": [PERMISSION_SET],
    }
    return written, members


def write_hubspot_project(fields: CardFields, root: Path) -> list[Path]:
    """Write the HubSpot developer project (upload it with ``hs project upload``)."""
    renames = dict(zip(_HS_DEFAULTS, (fields.coach, fields.feedback), strict=True))
    return _copy(hubspot_project(), root, renames)
