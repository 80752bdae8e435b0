"""Faults in HubSpot's shapes: per-record rejects (207), dropped replies after commit, a
rep's edit racing our update, server-injected 429/5xx, and reps working deals (mutate)."""

from __future__ import annotations

import json

import pytest
import urllib3
from hubspot.crm.deals import ApiException, BatchInputSimplePublicObjectBatchInput
from hubspot.crm.deals import SimplePublicObjectInputForCreate as DealCreate

from nextadvance.sandbox._faults import FaultPlan


def test_reject_record_gives_207_with_per_record_errors(hs_factory):
    """With reject_record on, a batch update answers 207: some results, numErrors and VALIDATION_ERROR entries."""
    sandbox = hs_factory(None, FaultPlan(seed=1))
    api = sandbox.client().crm.deals
    ids = [api.basic_api.create(DealCreate(properties={"dealname": f"D{i}"})).id for i in range(20)]
    sandbox.faults.update({"reject_record": 0.3})
    result = api.batch_api.update(
        BatchInputSimplePublicObjectBatchInput(
            inputs=[{"id": i, "properties": {"hs_next_step": "next"}} for i in ids]
        )
    )
    assert 0 < result.num_errors < 20 and len(result.results) + result.num_errors == 20
    assert {e.category for e in result.errors} == {"VALIDATION_ERROR"}
    rejected = {i for e in result.errors for i in e.context["ids"]}
    assert rejected.isdisjoint({r.id for r in result.results})
    assert sandbox.app.stats()["rejected_records"] == result.num_errors


def test_drop_after_commit_loses_the_reply_but_keeps_the_write(hs_factory):
    """A dropped reply surfaces as a transport error while the record was created anyway."""
    sandbox = hs_factory(None, FaultPlan(drop_after_commit=1.0))
    api = sandbox.client().crm.deals.basic_api
    with pytest.raises((ApiException, urllib3.exceptions.HTTPError)):
        api.create(DealCreate(properties={"dealname": "Committed"}))
    sandbox.faults.update({"drop_after_commit": 0.0})
    assert [d.properties["dealname"] for d in api.get_page().results] == ["Committed"]


def test_human_edit_lands_before_our_update(hs_factory):
    """With human_edit on, a rep's next-step edit precedes our update and is recorded in the snapshot."""
    sandbox = hs_factory(None, FaultPlan(human_edit=1.0))
    api = sandbox.client().crm.deals.basic_api
    deal = api.create(DealCreate(properties={"dealname": "Raced", "amount": "100"}))
    api.update(deal.id, {"properties": {"amount": "200"}})
    got = api.get_by_id(deal.id, properties=["amount", "hs_next_step"])
    assert got.properties["amount"] == "200" and got.properties["hs_next_step"].startswith(
        "Rep note"
    )
    assert sandbox.app.snapshot()["human_edits"] == [
        {
            "type": "deals",
            "id": deal.id,
            "properties": {"hs_next_step": got.properties["hs_next_step"]},
        }
    ]


def test_server_injected_faults_use_hubspot_shapes(hs_factory):
    """The server's generic 429 and 5xx faults are answered in HubSpot's error bodies."""
    sandbox = hs_factory(None, FaultPlan(rate_429=1.0, retry_after_s=1.0))
    limited = sandbox.raw("GET", "/crm/v3/objects/deals")
    assert limited.status_code == 429 and limited.json()["errorType"] == "RATE_LIMIT"
    assert limited.headers["Retry-After"] == "1"
    sandbox.faults.update({"rate_429": 0.0, "rate_5xx": 1.0})
    failed = sandbox.raw("GET", "/crm/v3/objects/deals")
    assert failed.status_code >= 500 and failed.json()["status"] == "error"


def test_mutate_moves_open_deals_like_reps(hs):
    """mutate(count, seed) adds a completed meeting, moves the stage forward and bumps the stamp."""
    client = hs.client()
    before = {d.id: d for d in client.crm.deals.get_all(properties=["dealstage", "hs_next_step"])}
    changed = hs.app.mutate(3, seed=9)
    assert len(changed) == 3
    for deal_id in changed:
        after = client.crm.deals.basic_api.get_by_id(
            deal_id, properties=["dealstage", "hs_next_step"], associations=["meetings"]
        )
        assert after.updated_at > before[deal_id].updated_at
        meeting_ids = [r.id for r in after.associations["meetings"].results]
        outcomes = [
            client.crm.objects.meetings.basic_api.get_by_id(
                m, properties=["hs_meeting_outcome"]
            ).properties["hs_meeting_outcome"]
            for m in meeting_ids
        ]
        assert "COMPLETED" in outcomes
    assert hs.app.mutate(3, seed=9) == changed  # same seed, same open deals: same choice
    assert json.dumps(hs.app.stats())
