"""Salesforce connector operations against recorded org answers (cassettes/salesforce/)."""

from __future__ import annotations

import pytest

from nextadvance.connectors import WriteKind, WriteOp

pytestmark = [pytest.mark.vcr, pytest.mark.block_network]

SINCE = {"ts": "2026-11-01T00:00:00.000Z", "id": "", "seen": []}
CURSOR = {
    "v": 1,
    "streams": {n: dict(SINCE) for n in ("Opportunity", "OpportunityContactRole", "Task", "Event")},
}


def test_stages(connector):
    """OpportunityStage metadata becomes ordered stages with closed/won flags (one query)."""
    stages = connector.stages()
    assert [s.order for s in stages] == sorted(s.order for s in stages)
    assert any(s.is_won for s in stages)
    assert connector.calls.total == 1


def test_describe(connector):
    """describe() reports the write-back fields with their types and the task's external id."""
    fields = connector.describe()
    task = {f.name: f for f in fields["Task"]}
    assert task["NA_Key__c"].external_id
    assert {f.name for f in fields["Opportunity"]} >= {"StageName", "NA_Next_Advance__c"}


def test_full_pull(connector):
    """A first pull reads opportunities, merge-joined roles, tasks and events, one query each."""
    batches = list(connector.pull(None))
    deals = [d for b in batches for d in b.deals]
    assert deals and all(d.deal is not None for d in deals)
    assert any(d.deal.contacts for d in deals if d.deal)
    assert all(a.deal_ids for b in batches for a in b.activities)
    assert connector.calls.by_endpoint == {"query": 4}


def test_incremental_pull(connector):
    """An incremental pull queries each object from the cursor with queryAll (deletions included)."""
    batches = list(connector.pull(CURSOR))
    assert not any(b.full for b in batches)
    assert connector.calls.by_endpoint.get("queryAll", 0) == 4
    final = batches[-1].cursor
    assert set(final["streams"]) == set(CURSOR["streams"])


def test_task_upsert_find_and_close(connector, new_task_ops):
    """Tasks are upserted by NA_Key__c via sObject Collections, found by key and closed."""
    ops = new_task_ops
    deal_ids = [op.deal_id for op in ops]
    results = connector.apply(ops)
    assert all(r.ok and r.created for r in results)
    found = connector.find_tasks([op.key for op in ops])
    assert set(found) == {op.key for op in ops}
    closed = connector.apply(
        [
            WriteOp(
                kind=WriteKind.close_task,
                key=ops[0].key,
                deal_id=deal_ids[0],
                crm_id=results[0].crm_id,
            )
        ]
    )
    assert closed[0].ok
    assert connector.calls.by_endpoint["composite.sobjects.upsert"] == 1
