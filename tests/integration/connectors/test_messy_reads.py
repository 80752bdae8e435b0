"""The Salesforce connector on the messy org, through simple-salesforce: what one pull yields.

Amounts arrive in the corporate currency, a shared task carries all its contacts, a
Lightning note reaches its deal through ContentDocumentLink with its HTML body (a blob,
fetched) stripped to text, and the deal with thousands of tasks gets them all, once.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from nextadvance.connectors import build_connector
from nextadvance.mappings import load_mapping_text, scaffold_mapping
from nextadvance.sandbox import Sandbox


def test_messy_pull(
    sandbox_factory: Callable[..., Sandbox], connect: Callable[..., Any], drain: Any
) -> None:
    sb = sandbox_factory(crm="salesforce", deals=30, seed=11, org="messy")
    stock = connect(sb, "salesforce")
    fields = stock.describe()  # first: it tells stages() about the record types
    text = scaffold_mapping("salesforce", stock.stages(), fields)
    stock.close()
    conn = build_connector(replace(stock.config, mapping=load_mapping_text(text)))
    batches, _ = drain(conn, None)
    conn.close()
    snap = sb.snapshot()["salesforce"]
    deals = {d.crm_id: d.deal for b in batches for d in b.deals}
    acts = [a for b in batches for a in b.activities]

    rates = {c["IsoCode"]: c["ConversionRate"] for c in snap["CurrencyType"]}
    for opp in snap["Opportunity"]:
        deal = deals[opp["Id"]]
        assert deal is not None
        if opp["Amount"] is not None:
            assert deal.currency == "USD"
            assert abs(deal.amount - opp["Amount"] / rates[opp["CurrencyIsoCode"]]) < 0.01
        rt = "Renewal" if opp["RecordTypeId"].startswith("0125g0000000002") else "New_Business"
        assert deal.pipeline == rt and deal.stage != "__unmapped__"

    ids = Counter(a.crm_id for a in acts)
    assert max(ids.values()) == 1  # each activity once
    relations: dict[str, set[str]] = {}
    for rel in snap["TaskRelation"]:
        if not rel["IsWhat"]:
            relations.setdefault(rel["TaskId"], set()).add(rel["RelationId"])
    shared = [a for a in acts if a.crm_id in relations]
    assert shared
    for a in shared:
        assert a.activity is not None
        assert set(a.activity.contact_ids) == relations[a.crm_id]

    notes = [a for a in acts if a.crm_id.startswith("069")]
    assert len(notes) == len(snap["ContentNote"])
    for note in notes:
        assert note.activity is not None and note.activity.kind == "note"
        assert len(note.deal_ids) == 1 and note.deal_ids[0].startswith("006")
        assert "<" not in note.activity.body and note.activity.body
    assert max(len(n.activity.body) for n in notes if n.activity) > 19000
    # the sandbox's TextPreview is plain text, as Salesforce serves it, even for HTML bodies
    assert all(n["TextPreview"] and "<" not in n["TextPreview"] for n in snap["ContentNote"])

    per_deal = Counter(d for a in acts for d in a.deal_ids)
    busy, count = per_deal.most_common(1)[0]
    on_busy = sum(1 for t in snap["Task"] + snap["Event"] if t.get("WhatId") == busy)
    linked = sum(1 for link in snap["ContentDocumentLink"] if link["LinkedEntityId"] == busy)
    assert count == on_busy + linked > 2500
