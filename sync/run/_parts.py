"""From settings to the parts of a run: mapping, playbook, connector.

Everything that can be wrong with a connection's configuration surfaces here as a
ConfigError/MappingError/RuleError before the run takes its lock or sends a request.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC
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
from nextadvance.mappings import (
    Mapping,
    default_mapping_path,
    format_path,
    load_mapping,
    load_playbook,
    load_yaml_file,
)

from ..config._settings import Connection, Settings
from ..config._targets import Targets, load_targets, zone
from ..config._zones import OwnerZones

__all__ = ["Parts", "connector_config", "load_parts", "make_connector"]


@dataclass(frozen=True)
class Parts:
    """The loaded mapping and playbook of one connection (and its prospecting targets)."""

    connection: Connection
    mapping: Mapping
    playbook: Playbook
    #: the ``prospecting.targets`` file, parsed (None: the connection does not opt in)
    targets: Targets | None = None
    #: the configuration file and the connection's index in it (to locate problems)
    config_file: Path | None = None
    index: int | None = None
    #: each deal owner's time zone (deals are decided at ``now`` in it)
    zones: OwnerZones = field(default_factory=OwnerZones)


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
    index = next((i for i, c in enumerate(settings.connections) if c.name == name), None)
    return Parts(
        conn, mapping, playbook, targets, settings.config_file, index, owner_zones(conn, targets)
    )


def owner_zones(conn: Connection, targets: Targets | None) -> OwnerZones:
    """The deal owners' zones: the targets file's reps, then ``timezone`` (else prospecting's)."""
    name = conn.timezone or (conn.prospecting.timezone if conn.prospecting else None)
    reps = {r.owner_id: r.tz for r in targets.reps} if targets is not None else {}
    return OwnerZones(zone(name) if name else UTC, reps)


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
        label_refresh_s=conn.label_refresh_s,
    )


def make_connector(parts: Parts) -> Connector:
    """A ready connector for the connection (no request sent yet).

    The connector names bad settings by its own keys (``base_url``); they are re-located
    here to the configuration file's line (``nextadvance.yaml:7 connections[2].base_url``).
    """
    try:
        return build_connector(connector_config(parts.connection, parts.mapping))
    except ConfigError as exc:
        raise ConfigError([_locate(parts, p) for p in exc.problems]) from exc


def _locate(parts: Parts, problem: Problem) -> Problem:
    if parts.config_file is None or parts.index is None or problem.file is not None:
        return problem
    located, _ = load_yaml_file(parts.config_file)
    # keys come relative to the connection (``base_url``) or named by it
    # (``connections.acme.credentials``): either way, the connection's own key
    rel = problem.key_path
    own = f"connections.{parts.connection.name}."
    if rel.startswith(own):
        rel = rel[len(own) :]
    key = rel.split(".")[0] if rel else ""
    path: tuple[str | int, ...] = ("connections", parts.index, *((key,) if key else ()))
    return replace(
        problem,
        file=str(parts.config_file),
        line=located.line_of(path),
        key_path=format_path(("connections", parts.index, *rel.split(".")))
        if rel
        else format_path(path),
    )
