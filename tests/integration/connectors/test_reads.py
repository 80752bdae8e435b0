"""Connector reads against the sandbox: full and incremental pulls, call counts, deletions."""

from __future__ import annotations

from typing import Any

from nextadvance.sandbox import Sandbox

SF_DEAL = "Opportunity"


def _deal_ids(sb: Sandbox, crm: str) -> set[str]:
    snap = sb.snapshot()
    if crm == "salesforce":
        return {r["Id"] for r in snap["salesforce"][SF_DEAL] if not r.get("IsDeleted")}
    return {r["id"] for r in snap["hubspot"]["objects"]["deals"] if not r.get("archived")}


def _pulled_deals(batches: list[Any]) -> set[str]:
    return {d.crm_id for b in batches for d in b.deals}


def test_full_pull_reads_every_deal_and_activity_once(connector_factory, crm, drain):
    """A first pull streams every deal exactly once, with contacts, and every linked activity."""
    sb, conn = connector_factory(crm, deals=30)
    batches, cursor = drain(conn, None)
    deals = [d for b in batches for d in b.deals]
    assert len(deals) == len({d.crm_id for d in deals})
    assert {d.crm_id for d in deals} == _deal_ids(sb, crm)
    translated = [d.deal for d in deals if d.deal is not None]
    assert translated, "the mapping translated no deal"
    assert any(d.contacts for d in translated), "no deal came with contact roles"
    activities = [a for b in batches for a in b.activities]
    assert activities and all(a.deal_ids for a in activities)
    assert all(b.full for b in batches)
    assert "full" not in cursor


def test_no_change_incremental_reads_one_page_per_object_and_emits_nothing(
    connector_factory, crm, drain
):
    """A second pull without changes makes one read call per object type and yields no records."""
    _sb, conn = connector_factory(crm, deals=30)
    _, cursor = drain(conn, None)
    before = conn.calls.snapshot()
    batches, _ = drain(conn, cursor)
    after = conn.calls.snapshot()
    assert not [d for b in batches for d in b.deals]
    assert not [a for b in batches for a in b.activities]
    calls = after["total"] - before["total"]
    # Salesforce: contact roles, opportunities, tasks, events.  HubSpot: deals + 5 engagement
    # searches, plus the archived listings of deals and our tasks.
    assert calls == (4 if crm == "salesforce" else 8)
    assert after["writes"] == 0


def test_incremental_pull_sees_changed_deals(connector_factory, crm, drain):
    """Deals changed after a pull come back on the next incremental pull (and nothing is lost)."""
    sb, conn = connector_factory(crm, deals=30)
    _, cursor = drain(conn, None)
    changed = set(sb.mutate(5, seed=11)["changed"][crm])
    assert changed
    batches, cursor2 = drain(conn, cursor)
    assert changed <= _pulled_deals(batches)
    assert not any(b.full for b in batches)
    again, _ = drain(conn, cursor2)
    assert not _pulled_deals(again), "changes seen once must not be emitted again"


def test_resuming_from_any_batch_cursor_loses_nothing(connector_factory, crm, drain):
    """Resuming from the cursor of any batch yields exactly the records of the later batches."""
    _sb, conn = connector_factory(crm, deals=30, page_size=50 if crm == "hubspot" else 200)
    batches, _ = drain(conn, None)

    def records(bs: list[Any]) -> set[str]:
        return {d.crm_id for b in bs for d in b.deals} | {
            a.crm_id for b in bs for a in b.activities
        }

    assert len(batches) > 3
    for i, batch in enumerate(batches[:-1]):
        rest, _ = drain(conn, batch.cursor)
        assert records(rest) == records(batches[i + 1 :]), f"resume after batch {i}"


def test_stages_and_describe_report_the_crm_metadata(connector_factory, crm, drain):
    """stages() lists ordered stages with closed/won flags; describe() lists writable fields."""
    _sb, conn = connector_factory(crm, deals=5)
    stages = conn.stages()
    assert any(s.is_won for s in stages) and any(s.is_closed and not s.is_won for s in stages)
    fields = conn.describe()
    deal_obj = "Opportunity" if crm == "salesforce" else "deals"
    names = {f.name for f in fields[deal_obj]}
    assert ("NA_Next_Advance__c" if crm == "salesforce" else "dealname") in names
