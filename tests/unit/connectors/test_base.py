"""The connector protocol's plain types: public face, redaction, counters, config checks."""

from __future__ import annotations

import inspect

import pytest
from pydantic import SecretStr

import nextadvance.connectors as connectors
from nextadvance.connectors import (
    CallEvent,
    CallStats,
    ConnectorConfig,
    Credentials,
    Limits,
    build_connector,
    check_config,
)
from nextadvance.core.errors import ConfigError

CANARY = "canary-SECRET-9f8e7d6c"


def test_all_lists_exactly_the_public_names() -> None:
    """`__all__` names every public object the package exposes and nothing else."""
    public = {
        name
        for name, obj in vars(connectors).items()
        if not name.startswith("_") and not inspect.ismodule(obj) and name not in {"annotations"}
    }
    assert set(connectors.__all__) == public


def test_credentials_never_show_secret_values() -> None:
    """repr/str of credentials and of a config holding them never contain the secret."""
    creds = Credentials.from_mapping(
        {
            "token": CANARY,
            "refresh_token": CANARY + "r",
            "client_id": "cid",
            "client_secret": CANARY,
        }
    )
    config = ConnectorConfig(
        system="hubspot", base_url="https://api.example.test", credentials=creds
    )
    for text in (repr(creds), str(creds), repr(config), str(config)):
        assert CANARY not in text
    assert creds.access_token is not None
    assert creds.access_token.get_secret_value() == CANARY
    assert "access_token" in repr(creds)


def test_call_stats_split_reads_writes_and_endpoints() -> None:
    """Every recorded event is counted once under its endpoint and as a read or a write."""
    stats = CallStats()
    stats.record(CallEvent("salesforce", "query", write=False, status=200, seconds=0.1))
    stats.record(CallEvent("salesforce", "query", write=False, status=503, seconds=0.1, retry=True))
    stats.record(CallEvent("salesforce", "composite.sobjects", write=True, status=200, seconds=0.2))
    snap = stats.snapshot()
    assert snap["by_endpoint"] == {"composite.sobjects": 1, "query": 2}
    assert (snap["reads"], snap["writes"], snap["retries"], snap["errors"]) == (2, 1, 1, 1)
    assert stats.total == 3


def test_check_config_lists_every_problem_at_once() -> None:
    """A config with several mistakes yields one ConfigError naming each of them."""
    bad = ConnectorConfig(
        system="salesforce",
        base_url="http://insecure.example.test",
        credentials=Credentials(),
        limits=Limits(max_quota_share=1.5),
        page_size=0,
    )
    problems = check_config(bad)
    paths = sorted(p.key_path for p in problems)
    assert paths == ["base_url", "credentials", "limits.max_quota_share", "page_size"]
    with pytest.raises(ConfigError) as info:
        build_connector(bad)
    assert len(info.value.problems) == 4


def test_refresh_only_credentials_are_usable() -> None:
    """A refresh token plus client id is enough: the connector fetches its own access token."""
    creds = Credentials(refresh_token=SecretStr("r"), client_id="cid")
    config = ConnectorConfig(
        system="hubspot", base_url="https://api.example.test", credentials=creds
    )
    assert check_config(config) == []
