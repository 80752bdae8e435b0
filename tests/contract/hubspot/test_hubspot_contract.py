"""HubSpot connector operations against recorded portal answers (cassettes/hubspot/)."""

from __future__ import annotations

import pytest

from nextadvance.connectors import WriteKind, WriteOp

pytestmark = [pytest.mark.vcr, pytest.mark.block_network]

SINCE = {"ts": "2026-11-01T00:00:00.000Z", "id": "", "seen": []}
OBJECTS = ("deals", "calls", "meetings", "emails", "notes", "tasks")
CURSOR = {
    "v": 1,
    "streams": {o: dict(SINCE) for o in OBJECTS},
    "archived": {o: dict(SINCE) for o in ("deals", "tasks")},
    "label_sweep": "2999-01-01T00:00:00.000Z",  # not due: the cassette has no label sweep
}


def test_stages(connector):
    """Pipelines become stages per pipeline, probability 0-1, closed-won detected."""
    stages = connector.stages()
    assert any(s.is_won for s in stages) and any(s.is_closed and not s.is_won for s in stages)
    assert all(s.probability is None or 0 <= s.probability <= 1 for s in stages)
    assert connector.calls.total == 1


def test_full_pull(connector):
    """A first pull lists deals and engagements with their associations inline.

    No v4 association read is needed (no inline list is cut off); the role labels' names are
    resolved with the deal-contact label definitions, one read each.
    """
    batches = list(connector.pull(None))
    deals = [d for b in batches for d in b.deals]
    assert deals
    assert any(d.deal is not None and d.deal.contacts for d in deals)
    assert all(a.deal_ids for b in batches for a in b.activities)
    calls = connector.calls.by_endpoint
    assert calls["deals.list"] == 1
    assert not [k for k in calls if k.endswith(".batch.read") and k.startswith("associations.")]
    assert calls["associations.deals.contacts.types"] == 1
    assert calls["associations.deals.contacts.labels"] == 1


def test_incremental_pull(connector):
    """An incremental pull searches each object type from the cursor and lists archived records."""
    batches = list(connector.pull(CURSOR))
    assert not any(b.full for b in batches)
    calls = connector.calls.by_endpoint
    assert all(calls.get(f"{o}.search", 0) >= 1 for o in OBJECTS)
    assert calls["deals.list.archived"] == 1


def test_task_create_find_and_close(connector, new_task_ops):
    """Tasks are created with their deal association, found by na_task_key and closed."""
    ops = new_task_ops
    deal_ids = [op.deal_id for op in ops]
    results = connector.apply(ops)
    assert all(r.ok and r.created for r in results), results
    found = connector.find_tasks([op.key for op in ops])
    assert {k: s.deal_id for k, s in found.items()} == {op.key: op.deal_id for op in ops}
    closed = connector.apply(
        [WriteOp(kind=WriteKind.close_task, key=ops[0].key, deal_id=deal_ids[0])]
    )
    assert closed[0].ok
    assert connector.find_tasks([ops[0].key])[ops[0].key].completed
