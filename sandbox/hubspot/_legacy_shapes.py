"""The legacy shapes of HubSpot's v1/v2 answers: a property's value with its versions, a
v1 property definition, v1 and CRM pipelines, a v1 engagement's type-specific metadata.

Split from :mod:`._legacy` (the routes) so the routes read as paging and lookups and the
field-by-field shapes, copied from the legacy API reference, sit in one place.
"""

from __future__ import annotations

from typing import Any

from ._schema import PropDef

__all__ = ["crm_pipeline", "engagement_metadata", "v1_pipeline", "v1_prop", "version"]


def version(name: str, value: str, ts: int) -> dict[str, Any]:
    version = {"name": name, "value": value, "timestamp": ts, "source": "API", "sourceVetoes": []}
    return {
        "value": value,
        "timestamp": ts,
        "source": "API",
        "sourceId": None,
        "versions": [version],
    }


def v1_prop(p: PropDef) -> dict[str, Any]:
    return {
        "name": p.name,
        "label": p.label,
        "description": "",
        "groupName": p.group,
        "type": p.type,
        "fieldType": p.field_type,
        "options": [
            {"label": label, "value": value, "displayOrder": i, "hidden": False}
            for i, (value, label) in enumerate(p.options)
        ],
        "hidden": False,
        "calculated": p.calculated,
        "readOnlyValue": p.calculated,
        "readOnlyDefinition": p.hubspot_defined,
        "mutableDefinitionNotDeletable": p.hubspot_defined,
        "hubspotDefined": p.hubspot_defined,
        "hasUniqueValue": p.unique,
        "externalOptions": False,
        "formField": not p.calculated,
        "displayOrder": -1,
        "deleted": False,
        "createdAt": p.created_ms or 0,
        "updatedAt": p.created_ms or 0,
    }


def v1_pipeline(pipelines: dict[str, tuple[str, list[Any]]], pid: str) -> dict[str, Any]:
    label, stages = pipelines[pid]
    return {
        "pipelineId": pid,
        "label": label,
        "displayOrder": list(pipelines).index(pid),
        "active": True,
        "stages": [
            {
                "stageId": s.id,
                "label": s.label,
                "probability": s.probability,
                "active": True,
                "displayOrder": i,
                "closedWon": s.closed and s.probability >= 1.0,
            }
            for i, s in enumerate(stages)
        ],
    }


def crm_pipeline(pipelines: dict[str, tuple[str, list[Any]]], pid: str) -> dict[str, Any]:
    label, stages = pipelines[pid]
    return {
        "pipelineId": pid,
        "objectType": "DEAL",
        "label": label,
        "displayOrder": list(pipelines).index(pid),
        "active": True,
        "stages": [
            {
                "stageId": s.id,
                "label": s.label,
                "displayOrder": i,
                "active": True,
                "metadata": {
                    "isClosed": "true" if s.closed else "false",
                    "probability": str(s.probability),
                },
            }
            for i, s in enumerate(stages)
        ],
    }


def engagement_metadata(name: str, val: Any) -> dict[str, Any]:
    """The type-specific ``metadata`` of a v1 engagement."""
    if name == "calls":
        duration = val("hs_call_duration")
        return {
            "title": val("hs_call_title"),
            "body": val("hs_call_body"),
            "status": val("hs_call_status"),
            "disposition": val("hs_call_disposition"),
            "durationMilliseconds": int(duration) if duration and duration.isdigit() else None,
        }
    if name == "emails":
        return {"subject": val("hs_email_subject"), "text": val("hs_email_text"), "html": None}
    if name == "meetings":
        return {
            "title": val("hs_meeting_title"),
            "body": val("hs_meeting_body"),
            "meetingOutcome": val("hs_meeting_outcome"),
        }
    if name == "notes":
        return {"body": val("hs_note_body")}
    return {
        "subject": val("hs_task_subject"),
        "body": val("hs_task_body"),
        "status": val("hs_task_status"),
        "taskType": val("hs_task_type"),
    }
