"""From settings to the parts of a run: mapping, playbook, connector.

Everything that can be wrong with a connection's configuration surfaces here as a
ConfigError/MappingError/RuleError before the run takes its lock or sends a request.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from nextadvance.connectors import (
    Connector,
    ConnectorConfig,
    Credentials,
    Limits,
    build_connector,
    profile,
)
from nextadvance.core import Playbook
from nextadvance.core.errors import ConfigError, Problem
from nextadvance.mappings import Mapping, default_mapping_path, load_mapping, load_playbook

from ..config._settings import Connection, Settings
from ..config._targets import Targets, load_targets, zone

__all__ = ["Parts", "connector_config", "load_parts", "make_connector"]


@dataclass(frozen=True)
class Parts:
    """The loaded mapping and playbook of one connection (and its prospecting targets)."""

    connection: Connection
    mapping: Mapping
    playbook: Playbook
    #: the ``prospecting.targets`` file, parsed (None: the connection does not opt in)
    targets: Targets | None = None


def load_parts(settings: Settings, name: str) -> Parts:
    """Load the connection's mapping and playbook (shipped defaults when not configured)."""
    conn = settings.connection(name)
    mapping_file = conn.mapping if conn.mapping not in (None, "default") else None
    mapping_path = mapping_file or default_mapping_path(conn.crm)
    if conn.playbook not in (None, "default"):
        playbook = load_playbook(conn.playbook)
        mapping = load_mapping(mapping_path, stage_keys=[s.key for s in playbook.stages])
    else:
        mapping = load_mapping(mapping_path)
        playbook = load_playbook(mapping.playbook_path(), mapping.lexicon_path())
    if mapping.crm != conn.crm:
        raise ConfigError(
            [
                Problem(
                    message=f"mapping {mapping.source} is for {mapping.crm}, "
                    f"but connection '{name}' is {conn.crm}",
                    file=str(settings.config_file) if settings.config_file else None,
                    key_path=f"connections.{name}.mapping",
                )
            ]
        )
    targets = None
    if conn.prospecting is not None:
        targets = load_targets(Path(conn.prospecting.targets), zone(conn.prospecting.timezone))
    return Parts(conn, mapping, playbook, targets)


def connector_config(conn: Connection, mapping: Mapping) -> ConnectorConfig:
    """The connector's configuration; reads the connection's secrets (never logged)."""
    crm = profile(conn.crm, key_path=f"connections.{conn.name}.crm")
    base_url = conn.base_url or crm.default_base_url
    if base_url is None:
        raise ConfigError(
            [
                Problem(
                    message=f"base_url is required for {crm.label} (the org's instance URL)",
                    key_path=f"connections.{conn.name}.base_url",
                    expected=crm.base_url_hint,
                )
            ]
        )
    secrets = conn.credentials.resolve(connection=conn.name)
    lim = conn.limits
    limits = Limits(
        max_quota_share=lim.daily_quota_share,
        connect_timeout_s=lim.connect_timeout_s,
        timeout_s=lim.read_timeout_s,
        retry_deadline_s=lim.request_deadline_s,
    )
    if lim.rate_per_s is not None:
        limits = replace(limits, requests_per_10s=max(1, int(lim.rate_per_s * 10)))
    return ConnectorConfig(
        system=conn.crm,
        base_url=base_url,
        credentials=Credentials.from_mapping(secrets),
        mapping=mapping,
        ca_bundle=str(Path(conn.ca_bundle)) if conn.ca_bundle else None,
        limits=limits,
    )


def make_connector(parts: Parts) -> Connector:
    """A ready connector for the connection (no request sent yet)."""
    return build_connector(connector_config(parts.connection, parts.mapping))
