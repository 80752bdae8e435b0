"""SOQL semantics of the emulated org, checked against the same data filtered in Python."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from simple_salesforce.exceptions import SalesforceMalformedRequest

from nextadvance.sandbox import Sandbox


@pytest.fixture(scope="module")
def snap(sandbox: Sandbox) -> dict[str, list[dict[str, Any]]]:
    """The shared sandbox's records (read-only tests only)."""
    return {
        k: [r for r in v if not r["IsDeleted"]] for k, v in sandbox.snapshot()["salesforce"].items()
    }


def _dt(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%f%z")


def _ids(result: dict[str, Any]) -> list[str]:
    return [r["Id"] for r in result["records"]]


def test_and_or_not_with_parentheses(sf_client: Any, snap: dict[str, Any]) -> None:
    """Boolean structure and comparison operators select what Python selects."""
    got = sf_client.query_all(
        "SELECT Id FROM Opportunity WHERE (Amount >= 50000 OR StageName = 'Prospecting') "
        "AND NOT IsClosed = true AND Amount != null"
    )
    want = {
        o["Id"]
        for o in snap["Opportunity"]
        if (o["Amount"] >= 50000 or o["StageName"] == "Prospecting") and not o["IsClosed"]
    }
    assert set(_ids(got)) == want and want


def test_in_not_in_like_and_null(sf_client: Any, snap: dict[str, Any]) -> None:
    """IN, NOT IN, LIKE (case-insensitive, % wildcard) and = null behave like SOQL."""
    stages = ("Prospecting", "Qualification")
    got = sf_client.query_all(
        "SELECT Id FROM Opportunity WHERE StageName IN ('Prospecting', 'Qualification')"
    )
    assert set(_ids(got)) == {o["Id"] for o in snap["Opportunity"] if o["StageName"] in stages}
    got = sf_client.query_all(
        "SELECT Id FROM Opportunity WHERE StageName NOT IN ('Prospecting', 'Qualification')"
    )
    assert set(_ids(got)) == {o["Id"] for o in snap["Opportunity"] if o["StageName"] not in stages}
    got = sf_client.query_all("SELECT Id FROM Task WHERE Subject LIKE 'email:%'")
    want = {t["Id"] for t in snap["Task"] if (t["Subject"] or "").lower().startswith("email:")}
    assert set(_ids(got)) == want and want
    got = sf_client.query_all("SELECT Id FROM Opportunity WHERE NextStep = null")
    assert set(_ids(got)) == {o["Id"] for o in snap["Opportunity"] if o["NextStep"] is None}


def test_datetime_date_and_relative_date_literals(sf_client: Any, snap: dict[str, Any]) -> None:
    """Unquoted datetime/date literals and LAST_N_DAYS compare on the right types."""
    stamps = sorted(t["SystemModstamp"] for t in snap["Task"])
    pivot = stamps[len(stamps) // 2]
    literal = pivot[:19] + "Z"
    floor = datetime.fromisoformat(literal.replace("Z", "+00:00"))
    got = sf_client.query_all(f"SELECT Id FROM Task WHERE SystemModstamp > {literal}")
    want = {t["Id"] for t in snap["Task"] if _dt(t["SystemModstamp"]) > floor}
    assert set(_ids(got)) == want and 0 < len(want) < len(stamps)
    got = sf_client.query_all("SELECT Id FROM Opportunity WHERE CloseDate < 2026-12-01")
    assert set(_ids(got)) == {o["Id"] for o in snap["Opportunity"] if o["CloseDate"] < "2026-12-01"}
    recent = sf_client.query_all("SELECT Id FROM Opportunity WHERE CreatedDate = LAST_N_DAYS:10000")
    assert len(recent["records"]) == len(snap["Opportunity"])
    today = datetime.now(UTC).date()
    cutoff = (today - timedelta(days=30)).isoformat()
    got = sf_client.query_all("SELECT Id FROM Event WHERE ActivityDate = LAST_N_DAYS:30")
    want = {e["Id"] for e in snap["Event"] if cutoff <= e["ActivityDate"] <= today.isoformat()}
    assert set(_ids(got)) == want


def test_order_by_several_fields_with_nulls_last_limit_offset(
    sf_client: Any, snap: dict[str, Any]
) -> None:
    """ORDER BY a DESC NULLS LAST, b ASC then OFFSET/LIMIT slice the same sequence as Python."""
    rows = sf_client.query_all(
        "SELECT Id, NextStep, Amount FROM Opportunity ORDER BY NextStep DESC NULLS LAST, Amount, Id"
    )["records"]
    keyed = sorted(snap["Opportunity"], key=lambda o: (o["Amount"], o["Id"]))
    with_step = sorted(
        (o for o in keyed if o["NextStep"] is not None),
        key=lambda o: o["NextStep"].lower(),
        reverse=True,
    )
    expected = [o["NextStep"] for o in with_step] + [None] * sum(
        1 for o in keyed if o["NextStep"] is None
    )
    assert [r["NextStep"] for r in rows] == expected
    page = sf_client.query("SELECT Id FROM Opportunity ORDER BY Name LIMIT 5 OFFSET 3")
    names = sorted(snap["Opportunity"], key=lambda o: o["Name"].lower())
    assert [r["Id"] for r in page["records"]] == [o["Id"] for o in names[3:8]]


def test_relationship_field_in_where_and_polymorphic_what(
    sf_client: Any, snap: dict[str, Any]
) -> None:
    """Filters on Account.Industry and What.Name follow the lookups."""
    accounts = {a["Id"]: a for a in snap["Account"]}
    got = sf_client.query_all("SELECT Id FROM Opportunity WHERE Account.Industry = 'Healthcare'")
    want = {
        o["Id"] for o in snap["Opportunity"] if accounts[o["AccountId"]]["Industry"] == "Healthcare"
    }
    assert set(_ids(got)) == want
    opp = snap["Opportunity"][0]
    name = opp["Name"].replace("'", "\\'")
    got = sf_client.query_all(f"SELECT Id, What.Name FROM Task WHERE What.Name = '{name}'")
    assert {r["What"]["Name"] for r in got["records"]} <= {opp["Name"]}
    assert {r["Id"] for r in got["records"]} == {
        t["Id"]
        for t in snap["Task"]
        if t["WhatId"] in {o["Id"] for o in snap["Opportunity"] if o["Name"] == opp["Name"]}
    }


def test_where_by_parent_ids_uses_the_same_semantics_as_a_scan(
    sf_client: Any, snap: dict[str, Any]
) -> None:
    """WhatId IN (...) (served from an index) returns exactly the tasks of those deals."""
    deal_ids = [o["Id"] for o in snap["Opportunity"][:7]]
    quoted = ", ".join(f"'{i}'" for i in deal_ids)
    got = sf_client.query_all(
        f"SELECT Id FROM Task WHERE WhatId IN ({quoted}) AND Status = 'Completed'"
    )
    want = {t["Id"] for t in snap["Task"] if t["WhatId"] in deal_ids and t["Status"] == "Completed"}
    assert set(_ids(got)) == want and want


@pytest.mark.parametrize(
    ("soql", "code"),
    [
        ("SELECT Id FROM Opportunity WHERE", "MALFORMED_QUERY"),
        ("SELECT Id Opportunity", "MALFORMED_QUERY"),
        ("SELEC Id FROM Opportunity", "MALFORMED_QUERY"),
        ("SELECT Foo FROM Opportunity", "INVALID_FIELD"),
        ("SELECT Account.Foo FROM Opportunity", "INVALID_FIELD"),
        ("SELECT Id FROM Opportunityy", "INVALID_TYPE"),
        ("SELECT Id FROM Opportunity WHERE SystemModstamp > '2024-01-01'", "INVALID_FIELD"),
        ("SELECT Id FROM Opportunity WHERE Name = 5", "MALFORMED_QUERY"),
    ],
)
def test_bad_queries_get_the_real_error_codes(sf_client: Any, soql: str, code: str) -> None:
    """Refused queries raise SalesforceMalformedRequest with the org's errorCode and a caret message."""
    with pytest.raises(SalesforceMalformedRequest) as err:
        sf_client.query(soql)
    body = err.value.content
    assert body[0]["errorCode"] == code
    assert "ERROR at Row:1:Column:" in body[0]["message"]
    assert "Traceback" not in str(body)


def test_polymorphic_type_filters_and_selects_the_target_object(
    sf_client: Any, snap: dict[str, Any]
) -> None:
    """What.Type = 'Opportunity' keeps tasks on deals and is returned nested under What."""
    got = sf_client.query_all(
        "SELECT Id, What.Type, What.Name FROM Task WHERE What.Type = 'Opportunity'"
    )
    opp_ids = {o["Id"] for o in snap["Opportunity"]}
    assert {r["Id"] for r in got["records"]} == {
        t["Id"] for t in snap["Task"] if t["WhatId"] in opp_ids
    }
    assert {r["What"]["Type"] for r in got["records"]} == {"Opportunity"}
    assert {r["What"]["attributes"]["type"] for r in got["records"]} == {"Name"}
    assert all("/sobjects/Opportunity/" in r["What"]["attributes"]["url"] for r in got["records"])
    with pytest.raises(SalesforceMalformedRequest) as err:
        sf_client.query("SELECT What.Amount FROM Task")
    assert err.value.content[0]["errorCode"] == "INVALID_FIELD"
    assert "on entity 'Name'" in err.value.content[0]["message"]


def test_like_on_an_id_field_is_refused_as_the_org_does(sf_client: Any) -> None:
    """LIKE works on text only: on an id or lookup field it is INVALID_QUERY_FILTER_OPERATOR."""
    with pytest.raises(SalesforceMalformedRequest) as err:
        sf_client.query("SELECT Id FROM Task WHERE WhatId LIKE '006%'")
    assert err.value.content[0]["errorCode"] == "INVALID_QUERY_FILTER_OPERATOR"
    assert "invalid operator on id field" in err.value.content[0]["message"]
