"""Record types as clients discover them: describe's ``recordTypeInfos`` and the UI API's
picklist values per record type (``ui-api/object-info/<obj>/picklist-values/<rt>/<field>``).

Why: a record type's sales process picks a subset of the org's stages; the REST describe does
not say which, the UI API resource does (available since v41.0).  Only the messy org has
record types; the stock org's describe keeps ``recordTypeInfos: []``.
"""

from __future__ import annotations

from typing import Any

from ._schema import MESSY_STAGES, STAGES
from ._store import Store

__all__ = [
    "MASTER_RECORD_TYPE",
    "PROCESS_STAGES",
    "child_relationships",
    "picklist_values",
    "record_type_infos",
]

MASTER_RECORD_TYPE = "012000000000000AAA"
#: record type developer name -> its sales process's stage values, in order
PROCESS_STAGES: dict[str, tuple[str, ...]] = {
    "New_Business": tuple(s[0] for s in STAGES),
    "Renewal": tuple(s[0] for s in MESSY_STAGES),
}


def _record_types(store: Store, obj_name: str) -> list[dict[str, Any]]:
    if "recordtype" not in store.tables:
        return []
    c = store.schema["recordtype"].col
    return [
        {"id": r[0], "name": r[c["name"]], "developer": r[c["developername"]]}
        for r in store.rows("recordtype")
        if r[c["sobjecttype"]] == obj_name and r[c["isactive"]] and not r[1]
    ]


def record_type_infos(store: Store, obj_name: str, version: str) -> list[dict[str, Any]]:
    """``recordTypeInfos`` of an object's describe (empty without record types)."""
    types = _record_types(store, obj_name)
    if not types:
        return []
    base = f"/services/data/v{version}/sobjects/{obj_name}/describe/layouts/"
    rows = [(t["id"], t["name"], t["developer"], False) for t in types]
    rows.append((MASTER_RECORD_TYPE, "Master", "Master", True))
    return [
        {
            "active": True,
            "available": True,
            "defaultRecordTypeMapping": i == 0,
            "developerName": dev,
            "master": master,
            "name": name,
            "recordTypeId": rid,
            "urls": {"layout": base + rid},
        }
        for i, (rid, name, dev, master) in enumerate(rows)
    ]


def picklist_values(
    store: Store, version: str, obj_name: str, record_type: str, field_name: str
) -> dict[str, Any] | None:
    """The UI API's Picklist Values body, or None when object/record type/field is unknown."""
    obj = store.schema.get(obj_name.lower())
    fld = obj.get(field_name) if obj is not None else None
    if obj is None or fld is None or fld.type != "picklist":
        return None
    values: tuple[str, ...] = fld.picklist
    if record_type != MASTER_RECORD_TYPE:
        found = [t for t in _record_types(store, obj.name) if t["id"][:15] == record_type[:15]]
        if not found:
            return None
        if fld.name == "StageName":
            values = PROCESS_STAGES.get(found[0]["developer"], values)
    labels: dict[str, str] = {}
    if fld.name == "StageName" and obj.name == "Opportunity":
        c = store.schema["opportunitystage"].col
        labels = {r[c["apiname"]]: r[c["masterlabel"]] for r in store.rows("opportunitystage")}
    return {
        "controllerValues": {},
        "defaultValue": None,
        "eTag": f"{record_type}:{len(values)}",
        "url": f"/services/data/v{version}/ui-api/object-info/{obj.name}/picklist-values/"
        f"{record_type}/{fld.name}",
        "values": [
            {"attributes": None, "label": labels.get(v, v), "validFor": [], "value": v}
            for v in values
        ],
    }


#: link objects only the messy org has -> the relationship name their parent lists them under
_LINK_CHILDREN = {
    "TaskRelation": ("TaskId", "TaskRelations"),
    "EventRelation": ("EventId", "EventRelations"),
    "ContentDocumentLink": ("LinkedEntityId", "ContentDocumentLinks"),
    "EmailMessage": ("RelatedToId", "Emails"),
}


def child_relationships(store: Store, obj_name: str) -> list[dict[str, Any]]:
    """describe's ``childRelationships``: the messy org's link objects pointing at ``obj_name``
    (the stock org's describe keeps an empty list)."""
    out = []
    for child, (field_name, rel) in _LINK_CHILDREN.items():
        obj = store.schema.get(child.lower())
        fld = obj.get(field_name) if obj is not None else None
        if fld is not None and obj_name in fld.reference_to:
            out.append(
                {
                    "cascadeDelete": True,
                    "childSObject": child,
                    "deprecatedAndHidden": False,
                    "field": field_name,
                    "relationshipName": rel,
                }
            )
    return out
