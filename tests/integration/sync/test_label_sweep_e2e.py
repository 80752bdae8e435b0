"""End to end through the CLI: a HubSpot role label changed in the CRM after a sync reaches
the mirror and the decision on the next incremental run once the label sweep is due."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from nextadvance.sandbox.hubspot._catalog import ROLE_LABEL_TYPES


def _roles(world: Any) -> dict[tuple[str, str], str | None]:
    url = world.config.read_text().split("state_url: ", 1)[1].split("\n", 1)[0]
    engine = sa.create_engine(url)
    try:
        with engine.connect() as c:
            rows = c.execute(sa.text("SELECT deal_id, contact_id, role FROM deal_contacts"))
            return {(str(d), str(k)): r for d, k, r in rows}
    finally:
        engine.dispose()


def _set_label(world: Any, deal_id: str, contact_id: str, role: str) -> None:
    """Replace the link's labels by ``role`` (v4 API, as HubSpot's UI does)."""
    http, base = world.http(), world.sb.base_url
    url = f"{base}/crm/v4/objects/deals/{deal_id}/associations/contacts"
    row = next(r for r in http.get(url).json()["results"] if str(r["toObjectId"]) == contact_id)
    old = [
        {"associationCategory": t["category"], "associationTypeId": t["typeId"]}
        for t in row["associationTypes"]
        if t.get("label")
    ]
    new = [{"associationCategory": "USER_DEFINED", "associationTypeId": ROLE_LABEL_TYPES[role][0]}]
    assert http.put(f"{url}/{contact_id}", json=new).status_code < 300
    if old:
        body = {"inputs": [{"from": {"id": deal_id}, "to": {"id": contact_id}, "types": old}]}
        r = http.post(f"{base}/crm/v4/associations/deals/contacts/batch/labels/archive", json=body)
        assert r.status_code == 204, r.text


def test_label_change_is_decided_on_the_next_incremental_run(make_world: Any) -> None:
    world = make_world("hubspot", deals=60)
    with world.config.open("a") as f:
        f.write("    label_refresh_s: 0\n")  # sweep on every run (default: once a day)
    code, first = world.sync()
    assert code == 0 and first["status"] == "ok", first
    roles = _roles(world)
    state = world.state()
    deal_id, contact_id = next(
        (d, c)
        for (d, c), role in sorted(roles.items())
        if role != "economic_buyer" and state.get(d, {}).get("open")
    )
    _set_label(world, deal_id, contact_id, "Economic Buyer")

    code, second = world.sync()
    assert code == 0 and second["status"] == "ok", second
    assert second["deals"]["pulled"] >= 1
    assert second["deals"]["decided"] == first["deals"]["decided"]
    assert _roles(world)[(deal_id, contact_id)] == "economic_buyer"
