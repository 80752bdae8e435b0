"""From settings to a run's parts: shipped defaults, and a mapping for the wrong CRM refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from nextadvance.core.errors import ConfigError
from nextadvance.mappings import default_mapping_path
from nextadvance.sync.config._settings import load_settings
from nextadvance.sync.run._parts import connector_config, load_parts


def _config(tmp_path: Path, mapping: str) -> Path:
    cfg = tmp_path / "nextadvance.yaml"
    cfg.write_text(
        "connections:\n"
        "  - name: acme\n"
        "    crm: salesforce\n"
        "    credentials: {env: NA_WIRING_TOKEN}\n"
        "    base_url: https://acme.example\n"
        f"    mapping: {mapping}\n"
        "    limits: {daily_quota_share: 0.25, rate_per_s: 3}\n"
    )
    return cfg


def test_default_mapping_and_its_playbook_are_loaded(tmp_path: Path) -> None:
    """`mapping: default` is the shipped mapping for the CRM, with the playbook it names."""
    parts = load_parts(load_settings(_config(tmp_path, "default")), "acme")
    assert parts.mapping.crm == "salesforce"
    assert parts.playbook.stages


def test_mapping_for_another_crm_is_refused(tmp_path: Path) -> None:
    """A HubSpot mapping on a Salesforce connection is a configuration error naming both."""
    with pytest.raises(ConfigError, match="is for hubspot"):
        load_parts(load_settings(_config(tmp_path, str(default_mapping_path("hubspot")))), "acme")


def test_connector_config_reads_the_secret_and_limits(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The connector gets the referenced secret (redacted in its repr) and the configured limits."""
    monkeypatch.setenv("NA_WIRING_TOKEN", '{"access_token": "canary-wiring-1"}')
    parts = load_parts(load_settings(_config(tmp_path, "default")), "acme")
    cfg = connector_config(parts.connection, parts.mapping)
    assert cfg.credentials.access_token is not None
    assert cfg.credentials.access_token.get_secret_value() == "canary-wiring-1"
    assert "canary" not in repr(cfg)
    assert cfg.limits.max_quota_share == 0.25 and cfg.limits.requests_per_10s == 30
