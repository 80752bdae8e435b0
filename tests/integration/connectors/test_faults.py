"""Connectors under faults: rate limits, outages, expired tokens, quota, deletions, index lag."""

from __future__ import annotations

import logging
import time
from typing import Any

import pytest

from nextadvance.connectors import AuthError, Limits, QuotaExhausted


def _ids(batches: list[Any]) -> set[str]:
    return {d.crm_id for b in batches for d in b.deals}


def _app(sb: Any, name: str) -> Any:
    return next(a for a in sb.hub.apps if a.name == name)


def test_rate_limit_storm_and_outages_are_retried_to_completion(
    connector_factory, crm, drain, caplog
):
    """With 25% 429s and 10% 5xx a full pull returns every deal after retries; logs stay clean."""
    caplog.set_level(logging.DEBUG, logger="nextadvance.connectors")
    sb, conn = connector_factory(crm, deals=20)
    clean, _ = drain(conn, None)
    sb.set_faults(rate_429=0.25, rate_5xx=0.1, retry_after_s=0.01, seed=4)
    stormy, _ = drain(conn, None)
    assert _ids(stormy) == _ids(clean)
    assert conn.calls.retries > 0
    assert conn.calls.snapshot()["errors"] == conn.calls.retries
    assert "retry" in caplog.text
    token = conn.config.credentials.access_token
    assert token is not None and token.get_secret_value() not in caplog.text


def test_expired_token_is_refreshed_once_then_run_continues(connector_factory, crm, drain):
    """When every token expires mid-run, the connector refreshes once and finishes the pull."""
    sb, conn = connector_factory(crm, deals=10, refresh=True)
    _, cursor = drain(conn, None)
    sb.set_faults(expire_all_tokens=True)
    sb.mutate(3, seed=9)
    batches, _ = drain(conn, cursor)
    assert _ids(batches)
    assert conn.session.refreshes >= 2  # the first token, then the refresh after the 401


def test_rejected_token_without_refresh_credentials_is_an_auth_error(connector_factory, crm, drain):
    """Without a refresh token a 401 surfaces as AuthError, with no secret in the message."""
    canary = "00D5g000000CANARY!AQEAQ.canary-token-do-not-log"
    _sb, conn = connector_factory(crm, deals=5, token=canary)
    with pytest.raises(AuthError) as info:
        drain(conn, None)
    assert canary not in str(info.value)
    assert canary not in repr(info.value.__cause__) or crm == "hubspot"
    assert conn.calls.total == 1, "a 401 is not retried without a way to refresh"


def test_daily_quota_stops_cleanly_and_resume_loses_nothing(connector_factory, crm, drain, connect):
    """At the daily limit the pull raises QuotaExhausted; resuming from the last batch completes it."""
    sb, conn = connector_factory(crm, deals=30, page_size=10 if crm == "hubspot" else 200)
    full, _ = drain(conn, None)
    used = conn.budget().used
    assert used is not None, "the CRM reported no usage"
    sb.set_faults(daily_limit=used + (2 if crm == "salesforce" else 6))
    seen: list[Any] = []
    with pytest.raises(QuotaExhausted):
        for batch in conn.pull(None):
            seen.append(batch)
    sb.set_faults(daily_limit=None)
    committed = seen[-1].cursor if seen else None
    next_run = connect(sb, crm, page_size=10 if crm == "hubspot" else 200)
    rest, _ = drain(next_run, committed)
    next_run.close()
    assert _ids(seen) | _ids(rest) == _ids(full)


def test_client_side_quota_share_stops_before_the_org_is_drained(connector_factory, crm, drain):
    """A run may spend only its configured share of what remained: it stops itself first."""
    sb, conn = connector_factory(
        crm,
        deals=30,
        page_size=10 if crm == "hubspot" else 200,
        limits=Limits(requests_per_10s=5000, search_per_s=200, max_quota_share=0.5),
    )
    sb.set_faults(daily_limit=6 if crm == "salesforce" else 12)
    with pytest.raises(QuotaExhausted) as info:
        drain(conn, None)
    assert "share" in str(info.value)
    budget = conn.budget()
    assert budget.run_allowance is not None and budget.limit is not None
    assert budget.run_calls == budget.run_allowance
    assert budget.used is not None and budget.used < budget.limit


def test_deleted_and_archived_deals_are_reported(
    connector_factory, crm, drain, sf_delete, hs_archive
):
    """A deal deleted (Salesforce) or archived (HubSpot) after a pull comes back as deleted."""
    sb, conn = connector_factory(crm, deals=10)
    batches, cursor = drain(conn, None)
    victim = sorted(_ids(batches))[0]
    (sf_delete if crm == "salesforce" else hs_archive)(sb, victim)
    later, _ = drain(conn, cursor)
    assert victim in {i for b in later for i in b.deleted_deal_ids}
    assert victim not in _ids(later)


def test_hubspot_index_lag_is_covered_by_the_lookback(connector_factory, drain):
    """Changes invisible to search at first are picked up by the next pull's lookback window."""
    sb, conn = connector_factory("hubspot", deals=20)
    _, cursor = drain(conn, None)
    sb.set_faults(index_lag_s=1.0)
    changed = set(sb.mutate(4, seed=3)["changed"]["hubspot"])
    early, cursor = drain(conn, cursor)
    time.sleep(1.1)
    late, _ = drain(conn, cursor)
    assert changed <= _ids(early) | _ids(late)


def test_hubspot_search_past_the_result_cap_with_shared_timestamps(connector_factory, drain):
    """More changed deals than one search may return, all sharing one timestamp, are read once each."""
    sb, conn = connector_factory("hubspot", deals=60, page_size=10)
    _, cursor = drain(conn, None)
    app = _app(sb, "hubspot")
    app.objects.search_cap = 25
    store = app.portal.stores["deals"]
    stamp_ms = int(time.time() * 1000) + 1000  # one bulk edit: every deal, one millisecond
    with app.portal.lock:
        for rid in list(store.active_ids):
            store.update(store.records[rid], {}, stamp_ms)
    before = conn.calls.by_endpoint.get("deals.search", 0)
    batches, _ = drain(conn, cursor)
    pulled = [d.crm_id for b in batches for d in b.deals]
    assert len(pulled) == len(set(pulled)) == 60
    # 60 records, each page of 10 its own query from the last (stamp, id): never past the cap
    assert conn.calls.by_endpoint["deals.search"] - before >= 6


def test_hubspot_refreshes_before_expiry_instead_of_failing(connector_factory, drain):
    """With short-lived OAuth tokens the connector refreshes ahead of expiry: no 401 is seen."""
    sb, conn = connector_factory("hubspot", deals=5, refresh=True)
    sb.set_faults(token_lifetime_s=60.0)  # inside the refresh margin: every call refreshes first
    batches, _ = drain(conn, None)
    assert _ids(batches)
    assert conn.calls.errors == 0
    assert conn.session.refreshes >= 2
