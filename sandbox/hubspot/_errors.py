"""HubSpot's error bodies (crm-api-notes B2/B3): one helper per failure a client can meet.

Every non-2xx answer of the emulation is built here, so clients see one consistent shape:
``{"status":"error","message","correlationId","category",...}``, never a stack trace.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from .._http import Response, json_response

__all__ = [
    "ApiError",
    "error",
    "invalid_json",
    "not_found",
    "property_errors",
    "rate_limited",
    "standard_error",
    "validation",
]


class ApiError(Exception):
    """Raised inside handlers to answer with a ready-made error response."""

    def __init__(self, response: Response) -> None:
        super().__init__(response.status)
        self.response = response


def error(
    status: int,
    category: str,
    message: str,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> Response:
    """A HubSpot error response with a fresh correlation id."""
    body: dict[str, Any] = {
        "status": "error",
        "message": message,
        "correlationId": str(uuid.uuid4()),
        "category": category,
    }
    body.update(extra)
    return json_response(status, body, headers)


def validation(message: str, **extra: Any) -> ApiError:
    """400 VALIDATION_ERROR."""
    return ApiError(error(400, "VALIDATION_ERROR", message, **extra))


def invalid_json(message: str) -> ApiError:
    """400 for a body the JSON binder refuses (unknown enum value, missing required field).

    HubSpot answers these before validation, with no ``category``: e.g.
    ``{"status":"error","message":"Invalid input JSON on line 1, column 42: Cannot
    deserialize ...","correlationId":...}`` (hubspot-api-python issue #76, a real response).
    """
    body = {"status": "error", "message": message, "correlationId": str(uuid.uuid4())}
    return ApiError(json_response(400, body))


def not_found(message: str = "Resource not found", **extra: Any) -> ApiError:
    """404 OBJECT_NOT_FOUND."""
    return ApiError(error(404, "OBJECT_NOT_FOUND", message, **extra))


def property_errors(problems: list[dict[str, Any]]) -> ApiError:
    """400 for invalid property values, in HubSpot's ``Property values were not valid`` form.

    Each problem is ``{"isValid": false, "message", "error": "PROPERTY_DOESNT_EXIST" |
    "INVALID_OPTION" | "READ_ONLY_VALUE", "name"}``; the list is embedded as JSON text in the
    message, as HubSpot does.
    """
    text = json.dumps(problems, separators=(",", ":"))
    return validation(f"Property values were not valid: {text}")


def standard_error(category: str, message: str, context: dict[str, list[str]]) -> dict[str, Any]:
    """One per-record entry of a 207 multi-status ``errors`` list (model StandardError)."""
    return {
        "status": "error",
        "category": category,
        "message": message,
        "context": context,
        "errors": [],
        "links": {},
    }


def rate_limited(policy: str, headers: dict[str, str]) -> Response:
    """429 with HubSpot's rate-limit body for ``policy`` (TEN_SECONDLY_ROLLING, SECONDLY, DAILY)."""
    what = {
        "TEN_SECONDLY_ROLLING": "ten_secondly_rolling",
        "SECONDLY": "secondly",
        "DAILY": "daily",
    }[policy]
    body = {
        "status": "error",
        "message": f"You have reached your {what} limit.",
        "errorType": "RATE_LIMIT",
        "correlationId": str(uuid.uuid4()),
        "policyName": policy,
        "requestId": str(uuid.uuid4()),
    }
    return json_response(429, body, headers)
