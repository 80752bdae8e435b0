"""The real simple-salesforce client against the emulated org: the calls the connector makes."""

from __future__ import annotations

from typing import Any

import pytest
from simple_salesforce.exceptions import (
    SalesforceExpiredSession,
    SalesforceMoreThanOneRecord,
    SalesforceResourceNotFound,
)

from nextadvance.sandbox import Sandbox

TASK_FIELDS = "Id, WhatId, WhoId, Subject, Status, ActivityDate, TaskSubtype, SystemModstamp"


def test_query_returns_records_with_nested_relationship_fields(
    sf_client: Any, sandbox: Sandbox
) -> None:
    """Relationship paths come back as nested objects with attributes, like the real API."""
    result = sf_client.query(
        "SELECT Id, Name, StageName, Amount, CloseDate, SystemModstamp, Account.Name, "
        "Account.Industry, Owner.Name FROM Opportunity WHERE IsClosed = false "
        "ORDER BY SystemModstamp, Id LIMIT 5"
    )
    snap = sandbox.snapshot()["salesforce"]
    accounts = {a["Id"]: a for a in snap["Account"]}
    users = {u["Id"]: u for u in snap["User"]}
    opps = {o["Id"]: o for o in snap["Opportunity"]}
    assert result["done"] is True and result["totalSize"] == len(result["records"]) == 5
    stamps = [r["SystemModstamp"] for r in result["records"]]
    assert stamps == sorted(stamps)
    for rec in result["records"]:
        full = opps[rec["Id"]]
        assert rec["attributes"]["type"] == "Opportunity"
        assert rec["attributes"]["url"].endswith("/sobjects/Opportunity/" + rec["Id"])
        assert rec["Account"]["Name"] == accounts[full["AccountId"]]["Name"]
        assert rec["Account"]["Industry"] == accounts[full["AccountId"]]["Industry"]
        assert rec["Owner"]["Name"] == users[full["OwnerId"]]["Name"]
        assert rec["Account"]["attributes"]["type"] == "Account"
        assert full["IsClosed"] is False
        assert len(rec["SystemModstamp"]) == len("2024-05-01T12:00:00.000+0000")


def test_query_all_iter_crosses_page_boundaries_with_batch_size(
    sf_client: Any, sandbox: Sandbox
) -> None:
    """query_all_iter follows nextRecordsUrl paths; each page honours batchSize=200."""
    live = [t for t in sandbox.snapshot()["salesforce"]["Task"] if not t["IsDeleted"]]
    assert len(live) > 400  # several pages at 200 per page
    first = sf_client.query(
        f"SELECT {TASK_FIELDS} FROM Task", headers={"Sforce-Query-Options": "batchSize=200"}
    )
    assert len(first["records"]) == 200 and first["done"] is False
    assert first["nextRecordsUrl"].startswith("/services/data/v59.0/query/")
    assert first["nextRecordsUrl"].endswith("-200")
    ids = [
        r["Id"]
        for r in sf_client.query_all_iter(
            f"SELECT {TASK_FIELDS} FROM Task ORDER BY SystemModstamp, Id",
            headers={"Sforce-Query-Options": "batchSize=200"},
        )
    ]
    assert len(ids) == len(set(ids)) == len(live)
    assert set(ids) == {t["Id"] for t in live}


def test_default_page_size_is_2000(sandbox_factory: Any, sf_client_for: Any) -> None:
    """Without a batch-size hint pages hold 2,000 records."""
    sb = sandbox_factory(crm="salesforce", deals=260, seed=4)
    sf = sf_client_for(sb)
    first = sf.query("SELECT Id FROM Task")
    assert first["totalSize"] > 2000
    assert len(first["records"]) == 2000 and first["nextRecordsUrl"].endswith("-2000")
    rest = sf.query_more(first["nextRecordsUrl"], identifier_is_url=True)
    assert rest["done"] is True
    assert len(rest["records"]) == first["totalSize"] - 2000


def test_query_all_shows_deleted_records_query_does_not(
    sandbox_factory: Any, sf_client_for: Any
) -> None:
    """A deleted task disappears from query and is visible with IsDeleted through queryAll."""
    sb = sandbox_factory(crm="salesforce")
    sf = sf_client_for(sb)
    victim = sf.query("SELECT Id, SystemModstamp FROM Task LIMIT 1")["records"][0]
    assert sf.Task.delete(victim["Id"]) == 204
    soql = f"SELECT Id, IsDeleted, SystemModstamp FROM Task WHERE Id = '{victim['Id']}'"
    assert sf.query(soql)["totalSize"] == 0
    gone = sf.query_all(soql + " AND IsDeleted = true", include_deleted=True)["records"]
    assert [r["Id"] for r in gone] == [victim["Id"]]
    assert gone[0]["IsDeleted"] is True
    assert gone[0]["SystemModstamp"] > victim["SystemModstamp"]
    with pytest.raises(SalesforceResourceNotFound):
        sf.Task.get(victim["Id"])


def test_collections_create_and_update_report_per_record_results_in_order(
    sandbox_factory: Any, sf_client_for: Any
) -> None:
    """composite/sobjects answers one result per record, in order, failures keyed statusCode."""
    sb = sandbox_factory(crm="salesforce")
    sf = sf_client_for(sb)
    opp = sf.query("SELECT Id FROM Opportunity LIMIT 1")["records"][0]["Id"]
    created = sf.restful(
        "composite/sobjects",
        method="POST",
        json={
            "allOrNone": False,
            "records": [
                {"attributes": {"type": "Task"}, "Subject": "Send deck", "WhatId": opp},
                {"attributes": {"type": "Task"}, "Subject": "x" * 256, "WhatId": opp},
                {"attributes": {"type": "Task"}, "Subject": "ok", "Status": "Bogus"},
            ],
        },
    )
    assert [r["success"] for r in created] == [True, False, True]
    assert created[1]["errors"][0]["statusCode"] == "STRING_TOO_LONG"
    assert created[1]["errors"][0]["fields"] == ["Subject"]
    updated = sf.restful(
        "composite/sobjects",
        method="PATCH",
        json={
            "allOrNone": False,
            "records": [
                {"attributes": {"type": "Opportunity"}, "Id": opp, "NextStep": "n" * 256},
                {"attributes": {"type": "Opportunity"}, "Id": opp, "StageName": "Nope"},
                {"attributes": {"type": "Task"}, "Id": created[0]["id"], "Status": "Completed"},
            ],
        },
    )
    codes = [r["errors"][0]["statusCode"] if r["errors"] else None for r in updated]
    assert codes == ["STRING_TOO_LONG", "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST", None]
    task = sf.Task.get(created[0]["id"])
    assert task["Status"] == "Completed" and task["IsClosed"] is True


def test_all_or_none_rolls_back_every_record(sandbox_factory: Any, sf_client_for: Any) -> None:
    """With allOrNone one bad record leaves nothing written and the rest say ROLLED_BACK."""
    sb = sandbox_factory(crm="salesforce")
    sf = sf_client_for(sb)
    before = sf.query("SELECT COUNT() FROM Task")["totalSize"]
    result = sf.restful(
        "composite/sobjects",
        method="POST",
        json={
            "allOrNone": True,
            "records": [
                {"attributes": {"type": "Task"}, "Subject": "fine"},
                {"attributes": {"type": "Task"}, "NoSuchField__c": 1},
            ],
        },
    )
    assert result[0]["errors"][0]["statusCode"] == "ALL_OR_NONE_OPERATION_ROLLED_BACK"
    assert result[1]["errors"][0]["statusCode"] == "INVALID_FIELD"
    assert sf.query("SELECT COUNT() FROM Task")["totalSize"] == before


def test_upsert_by_external_id_creates_updates_and_reports_multiple_matches(
    sandbox_factory: Any, sf_client_for: Any
) -> None:
    """Upsert: 201 insert, 200 update of the same key, 300 when a key matches two records."""
    sb = sandbox_factory(crm="salesforce")
    sf = sf_client_for(sb)
    opp = sf.query("SELECT Id FROM Opportunity LIMIT 1")["records"][0]["Id"]
    assert sf.Task.upsert("NA_Key__c/deal-1", {"Subject": "Advance", "WhatId": opp}) == 201
    assert sf.Task.upsert("NA_Key__c/deal-1", {"Subject": "Advance v2"}) == 200
    rows = sf.query("SELECT Id, Subject FROM Task WHERE NA_Key__c = 'deal-1'")["records"]
    assert [r["Subject"] for r in rows] == ["Advance v2"]
    assert sf.Task.get_by_custom_id("NA_Key__c", "deal-1")["Id"] == rows[0]["Id"]
    base = {"StageName": "Prospecting", "CloseDate": "2026-12-31", "Legacy_Id__c": "L-1"}
    sf.Opportunity.create({"Name": "A", **base})
    sf.Opportunity.create({"Name": "B", **base})
    with pytest.raises(SalesforceMoreThanOneRecord) as err:
        sf.Opportunity.upsert("Legacy_Id__c/L-1", {"Amount": 5})
    assert len(err.value.content) == 2
    with pytest.raises(SalesforceResourceNotFound):
        sf.Task.upsert("Subject/abc", {"Status": "Completed"})


def test_collection_upsert_by_external_id_reports_created_flags(
    sandbox_factory: Any, sf_client_for: Any
) -> None:
    """PATCH composite/sobjects/Task/NA_Key__c says created true then false for the same key."""
    sb = sandbox_factory(crm="salesforce")
    sf = sf_client_for(sb)
    body = {
        "allOrNone": False,
        "records": [
            {"attributes": {"type": "Task"}, "NA_Key__c": "k-1", "Subject": "one"},
            {"attributes": {"type": "Task"}, "NA_Key__c": "k-2", "Subject": "two"},
        ],
    }
    first = sf.restful("composite/sobjects/Task/NA_Key__c", method="PATCH", json=body)
    second = sf.restful("composite/sobjects/Task/NA_Key__c", method="PATCH", json=body)
    assert [r["created"] for r in first] == [True, True]
    assert [r["created"] for r in second] == [False, False]
    assert [r["id"] for r in first] == [r["id"] for r in second]


def test_describe_lists_fields_with_metadata_and_custom_fields(sf_client: Any) -> None:
    """Describe shows lengths, picklists, and the creatable NA_*__c custom fields."""
    fields = {f["name"]: f for f in sf_client.Opportunity.describe()["fields"]}
    assert fields["NextStep"]["length"] == 255 and fields["NextStep"]["updateable"] is True
    stages = [p["value"] for p in fields["StageName"]["picklistValues"]]
    assert stages[0] == "Prospecting" and "Closed Won" in stages
    assert fields["IsClosed"]["createable"] is False
    assert fields["NA_Next_Advance__c"]["custom"] is True
    assert fields["NA_Next_Advance__c"]["createable"] is True
    task = {f["name"]: f for f in sf_client.Task.describe()["fields"]}
    assert task["NA_Key__c"]["externalId"] is True and task["NA_Key__c"]["unique"] is True
    names = {o["name"] for o in sf_client.describe()["sobjects"]}
    assert {"Opportunity", "Task", "Event", "OpportunityStage", "OpportunityContactRole"} <= names


def test_custom_fields_preset_can_be_turned_off(sandbox_factory: Any, sf_client_for: Any) -> None:
    """Without the preset the NA_ fields do not exist and writing one is INVALID_FIELD."""
    sb = sandbox_factory(crm="salesforce", custom_fields=False)
    sf = sf_client_for(sb)
    names = {f["name"] for f in sf.Opportunity.describe()["fields"]}
    assert not any(n.startswith("NA_") for n in names)
    opp = sf.query("SELECT Id FROM Opportunity LIMIT 1")["records"][0]["Id"]
    from simple_salesforce.exceptions import SalesforceMalformedRequest

    with pytest.raises(SalesforceMalformedRequest) as err:
        sf.Opportunity.update(opp, {"NA_Stalled__c": True})
    assert err.value.content[0]["errorCode"] == "INVALID_FIELD"


def test_opportunity_stage_query_lists_the_org_stages(sf_client: Any) -> None:
    """OpportunityStage is query-able with its sort order and closed/won flags."""
    rows = sf_client.query(
        "SELECT ApiName, MasterLabel, SortOrder, IsActive, IsClosed, IsWon, DefaultProbability, "
        "ForecastCategoryName FROM OpportunityStage ORDER BY SortOrder"
    )["records"]
    assert [r["SortOrder"] for r in rows] == sorted(r["SortOrder"] for r in rows)
    won = [r["MasterLabel"] for r in rows if r["IsWon"]]
    assert won == ["Closed Won"]
    assert sum(1 for r in rows if not r["IsClosed"]) == 8


def test_writes_maintain_system_fields(sandbox_factory: Any, sf_client_for: Any) -> None:
    """Create and update set CreatedDate/LastModifiedDate/SystemModstamp in Salesforce format."""
    sb = sandbox_factory(crm="salesforce")
    sf = sf_client_for(sb)
    new = sf.Opportunity.create(
        {"Name": "New", "StageName": "Qualification", "CloseDate": "2026-12-01"}
    )
    rec = sf.Opportunity.get(new["id"])
    assert rec["CreatedDate"] == rec["SystemModstamp"] and rec["CreatedDate"].endswith("+0000")
    assert rec["IsDeleted"] is False and rec["Probability"] == 10.0
    assert sf.Opportunity.update(new["id"], {"StageName": "Closed Won"}) == 204
    after = sf.Opportunity.get(new["id"])
    assert after["SystemModstamp"] > rec["SystemModstamp"]
    assert after["LastModifiedDate"] == after["SystemModstamp"]
    assert after["IsWon"] is True and after["IsClosed"] is True


def test_limit_header_is_parsed_by_the_client(sf_client: Any) -> None:
    """Every response carries Sforce-Limit-Info, which simple-salesforce turns into api_usage."""
    sf_client.query("SELECT Id FROM User LIMIT 1")
    usage = sf_client.api_usage["api-usage"]
    assert 0 < usage.used <= usage.total


def test_expired_session_raises_in_session_id_mode(
    sandbox_factory: Any, sf_client_for: Any
) -> None:
    """expire_all_tokens kills issued sessions: a 401 list body becomes SalesforceExpiredSession."""
    sb = sandbox_factory(crm="salesforce")
    sf = sf_client_for(sb)
    sf.query("SELECT Id FROM User LIMIT 1")
    sb.set_faults(expire_all_tokens=True)
    with pytest.raises(SalesforceExpiredSession) as err:
        sf.query("SELECT Id FROM User LIMIT 1")
    assert err.value.content[0]["errorCode"] == "INVALID_SESSION_ID"


def test_token_lifetime_expires_sessions(sandbox_factory: Any, sf_client_for: Any) -> None:
    """With token_lifetime_s set, a session stops working after that long."""
    import time

    sb = sandbox_factory(crm="salesforce", faults={"token_lifetime_s": 2.0})
    sf = sf_client_for(sb, session_id=_token(sb, "password"))
    sf.query("SELECT Id FROM User LIMIT 1")
    time.sleep(2.1)
    with pytest.raises(SalesforceExpiredSession):
        sf.query("SELECT Id FROM User LIMIT 1")


def _token(sb: Sandbox, grant: str, **override: str) -> str:
    import requests

    creds = sb.salesforce_credentials
    form = {
        "grant_type": grant,
        "client_id": creds["client_id"],
        "client_secret": creds["client_secret"],
    }
    if grant == "password":
        form.update(username=creds["username"], password=creds["password"])
    else:
        form["refresh_token"] = creds["refresh_token"]
    form.update(override)
    resp = requests.post(f"{sb.base_url}/services/oauth2/token", data=form, verify=str(sb.ca_path))
    resp.raise_for_status()
    body = resp.json()
    assert body["instance_url"] == sb.base_url and body["token_type"] == "Bearer"
    return str(body["access_token"])


def test_token_endpoint_password_and_refresh_grants(
    sandbox_factory: Any, sf_client_for: Any
) -> None:
    """Both grants issue sessions that work after all earlier sessions were expired."""
    import requests

    sb = sandbox_factory(crm="salesforce")
    sb.set_faults(expire_all_tokens=True)
    for grant in ("password", "refresh_token"):
        sf = sf_client_for(sb, session_id=_token(sb, grant))
        assert sf.query("SELECT COUNT() FROM Opportunity")["totalSize"] == 20
    bad = requests.post(
        f"{sb.base_url}/services/oauth2/token",
        data={
            "grant_type": "password",
            "client_id": sb.salesforce_credentials["client_id"],
            "client_secret": sb.salesforce_credentials["client_secret"],
            "username": "x",
            "password": "y",
        },
        verify=str(sb.ca_path),
    )
    assert bad.status_code == 400 and bad.json()["error"] == "invalid_grant"


def test_get_updated_and_get_deleted(sandbox_factory: Any, sf_client_for: Any) -> None:
    """SFType.updated/deleted list ids changed or deleted in a recent window."""
    from datetime import UTC, datetime, timedelta

    sb = sandbox_factory(crm="salesforce")
    sf = sf_client_for(sb)
    start = datetime.now(UTC) - timedelta(minutes=5)
    rows = sf.query("SELECT Id FROM Task LIMIT 2")["records"]
    sf.Task.update(rows[0]["Id"], {"Status": "Completed"})
    sf.Task.delete(rows[1]["Id"])
    end = datetime.now(UTC) + timedelta(minutes=5)
    assert sf.Task.updated(start, end)["ids"] == [rows[0]["Id"]]
    deleted = sf.Task.deleted(start, end)["deletedRecords"]
    assert [d["id"] for d in deleted] == [rows[1]["Id"]]
    from simple_salesforce.exceptions import SalesforceMalformedRequest

    with pytest.raises(SalesforceMalformedRequest) as err:
        sf.Task.updated(start - timedelta(days=40), end)
    assert err.value.content[0]["errorCode"] == "INVALID_REPLICATION_DATE"


def test_external_ids_of_id_length_are_not_treated_as_record_ids(
    sandbox_factory: Any, sf_client_for: Any
) -> None:
    """A 15-character external id value with punctuation is matched verbatim in WHERE ... IN."""
    sb = sandbox_factory(crm="salesforce")
    sf = sf_client_for(sb)
    keys = ["deal-00-000-00", "ABCDEFGHIJKLMNO"]
    for key in keys:
        sf.Task.upsert(f"NA_Key__c/{key}", {"Subject": key})
    quoted = ", ".join(f"'{k}'" for k in keys)
    rows = sf.query(f"SELECT Subject FROM Task WHERE NA_Key__c IN ({quoted})")["records"]
    assert sorted(r["Subject"] for r in rows) == sorted(keys)


def test_get_record_with_a_field_list(sf_client: Any) -> None:
    """GET sobjects/<Type>/<Id>?fields=... returns just those fields; an unknown one is INVALID_FIELD."""
    from simple_salesforce.exceptions import SalesforceMalformedRequest

    opp = sf_client.query("SELECT Id FROM Opportunity LIMIT 1")["records"][0]["Id"]
    rec = sf_client.restful(f"sobjects/Opportunity/{opp}", params={"fields": "Name,StageName"})
    assert set(rec) == {"attributes", "Name", "StageName"}
    with pytest.raises(SalesforceMalformedRequest) as err:
        sf_client.restful(f"sobjects/Opportunity/{opp}", params={"fields": "Nope"})
    assert err.value.content[0]["errorCode"] == "INVALID_FIELD"
