"""Data edge cases through whole sync runs: shared modified stamps at page edges and past
HubSpot's search cap, late-visible records, a deal deleted between pull and push, values
the CRM does not allow (restricted picklists, too-long text), unicode and empty values."""

from __future__ import annotations

import dataclasses
import sqlite3
import time
from typing import Any

import pytest

from nextadvance.connectors import build_connector
from nextadvance.sync import load_settings, run_sync
from nextadvance.sync.run._parts import connector_config, load_parts

DEALS = 30


def _run(world: Any, **config: Any) -> Any:
    """``run_sync`` with connector settings tests need (page size) and reader overrides."""
    settings = load_settings(world.config)
    parts = load_parts(settings, world.crm)
    cfg = dataclasses.replace(connector_config(parts.connection, parts.mapping), **config)
    conn = build_connector(cfg)
    try:
        return run_sync(settings, world.crm, connector=conn)
    finally:
        conn.close()


def _mirror_names(world: Any, rel: Any) -> dict[str, str]:
    with sqlite3.connect(rel.store_path(world)) as conn:
        return {
            d: str(n)
            for d, n in conn.execute("SELECT deal_id, json_extract(data, '$.name') FROM deals")
        }


def _bulk_rename_with_one_stamp(world: Any, rel: Any) -> dict[str, str]:
    """Rename every deal in one bulk edit that gives them all the same modified stamp."""
    app = rel.app_of(world.sb, world.crm)
    if world.crm == "hubspot":
        store = app.portal.stores["deals"]
        stamp = int(time.time() * 1000) + 1000
        names = {}
        with app.portal.lock:
            for rid in list(store.active_ids):
                names[str(rid)] = f"Bulk renamed {rid} – Ünïcödé ✓"
                store.update(store.records[rid], {"dealname": names[str(rid)]}, stamp)
        return names
    fixed = app.store.now_ms() + 1000
    app.store.now_ms = lambda: fixed  # one bulk update, one SystemModstamp
    try:
        ids = [d for d in world.state()]
        names = {d: f"Bulk renamed {d} – Ünïcödé ✓" for d in ids}
        for i in range(0, len(ids), 200):
            body = {
                "allOrNone": True,
                "records": [
                    {"attributes": {"type": "Opportunity"}, "id": d, "Name": names[d]}
                    for d in ids[i : i + 200]
                ],
            }
            r = world.http().patch(
                f"{world.sb.base_url}/services/data/v59.0/composite/sobjects", json=body
            )
            assert r.status_code == 200 and all(x["success"] for x in r.json()), r.text
    finally:
        del app.store.now_ms
    return names


@pytest.mark.parametrize("crm", ["salesforce", "hubspot"])
def test_shared_modified_stamps_across_page_edges_are_each_read_once(
    rworld: Any, rel: Any, crm: str
) -> None:
    """After a bulk edit gives every deal one modified stamp, an incremental run with pages of
    4 (on HubSpot each page its own query from the last stamp and id read) mirrors every
    edited deal, none twice or skipped."""
    world = rworld(crm, deals=DEALS)
    first = _run(world, page_size=4)
    assert first.status == "ok", first.message
    mirrored_first = set(_mirror_names(world, rel))  # deals of mapped pipelines
    names = {
        d: n for d, n in _bulk_rename_with_one_stamp(world, rel).items() if d in mirrored_first
    }
    report = _run(world, page_size=4)
    assert report.status == "ok", report.message
    assert report.deals.pulled >= len(names)
    mirrored = _mirror_names(world, rel)
    assert {d: mirrored.get(d) for d in names} == names
    again = _run(world, page_size=4)
    assert again.deals.pulled == 0 and again.api_calls.writes == 0


def test_late_visible_hubspot_changes_are_picked_up_by_the_next_run(rworld: Any, rel: Any) -> None:
    """Changes the search index shows only after a lag are missed by the run that races them
    and mirrored by the next one (lookback window), with no rewrite loop."""
    world = rworld("hubspot", deals=DEALS)
    code, _ = world.sync()
    assert code == 0
    world.sb.set_faults(index_lag_s=1.5)
    changed = set(world.sb.mutate(5, seed=4)["changed"]["hubspot"])
    code, early = world.sync()
    assert code == 0, early
    time.sleep(1.6)
    code, late = world.sync()
    assert code == 0, late
    snap = {str(d["id"]): d for d in world.sb.snapshot()["hubspot"]["objects"]["deals"]}
    with sqlite3.connect(rel.store_path(world)) as conn:
        mirror = {
            d: (s or "")
            for d, s in conn.execute("SELECT deal_id, json_extract(data, '$.next_step') FROM deals")
        }
    for deal in changed:
        assert mirror[str(deal)] == (snap[str(deal)]["properties"].get("hs_next_step") or "")
    code, quiet = world.sync()
    assert quiet["api_calls"]["writes"] == 0


class _DeleteBeforePush:
    """A connector whose CRM loses one deal between our pull and our push."""

    def __init__(self, inner: Any, delete: Any) -> None:
        self._inner, self._delete = inner, delete

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    def apply(self, ops: Any) -> Any:
        if self._delete is not None:
            self._delete()
            self._delete = None
        return self._inner.apply(ops)


@pytest.mark.parametrize("crm", ["salesforce", "hubspot"])
def test_deal_deleted_between_pull_and_push_is_a_clean_reject_then_forgotten(
    rworld: Any, rel: Any, crm: str
) -> None:
    """A deal deleted after our pull gets no write that lands (a per-record refusal at most);
    the next run drops it, sends nothing to its id and leaves no open task of ours on it."""
    world = rworld(crm, deals=12)
    victim = next(d for d, v in sorted(world.state().items()) if v["open"])
    if crm == "salesforce":
        url = f"{world.sb.base_url}/services/data/v59.0/sobjects/Opportunity/{victim}"
    else:
        url = f"{world.sb.base_url}/crm/v3/objects/deals/{victim}"

    def delete() -> None:
        assert world.http().delete(url).status_code == 204

    settings = load_settings(world.config)
    parts = load_parts(settings, crm)
    conn = build_connector(connector_config(parts.connection, parts.mapping))
    report = run_sync(settings, crm, connector=_DeleteBeforePush(conn, delete))  # type: ignore[arg-type]
    conn.close()
    assert report.status in ("ok", "partial"), report.message
    assert all(victim in (r.record + (r.message or "")) or r.record for r in report.rejects)
    sent_before = len(world.sb.requests())
    code, again = world.sync()
    assert code == 0, again
    after = world.sb.requests()[sent_before:]
    writes = [e for e in after if not e["key"].startswith("GET") and "search" not in e["key"]]
    assert not any(victim in e["key"] for e in writes), writes
    left = world.state().get(victim, {"tasks": []})["tasks"]
    assert all(t["completed"] for t in left), left
    assert rel.duplicates(world.state()) == 0
    rel.integrity_check(rel.store_path(world))


def _restrict(world: Any, rel: Any, *, picklist: bool, length: int = 0) -> str:
    """Make the CRM refuse our verdict field: a restricted picklist or a short text field."""
    app = rel.app_of(world.sb, world.crm)
    if world.crm == "salesforce":
        obj = app.store.schema["opportunity"]
        name = "NA_Next_Step_Verdict__c"
        old = obj.fields[name.lower()]
        obj.fields[name.lower()] = (
            dataclasses.replace(old, type="picklist", picklist=("ok",), restricted=True)
            if picklist
            else dataclasses.replace(old, length=length)
        )
        return name
    name = "na_next_step_verdict"
    pdef = app.portal.props["deals"][name]
    pdef.type, pdef.field_type, pdef.options = "enumeration", "select", [("ok", "OK")]
    return name


@pytest.mark.parametrize(
    ("crm", "picklist"), [("salesforce", True), ("salesforce", False), ("hubspot", True)]
)
def test_values_the_crm_does_not_allow_are_listed_rejects_not_failures(
    rworld: Any, rel: Any, crm: str, picklist: bool
) -> None:
    """A restricted picklist without our value, or a text field shorter than our value, makes
    the CRM refuse those deals' field writes: the run is partial, each refusal listed with the
    CRM's code and field, tasks still written, and nothing is retried in a loop."""
    world = rworld(crm, deals=12)
    field = _restrict(world, rel, picklist=picklist, length=10)
    code, report = world.sync()
    assert code == 1 and report["status"] == "partial", report
    rejects = report["rejects"]
    assert rejects and all(r["code"] for r in rejects), rejects
    assert any(field in (r["field"] or "") + r["message"] for r in rejects), rejects
    state = world.state()
    assert report["tasks"]["created"] == report["deals"]["open"] > 0  # tasks still land
    assert report["api_calls"]["retries"] == 0
    assert rel.duplicates(state) == 0
    code, again = world.sync()
    assert code == 1 and len(again["rejects"]) == len(rejects)  # retried once per run, no more


@pytest.mark.parametrize("crm", ["salesforce", "hubspot"])
def test_unicode_and_empty_values_round_trip_without_echo(rworld: Any, rel: Any, crm: str) -> None:
    """Deals with an empty next step and with non-ASCII text (accents, CJK, emoji) are decided
    and written like any other, read back verbatim, and the next run writes nothing."""
    world = rworld(crm, deals=12)
    deals = [d for d, v in sorted(world.state().items()) if v["open"]][:2]
    text = "Zoë 👋 sends the 契約 draft to Łukasz by Friday"
    field = "NextStep" if crm == "salesforce" else "hs_next_step"
    world.edit_deal(deals[0], {field: ""})
    world.edit_deal(deals[1], {field: text})
    code, report = world.sync()
    assert code == 0, report
    state = world.state()
    assert rel.duplicates(state) == 0
    mirror_steps = {}
    with sqlite3.connect(rel.store_path(world)) as conn:
        for d, step in conn.execute("SELECT deal_id, json_extract(data, '$.next_step') FROM deals"):
            mirror_steps[d] = step
    assert mirror_steps.get(deals[1]) == text
    assert not mirror_steps.get(deals[0])
    verdict = "NA_Next_Step_Verdict__c" if crm == "salesforce" else "na_next_step_verdict"
    for d in deals:
        if d in mirror_steps:
            assert state[d]["fields"][verdict], state[d]
    code, again = world.sync()
    assert code == 0 and again["api_calls"]["writes"] == 0, again
