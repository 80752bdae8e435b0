"""The minimum-calls formulas and the baseline check of the benchmark suite."""

from __future__ import annotations

from typing import Any

from benchmarks import _minimum as m
from benchmarks import run


def _sf_snap(opps: int, roles_per_opp: int, tasks_per_opp: int) -> dict[str, Any]:
    snap: dict[str, Any] = {
        "Opportunity": [],
        "OpportunityContactRole": [],
        "Task": [],
        "Event": [],
    }
    for i in range(opps):
        oid = f"006{i:015d}"
        snap["Opportunity"].append({"Id": oid, "SystemModstamp": "t0"})
        for j in range(roles_per_opp):
            snap["OpportunityContactRole"].append(
                {"Id": f"00K{i}-{j}", "OpportunityId": oid, "SystemModstamp": "t0"}
            )
        for j in range(tasks_per_opp):
            snap["Task"].append({"Id": f"00T{i}-{j}", "WhatId": oid, "SystemModstamp": "t0"})
    snap["Task"].append({"Id": "00Tlead", "WhatId": None, "SystemModstamp": "t0"})
    return snap


def test_salesforce_full_minimum_pages_every_object_at_2000() -> None:
    """A full Salesforce read is ceil(n/2000) per object (one call for an empty object)."""
    snap = _sf_snap(4_001, 2, 3)
    ch = m.changes("salesforce", None, snap)
    assert ch.records == {
        "Opportunity": 4_001,
        "OpportunityContactRole": 8_002,
        "Task": 12_003,
        "Event": 0,
    }
    got = m.salesforce_minimum(ch, field_updates=401, task_closes=0, task_upserts=399)
    assert got["reads"] == 3 + 5 + 7 + 1
    assert got["writes"] == 3 + 2


def test_salesforce_incremental_counts_changed_records_and_their_roles() -> None:
    """Only changed records count; changed deals add one semi-join read of their roles."""
    before = _sf_snap(10, 2, 1)
    after = _sf_snap(10, 2, 1)
    after["Opportunity"][3]["SystemModstamp"] = "t1"
    ch = m.changes("salesforce", before, after)
    assert ch.records["Opportunity"] == 1 and ch.records["Task"] == 0
    assert ch.linked["OpportunityContactRole"] == 2
    assert m.salesforce_minimum(ch, 1, 1, 1) == {"reads": 5, "writes": 2, "total": 7}
    idle = m.changes("salesforce", after, after)
    assert m.salesforce_minimum(idle, 0, 0, 0) == {"reads": 4, "writes": 0, "total": 4}


def _hs_snap(deals: int, calls_per_deal: int) -> dict[str, Any]:
    objects: dict[str, list[dict[str, Any]]] = {t: [] for t in ("deals", *m.HS_ENGAGEMENTS)}
    assoc: list[list[Any]] = []
    for i in range(deals):
        objects["deals"].append({"id": str(i), "updatedAt": "t0", "archived": False})
        assoc.append(["deals", i, "companies", 9_000 + i % 150, [5]])
        assoc.append(["deals", i, "contacts", 8_000 + i, [3]])
        for j in range(calls_per_deal):
            objects["calls"].append({"id": f"c{i}-{j}", "updatedAt": "t0", "archived": False})
    return {"objects": objects, "associations": assoc}


def test_hubspot_full_minimum_lists_with_inline_associations() -> None:
    """A full HubSpot read lists per 100 with associations inline, plus linked records."""
    ch = m.changes("hubspot", None, _hs_snap(250, 2))
    assert ch.linked == {"companies": 150, "contacts": 250}
    assert ch.cut_off == {} and not ch.labelled
    got = m.hubspot_minimum(ch, field_updates=250, task_closes=0, task_creates=201, task_updates=0)
    # deals 3 pages; calls 5; 4 empty engagement listings; 2 + 3 linked batch reads
    assert got["reads"] == 3 + 5 + 4 + 2 + 3
    assert got["writes"] == 3 + 3


def test_hubspot_full_minimum_adds_label_names_and_cut_off_lists() -> None:
    """Role labels cost the two definition reads; a list past 100 rows a v4 read per 100."""
    snap = _hs_snap(250, 0)
    snap["associations"][1][4] = [3, 1001]  # deal 0's contact carries a role label
    snap["associations"] += [["deals", 7, "contacts", 100_000 + j, [3]] for j in range(100)]
    ch = m.changes("hubspot", None, snap)
    assert ch.labelled and ch.cut_off == {"deals.contacts": 1}
    got = m.hubspot_minimum(ch, 0, 0, 0, 0)
    # 3 deal pages, 5 empty engagement listings, 2 label reads, 1 v4 read, 2 + 4 linked
    assert got["reads"] == 3 + 5 + 2 + 1 + 2 + 4


def test_hubspot_no_change_is_one_search_per_type_plus_two_archived_listings() -> None:
    """With nothing changed HubSpot needs 6 searches and the deals/tasks archived listings."""
    snap = _hs_snap(30, 1)
    got = m.hubspot_minimum(m.changes("hubspot", snap, snap), 0, 0, 0, 0)
    assert got == {"reads": 8, "writes": 0, "total": 8}


def test_baseline_check_flags_more_calls_and_disagreeing_counts() -> None:
    """check_baseline names a scenario that made more calls or whose two counts differ."""
    base = {"crm": "salesforce", "deals": 1000, "scenario": "full", "calls": 17, "ratio": 1.0}
    row = {**base, "counts_agree": True, "status": "ok", "by_endpoint": {}, "sandbox_requests": 17}
    assert run.check_baseline([row], [{**base, "by_endpoint": {}}]) == []
    worse = {**row, "calls": 18, "ratio": 1.06}
    assert "18 calls" in run.check_baseline([worse], [{**base, "by_endpoint": {}}])[0]
    split = {**row, "counts_agree": False, "sandbox_requests": 16}
    assert "the sandbox 16" in run.check_baseline([split], [{**base, "by_endpoint": {}}])[0]
