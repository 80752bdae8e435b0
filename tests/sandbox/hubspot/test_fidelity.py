"""HubSpot behaviours third-party clients rely on (issue 21), each checked against the
vendor's reference or a real response quoted in a public thread (cited per test)."""

from __future__ import annotations

from datetime import datetime

from nextadvance.sandbox.hubspot import PRIVATE_APP_TOKEN

SEARCH = "/crm/v3/objects/deals/search"


def _ids(response) -> set[str]:  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.text
    return {r["id"] for r in response.json()["results"]}


def test_top_level_filters_are_applied_not_ignored(hs):
    """A top-level ``filters`` list is one AND-ed group, as the real API applies it (the
    Airbyte HubSpot source sends its incremental window that way: source-hubspot
    ``CRMSearchStream`` payload ``{"filters": [{"propertyName", "operator": "GTE", ...}]}``).
    Ignoring it returned every record with no error."""
    everything = _ids(hs.raw("POST", SEARCH, json={"limit": 200}))
    stamps = sorted(
        r["properties"]["hs_lastmodifieddate"]
        for r in hs.raw("POST", SEARCH, json={"limit": 200}).json()["results"]
    )
    middle = stamps[len(stamps) // 2]
    ms = int(datetime.fromisoformat(middle.replace("Z", "+00:00")).timestamp() * 1000)
    f = {"propertyName": "hs_lastmodifieddate", "operator": "GTE", "value": str(ms)}
    top = _ids(hs.raw("POST", SEARCH, json={"filters": [f], "limit": 200}))
    grouped = _ids(hs.raw("POST", SEARCH, json={"filterGroups": [{"filters": [f]}], "limit": 200}))
    assert top == grouped
    assert 0 < len(top) < len(everything)
    # Both forms together only narrow: the top-level filters apply inside every group.
    other = {"propertyName": "dealstage", "operator": "EQ", "value": "closedwon"}
    both = _ids(
        hs.raw(
            "POST",
            SEARCH,
            json={"filters": [f], "filterGroups": [{"filters": [other]}], "limit": 200},
        )
    )
    won = _ids(hs.raw("POST", SEARCH, json={"filterGroups": [{"filters": [other]}], "limit": 200}))
    assert both == top & won


def test_unknown_operator_is_the_binders_400_in_either_form(hs):
    """An operator outside ``FilterOperatorEnum`` (EQ NEQ LT LTE GT GTE BETWEEN IN NOT_IN
    HAS_PROPERTY NOT_HAS_PROPERTY CONTAINS_TOKEN NOT_CONTAINS_TOKEN; HubSpot's CRM search
    guide, "Filter search results") is refused with the JSON binder's body: ``status``,
    ``message`` "Invalid input JSON ... Cannot deserialize ...", ``correlationId`` and no
    ``category`` (real body quoted in HubSpot/hubspot-api-python issue #76)."""
    bad = {"propertyName": "amount", "operator": "LIKE", "value": "1"}
    for body in ({"filters": [bad]}, {"filterGroups": [{"filters": [bad]}]}):
        response = hs.raw("POST", SEARCH, json=body)
        assert response.status_code == 400
        data = response.json()
        assert set(data) == {"status", "message", "correlationId"}
        assert data["status"] == "error"
        assert data["message"].startswith("Invalid input JSON")
        assert 'from String "LIKE"' in data["message"]
    missing = hs.raw("POST", SEARCH, json={"filters": [{"propertyName": "amount"}]})
    assert missing.status_code == 400
    assert "required attributes are not set [operator]" in missing.json()["message"]


def test_unknown_association_types_on_a_list_are_ignored(hs):
    """``associations=tickets,line_items,nonsense`` on a v3 list: types that exist but have
    no links and names that are no object type are ignored, never a 400 (CRM objects
    reference, list parameter ``associations``: "If any of the specified associations do
    not exist, they will be ignored")."""
    response = hs.raw(
        "GET", "/crm/v3/objects/deals?limit=5&associations=tickets,line_items,nonsense,companies"
    )
    assert response.status_code == 200, response.text
    rows = response.json()["results"]
    assert rows and all(set(r.get("associations", {})) <= {"companies"} for r in rows)
    assert any("companies" in r.get("associations", {}) for r in rows)


def test_standard_object_types_exist_empty_with_properties_and_associations(hs):
    """Every portal has the standard objects (tickets 0-5, products 0-7, line items 0-8,
    quotes 0-14, communications 0-18, postal mail 0-116 ...; the object definition pages
    of HubSpot's CRM reference): lists are 200 and empty, properties are listed, search
    works, and association types to deals/contacts/companies exist (v4 associations guide:
    contact→ticket 15, deal→line item 19, deal→ticket 27, deal→quote 63)."""
    for name in ("tickets", "products", "line_items", "quotes", "communications", "postal_mail"):
        listed = hs.raw("GET", f"/crm/v3/objects/{name}")
        assert listed.status_code == 200, (name, listed.text)
        assert listed.json()["results"] == []
        props = hs.raw("GET", f"/crm/v3/properties/{name}")
        assert props.status_code == 200, (name, props.text)
        names = {p["name"] for p in props.json()["results"]}
        assert {"hs_object_id", "hs_lastmodifieddate"} <= names
        found = hs.raw("POST", f"/crm/v3/objects/{name}/search", json={})
        assert found.status_code == 200 and found.json()["total"] == 0
    assert hs.raw("GET", "/crm/v3/objects/0-5").status_code == 200  # by object type id
    # The association itself works in both directions, with the inverse type id.
    created = hs.raw(
        "POST", "/crm/v3/objects/tickets", json={"properties": {"subject": "Printer on fire"}}
    )
    assert created.status_code == 201, created.text
    ticket = created.json()["id"]
    deal = hs.raw("GET", "/crm/v3/objects/deals?limit=1").json()["results"][0]["id"]
    put = hs.raw("PUT", f"/crm/v4/objects/deals/{deal}/associations/default/tickets/{ticket}")
    assert put.status_code in (200, 201), put.text
    back = hs.raw("GET", f"/crm/v4/objects/tickets/{ticket}/associations/deals")
    assert back.status_code == 200
    assert back.json()["results"][0]["associationTypes"][0]["typeId"] == 28


def test_schemas_endpoint_lists_no_custom_objects(hs):
    """``GET /crm/v3/schemas`` answers 200 with an empty ``results`` on a portal without
    custom objects (CRM custom objects reference, "Retrieve existing custom objects")."""
    response = hs.raw("GET", "/crm/v3/schemas")
    assert response.status_code == 200
    assert response.json() == {"results": []}


def test_legacy_properties_and_pipelines(hs):
    """Legacy metadata endpoints answer in their v1 shapes (legacy reference: properties
    v1/v2 "Get all properties" → a JSON array of property objects with ``groupName``;
    deals v1 "Get all deal pipelines" → array with ``pipelineId`` and ``stages``;
    crm-pipelines v1 "Get all pipelines for an object type" → ``{"results": [...]}``)."""
    for path in (
        "/properties/v2/deals/properties",
        "/properties/v1/deals/properties",
        "/properties/v1/contacts/properties",
        "/companies/v2/properties",
    ):
        response = hs.raw("GET", path)
        assert response.status_code == 200, path
        rows = response.json()
        assert isinstance(rows, list) and all("groupName" in p and "type" in p for p in rows)
    pipelines = hs.raw("GET", "/deals/v1/pipelines").json()
    assert {p["pipelineId"] for p in pipelines} == {"default", "7654321"}
    assert pipelines[0]["stages"][0] == {
        "stageId": "appointmentscheduled",
        "label": "Appointment Scheduled",
        "probability": 0.2,
        "active": True,
        "displayOrder": 0,
        "closedWon": False,
    }
    crm = hs.raw("GET", "/crm-pipelines/v1/pipelines/deals").json()["results"]
    assert [p["objectType"] for p in crm] == ["DEAL", "DEAL"]
    tickets = hs.raw("GET", "/crm-pipelines/v1/pipelines/tickets").json()["results"]
    assert tickets[0]["stages"][0]["stageId"] == "1"


def test_legacy_deals_companies_and_engagements_page_through_everything(hs):
    """v1 deals / v2 companies "get all" page with ``offset`` and ``hasMore`` /
    ``has-more``; every property is ``{"value", "timestamp", "source", "versions"}`` with
    datetimes in epoch ms; v1 engagements (paged, recent/modified) carry ``engagement``,
    ``associations`` and ``metadata`` (legacy reference pages for each endpoint)."""
    snapshot = hs.app.snapshot()["objects"]

    def collect(path: str, key: str, more: str, limit: int) -> list[dict]:  # type: ignore[type-arg]
        out, offset = [], 0
        while True:
            data = hs.raw(
                "GET", f"{path}?limit={limit}&offset={offset}&includeAllProperties=true"
            ).json()
            out.extend(data[key])
            if not data[more]:
                return out
            offset = data["offset"]

    deals = collect("/deals/v1/deal/paged", "deals", "hasMore", 7)
    assert len(deals) == len(snapshot["deals"]) == len({d["dealId"] for d in deals})
    stamp = deals[0]["properties"]["hs_lastmodifieddate"]
    assert stamp["value"].isdigit() and stamp["timestamp"] == int(stamp["value"])
    companies = collect("/companies/v2/companies/paged", "companies", "has-more", 4)
    assert len(companies) == len(snapshot["companies"])
    one = hs.raw("GET", f"/companies/v2/companies/{companies[0]['companyId']}").json()
    assert one["properties"]["name"]["value"]
    engagements = collect("/engagements/v1/engagements/paged", "results", "hasMore", 50)
    total = sum(len(snapshot[t]) for t in ("calls", "emails", "meetings", "notes", "tasks"))
    assert len(engagements) == total
    assert {e["engagement"]["type"] for e in engagements} == {
        "CALL",
        "EMAIL",
        "MEETING",
        "NOTE",
        "TASK",
    }
    assert any(e["associations"]["dealIds"] for e in engagements)
    recent = hs.raw("GET", "/engagements/v1/engagements/recent/modified?since=0&count=100").json()
    assert recent["total"] == total and recent["hasMore"]


def test_oauth_token_metadata(hs):
    """``GET /oauth/v1/access-tokens/{token}`` describes a live token (``hub_id``,
    ``scopes``, ``token_type``, ``expires_in``; OAuth v1 reference "Retrieve OAuth token
    metadata") with no Authorization header; an unknown token is a 404."""
    response = hs.raw("GET", f"/oauth/v1/access-tokens/{PRIVATE_APP_TOKEN}", token="")
    assert response.status_code == 200
    body = response.json()
    assert "crm.objects.deals.read" in body["scopes"] and body["hub_id"]
    assert hs.raw("GET", "/oauth/v1/access-tokens/nope", token="").status_code == 404


def test_date_versioned_oauth_token_path(hs):
    """HubSpot's date-versioned paths (``/oauth/2026-03/token``, used by the Stitch tap)
    are the same endpoint as ``/oauth/v1/token`` (HubSpot API versioning guide)."""
    creds = hs.app.credentials()
    form = {
        "grant_type": "refresh_token",
        "client_id": creds["client_id"],
        "client_secret": creds["client_secret"],
        "refresh_token": creds["refresh_token"],
    }
    response = hs.raw("POST", "/oauth/2026-03/token", token="", data=form)
    assert response.status_code == 200, response.text
    assert response.json()["access_token"]
