"""Salesforce behaviours third-party clients rely on (issue 21): Bulk API 2.0 and 1.0
through simple-salesforce's own interfaces, the org's limits, stage stamps and unknown
paths — each checked against the vendor's reference (cited per test)."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest


@pytest.fixture
def sb(sandbox_factory):  # type: ignore[no-untyped-def]
    """A writable Salesforce-only sandbox."""
    return sandbox_factory(crm="salesforce", deals=25, seed=5)


def _rest_ids(sf, soql: str) -> set[str]:  # type: ignore[no-untyped-def]
    return {r["Id"] for r in sf.query_all(soql)["records"]}


def test_bulk2_query_through_simple_salesforce(sb, sf_client_for):  # type: ignore[no-untyped-def]
    """``sf.bulk2.Opportunity.query(soql)`` creates a query job (POST jobs/query), polls it
    to ``JobComplete`` and pages the CSV results with ``maxRecords`` / ``Sforce-Locator``
    until the locator is ``"null"`` (Bulk API 2.0 Developer Guide, "Get Results for a Query
    Job"); every record the REST query returns comes back, with related fields."""
    sf = sf_client_for(sb)
    soql = "SELECT Id, Name, StageName, Amount, Account.Name FROM Opportunity"
    pages = list(sf.bulk2.Opportunity.query(soql, max_records=7, wait=0))
    assert len(pages) > 1
    rows = [row for page in pages for row in csv.DictReader(io.StringIO(page))]
    assert {r["Id"] for r in rows} == _rest_ids(sf, "SELECT Id FROM Opportunity")
    assert list(rows[0]) == ["Id", "Name", "StageName", "Amount", "Account.Name"]
    assert all(r["Account.Name"] for r in rows)
    tasks = list(sf.bulk2.Task.query("SELECT Id, Subject FROM Task", wait=0))
    assert sum(1 for page in tasks for _ in csv.DictReader(io.StringIO(page))) == len(
        _rest_ids(sf, "SELECT Id FROM Task")
    )


def test_bulk2_ingest_insert_and_update(sb, sf_client_for):  # type: ignore[no-untyped-def]
    """Ingest jobs (create → PUT batches → PATCH UploadComplete → JobComplete) write through
    the same validation as REST and report per-row results (Bulk API 2.0 Developer Guide,
    "Upload Job Data", "Get Job Successful Record Results")."""
    sf = sf_client_for(sb)
    account = sf.query("SELECT Id FROM Account LIMIT 1")["records"][0]["Id"]
    data = [
        {
            "Name": f"Bulk deal {i}",
            "StageName": "Prospecting",
            "CloseDate": f"2027-01-0{i}",
            "AccountId": account,
        }
        for i in range(1, 4)
    ]
    result = sf.bulk2.Opportunity.insert(records=data, wait=0)
    assert result[0]["numberRecordsProcessed"] == 3 and result[0]["numberRecordsFailed"] == 0
    found = sf.query("SELECT Id, Name FROM Opportunity WHERE Name LIKE 'Bulk deal %'")
    assert found["totalSize"] == 3
    update = [{"Id": r["Id"], "StageName": "Closed Won"} for r in found["records"]]
    sf.bulk2.Opportunity.update(records=update, wait=0)
    won = sf.query("SELECT Id FROM Opportunity WHERE Name LIKE 'Bulk deal %' AND IsWon = true")
    assert won["totalSize"] == 3
    bad = sf.bulk2.Opportunity.insert(
        records=[{"Name": "No close date", "StageName": "Prospecting"}], wait=0
    )
    assert bad[0]["numberRecordsFailed"] == 1


def test_bulk1_query_through_simple_salesforce(sb, sf_client_for):  # type: ignore[no-untyped-def]
    """``sf.bulk.Contact.query(soql)`` (Bulk API 1.0: session in ``X-SFDC-Session``, JSON
    job, batch, result list, result) returns every contact (Bulk API Developer Guide,
    "Walkthrough for Bulk Query")."""
    sf = sf_client_for(sb)
    rows = sf.bulk.Contact.query("SELECT Id, LastName FROM Contact")
    chunks = sf.bulk.Contact.query("SELECT Id FROM Contact", lazy_operation=True)
    assert sum(len(chunk) for chunk in chunks) == len(rows)
    assert {r["Id"] for r in rows} == _rest_ids(sf, "SELECT Id FROM Contact")


def test_bulk1_bad_session_is_bulks_own_error_not_401(sb, sandbox_http):  # type: ignore[no-untyped-def]
    """Bulk 1.0 refuses a bad session with HTTP 400 ``{"exceptionCode": "InvalidSessionId"}``
    (Bulk API Developer Guide, "HTTP Status Codes" / "Errors"), never REST's 401; a good
    ``X-SFDC-Session`` with no Authorization header is accepted."""
    http = sandbox_http(sb)
    url = f"{sb.base_url}/services/async/59.0/job"
    body = {"operation": "query", "object": "Account", "contentType": "CSV"}
    bad = http.post(url, json=body, headers={"X-SFDC-Session": "nope"})
    assert bad.status_code == 400 and bad.json()["exceptionCode"] == "InvalidSessionId"
    session = sb.salesforce_credentials["session_id"]
    ok = http.post(url, json=body, headers={"X-SFDC-Session": session})
    assert ok.status_code == 201 and ok.json()["state"] == "Open"
    batch = http.post(
        f"{url}/{ok.json()['id']}/batch",
        data="SELECT Id FROM Account",
        headers={"X-SFDC-Session": session, "Content-Type": "text/csv"},
    )
    assert batch.status_code == 201 and "<state>Queued</state>" in batch.text


def test_limits_list_the_orgs_limit_names(sb, sf_client_for):  # type: ignore[no-untyped-def]
    """``GET limits`` lists the org's limits by their real names, each ``{"Max",
    "Remaining"}`` (REST API Developer Guide, "List Organization Limits": DailyApiRequests,
    DailyBulkApiBatches, DailyBulkV2QueryJobs, DataStorageMB, ...)."""
    limits = sf_client_for(sb).limits()
    for name in (
        "DailyApiRequests",
        "DailyBulkApiBatches",
        "DailyBulkV2QueryJobs",
        "DataStorageMB",
    ):
        assert set(limits[name]) == {"Max", "Remaining"}
        assert 0 <= limits[name]["Remaining"] <= limits[name]["Max"]
    assert len(limits) >= 30


def test_opportunity_stages_are_stamped_when_the_org_was_set_up(sb, sf_client_for):  # type: ignore[no-untyped-def]
    """OpportunityStage rows carry the org's set-up time, before every record, not 1970:
    an incremental reader from a recent start date over ``SystemModstamp`` sees them on a
    full read from before the data (REST API Developer Guide, system fields
    SystemModstamp/CreatedDate are set when a record is created)."""
    sf = sf_client_for(sb)
    stages = sf.query_all("SELECT SystemModstamp, CreatedDate FROM OpportunityStage")["records"]
    first_account = sf.query("SELECT CreatedDate FROM Account ORDER BY CreatedDate LIMIT 1")
    first = first_account["records"][0]["CreatedDate"]
    for stage in stages:
        stamp = datetime.strptime(stage["SystemModstamp"], "%Y-%m-%dT%H:%M:%S.%f%z")
        assert stamp > datetime(2020, 1, 1, tzinfo=UTC)
        assert stage["CreatedDate"] < first
    recent = sf.query_all(
        "SELECT Id FROM OpportunityStage WHERE SystemModstamp > 2020-01-01T00:00:00Z"
    )
    assert recent["totalSize"] == len(stages) == 10


def test_unknown_paths_are_404_not_a_misleading_401(sb, sandbox_http):  # type: ignore[no-untyped-def]
    """A path that is no API (``/services/apexrest/...`` of an app not installed,
    ``/services/foo``) is 404 ``NOT_FOUND`` whatever the credentials; an unknown resource
    under ``/services/data/vXX.X/`` is 404 for a valid session (REST API Developer Guide,
    "Status Codes and Error Responses")."""
    http = sandbox_http(sb)
    for path in ("/services/foo", "/services/apexrest/nothing"):
        response = http.get(sb.base_url + path)
        assert response.status_code == 404
        assert response.json()[0]["errorCode"] == "NOT_FOUND"
    session = sb.salesforce_credentials["session_id"]
    response = http.get(
        f"{sb.base_url}/services/data/v59.0/nothing", headers={"Authorization": f"Bearer {session}"}
    )
    assert response.status_code == 404
