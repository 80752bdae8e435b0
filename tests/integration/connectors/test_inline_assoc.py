"""HubSpot full reads take associations inline from the list pages, v4 only where cut off.

The inline lists must give exactly what the v4 batch reads give (primary company, every
contact with its role labels, each engagement's deals); a list HubSpot cut off (more than
100 rows, ``paging.next``) is read with v4 for that record only.
"""

from __future__ import annotations

from typing import Any

import pytest

from nextadvance.connectors.hubspot._reads import HubSpotReader
from nextadvance.sandbox.hubspot import _crm


def _records(batches: list[Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    deals = {d.crm_id: (d.deal, d.crm_stage) for b in batches for d in b.deals}
    acts = {a.crm_id: a.deal_ids for b in batches for a in b.activities}
    return deals, acts


def _assoc_reads(stats: dict[str, Any]) -> dict[str, int]:
    return {k: v for k, v in stats["by_endpoint"].items() if k.startswith("associations.")}


def _v4_pull(
    monkeypatch: pytest.MonkeyPatch, connect: Any, sb: Any, drain: Any
) -> tuple[dict[str, Any], dict[str, Any], dict[str, int]]:
    """The same full pull with inline associations switched off (every link read with v4)."""
    with monkeypatch.context() as m:
        m.setattr(HubSpotReader, "inline", lambda self, obj: [])
        conn = connect(sb, "hubspot")
        try:
            batches, _ = drain(conn, None)
            deals, acts = _records(batches)
            return deals, acts, _assoc_reads(conn.calls.snapshot())
        finally:
            conn.close()


def test_full_pull_reads_links_inline_and_matches_v4(
    connector_factory, connect, drain, monkeypatch
):
    """No v4 association read on a full pull; companies, roles and deal links equal v4's."""
    sb, conn = connector_factory("hubspot", deals=30)
    batches, _ = drain(conn, None)
    inline_deals, inline_acts = _records(batches)
    reads = _assoc_reads(conn.calls.snapshot())
    # Only the label definitions (to name custom role labels), once per pull.
    assert reads == {
        "associations.deals.contacts.labels": 1,
        "associations.deals.contacts.types": 1,
    }
    assert any(d and any(c.role for c in d.contacts) for d, _ in inline_deals.values())
    v4_deals, v4_acts, v4_reads = _v4_pull(monkeypatch, connect, sb, drain)
    assert "associations.deals.contacts.batch.read" in v4_reads
    assert inline_deals == v4_deals
    assert inline_acts == v4_acts and all(inline_acts.values())


def test_cut_off_inline_lists_fall_back_to_v4_for_those_records(
    connector_factory, connect, drain, monkeypatch
):
    """A list cut off by HubSpot is read with v4 for that record; the result is the same."""
    sb, conn = connector_factory("hubspot", deals=30)
    monkeypatch.setattr(_crm, "INLINE_ASSOC_LIMIT", 2)  # most deals' contact lists cut off
    batches, _ = drain(conn, None)
    cut_deals, cut_acts = _records(batches)
    reads = _assoc_reads(conn.calls.snapshot())
    assert reads.get("associations.deals.contacts.batch.read", 0) >= 1
    monkeypatch.setattr(_crm, "INLINE_ASSOC_LIMIT", 100)
    v4_deals, v4_acts, _ = _v4_pull(monkeypatch, connect, sb, drain)
    assert cut_deals == v4_deals
    assert cut_acts == v4_acts


def test_v4_reads_follow_each_records_pages_to_the_end(
    connector_factory, connect, drain, monkeypatch
):
    """A v4 batch read pages each record's list (``paging.next.after`` beside its id): with
    one target per page, every contact, role and deal link still arrives, in more calls."""
    sb, _ = connector_factory("hubspot", deals=30)
    whole_deals, whole_acts, whole_reads = _v4_pull(monkeypatch, connect, sb, drain)
    monkeypatch.setattr(_crm, "V4_READ_PAGE", 1)
    paged_deals, paged_acts, paged_reads = _v4_pull(monkeypatch, connect, sb, drain)
    assert paged_deals == whole_deals and any(
        len(d.contacts) > 1 for d, _ in paged_deals.values() if d
    )
    assert paged_acts == whole_acts
    key = "associations.deals.contacts.batch.read"
    assert paged_reads[key] > whole_reads[key]  # the follow-up pages


def test_unknown_label_name_falls_back_to_v4(connector_factory, connect, drain, monkeypatch):
    """An inline label name missing from the definitions is never guessed: v4 reads it."""
    sb, conn = connector_factory("hubspot", deals=30)
    from nextadvance.connectors.hubspot._api import HubSpotApi

    real = HubSpotApi.association_labels

    def partial(self: HubSpotApi, a: str, b: str) -> dict[str, str | None]:
        names = real(self, a, b)
        names.pop("decision_maker", None)
        return names

    monkeypatch.setattr(HubSpotApi, "association_labels", partial)
    batches, _ = drain(conn, None)
    deals, _ = _records(batches)
    assert _assoc_reads(conn.calls.snapshot()).get("associations.deals.contacts.batch.read")
    monkeypatch.undo()
    v4_deals, _, _ = _v4_pull(monkeypatch, connect, sb, drain)
    assert deals == v4_deals
