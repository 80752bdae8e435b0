"""Rate limits (rolling 10-second window, search per second, daily budget), token expiry
and refresh, and missing scopes, with HubSpot's bodies and headers."""

from __future__ import annotations

import json
import time

import pytest
from hubspot.crm.deals import ApiException, PublicObjectSearchRequest

from nextadvance.sandbox._faults import FaultPlan
from nextadvance.sandbox.hubspot import CLIENT_ID, CLIENT_SECRET, PRIVATE_APP_TOKEN, REFRESH_TOKEN


def _refresh(sandbox):
    return sandbox.client().oauth.tokens_api.create(
        grant_type="refresh_token",
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        refresh_token=REFRESH_TOKEN,
    )


def test_rate_limit_headers_on_normal_responses_not_on_search(hs_factory):
    """Normal answers carry the X-HubSpot-RateLimit-* headers counting down; search answers do not."""
    sandbox = hs_factory(None, FaultPlan(hubspot_per_10s=50, daily_limit=1000))
    first = sandbox.raw("GET", "/crm/v3/objects/deals")
    second = sandbox.raw("GET", "/crm/v3/objects/deals")
    assert first.headers["X-HubSpot-RateLimit-Max"] == "50"
    assert first.headers["X-HubSpot-RateLimit-Interval-Milliseconds"] == "10000"
    assert (
        int(second.headers["X-HubSpot-RateLimit-Remaining"])
        == int(first.headers["X-HubSpot-RateLimit-Remaining"]) - 1
    )
    assert int(second.headers["X-HubSpot-RateLimit-Daily-Remaining"]) == 1000 - 2
    for name in (
        "X-HubSpot-RateLimit-Daily",
        "X-HubSpot-RateLimit-Secondly",
        "X-HubSpot-RateLimit-Secondly-Remaining",
    ):
        assert name in first.headers
    found = sandbox.raw("POST", "/crm/v3/objects/deals/search", json={})
    assert found.status_code == 200 and "X-HubSpot-RateLimit-Max" not in found.headers


def test_rolling_ten_second_window_answers_429(hs_factory):
    """Past hubspot_per_10s requests in 10 s a token gets 429 TEN_SECONDLY_ROLLING with the real body."""
    sandbox = hs_factory(None, FaultPlan(hubspot_per_10s=5, retry_after_s=None))
    api = sandbox.client().crm.deals.basic_api
    for _ in range(5):
        api.get_page(limit=1)
    with pytest.raises(ApiException) as exc:
        api.get_page(limit=1)
    body = json.loads(exc.value.body)
    assert exc.value.status == 429
    assert body["errorType"] == "RATE_LIMIT" and body["policyName"] == "TEN_SECONDLY_ROLLING"
    assert (
        body["message"] == "You have reached your ten_secondly_rolling limit."
        and body["correlationId"]
    )
    assert exc.value.headers["X-HubSpot-RateLimit-Remaining"] == "0"
    assert "Retry-After" not in exc.value.headers
    other = sandbox.client(_refresh(sandbox).access_token).crm.deals.basic_api
    assert other.get_page(limit=1).results == []  # the window is per token
    stats = sandbox.app.stats()
    assert stats["rate_limited_by_policy"] == {"TEN_SECONDLY_ROLLING": 1}


def test_retry_after_only_when_configured(hs_factory):
    """A Retry-After header accompanies 429s only when faults.retry_after_s is set."""
    sandbox = hs_factory(None, FaultPlan(hubspot_per_10s=1, retry_after_s=2.0))
    sandbox.raw("GET", "/crm/v3/objects/deals")
    limited = sandbox.raw("GET", "/crm/v3/objects/deals")
    assert limited.status_code == 429 and limited.headers["Retry-After"] == "2"


def test_search_secondly_limit(hs_factory):
    """More than hubspot_search_per_s searches in one second get 429 SECONDLY; a second later they pass."""
    sandbox = hs_factory(None, FaultPlan(hubspot_search_per_s=2))
    search = sandbox.client().crm.deals.search_api
    search.do_search(PublicObjectSearchRequest())
    search.do_search(PublicObjectSearchRequest())
    with pytest.raises(ApiException) as exc:
        search.do_search(PublicObjectSearchRequest())
    assert json.loads(exc.value.body)["policyName"] == "SECONDLY"
    assert sandbox.client().crm.deals.basic_api.get_page().results == []  # non-search still fine
    time.sleep(1.05)
    assert search.do_search(PublicObjectSearchRequest()).total == 0


def test_daily_budget(hs_factory):
    """After daily_limit calls every request gets 429 DAILY."""
    sandbox = hs_factory(None, FaultPlan(daily_limit=3))
    for _ in range(3):
        assert sandbox.raw("GET", "/crm/v3/objects/deals").status_code == 200
    over = sandbox.raw("GET", "/crm/v3/objects/deals")
    assert over.status_code == 429 and over.json()["policyName"] == "DAILY"
    assert over.headers["X-HubSpot-RateLimit-Daily-Remaining"] == "0"


def test_unknown_token_is_401_invalid_authentication(hs_empty):
    """A token the portal never issued gets 401 INVALID_AUTHENTICATION (UnauthorizedException)."""
    from hubspot.crm.deals.exceptions import UnauthorizedException

    with pytest.raises(UnauthorizedException) as exc:
        hs_empty.client("not-a-token").crm.deals.basic_api.get_page()
    body = json.loads(exc.value.body)
    assert body["category"] == "INVALID_AUTHENTICATION" and body["status"] == "error"


def test_oauth_token_expires_then_refresh_works(hs_factory):
    """An OAuth token past token_lifetime_s gets 401 EXPIRED_AUTHENTICATION; a refreshed one works."""
    sandbox = hs_factory(None, FaultPlan(token_lifetime_s=0.3))
    tokens = _refresh(sandbox)
    assert tokens.expires_in == 0
    api = sandbox.client(tokens.access_token).crm.deals.basic_api
    api.get_page()
    time.sleep(0.35)
    with pytest.raises(ApiException) as exc:
        api.get_page()
    body = json.loads(exc.value.body)
    assert exc.value.status == 401 and body["category"] == "EXPIRED_AUTHENTICATION"
    assert "expired" in body["message"]
    sandbox.faults.update({"token_lifetime_s": None})
    fresh = _refresh(sandbox)
    assert fresh.expires_in == 1800
    assert sandbox.client(fresh.access_token).crm.deals.basic_api.get_page().results == []
    assert sandbox.client(PRIVATE_APP_TOKEN).crm.deals.basic_api.get_page().results == []


def test_expire_all_tokens_invalidates_issued_oauth_tokens(hs_empty):
    """expire_all_tokens makes every OAuth token issued so far fail; tokens issued after work."""
    old = _refresh(hs_empty).access_token
    hs_empty.faults.update({"expire_all_tokens": True})
    assert hs_empty.raw("GET", "/crm/v3/objects/deals", token=old).status_code == 401
    new = _refresh(hs_empty).access_token
    assert hs_empty.raw("GET", "/crm/v3/objects/deals", token=new).status_code == 200
    assert hs_empty.raw("GET", "/crm/v3/objects/deals", token=PRIVATE_APP_TOKEN).status_code == 200
    hs_empty.faults.update({"expire_all_tokens": False})
    assert hs_empty.raw("GET", "/crm/v3/objects/deals", token=old).status_code == 401
    assert hs_empty.raw("GET", "/crm/v3/objects/deals", token=new).status_code == 200


def test_missing_scope_is_403(hs_empty):
    """A token without crm.objects.deals.write may read deals but gets 403 MISSING_SCOPES on writes."""
    from hubspot.crm.deals.exceptions import ForbiddenException

    hs_empty.app.auth.add_private_token("pat-read-only", {"crm.objects.deals.read"})
    api = hs_empty.client("pat-read-only").crm.deals.basic_api
    assert api.get_page().results == []
    with pytest.raises(ForbiddenException) as exc:
        api.create({"properties": {"dealname": "x"}})
    body = json.loads(exc.value.body)
    assert body["category"] == "MISSING_SCOPES"
    assert body["errors"][0]["context"]["requiredGranularScopes"] == ["crm.objects.deals.write"]
