"""Conformance of pipelines, properties, property groups, owners, Associations v4 and the
OAuth token endpoint, through hubspot-api-client with validation on."""

from __future__ import annotations

import json

import pytest
from hubspot.crm.associations.v4 import (
    BatchInputPublicAssociationMultiPost,
    BatchInputPublicDefaultAssociationMultiPost,
    BatchInputPublicFetchAssociationsBatchRequest,
)
from hubspot.crm.properties import ApiException as PropertiesApiException
from hubspot.crm.properties import PropertyCreate, PropertyGroupCreate

from nextadvance.sandbox.hubspot import CLIENT_ID, CLIENT_SECRET, REFRESH_TOKEN


def test_pipelines_with_default_stages_and_string_metadata(hs):
    """Deal pipelines list HubSpot's default stages with string probabilities, plus a second pipeline."""
    api = hs.client().crm.pipelines
    pipelines = api.pipelines_api.get_all("deals").results
    assert pipelines[0].id == "default" and len(pipelines) == 2
    stages = {s.id: s for s in pipelines[0].stages}
    assert stages["appointmentscheduled"].metadata == {"isClosed": "false", "probability": "0.2"}
    assert stages["closedwon"].metadata == {"isClosed": "true", "probability": "1.0"}
    assert stages["contractsent"].metadata["probability"] == "0.9"
    one = api.pipelines_api.get_by_id("deals", pipelines[1].id)
    assert one.label == pipelines[1].label
    assert len(api.pipeline_stages_api.get_all("deals", "default").results) == 7


def test_properties_read_and_create_with_conflict(hs_empty):
    """Default deal properties are listed; a custom one can be created once, then 409."""
    core = hs_empty.client().crm.properties.core_api
    names = {p.name: p for p in core.get_all("deals").results}
    for name in (
        "dealname",
        "dealstage",
        "hs_next_step",
        "hubspot_owner_id",
        "hs_deal_stage_probability",
        "hs_is_closed",
        "hs_is_closed_won",
        "dealtype",
    ):
        assert name in names
    assert "budget_confirmed" not in names
    assert {o.value for o in names["dealtype"].options} == {"newbusiness", "existingbusiness"}
    groups = hs_empty.client().crm.properties.groups_api
    assert "nextadvance" in {g.name for g in groups.get_all("tasks").results}
    assert core.get_by_name("tasks", "na_task_key").has_unique_value is True
    groups.create("deals", PropertyGroupCreate(name="nextadvance", label="NextAdvance"))
    spec = PropertyCreate(
        name="na_suggestion",
        label="NextAdvance suggestion",
        type="string",
        field_type="textarea",
        group_name="nextadvance",
    )
    created = core.create("deals", spec)
    assert created.name == "na_suggestion" and created.hubspot_defined is False
    with pytest.raises(PropertiesApiException) as exc:
        core.create("deals", spec)
    assert exc.value.status == 409
    deal = hs_empty.client().crm.deals.basic_api.create(
        {"properties": {"dealname": "x", "na_suggestion": "Ask"}}
    )
    assert deal.properties["na_suggestion"] == "Ask"


def test_nextadvance_group_is_optional(hs_factory):
    """With nextadvance_group=False the portal has no na_task_key until someone creates it."""
    sandbox = hs_factory(None, nextadvance_group=False)
    names = {p.name for p in sandbox.client().crm.properties.core_api.get_all("tasks").results}
    assert "na_task_key" not in names


def test_owners_paging_and_lookup(hs, hs_world):
    """Owners page through the trailing-slash path and can be fetched by id."""
    api = hs.client().crm.owners.owners_api
    page = api.get_page(limit=2)
    assert len(page.results) == 2 and page.paging.next.after
    everyone = api.get_page(limit=500).results
    assert len(everyone) == len(hs_world.owners)
    assert api.get_by_id(int(everyone[0].id)).email == everyone[0].email
    by_email = api.get_page(email=everyone[1].email).results
    assert [o.id for o in by_email] == [everyone[1].id]


def test_associations_v4_batch_read_create_and_default(hs):
    """v4 batch read lists labelled links (207 for ids without any); create and default add links."""
    client = hs.client()
    deals = client.crm.deals.basic_api.get_page(limit=3).results
    v4 = client.crm.associations.v4
    read = v4.batch_api.get_page(
        "deals",
        "contacts",
        BatchInputPublicFetchAssociationsBatchRequest(
            inputs=[{"id": d.id} for d in deals] + [{"id": "42"}]
        ),
    )
    assert read.num_errors == 1 and read.errors[0].context == {"ids": ["42"]}
    labels = {t.label for r in read.results for to in r.to for t in to.association_types}
    assert None in labels and labels - {None}  # unlabelled 3 plus role labels
    assert all(isinstance(to.to_object_id, str) for r in read.results for to in r.to)
    contact = client.crm.contacts.basic_api.get_page(limit=1, after="0").results[0]
    made = v4.batch_api.create(
        "deals",
        "contacts",
        BatchInputPublicAssociationMultiPost(
            inputs=[
                {
                    "from": {"id": deals[0].id},
                    "to": {"id": contact.id},
                    "types": [{"associationCategory": "USER_DEFINED", "associationTypeId": 1001}],
                }
            ]
        ),
    )
    assert made.results[0].labels == ["Decision Maker"]
    dflt = v4.batch_api.create_default(
        "calls",
        "deals",
        BatchInputPublicDefaultAssociationMultiPost(
            inputs=[
                {"from": {"id": _first_id(client.crm.objects.calls)}, "to": {"id": deals[1].id}}
            ]
        ),
    )
    assert dflt.results[0].association_spec.association_type_id == 206
    back = v4.basic_api.get_page("contacts", contact.id, "deals")
    assert deals[0].id in {r.to_object_id for r in back.results}
    both = {
        t.type_id
        for r in back.results
        if r.to_object_id == deals[0].id
        for t in r.association_types
    }
    assert {4, 1002} <= both


def _first_id(api):
    return api.basic_api.get_page(limit=1).results[0].id


def test_oauth_refresh_token_exchange(hs):
    """The OAuth token endpoint answers the TokenResponseIF shape and the token works."""
    tokens = hs.client().oauth.tokens_api.create(
        grant_type="refresh_token",
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        refresh_token=REFRESH_TOKEN,
    )
    assert (
        tokens.token_type == "bearer"
        and tokens.expires_in == 1800
        and tokens.refresh_token == REFRESH_TOKEN
    )
    assert hs.client(tokens.access_token).crm.deals.basic_api.get_page(limit=1).results
    bad = hs.raw(
        "POST",
        "/oauth/v1/token",
        data={
            "grant_type": "refresh_token",
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "refresh_token": "nope",
        },
    )
    assert bad.status_code == 400 and json.loads(bad.text)["status"] == "BAD_REFRESH_TOKEN"
