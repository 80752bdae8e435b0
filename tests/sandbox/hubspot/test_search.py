"""Conformance of CRM search: operators, sorts, after-paging, total, limits, the result cap
and index lag, through hubspot-api-client's search_api with validation on."""

from __future__ import annotations

import json
import time

import pytest
from hubspot.crm.deals import ApiException, PublicObjectSearchRequest
from hubspot.crm.deals import SimplePublicObjectInputForCreate as DealCreate

from nextadvance.sandbox._faults import FaultPlan
from nextadvance.sandbox._generator import generate


def _search(client, filters, **kw):
    groups = [{"filters": f} for f in filters]
    return client.crm.deals.search_api.do_search(
        PublicObjectSearchRequest(filter_groups=groups, **kw)
    )


def test_incremental_window_pages_with_after_in_modified_order(hs, hs_world):
    """A GTE window on hs_lastmodifieddate sorted ascending pages through every deal in order."""
    client = hs.client()
    seen, after = [], None
    while True:
        page = _search(
            client,
            [[{"propertyName": "hs_lastmodifieddate", "operator": "GTE", "value": "0"}]],
            sorts=[{"propertyName": "hs_lastmodifieddate", "direction": "ASCENDING"}],
            properties=["dealname"],
            limit=7,
            after=after,
        )
        assert page.total == len(hs_world.deals)
        seen.extend(page.results)
        if page.paging is None:
            break
        after = page.paging.next.after
    stamps = [d.properties["hs_lastmodifieddate"] for d in seen]
    assert stamps == sorted(stamps) and len({d.id for d in seen}) == len(hs_world.deals)
    cutoff = stamps[30]
    iso_window = _search(
        client,
        [[{"propertyName": "hs_lastmodifieddate", "operator": "GTE", "value": cutoff}]],
        limit=100,
    )
    assert iso_window.total == sum(1 for s in stamps if s >= cutoff)


def test_operators(hs):
    """EQ, NEQ, IN, NOT_IN, BETWEEN, HAS_PROPERTY, NOT_HAS_PROPERTY and CONTAINS_TOKEN filter as documented."""
    client = hs.client()
    every = client.crm.deals.get_all(properties=["dealstage", "amount", "hs_next_step", "dealname"])

    def total(filters):
        return _search(client, [filters], limit=1).total

    stage = every[0].properties["dealstage"]
    assert total([{"propertyName": "dealstage", "operator": "EQ", "value": stage}]) == sum(
        d.properties["dealstage"] == stage for d in every
    )
    assert total([{"propertyName": "dealstage", "operator": "NEQ", "value": stage}]) == sum(
        d.properties["dealstage"] != stage for d in every
    )
    assert total(
        [{"propertyName": "dealstage", "operator": "IN", "values": ["closedwon", "closedlost"]}]
    ) == sum(d.properties["dealstage"] in ("closedwon", "closedlost") for d in every)
    assert total(
        [{"propertyName": "dealstage", "operator": "NOT_IN", "values": ["closedwon"]}]
    ) == sum(d.properties["dealstage"] != "closedwon" for d in every)
    assert total(
        [{"propertyName": "amount", "operator": "BETWEEN", "value": "5000", "highValue": "50000"}]
    ) == sum(5000 <= float(d.properties["amount"]) <= 50000 for d in every)
    assert total([{"propertyName": "amount", "operator": "GT", "value": "10000"}]) == sum(
        float(d.properties["amount"]) > 10000 for d in every
    )
    assert total([{"propertyName": "hs_next_step", "operator": "HAS_PROPERTY"}]) == sum(
        bool(d.properties["hs_next_step"]) for d in every
    )
    assert total([{"propertyName": "hs_next_step", "operator": "NOT_HAS_PROPERTY"}]) == sum(
        not d.properties["hs_next_step"] for d in every
    )
    word = every[0].properties["dealname"].split()[0]
    assert (
        total([{"propertyName": "dealname", "operator": "CONTAINS_TOKEN", "value": word.lower()}])
        >= 1
    )
    either = _search(
        client,
        [
            [{"propertyName": "dealstage", "operator": "EQ", "value": "closedwon"}],
            [{"propertyName": "dealstage", "operator": "EQ", "value": "closedlost"}],
        ],
        limit=1,
    )
    assert either.total == sum(
        d.properties["dealstage"] in ("closedwon", "closedlost") for d in every
    )


def test_sorts_descending_by_amount(hs):
    """A DESCENDING sort on a number property orders numerically."""
    page = _search(
        hs.client(),
        [],
        sorts=[{"propertyName": "amount", "direction": "DESCENDING"}],
        properties=["amount"],
        limit=20,
    )
    amounts = [float(d.properties["amount"]) for d in page.results]
    assert amounts == sorted(amounts, reverse=True)


def test_filter_group_limits_and_bad_operator(hs):
    """More than 5 groups, 10 filters per group or 25 in total, a limit over 200 or an unknown operator is a 400."""
    f = {"propertyName": "amount", "operator": "GT", "value": "1"}
    cases = [
        {"filterGroups": [{"filters": [f]}] * 6},
        {"filterGroups": [{"filters": [f] * 11}]},
        {"filterGroups": [{"filters": [f] * 10}] * 3},
        {"filterGroups": [], "limit": 201},
    ]
    for body in cases:
        response = hs.raw("POST", "/crm/v3/objects/deals/search", json=body)
        assert response.status_code == 400, body
        assert response.json()["category"] == "VALIDATION_ERROR"
    # The unknown operator is refused by the JSON binder (see test_search_filters.py).
    bad = {
        "filterGroups": [
            {"filters": [{"propertyName": "amount", "operator": "LIKE", "value": "1"}]}
        ]
    }
    assert hs.raw("POST", "/crm/v3/objects/deals/search", json=bad).status_code == 400
    ok = hs.raw(
        "POST", "/crm/v3/objects/deals/search", json={"filterGroups": [{"filters": [f] * 5}] * 5}
    )
    assert ok.status_code == 200


def test_result_cap_blocks_paging_past_it(hs_factory):
    """Paging past the result cap answers 400 although `total` reports every match."""
    world = generate(deals=60, seed=11)
    sandbox = hs_factory(world, search_cap=40)
    client = sandbox.client()
    page = _search(client, [], limit=20)
    page = _search(client, [], limit=20, after=page.paging.next.after)
    assert page.total == 60 and page.paging.next.after == "40"
    with pytest.raises(ApiException) as exc:
        _search(client, [], limit=20, after=page.paging.next.after)
    assert exc.value.status == 400 and json.loads(exc.value.body)["category"] == "VALIDATION_ERROR"


def test_windowing_past_the_cap_with_shared_timestamps(hs_factory):
    """Windows keyed on (hs_lastmodifieddate, hs_object_id) reach every record past the cap even
    when all records share one modification stamp."""
    world = generate(deals=45, seed=5)
    for deal in world.deals:
        deal.modified_at = world.now
    sandbox = hs_factory(world, search_cap=30)
    client = sandbox.client()
    mod, oid = "hs_lastmodifieddate", "hs_object_id"
    sorts = [
        {"propertyName": mod, "direction": "ASCENDING"},
        {"propertyName": oid, "direction": "ASCENDING"},
    ]
    seen: list[str] = []
    cursor = None
    for _ in range(10):
        if cursor is None:
            groups = [[{"propertyName": mod, "operator": "GTE", "value": "0"}]]
        else:
            groups = [
                [{"propertyName": mod, "operator": "GT", "value": cursor[0]}],
                [
                    {"propertyName": mod, "operator": "EQ", "value": cursor[0]},
                    {"propertyName": oid, "operator": "GT", "value": cursor[1]},
                ],
            ]
        after = None
        while True:
            page = _search(client, groups, sorts=sorts, limit=10, after=after)
            for d in page.results:
                seen.append(d.id)
                cursor = (d.properties[mod], d.id)
            if page.paging is None or int(page.paging.next.after) + 10 > 30:
                break
            after = page.paging.next.after
        if page.paging is None:
            break
    assert len(seen) == len(set(seen)) == 45


def test_index_lag_hides_fresh_writes_from_search_only(hs_factory):
    """A record written less than index_lag_s ago is readable by id but not yet searchable."""
    sandbox = hs_factory(None, FaultPlan(index_lag_s=0.6))
    client = sandbox.client()
    deal = client.crm.deals.basic_api.create(DealCreate(properties={"dealname": "Lagging"}))
    assert client.crm.deals.basic_api.get_by_id(deal.id).id == deal.id
    assert _search(client, []).total == 0
    time.sleep(0.7)
    assert [d.id for d in _search(client, []).results] == [deal.id]
