"""The sandbox server's admin API and generic behaviour, over real loopback HTTPS."""

from __future__ import annotations

from typing import Any

import pytest

from nextadvance.sandbox import Sandbox


def test_stats_count_requests_per_endpoint_and_say_what_is_mounted(
    sandbox_factory: Any, sf_client_for: Any
) -> None:
    """Each client call is counted under its method and id-free endpoint pattern."""
    sb = sandbox_factory(crm="salesforce")
    sf = sf_client_for(sb)
    sf.query("SELECT Id FROM Opportunity LIMIT 1")
    sf.query("SELECT Id FROM Account LIMIT 1")
    stats = sb.stats()
    sf_stats = stats["apps"]["salesforce"]
    assert sf_stats["requests"] == {"GET /services/data/vXX.X/query/": 2}
    assert sf_stats["statuses"] == {"200": 2}
    assert stats["salesforce_mounted"] is True
    assert stats["hubspot_mounted"] is False


def test_faults_endpoint_reads_updates_and_refuses_unknown_keys(
    sandbox_factory: Any, sandbox_http: Any
) -> None:
    """POST /_sandbox/faults changes the plan; an unknown key is a 400 naming it."""
    sb = sandbox_factory(crm="salesforce")
    assert sb.set_faults(slow_ms=1)["slow_ms"] == 1
    resp = sandbox_http(sb).post(f"{sb.base_url}/_sandbox/faults", json={"nope": 1})
    assert resp.status_code == 400
    assert "nope" in resp.json()["error"]
    assert sb.admin("faults")["slow_ms"] == 1


def test_reset_restores_data_counters_and_faults(sandbox_factory: Any, sf_client_for: Any) -> None:
    """After writes and a fault change, reset brings back the seeded world and start faults."""
    sb = sandbox_factory(crm="salesforce", deals=10, seed=5)
    sf = sf_client_for(sb)
    before = sf.query("SELECT COUNT() FROM Task")["totalSize"]
    sf.Task.create({"Subject": "extra"})
    sb.set_faults(rate_5xx=0.5)
    sb.reset()
    sf = sf_client_for(sb)  # reset issues a new ready session id
    assert sb.admin("faults")["rate_5xx"] == 0.0
    assert sf.query("SELECT COUNT() FROM Task")["totalSize"] == before
    assert sb.stats()["apps"]["salesforce"]["total_requests"] == 1


def test_snapshot_and_mutate_change_open_deals(sandbox_factory: Any) -> None:
    """mutate bumps SystemModstamp of the deals it reports, visible in the snapshot."""
    sb = sandbox_factory(crm="salesforce", deals=30, seed=11)
    before = {r["Id"]: r["SystemModstamp"] for r in sb.snapshot()["salesforce"]["Opportunity"]}
    changed = sb.mutate(5, seed=2)["changed"]["salesforce"]
    assert len(changed) == 5
    after = {r["Id"]: r["SystemModstamp"] for r in sb.snapshot()["salesforce"]["Opportunity"]}
    assert all(after[i] > before[i] for i in changed)
    assert sum(1 for i in before if after[i] != before[i]) == 5


def test_unknown_admin_path_and_unknown_api_path_are_json_404s(
    sandbox: Sandbox, sandbox_http: Any
) -> None:
    """Unknown paths answer JSON errors, never an HTML page or a trace."""
    http = sandbox_http(sandbox)
    admin = http.get(f"{sandbox.base_url}/_sandbox/nothing")
    assert admin.status_code == 404 and "error" in admin.json()
    api = http.get(f"{sandbox.base_url}/services/nothing", headers={"Authorization": "Bearer x"})
    assert api.status_code in (401, 404)
    assert isinstance(api.json(), list)


def test_non_loopback_host_is_refused() -> None:
    """The sandbox refuses to listen beyond loopback unless asked explicitly."""
    with pytest.raises(ValueError, match="non-loopback"):
        Sandbox(host="0.0.0.0")


def test_stats_report_records_written_and_live_counts(
    sandbox_factory: Any, sf_client_for: Any
) -> None:
    """Writes are counted per object and a delete lowers the live count."""
    sb = sandbox_factory(crm="salesforce")
    sf = sf_client_for(sb)
    before = sb.stats()["apps"]["salesforce"]["live_records"]["task"]
    new = sf.Task.create({"Subject": "counted"})
    sf.Task.delete(new["id"])
    sf.Task.delete(sf.query("SELECT Id FROM Task LIMIT 1")["records"][0]["Id"])
    stats = sb.stats()["apps"]["salesforce"]
    assert stats["records_written"] == {"task": 3}
    assert stats["live_records"]["task"] == before - 1
