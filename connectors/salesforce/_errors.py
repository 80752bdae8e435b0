"""What a Salesforce failure *means*: the one place that inspects SF status and error codes.

simple-salesforce raises by status (400 malformed, 401 expired, 403 refused, 404, other =
general) with the JSON error list in ``.content``; transport failures arrive as ``requests``
exceptions.  Everything is mapped into the error tree here, with secrets scrubbed from the
message (``raise classify_salesforce(exc, endpoint) from exc`` at every call site).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

import requests
from simple_salesforce.exceptions import SalesforceError

from nextadvance.connectors._netfail import connect_failure
from nextadvance.connectors._transport import redact
from nextadvance.core.errors import (
    AuthError,
    ConnectorError,
    FatalRemote,
    QuotaExhausted,
    RateLimited,
    RecordRejected,
    Timeout,
    Unavailable,
)

_NO_COLUMN = re.compile(r"No such column '[^']+' on (?:entity '[^']+'|sobject of type \w+)")

__all__ = ["RETRYABLE_RECORD_CODES", "classify_salesforce", "first_error"]

#: Per-record error codes worth sending again later (contention, not content).
RETRYABLE_RECORD_CODES = frozenset(
    {"UNABLE_TO_LOCK_ROW", "SERVER_UNAVAILABLE", "REQUEST_RUNNING_TOO_LONG", "QUERY_TIMEOUT"}
)


def first_error(content: Any) -> dict[str, Any]:
    """The first ``{errorCode|statusCode, message, fields}`` of a Salesforce error body."""
    if isinstance(content, list) and content and isinstance(content[0], dict):
        return content[0]
    if isinstance(content, dict):
        return content
    return {"message": str(content or "")[:500]}


def _retry_after(headers: Mapping[str, str]) -> float | None:
    for key, value in headers.items():
        if key.lower() == "retry-after":
            try:
                return float(value)
            except ValueError:
                return None
    return None


def classify_salesforce(
    exc: BaseException,
    endpoint: str,
    *,
    headers: Mapping[str, str] | None = None,
    scrub: Callable[[str], str] = redact,
) -> ConnectorError:
    """The error-tree exception for ``exc`` raised while calling ``endpoint``.

    ``headers`` are the failed response's headers when known (for ``Retry-After``).
    """
    if isinstance(exc, ConnectorError):
        return exc
    headers = headers or {}
    if isinstance(exc, requests.Timeout):
        which = "connect" if isinstance(exc, requests.ConnectTimeout) else "read"
        return Timeout(
            f"Salesforce: no answer within the {which} timeout ({endpoint})", endpoint=endpoint
        )
    if isinstance(exc, requests.exceptions.SSLError):
        return FatalRemote(
            f"TLS verification of the Salesforce host failed ({endpoint}); check ca_bundle",
            endpoint=endpoint,
        )
    if isinstance(exc, requests.RequestException):
        unreachable = connect_failure(exc, "Salesforce", endpoint)
        if unreachable is not None:
            return unreachable
        return Unavailable(
            f"Salesforce unreachable ({endpoint}): {type(exc).__name__}", endpoint=endpoint
        )
    if not isinstance(exc, SalesforceError):
        return FatalRemote(
            f"unexpected failure calling Salesforce ({endpoint}): {type(exc).__name__}: "
            f"{scrub(str(exc))[:300]}",
            endpoint=endpoint,
        )
    status = int(exc.status or 0)
    err = first_error(exc.content)
    code = str(err.get("errorCode") or err.get("statusCode") or "")
    message = scrub(str(err.get("message") or ""))
    column = _NO_COLUMN.search(message)
    # a SOQL error repeats the whole query before saying which column: keep what matters
    message = column.group(0) if column else message[:500]
    fields = err.get("fields") or []
    text = f"Salesforce {status} {code}: {message} ({endpoint})".replace(" : ", ": ")
    if code == "REQUEST_LIMIT_EXCEEDED":
        if "concurrent" in message.lower() or "ConcurrentPerOrg" in message:
            return RateLimited(
                text, retry_after=_retry_after(headers), endpoint=endpoint, status=status
            )
        return QuotaExhausted(text, endpoint=endpoint, status=status)
    if status == 401 or code == "INVALID_SESSION_ID":
        return AuthError(text, endpoint=endpoint, status=status)
    if status == 429:
        return RateLimited(
            text, retry_after=_retry_after(headers), endpoint=endpoint, status=status
        )
    if status >= 500 or code in RETRYABLE_RECORD_CODES:
        return Unavailable(text, endpoint=endpoint, status=status)
    if status == 403:
        return AuthError(text, endpoint=endpoint, status=status)
    if status == 300:
        return RecordRejected(
            f"Salesforce 300: several records match the external id ({endpoint})",
            code="DUPLICATE_EXTERNAL_ID",
            endpoint=endpoint,
            status=status,
        )
    if status in (400, 404) and code in {
        "STRING_TOO_LONG",
        "REQUIRED_FIELD_MISSING",
        "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST",
        "FIELD_CUSTOM_VALIDATION_EXCEPTION",
        "ENTITY_IS_DELETED",
        "NOT_FOUND",
        "INVALID_CROSS_REFERENCE_KEY",
        "DUPLICATE_VALUE",
    }:
        return RecordRejected(
            text,
            code=code,
            field=str(fields[0]) if fields else None,
            endpoint=endpoint,
            status=status,
        )
    return FatalRemote(text, endpoint=endpoint, status=status)
