"""HubSpot association-only changes reach the next incremental pull.

A contact's role on a deal is a deal-contact association label; changing it moves no modified
stamp, so only the label sweep (``connectors/hubspot/_sweep.py``) sees it.  Adding a contact
recalculates ``num_associated_contacts`` and so moves the deal's stamp.  The changes are made
through the real hubspot-api-client, as a person's tool would.
"""

from __future__ import annotations

from typing import Any

from nextadvance.connectors import DealRecord
from nextadvance.sandbox import Sandbox
from nextadvance.sandbox.hubspot._catalog import ROLE_LABEL_TYPES

CLOSED = {"closedwon", "closedlost"}


def _client(sb: Sandbox) -> Any:
    import hubspot

    return hubspot.Client.create(
        access_token=sb.hubspot_credentials["access_token"],
        host=sb.base_url,
        ssl_ca_cert=str(sb.ca_path),
        retry=False,
    )


def _deals(batches: list[Any]) -> dict[str, DealRecord]:
    return {d.crm_id: d for b in batches for d in b.deals}


def _roles(rec: DealRecord) -> dict[str, str | None]:
    assert rec.deal is not None
    return {c.id: c.role for c in rec.deal.contacts}


def _relabel(sb: Sandbox, deal_id: str, contact_id: str, role: str) -> None:
    """Replace the labels of one deal-contact link by ``role`` (the contact stays linked)."""
    client = _client(sb)
    v4 = client.crm.associations.v4
    links = v4.basic_api.get_page("deals", deal_id, "contacts", _preload_content=False).json()
    row = next(r for r in links["results"] if str(r["toObjectId"]) == contact_id)
    labelled = [t for t in row["associationTypes"] if t.get("label")]
    new_type = {
        "associationCategory": "USER_DEFINED",
        "associationTypeId": ROLE_LABEL_TYPES[role][0],
    }
    v4.basic_api.create("deals", deal_id, "contacts", contact_id, [new_type])
    if labelled:
        v4.batch_api.archive_labels(
            "deals",
            "contacts",
            {
                "inputs": [
                    {
                        "from": {"id": deal_id},
                        "to": {"id": contact_id},
                        "types": [
                            {"associationCategory": t["category"], "associationTypeId": t["typeId"]}
                            for t in labelled
                        ],
                    }
                ]
            },
        )


def _stamp(sb: Sandbox, deal_id: str) -> str:
    deal = _client(sb).crm.deals.basic_api.get_by_id(deal_id, properties=["hs_lastmodifieddate"])
    return str(deal.properties["hs_lastmodifieddate"])


def _pick(records: dict[str, DealRecord]) -> tuple[str, str]:
    """An open deal and one of its contacts that is not yet a decision maker."""
    for deal_id, rec in sorted(records.items()):
        if rec.crm_stage in CLOSED or rec.deal is None:
            continue
        for cid, role in _roles(rec).items():
            if role != "decision_maker":
                return deal_id, cid
    raise AssertionError("no open deal with a contact to relabel")


def test_label_change_moves_no_stamp_and_the_sweep_sees_it(connector_factory, connect, drain):
    sb, conn = connector_factory("hubspot", deals=30)
    batches, cursor = drain(conn, None)
    assert cursor.get("label_sweep")  # a full listing counts as a sweep
    deal_id, contact_id = _pick(_deals(batches))
    before = _stamp(sb, deal_id)
    _relabel(sb, deal_id, contact_id, "Decision Maker")
    assert _stamp(sb, deal_id) == before  # HubSpot: a label is no property change

    # within label_refresh_s (default 24 h) the incremental pull cannot see it
    quiet, cursor = drain(connect(sb, "hubspot"), cursor)
    assert deal_id not in _deals(quiet)

    # a due sweep re-reads the open deals, with their new roles
    swept, after = drain(connect(sb, "hubspot", label_refresh_s=0), cursor)
    seen = _deals(swept)
    assert _roles(seen[deal_id])[contact_id] == "decision_maker"
    assert 0 < len(seen) < len(_deals(batches))  # the open deals only
    assert after["label_sweep"] > cursor["label_sweep"]


def test_sweep_pages_past_the_search_cap(connector_factory, connect, drain):
    sb, conn = connector_factory("hubspot", deals=30)
    _, cursor = drain(conn, None)
    whole, _ = drain(connect(sb, "hubspot", label_refresh_s=0), cursor)
    open_ids = [d.crm_id for b in whole for d in b.deals]
    assert 10 < len(open_ids) < 30
    reader = connect(sb, "hubspot", label_refresh_s=0, page_size=3)
    hubspot = next(a for a in sb.hub.apps if a.name == "hubspot")
    hubspot.objects.search_cap = 7  # the sandbox refuses to page past 7 results
    swept, _ = drain(reader, cursor)
    deals = [d.crm_id for b in swept for d in b.deals]
    assert sorted(deals) == sorted(open_ids)  # each open deal exactly once


def test_added_contact_moves_the_stamp_and_the_next_pull_sees_it(connector_factory, connect, drain):
    sb, conn = connector_factory("hubspot", deals=30)
    batches, cursor = drain(conn, None)
    records = _deals(batches)
    deal_id, _ = _pick(records)
    on_deal = set(_roles(records[deal_id]))
    others = {c for r in records.values() if r.deal is not None for c in _roles(r)} - on_deal
    new_contact = sorted(others)[0]
    before = _stamp(sb, deal_id)
    spec = {
        "associationCategory": "USER_DEFINED",
        "associationTypeId": ROLE_LABEL_TYPES["Economic Buyer"][0],
    }
    _client(sb).crm.associations.v4.basic_api.create(
        "deals", deal_id, "contacts", new_contact, [spec]
    )
    assert _stamp(sb, deal_id) > before  # num_associated_contacts was recalculated

    seen = _deals(drain(connect(sb, "hubspot"), cursor)[0])  # no sweep due
    assert _roles(seen[deal_id])[new_contact] == "economic_buyer"
