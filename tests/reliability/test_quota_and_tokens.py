"""Around the calls: the daily quota running out mid-run, tokens expiring mid-run, a missing
OAuth scope.  Each through ``nextadvance sync`` against the sandbox, checked on the CRM."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

import pytest

DEALS = 24


def _reads_writes(world: Any) -> tuple[int, int]:
    total = world.sb.stats()["apps"][world.crm]["total_requests"]
    writes = world.write_requests()
    return total - writes, writes


@pytest.mark.parametrize(
    ("crm", "where"),
    [("hubspot", "pull"), ("hubspot", "push"), ("salesforce", "push")],
)
def test_daily_quota_running_out_mid_run_stops_cleanly_and_resumes_without_loss(
    rworld: Any, rel: Any, crm: str, where: str
) -> None:
    """When the CRM's daily quota is spent in the pull or the push, the run ends partial
    (exit 1) with its cursor saved and nothing pending; the next run completes the clean
    run's CRM state."""
    probe = rworld(crm, deals=DEALS, batch_size=4)
    setup = sum(_reads_writes(probe))  # the setup's requests count against the day too
    code, _ = probe.sync()
    assert code == 0
    reads, writes = _reads_writes(probe)
    reads -= setup
    expected = rel.comparable(probe.state())
    probe.sb.stop()
    limit = setup + (reads // 2 if where == "pull" else reads + writes // 2)
    world = rworld(crm, deals=DEALS, batch_size=4, quota_share=1.0)
    world.sb.set_faults(daily_limit=limit)
    code, report = world.sync()
    assert code == 1 and report["status"] == "partial", report
    assert "quota" in report["message"].lower()
    done_reads, done_writes = _reads_writes(world)
    done_reads -= setup
    if where == "push":
        assert 0 < done_writes < writes  # the push had begun (some reads happen in it too)
    else:
        assert done_writes == 0 and done_reads < reads
    db = rel.store_path(world)
    assert rel.pending_writes(db) == 0 or where == "push"
    with sqlite3.connect(db) as conn:
        cursor = conn.execute("SELECT value FROM cursors").fetchone()
    assert cursor is not None, "the cursor of the committed batches was not kept"
    world.sb.set_faults(daily_limit=None)
    code, report = world.sync()
    assert code == 0, report
    state = world.state()
    assert rel.duplicates(state) == 0
    assert rel.comparable(state) == expected
    rel.integrity_check(db)


@pytest.mark.parametrize("crm", ["salesforce", "hubspot"])
def test_tokens_expiring_mid_run_are_refreshed_and_the_run_succeeds(
    rworld: Any, rel: Any, clean_state: Any, crm: str
) -> None:
    """With OAuth refresh-token credentials, every issued token dying in the middle of a run
    costs a refresh, not a failed run: status ok and the clean run's CRM state."""
    expected = clean_state(crm, DEALS, batch_size=4)
    world = rworld(crm, deals=DEALS, creds="oauth", batch_size=4, faults={"slow_ms": 40})
    base = sum(_reads_writes(world))  # the setup's requests
    proc = rel.spawn_sync(world)
    rel.wait_until(lambda: sum(_reads_writes(world)) >= base + 4 or proc.poll() is not None)
    assert proc.poll() is None, "the run ended before the tokens could expire"
    world.sb.set_faults(expire_all_tokens=True)
    out, err = proc.communicate(timeout=120)
    report = json.loads(out)
    assert proc.returncode == 0 and report["status"] == "ok", (report, err[-2000:])
    stats = world.sb.stats()["apps"][crm]
    assert stats["statuses"].get("401", 0) >= 1, "no request met an expired token"
    token_calls = sum(n for k, n in stats["requests"].items() if "token" in k)
    assert 2 <= token_calls <= 3, stats["requests"]
    world.sb.set_faults(slow_ms=0)
    assert rel.comparable(world.state()) == expected


@pytest.mark.parametrize("scope", ["crm.objects.deals.read", "crm.objects.deals.write"])
def test_missing_hubspot_scope_is_one_clear_error_without_a_retry_loop(
    rworld: Any, rel: Any, scope: str
) -> None:
    """A private app lacking a scope gets one 403 MISSING_SCOPES: the run fails (exit 4) or
    lists the refused records, naming the scope, with no retry of the refused call."""
    world = rworld("hubspot", deals=12)
    app = rel.app_of(world.sb, "hubspot")
    from nextadvance.sandbox.hubspot._auth import ALL_SCOPES

    app.auth.set_scopes(world.token, set(ALL_SCOPES) - {scope})
    before = world.sb.stats()["apps"]["hubspot"]["total_requests"]  # the setup's
    code, report = world.sync()
    stats = world.sb.stats()["apps"]["hubspot"]
    sent = stats["total_requests"] - before
    refused = stats["statuses"].get("403", 0)
    text = json.dumps(report)
    assert scope in text or "scope" in text.lower(), report
    if scope.endswith(".read"):
        assert code == 4 and report["status"] == "failed", report
        assert refused == 1 and sent == 1, stats
    else:
        assert code in (1, 4) and report["status"] != "ok", report
        assert refused <= 2, stats  # one refused update batch (and no retry of it)
        assert report["api_calls"]["retries"] == 0
