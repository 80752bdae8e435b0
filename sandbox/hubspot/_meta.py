"""Metadata endpoints: pipelines, properties and groups, owners and call dispositions.

Shapes follow the generated models of hubspot-api-client 12 (Pipeline, ModelProperty,
PropertyGroup, PublicOwner ...).
"""

from __future__ import annotations

from typing import Any

from .._http import Request, Response, json_response
from ._catalog import CALL_DISPOSITIONS
from ._crm import Portal
from ._errors import ApiError, error, not_found, validation
from ._schema import ObjectType, PropDef, resolve_type
from ._store import iso

__all__ = ["MetaRoutes"]

_EPOCH_MS = 1_577_836_800_000  # 2020-01-01: when the portal's default metadata "was created"
_TYPES = {"string", "number", "date", "datetime", "enumeration", "bool"}
_FIELD_TYPES = {
    "textarea",
    "text",
    "date",
    "file",
    "number",
    "select",
    "radio",
    "checkbox",
    "booleancheckbox",
    "calculation_equation",
}


def _json(request: Request) -> Any:
    try:
        return request.json()
    except (ValueError, UnicodeDecodeError) as exc:
        raise validation(f"Invalid input JSON on line 1: {exc}") from exc


def _type(name: str) -> ObjectType:
    t = resolve_type(name)
    if t is None:
        raise validation(f"Unable to infer object type from: {name}")
    return t


class MetaRoutes:
    """Handlers for pipelines, properties, owners and call dispositions."""

    def __init__(self, portal: Portal) -> None:
        self.portal = portal

    # -- pipelines ----------------------------------------------------------------------
    def pipelines(self, request: Request, parts: list[str]) -> Response:
        """``GET /crm/v3/pipelines/deals[/{id}[/stages[/{stageId}]]]``."""
        if request.method != "GET" or not parts:
            raise not_found("Unsupported pipelines request")
        t = _type(parts[0])
        if t.name != "deals":
            if len(parts) == 1:
                return json_response(200, {"results": []})
            raise _no_pipeline(parts)
        if len(parts) == 1:
            pipes = self.portal.pipelines
            return json_response(200, {"results": [_pipeline(pipes, pid) for pid in pipes]})
        pid = parts[1]
        if pid not in self.portal.pipelines:
            raise _no_pipeline(parts)
        if len(parts) == 2:
            return json_response(200, _pipeline(self.portal.pipelines, pid))
        stages = _pipeline(self.portal.pipelines, pid)["stages"]
        if len(parts) == 3 and parts[2] == "stages":
            return json_response(200, {"results": stages})
        if len(parts) == 4 and parts[2] == "stages":
            for stage in stages:
                if stage["id"] == parts[3]:
                    return json_response(200, stage)
        raise not_found(f"Stage {parts[-1]} not found in pipeline {pid}")

    # -- properties ---------------------------------------------------------------------
    def properties(self, request: Request, parts: list[str]) -> Response:
        """``/crm/v3/properties/{type}[/{name}]`` and ``/{type}/groups[/{name}]``."""
        if not parts:
            raise not_found("Unsupported properties request")
        t = _type(parts[0])
        rest, m = parts[1:], request.method
        if rest[:1] == ["groups"]:
            return self._groups(request, t, rest[1:])
        defs = self.portal.props[t.name]
        if not rest and m == "GET":
            return json_response(200, {"results": [_prop_json(p) for p in defs.values()]})
        if not rest and m == "POST":
            return self._create_property(t, _json(request))
        if len(rest) == 1 and m == "GET":
            pdef = defs.get(rest[0])
            if pdef is None:
                raise ApiError(
                    error(404, "OBJECT_NOT_FOUND", f"Unable to find property {rest[0]} on {t.name}")
                )
            return json_response(200, _prop_json(pdef))
        raise not_found("Unsupported properties request")

    def _create_property(self, t: ObjectType, body: Any) -> Response:
        if not isinstance(body, dict):
            raise validation("Invalid input JSON: expected a property definition object")
        missing = [
            k for k in ("name", "label", "type", "fieldType", "groupName") if not body.get(k)
        ]
        if missing:
            raise validation(f"Missing required fields: {', '.join(missing)}")
        if body["type"] not in _TYPES or body["fieldType"] not in _FIELD_TYPES:
            raise validation(f"Invalid type/fieldType: {body['type']}/{body['fieldType']}")
        with self.portal.lock:
            if body["name"] in self.portal.props[t.name]:
                raise ApiError(
                    error(
                        409,
                        "OBJECT_ALREADY_EXISTS",
                        f"A property named '{body['name']}' already exists.",
                    )
                )
            if body["groupName"] not in self.portal.groups[t.name]:
                raise validation(f"Property group {body['groupName']} does not exist.")
            options = [
                (str(o.get("value")), str(o.get("label")))
                for o in body.get("options") or []
                if isinstance(o, dict)
            ]
            pdef = PropDef(
                str(body["name"]),
                str(body["label"]),
                body["type"],
                body["fieldType"],
                body["groupName"],
                options,
                bool(body.get("hasUniqueValue")),
                hubspot_defined=False,
            )
            self.portal.add_property(t.name, pdef)
        return json_response(201, _prop_json(pdef))

    def _groups(self, request: Request, t: ObjectType, rest: list[str]) -> Response:
        groups = self.portal.groups[t.name]
        if not rest and request.method == "GET":
            return json_response(200, {"results": [_group_json(g) for g in groups.values()]})
        if not rest and request.method == "POST":
            body = _json(request)
            if not isinstance(body, dict) or not body.get("name") or not body.get("label"):
                raise validation("Missing required fields: name, label")
            with self.portal.lock:
                if body["name"] in groups:
                    raise ApiError(
                        error(
                            409,
                            "OBJECT_ALREADY_EXISTS",
                            f"A property group named '{body['name']}' already exists.",
                        )
                    )
                group = self.portal.add_group(
                    t.name, str(body["name"]), str(body["label"]), int(body.get("displayOrder", -1))
                )
            return json_response(201, _group_json(group))
        if len(rest) == 1 and request.method == "GET":
            if rest[0] not in groups:
                raise not_found(f"Unable to find property group {rest[0]}")
            return json_response(200, _group_json(groups[rest[0]]))
        raise not_found("Unsupported property groups request")

    # -- owners -------------------------------------------------------------------------
    def owners(self, request: Request, parts: list[str]) -> Response:
        """``GET /crm/v3/owners/`` (paged, ``email`` filter) and ``/crm/v3/owners/{id}``.

        Like HubSpot, only active owners are listed unless ``archived=true`` asks for the
        deactivated ones instead.
        """
        archived = (request.param("archived") or "false").lower() == "true"
        owners = [o for o in self.portal.owners if o.archived == archived]
        if parts:
            by_user = request.param("idProperty") == "userId"
            for o in owners:
                if (str(o.user_id) if by_user else o.id) == parts[0]:
                    return json_response(200, _owner_json(o))
            raise not_found(f"Owner {parts[0]} not found")
        email = (request.param("email") or "").lower()
        rows = [o for o in owners if not email or o.email.lower() == email]
        try:
            limit = max(1, min(int(request.param("limit") or 100), 500))
            after = int(request.param("after") or 0)
        except ValueError as exc:
            raise validation("limit and after must be integers") from exc
        page = rows[after : after + limit]
        out: dict[str, Any] = {"results": [_owner_json(o) for o in page]}
        if after + limit < len(rows):
            out["paging"] = {
                "next": {"after": str(after + limit), "link": f"?after={after + limit}"}
            }
        return json_response(200, out)

    def dispositions(self) -> Response:
        """``GET /calling/v1/dispositions``: the portal's call outcomes (GUID + label)."""
        return json_response(
            200, [{"id": guid, "label": label} for guid, label in CALL_DISPOSITIONS.values()]
        )


def _rid(value: Any) -> int | None:
    try:
        return int(str(value))
    except (TypeError, ValueError):
        return None


def _no_pipeline(parts: list[str]) -> ApiError:
    return not_found(f"Pipeline {parts[1] if len(parts) > 1 else ''} not found for {parts[0]}")


def _pipeline(pipelines: dict[str, tuple[str, list[Any]]], pid: str) -> dict[str, Any]:
    label, stages = pipelines[pid]
    stamp = iso(_EPOCH_MS)
    return {
        "id": pid,
        "label": label,
        "displayOrder": list(pipelines).index(pid),
        "archived": False,
        "createdAt": stamp,
        "updatedAt": stamp,
        "stages": [
            {
                "id": s.id,
                "label": s.label,
                "displayOrder": i,
                "metadata": {
                    "isClosed": "true" if s.closed else "false",
                    "probability": str(s.probability),
                },
                "archived": False,
                "createdAt": stamp,
                "updatedAt": stamp,
                "writePermissions": "CRM_PERMISSIONS_ENFORCEMENT",
            }
            for i, s in enumerate(stages)
        ],
    }


def _prop_json(p: PropDef) -> dict[str, Any]:
    created = iso(p.created_ms or _EPOCH_MS)
    return {
        "name": p.name,
        "label": p.label,
        "type": p.type,
        "fieldType": p.field_type,
        "groupName": p.group,
        "description": "",
        "options": [
            {"label": label, "value": value, "displayOrder": i, "hidden": False}
            for i, (value, label) in enumerate(p.options)
        ],
        "calculated": p.calculated,
        "externalOptions": False,
        "hasUniqueValue": p.unique,
        "hidden": False,
        "hubspotDefined": p.hubspot_defined,
        "formField": not p.calculated,
        "displayOrder": -1,
        "createdAt": created,
        "updatedAt": created,
        "archived": False,
        "modificationMetadata": {
            "archivable": not p.hubspot_defined,
            "readOnlyDefinition": p.hubspot_defined,
            "readOnlyValue": p.calculated,
        },
    }


def _group_json(g: Any) -> dict[str, Any]:
    return {"name": g.name, "label": g.label, "displayOrder": g.display_order, "archived": False}


def _owner_json(o: Any) -> dict[str, Any]:
    stamp = iso(o.created_ms)
    return {
        "id": o.id,
        "email": o.email,
        "type": "PERSON",
        "firstName": o.first_name,
        "lastName": o.last_name,
        "userId": o.user_id,
        "userIdIncludingInactive": o.user_id,
        "createdAt": stamp,
        "updatedAt": stamp,
        "archived": bool(o.archived),
        "teams": [],
    }
