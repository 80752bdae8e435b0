"""Build a connector from a :class:`ConnectorConfig`, checking the config first.

The sync layer maps its settings file to a :class:`ConnectorConfig` and calls
:func:`build_connector`; every problem with the config is reported at once as one
:class:`~nextadvance.core.errors.ConfigError` before any request is sent.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from nextadvance.connectors._base import Connector, ConnectorConfig
from nextadvance.connectors._registry import CRM_NAMES, PROFILES
from nextadvance.core.errors import ConfigError, Problem

__all__ = ["build_connector", "check_config"]


def check_config(config: ConnectorConfig) -> list[Problem]:
    """Every problem with ``config`` (empty when it is usable)."""
    problems: list[Problem] = []
    crm = PROFILES.get(config.system)
    if crm is None:
        problems.append(
            Problem(
                f"unknown CRM system {config.system!r}",
                key_path="system",
                expected=" or ".join(repr(n) for n in CRM_NAMES),
            )
        )
    parts = urlsplit(config.base_url or "")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        problems.append(
            Problem(
                f"base_url {config.base_url!r} is not an http(s) URL",
                key_path="base_url",
                expected="e.g. "
                + " or ".join(p.base_url_hint.removeprefix("e.g. ") for p in PROFILES.values()),
            )
        )
    elif crm is not None and crm.https_only and parts.scheme != "https":
        problems.append(
            Problem(
                f"{crm.label} needs an https instance URL (its client library always speaks TLS)",
                key_path="base_url",
                hint="for a local emulator use its https URL and pass ca_bundle",
            )
        )
    creds = config.credentials
    can_refresh = creds.refresh_token is not None and creds.client_id is not None
    if creds.access_token is None and not can_refresh:
        problems.append(
            Problem(
                "no usable credentials",
                key_path="credentials",
                expected="an access token, or refresh_token + client_id (+ client_secret)",
            )
        )
    if config.limits.max_quota_share <= 0 or config.limits.max_quota_share > 1:
        problems.append(
            Problem(
                f"max_quota_share {config.limits.max_quota_share} out of range",
                key_path="limits.max_quota_share",
                expected="a share in (0, 1], e.g. 0.5",
            )
        )
    if config.page_size is not None and config.page_size < 1:
        problems.append(Problem("page_size must be positive", key_path="page_size"))
    return problems


def build_connector(config: ConnectorConfig) -> Connector:
    """A ready :class:`Connector` for ``config`` (no request is sent until first use).

    Raises :class:`~nextadvance.core.errors.ConfigError` listing every problem at once.
    """
    problems = check_config(config)
    if problems:
        raise ConfigError(problems)
    return PROFILES[config.system].factory(config)
