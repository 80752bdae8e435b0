"""The HubSpot app as mounted by the shared Sandbox: root fixtures, admin API (stats,
faults, snapshot, mutate, reset) and the credentials it hands out."""

from __future__ import annotations

import pytest
from hubspot.crm.deals import ApiException


def test_shared_sandbox_serves_hubspot_to_hs_client(sandbox, hs_client):
    """The session sandbox mounts HubSpot and the root hs_client fixture reads its deals."""
    assert sandbox.stats()["hubspot_mounted"] is True
    deals = hs_client.crm.deals.basic_api.get_page(limit=5, properties=["dealname"]).results
    assert len(deals) == 5 and all(d.properties["dealname"] for d in deals)
    creds = sandbox.hubspot_credentials
    assert {"access_token", "client_id", "client_secret", "refresh_token"} <= set(creds)


def test_admin_api_drives_the_hubspot_app(sandbox_factory, hs_client_for):
    """Faults set through /_sandbox/faults, mutate and reset reach the HubSpot app; stats count 429s."""
    sb = sandbox_factory(crm="hubspot", deals=10)
    client = hs_client_for(sb)
    sb.set_faults(hubspot_per_10s=2, retry_after_s=None)
    client.crm.deals.basic_api.get_page()
    client.crm.deals.basic_api.get_page()
    stats_before = sb.stats()["apps"]["hubspot"]
    with pytest.raises(ApiException) as exc:
        client.crm.deals.basic_api.get_page()
    assert exc.value.status == 429
    stats = sb.stats()["apps"]["hubspot"]
    assert stats["rate_limited_by_policy"] == {"TEN_SECONDLY_ROLLING": 1}
    assert stats["rate_limited"] == stats_before.get("rate_limited", 0) + 1
    sb.set_faults(hubspot_per_10s=None)
    changed = sb.admin("mutate", "POST", {"count": 2, "seed": 1})["changed"]["hubspot"]
    assert len(changed) == 2
    deals = {d["id"]: d for d in sb.snapshot()["hubspot"]["objects"]["deals"]}
    assert all(deals[i]["properties"]["hs_next_step"] for i in changed)
    sb.admin("reset", "POST")
    assert sb.stats()["apps"]["hubspot"]["records"]["deals"] == 10


def test_no_custom_fields_sandbox_has_no_nextadvance_task_key(sandbox_factory, hs_client_for):
    """Sandbox(custom_fields=False) starts the HubSpot portal without na_task_key."""
    sb = sandbox_factory(crm="hubspot", deals=2, custom_fields=False)
    names = {p.name for p in hs_client_for(sb).crm.properties.core_api.get_all("tasks").results}
    assert "na_task_key" not in names and "hs_task_subject" in names
