"""Each CRM's failures map to the error tree by meaning, with secrets scrubbed."""

from __future__ import annotations

import json
import socket

import pytest
import requests
import urllib3
from hubspot.crm.objects import ApiException
from simple_salesforce.exceptions import (
    SalesforceExpiredSession,
    SalesforceGeneralError,
    SalesforceMalformedRequest,
    SalesforceRefusedRequest,
)

from nextadvance.connectors import (
    AuthError,
    FatalRemote,
    QuotaExhausted,
    RateLimited,
    RecordRejected,
    Timeout,
    Unavailable,
)
from nextadvance.connectors.hubspot import classify_hubspot
from nextadvance.connectors.salesforce import classify_salesforce

SF_URL = "https://org.example.test/services/data/v59.0/query"


def _sf(cls, status, code, message="m", fields=None):
    body = [{"errorCode": code, "message": message, **({"fields": fields} if fields else {})}]
    return cls(SF_URL, status, "query", body)


@pytest.mark.parametrize(
    ("exc", "expected"),
    [
        (
            _sf(
                SalesforceRefusedRequest,
                403,
                "REQUEST_LIMIT_EXCEEDED",
                "TotalRequests Limit exceeded.",
            ),
            QuotaExhausted,
        ),
        (_sf(SalesforceExpiredSession, 401, "INVALID_SESSION_ID"), AuthError),
        (_sf(SalesforceRefusedRequest, 403, "INSUFFICIENT_ACCESS"), AuthError),
        (_sf(SalesforceGeneralError, 503, "SERVER_UNAVAILABLE"), Unavailable),
        (_sf(SalesforceMalformedRequest, 400, "UNABLE_TO_LOCK_ROW"), Unavailable),
        (
            _sf(SalesforceMalformedRequest, 400, "STRING_TOO_LONG", fields=["Subject"]),
            RecordRejected,
        ),
        (_sf(SalesforceMalformedRequest, 400, "MALFORMED_QUERY"), FatalRemote),
        (requests.ReadTimeout("read timed out"), Timeout),
        (requests.ConnectionError("refused"), Unavailable),
    ],
)
def test_salesforce_failures_map_by_meaning(exc, expected):
    """Salesforce status + errorCode decide retry / stop / skip, not the exception class alone."""
    err = classify_salesforce(exc, "query")
    assert type(err) is expected
    assert err.endpoint == "query"


def test_salesforce_record_reject_names_code_and_field():
    """A refused record carries the org's code and the offending field."""
    err = classify_salesforce(
        _sf(SalesforceMalformedRequest, 400, "STRING_TOO_LONG", fields=["Subject"]), "x"
    )
    assert isinstance(err, RecordRejected)
    assert (err.code, err.field) == ("STRING_TOO_LONG", "Subject")


def test_salesforce_rate_limit_honours_retry_after():
    """A 429 with Retry-After becomes RateLimited with that delay."""
    err = classify_salesforce(
        _sf(SalesforceGeneralError, 429, "REQUEST_LIMIT"), "q", headers={"Retry-After": "7"}
    )
    assert isinstance(err, RateLimited) and err.retry_after == 7.0


def test_salesforce_messages_never_carry_session_ids():
    """A session id echoed in an error body is scrubbed from the message."""
    sid = "00D5g000000ABCD!AQ4AQ.secret-session"
    err = classify_salesforce(
        _sf(SalesforceExpiredSession, 401, "INVALID_SESSION_ID", f"bad {sid}"), "q"
    )
    assert sid not in str(err)


def _hs(status, body, headers=None):
    exc = ApiException(status=status, reason="reason")
    exc.body = json.dumps(body)
    exc.headers = headers or {}
    return exc


@pytest.mark.parametrize(
    ("exc", "expected"),
    [
        (_hs(429, {"errorType": "RATE_LIMIT", "policyName": "TEN_SECONDLY_ROLLING"}), RateLimited),
        (_hs(429, {"errorType": "RATE_LIMIT", "policyName": "DAILY"}), QuotaExhausted),
        (_hs(401, {"category": "INVALID_AUTHENTICATION"}), AuthError),
        (_hs(403, {"category": "MISSING_SCOPES"}), AuthError),
        (_hs(502, {}), Unavailable),
        (_hs(409, {"category": "CONFLICT"}), RecordRejected),
        (_hs(400, {"category": "VALIDATION_ERROR"}), RecordRejected),
        (_hs(400, {"category": "BAD_REQUEST"}), FatalRemote),
        # nothing listens at base_url: a configuration mistake, not worth 13 s of retries
        (ApiException(status=0, reason="connection refused"), FatalRemote),
        (ApiException(status=0, reason="connection reset by peer"), Unavailable),
        (urllib3.exceptions.ReadTimeoutError(None, "/x", "timed out"), Timeout),
        (urllib3.exceptions.ConnectTimeoutError(None, "timed out"), Timeout),
        # urllib3 makes these ConnectTimeoutError subclasses: no answer in time they are not
        (
            urllib3.exceptions.NameResolutionError(
                "nohost.invalid", None, socket.gaierror(-2, "Name or service not known")
            ),
            FatalRemote,
        ),
        (
            urllib3.exceptions.NewConnectionError(
                None, "Failed to establish a new connection: [Errno 111] Connection refused"
            ),
            FatalRemote,
        ),
    ],
)
def test_hubspot_failures_map_by_meaning(exc, expected):
    """HubSpot status, category and rate-limit policy decide the error class."""
    assert type(classify_hubspot(exc, "deals.search")) is expected


def test_hubspot_secondly_limit_waits_retry_after_or_a_second():
    """A secondly 429 waits Retry-After when given, else one second."""
    with_header = classify_hubspot(_hs(429, {"policyName": "SECONDLY"}, {"Retry-After": "3"}), "x")
    without = classify_hubspot(_hs(429, {"policyName": "SECONDLY"}), "x")
    assert isinstance(with_header, RateLimited) and with_header.retry_after == 3.0
    assert isinstance(without, RateLimited) and without.retry_after == 1.0


def test_hubspot_messages_never_carry_tokens():
    """A bearer token echoed in an error body is scrubbed."""
    token = "pat-na1-11111111-2222-3333-4444-555555555555"
    err = classify_hubspot(_hs(400, {"message": f"bad header Bearer {token}"}), "x")
    assert token not in str(err)
