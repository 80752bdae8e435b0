"""Runs and links: duplicate concurrent runs, non-unique external ids, activity ↔ deal links
kept through incremental runs."""

from __future__ import annotations

import itertools
import json
import sqlite3
from typing import Any

import pytest


def test_runs_started_together_sync_once(rworld: Any, rel: Any, clean_state: Any) -> None:
    """Three ``nextadvance sync`` processes started at once on one connection (duplicate
    schedulers): while one runs, the others exit 3 (locked) without a write; the CRM ends as a
    clean run leaves it.

    On a loaded machine a process can start only after the first run has finished; it then
    rightly runs (exit 0) and finds nothing to write.  So: successful runs never overlap, only
    the first of them writes, and at least one start was refused by the lock.
    """
    expected = clean_state("salesforce", 20)
    world = rworld("salesforce", deals=20, faults={"slow_ms": 100})
    procs = [rel.spawn_sync(world) for _ in range(3)]
    outs = [p.communicate(timeout=180) for p in procs]
    codes = sorted(p.returncode for p in procs)
    assert set(codes) <= {0, 3} and codes.count(3) >= 1, (codes, [e[-500:] for _, e in outs])
    reports = [json.loads(out) for out, _ in outs]
    assert sorted(r["status"] for r in reports) == sorted(
        "ok" if c == 0 else "locked" for c in codes
    )
    ran = sorted((r for r in reports if r["status"] == "ok"), key=lambda r: r["started_at"])
    for before, after in itertools.pairwise(ran):
        assert before["finished_at"] <= after["started_at"], "two runs held the lock at once"
        assert after["api_calls"]["writes"] == 0, "a later run found something left to write"
    assert ran[0]["api_calls"]["writes"] > 0
    assert all(r["api_calls"]["writes"] == 0 for r in reports if r["status"] == "locked")
    assert rel.comparable(world.state()) == expected
    rel.integrity_check(rel.store_path(world))


def _duplicate_key(status: int, headers: dict[str, str], body: bytes) -> tuple[Any, ...]:
    results = json.loads(body)
    results[0] = {
        "id": None,
        "success": False,
        "errors": [
            {
                "statusCode": "DUPLICATE_EXTERNAL_ID",
                "message": "NA_Key__c: more than one record found for external id field",
                "fields": [],
            }
        ],
    }
    return status, headers, json.dumps(results).encode()


def test_non_unique_external_id_is_a_clear_reject(
    rworld: Any, rel: Any, tamper: Any, clean_state: Any
) -> None:
    """When Salesforce says our key matches several tasks, that one record is refused with the
    CRM's code and retried next run; nothing else is lost or duplicated."""
    expected = clean_state("salesforce", 20)
    world = rworld("salesforce", deals=20)
    proxy = tamper(world)
    proxy.on("PATCH", "composite/sobjects/Task/NA_Key__c", _duplicate_key, times=1)
    code, report = world.sync()
    assert code == 1 and report["status"] == "partial", report
    assert [r["code"] for r in report["rejects"]] == ["DUPLICATE_EXTERNAL_ID"], report["rejects"]
    assert report["api_calls"]["retries"] == 0
    code, report = world.sync()
    assert code == 0, report
    assert rel.comparable(world.state()) == expected
    assert rel.duplicates(world.state()) == 0


def _crm_links(world: Any) -> dict[str, set[str]]:
    """Activity id -> deal ids as the CRM holds them (Salesforce WhatId, HubSpot associations)."""
    snap = world.sb.snapshot()[world.crm]
    links: dict[str, set[str]] = {}
    if world.crm == "salesforce":
        for table in ("Task", "Event"):
            for row in snap.get(table, []):
                if row.get("WhatId") and not row.get("IsDeleted"):
                    links.setdefault(row["Id"], set()).add(row["WhatId"])
        return links
    for assoc in snap["associations"]:
        if assoc[2] == "deals" and assoc[0] in ("calls", "meetings", "emails", "notes", "tasks"):
            links.setdefault(str(assoc[1]), set()).add(str(assoc[3]))
    return links


def _mirror_links(world: Any, rel: Any) -> dict[str, set[str]]:
    with sqlite3.connect(rel.store_path(world)) as conn:
        acts = {a for (a,) in conn.execute("SELECT activity_id FROM activities")}
        links: dict[str, set[str]] = {a: set() for a in acts}
        for deal, act in conn.execute("SELECT deal_id, activity_id FROM deal_activities"):
            links.setdefault(act, set()).add(deal)
    return links


@pytest.mark.parametrize("crm", ["salesforce", "hubspot"])
def test_activity_deal_links_survive_incremental_runs(rworld: Any, rel: Any, crm: str) -> None:
    """After a full run, reps' changes and two incremental runs, every mirrored activity is
    linked to exactly the mirrored deals the CRM links it to."""
    world = rworld(crm, deals=30)
    assert world.sync()[0] == 0
    world.sb.mutate(10, seed=6)
    assert world.sync()[0] == 0
    world.sb.mutate(10, seed=7)
    assert world.sync()[0] == 0
    crm_links, mirror = _crm_links(world), _mirror_links(world, rel)
    with sqlite3.connect(rel.store_path(world)) as conn:
        deals = {d for (d,) in conn.execute("SELECT deal_id FROM deals")}
    assert len(mirror) > 50
    wrong = {
        a: (links & deals, crm_links.get(a, set()) & deals)
        for a, links in mirror.items()
        if links & deals != crm_links.get(a, set()) & deals
    }
    assert not wrong, dict(list(wrong.items())[:5])
