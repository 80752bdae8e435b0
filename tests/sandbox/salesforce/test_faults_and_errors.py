"""Injected faults and refused requests, as simple-salesforce and a raw HTTP client see them."""

from __future__ import annotations

import time
from typing import Any

import pytest
import requests
from simple_salesforce.exceptions import (
    SalesforceGeneralError,
    SalesforceMalformedRequest,
    SalesforceRefusedRequest,
    SalesforceResourceNotFound,
)


def test_daily_limit_gives_request_limit_exceeded(sandbox_factory: Any, sf_client_for: Any) -> None:
    """Once daily_limit calls are spent the org answers 403 REQUEST_LIMIT_EXCEEDED."""
    sb = sandbox_factory(crm="salesforce", faults={"daily_limit": 2})
    sf = sf_client_for(sb)
    sf.query("SELECT Id FROM User LIMIT 1")
    sf.query("SELECT Id FROM User LIMIT 1")
    with pytest.raises(SalesforceRefusedRequest) as err:
        sf.query("SELECT Id FROM User LIMIT 1")
    assert err.value.content[0]["errorCode"] == "REQUEST_LIMIT_EXCEEDED"
    stats = sb.stats()["apps"]["salesforce"]
    assert stats["limit_exceeded"] == 1 and stats["statuses"]["403"] == 1


def test_rate_limit_and_5xx_faults_answer_503_server_unavailable(
    sandbox_factory: Any, sf_client_for: Any
) -> None:
    """rate_429 and rate_5xx are Salesforce 503 SERVER_UNAVAILABLE (a SalesforceGeneralError)."""
    sb = sandbox_factory(crm="salesforce", faults={"rate_429": 1.0})
    sf = sf_client_for(sb)
    with pytest.raises(SalesforceGeneralError) as err:
        sf.query("SELECT Id FROM User")
    assert err.value.status == 503
    assert err.value.content[0]["errorCode"] == "SERVER_UNAVAILABLE"
    assert sb.stats()["apps"]["salesforce"]["rate_limited"] == 1
    sb.set_faults(rate_429=0.0, rate_5xx=1.0)
    with pytest.raises(SalesforceGeneralError) as err:
        sf.query("SELECT Id FROM User")
    assert err.value.status == 503


def test_fault_rates_are_deterministic_per_seed(sandbox_factory: Any, sf_client_for: Any) -> None:
    """The same fault seed fails the same requests of the same sequence."""
    outcomes = []
    for _ in range(2):
        sb = sandbox_factory(crm="salesforce", faults={"rate_5xx": 0.5, "seed": 9})
        sf = sf_client_for(sb)
        seq = []
        for _ in range(12):
            try:
                sf.query("SELECT Id FROM User LIMIT 1")
                seq.append(True)
            except SalesforceGeneralError:
                seq.append(False)
        outcomes.append(seq)
    assert outcomes[0] == outcomes[1] and True in outcomes[0] and False in outcomes[0]


def test_timeout_fault_hangs_then_closes_without_reply(
    sandbox_factory: Any, sandbox_http: Any
) -> None:
    """A timed-out request gets no HTTP answer at all after timeout_s."""
    sb = sandbox_factory(crm="salesforce", faults={"rate_timeout": 1.0, "timeout_s": 0.3})
    started = time.monotonic()
    with pytest.raises(requests.exceptions.ConnectionError):
        sandbox_http(sb).get(f"{sb.base_url}/services/data/v59.0/limits")
    assert time.monotonic() - started >= 0.3


def test_slow_fault_delays_answers(sandbox_factory: Any, sf_client_for: Any) -> None:
    """slow_ms adds latency to every request."""
    sb = sandbox_factory(crm="salesforce", faults={"slow_ms": 200})
    sf = sf_client_for(sb)
    started = time.monotonic()
    sf.query("SELECT Id FROM User LIMIT 1")
    assert time.monotonic() - started >= 0.2


def test_drop_after_commit_applies_the_write_but_loses_the_reply(
    sandbox_factory: Any, sf_client_for: Any
) -> None:
    """The client sees a dropped connection, yet the record was created."""
    sb = sandbox_factory(crm="salesforce")
    sf = sf_client_for(sb)
    sb.set_faults(drop_after_commit=1.0)
    with pytest.raises(requests.exceptions.ConnectionError):
        sf.Task.create({"Subject": "dropped reply", "NA_Key__c": "drop-1"})
    sb.set_faults(drop_after_commit=0.0)
    rows = sf.query("SELECT Id FROM Task WHERE NA_Key__c = 'drop-1'")["records"]
    assert len(rows) == 1
    assert sb.stats()["apps"]["salesforce"]["injected_faults"]["drop_after_commit"] == 1


def test_reject_record_fails_records_inside_a_collection(
    sandbox_factory: Any, sf_client_for: Any
) -> None:
    """reject_record refuses single records of a batch with a validation error; others land."""
    sb = sandbox_factory(crm="salesforce", faults={"reject_record": 0.5, "seed": 3})
    sf = sf_client_for(sb)
    records = [
        {"attributes": {"type": "Task"}, "Subject": f"t{i}", "NA_Key__c": f"r-{i}"}
        for i in range(20)
    ]
    result = sf.restful(
        "composite/sobjects", method="POST", json={"allOrNone": False, "records": records}
    )
    failed = [r for r in result if not r["success"]]
    assert 0 < len(failed) < 20
    assert {r["errors"][0]["statusCode"] for r in failed} == {"FIELD_CUSTOM_VALIDATION_EXCEPTION"}
    landed = sf.query("SELECT Id FROM Task WHERE NA_Key__c LIKE 'r-%'")["totalSize"]
    assert landed == 20 - len(failed)


def test_human_edit_changes_the_record_before_our_update(
    sandbox_factory: Any, sf_client_for: Any
) -> None:
    """With human_edit a rep's change (NextStep or Amount, by the owner) lands before ours."""
    sb = sandbox_factory(crm="salesforce", faults={"human_edit": 1.0})
    sf = sf_client_for(sb)
    opp = sf.query(
        "SELECT Id, NextStep, Amount, OwnerId FROM Opportunity WHERE IsClosed = false LIMIT 1"
    )["records"][0]
    sf.Opportunity.update(opp["Id"], {"Description": "ours"})
    after = sf.Opportunity.get(opp["Id"])
    assert after["Description"] == "ours"
    assert (after["NextStep"], after["Amount"]) != (opp["NextStep"], opp["Amount"])
    assert sb.stats()["apps"]["salesforce"]["human_edits"] == 1


def test_record_errors_use_the_real_codes(sandbox_factory: Any, sf_client_for: Any) -> None:
    """Missing required fields, unknown ids and read-only fields get the org's error codes."""
    sb = sandbox_factory(crm="salesforce")
    sf = sf_client_for(sb)
    with pytest.raises(SalesforceMalformedRequest) as err:
        sf.Opportunity.create({"Name": "No stage"})
    assert err.value.content[0]["errorCode"] == "REQUIRED_FIELD_MISSING"
    assert set(err.value.content[0]["fields"]) == {"StageName", "CloseDate"}
    with pytest.raises(SalesforceResourceNotFound) as err:
        sf.Opportunity.get("0065g0000099999AAA")
    assert err.value.content[0]["errorCode"] == "NOT_FOUND"
    opp = sf.query("SELECT Id FROM Opportunity LIMIT 1")["records"][0]["Id"]
    with pytest.raises(SalesforceMalformedRequest) as err:
        sf.Opportunity.update(opp, {"IsWon": True})
    assert err.value.content[0]["errorCode"] == "INVALID_FIELD_FOR_INSERT_UPDATE"
    with pytest.raises(SalesforceMalformedRequest) as err:
        sf.Opportunity.update(opp, {"CloseDate": "next week"})
    assert err.value.content[0]["errorCode"] == "JSON_PARSER_ERROR"


def test_malformed_json_body_is_json_parser_error(sandbox_factory: Any, sandbox_http: Any) -> None:
    """A broken JSON body is a 400 JSON_PARSER_ERROR list, never a stack trace."""
    sb = sandbox_factory(crm="salesforce")
    http = sandbox_http(sb)
    headers = {
        "Authorization": f"Bearer {sb.salesforce_credentials['session_id']}",
        "Content-Type": "application/json",
    }
    for path, method in (("sobjects/Task/", "POST"), ("composite/sobjects", "POST")):
        resp = http.request(
            method, f"{sb.base_url}/services/data/v59.0/{path}", data=b"{bad", headers=headers
        )
        assert resp.status_code == 400
        body = resp.json()
        assert body[0]["errorCode"] == "JSON_PARSER_ERROR"
        assert "Traceback" not in resp.text
    resp = http.get(f"{sb.base_url}/services/data/v59.0/query", headers=headers)
    assert resp.status_code == 400 and resp.json()[0]["errorCode"] == "MALFORMED_QUERY"
    assert resp.headers["Sforce-Limit-Info"].startswith("api-usage=")


def test_missing_or_bad_token_is_a_401_list(sandbox_factory: Any, sandbox_http: Any) -> None:
    """Without a valid session every REST call is 401 INVALID_SESSION_ID as a JSON list."""
    sb = sandbox_factory(crm="salesforce")
    resp = sandbox_http(sb).get(
        f"{sb.base_url}/services/data/v59.0/sobjects", headers={"Authorization": "Bearer nope"}
    )
    assert resp.status_code == 401
    assert resp.json() == [
        {"message": "Session expired or invalid", "errorCode": "INVALID_SESSION_ID"}
    ]
