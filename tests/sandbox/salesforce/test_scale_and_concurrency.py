"""Concurrent writers and a larger org: ordering invariants and complete, duplicate-free paging."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest


def test_concurrent_writes_get_unique_increasing_stamps(
    sandbox_factory: Any, sf_client_for: Any
) -> None:
    """Parallel clients' writes each get a distinct SystemModstamp; the delta query sees all in order."""
    sb = sandbox_factory(crm="salesforce", deals=5)
    start = sf_client_for(sb).query(
        "SELECT SystemModstamp FROM Task ORDER BY SystemModstamp DESC LIMIT 1"
    )
    watermark = start["records"][0]["SystemModstamp"]

    def write(worker: int) -> list[str]:
        sf = sf_client_for(sb)
        return [sf.Task.create({"Subject": f"w{worker}-{i}"})["id"] for i in range(15)]

    with ThreadPoolExecutor(max_workers=4) as pool:
        created = [i for ids in pool.map(write, range(4)) for i in ids]
    since = watermark[:19] + "Z"
    rows = list(
        sf_client_for(sb).query_all_iter(
            f"SELECT Id, SystemModstamp FROM Task WHERE SystemModstamp > {since} ORDER BY SystemModstamp, Id"
        )
    )
    new = [r for r in rows if r["Id"] in set(created)]
    assert len(new) == len(created) == 60
    stamps = [r["SystemModstamp"] for r in new]
    assert stamps == sorted(stamps) and len(set(stamps)) == len(stamps)


@pytest.mark.slow
def test_paging_a_larger_org_returns_every_record_once(
    sandbox_factory: Any, sf_client_for: Any
) -> None:
    """query_all_iter over ~20k activities across many pages yields each record exactly once."""
    sb = sandbox_factory(crm="salesforce", deals=2000, seed=12)
    sf = sf_client_for(sb)
    live = sb.stats()["apps"]["salesforce"]["live_records"]
    for obj in ("Task", "Event", "Opportunity"):
        ids = [
            r["Id"]
            for r in sf.query_all_iter(
                f"SELECT Id, SystemModstamp FROM {obj} ORDER BY SystemModstamp, Id"
            )
        ]
        assert len(ids) == len(set(ids)) == live[obj.lower()]
