"""Connectors built against a running sandbox, with the shipped mappings."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from pydantic import SecretStr

from nextadvance.connectors import (
    Connector,
    ConnectorConfig,
    Credentials,
    Limits,
    PullBatch,
    build_connector,
)
from nextadvance.mappings import Mapping, default_mapping_path, load_mapping
from nextadvance.sandbox import Sandbox

#: Generous pacing for tests (the sandbox enforces no limit unless a test turns one on).
FAST = Limits(requests_per_10s=5000, search_per_s=200, retry_deadline_s=20.0, backoff_max_s=2.0)


def sandbox_mapping(crm: str) -> Mapping:
    """The shipped mapping for ``crm`` (it reads only fields a stock org / the sandbox has)."""
    return load_mapping(default_mapping_path(crm))


def sandbox_credentials(
    sb: Sandbox, crm: str, *, refresh: bool = False, token: str | None = None
) -> Credentials:
    """Credentials for ``sb``: a ready token, or (``refresh``) only the OAuth refresh trio."""
    if crm == "salesforce":
        creds = sb.salesforce_credentials
        token = token or creds["session_id"]
        token_url = f"{sb.base_url}/services/oauth2/token"
    else:
        from nextadvance.sandbox import hubspot as hs

        creds = dict(getattr(sb, "hubspot_credentials", {}) or {})
        creds.setdefault("access_token", hs.PRIVATE_APP_TOKEN)
        creds.setdefault("client_id", hs.CLIENT_ID)
        creds.setdefault("client_secret", hs.CLIENT_SECRET)
        creds.setdefault("refresh_token", hs.REFRESH_TOKEN)
        token = token or creds["access_token"]
        token_url = None
    if refresh:
        return Credentials(
            refresh_token=SecretStr(creds["refresh_token"]),
            client_id=creds["client_id"],
            client_secret=SecretStr(creds["client_secret"]),
            token_url=token_url,
        )
    return Credentials(access_token=SecretStr(token))


def make_connector(
    sb: Sandbox,
    crm: str,
    *,
    refresh: bool = False,
    token: str | None = None,
    limits: Limits | None = None,
    **kwargs: Any,
) -> Connector:
    """A connector for ``crm`` on ``sb`` trusting the sandbox CA (never verify=False)."""
    base = sb.salesforce_credentials["instance_url"] if crm == "salesforce" else sb.base_url
    config = ConnectorConfig(
        system=crm,  # type: ignore[arg-type]
        base_url=base,
        credentials=sandbox_credentials(sb, crm, refresh=refresh, token=token),
        mapping=sandbox_mapping(crm),
        ca_bundle=str(sb.ca_path),
        limits=limits or FAST,
        **kwargs,
    )
    return build_connector(config)


def drain(
    connector: Connector, cursor: dict[str, Any] | None
) -> tuple[list[PullBatch], dict[str, Any]]:
    """All batches of one pull and the final cursor."""
    batches = list(connector.pull(cursor))
    return batches, batches[-1].cursor


@pytest.fixture(name="drain")
def drain_fixture() -> Callable[..., tuple[list[PullBatch], dict[str, Any]]]:
    """:func:`drain` as a fixture (test modules cannot import conftest under importlib mode)."""
    return drain


@pytest.fixture(name="connect")
def connect_fixture() -> Callable[..., Connector]:
    """:func:`make_connector` as a fixture: a second connector (a new run) on a sandbox."""
    return make_connector


@pytest.fixture(params=["salesforce", "hubspot"])
def crm(request: pytest.FixtureRequest) -> str:
    """Each test runs once per CRM."""
    return str(request.param)


@pytest.fixture
def connector_factory(
    sandbox_factory: Callable[..., Sandbox],
) -> Iterator[Callable[..., tuple[Sandbox, Connector]]]:
    """Start a fresh sandbox for one CRM and build a connector on it."""
    made: list[Connector] = []

    def make(
        crm: str, *, deals: int = 20, faults: dict[str, Any] | None = None, **kwargs: Any
    ) -> tuple[Sandbox, Connector]:
        sb = sandbox_factory(crm=crm, deals=deals, faults=faults or {})
        conn = make_connector(sb, crm, **kwargs)
        made.append(conn)
        return sb, conn

    yield make
    for conn in made:
        conn.close()


@pytest.fixture
def sf_delete() -> Callable[[Sandbox, str], None]:
    """Delete an Opportunity through the real simple-salesforce client (as a person would)."""

    def delete(sb: Sandbox, record_id: str) -> None:
        from simple_salesforce.api import Salesforce

        from nextadvance.connectors.salesforce._session import SalesforceSession

        creds = sb.salesforce_credentials
        session = SalesforceSession(
            ConnectorConfig(
                system="salesforce",
                base_url=creds["instance_url"],
                credentials=Credentials(access_token=SecretStr(creds["session_id"])),
                ca_bundle=str(sb.ca_path),
            )
        )
        sf = Salesforce(
            instance_url=creds["instance_url"], session_id=creds["session_id"], session=session.http
        )
        sf.Opportunity.delete(record_id)

    return delete


@pytest.fixture
def hs_archive() -> Callable[[Sandbox, str], None]:
    """Archive a deal through the real hubspot-api-client."""

    def archive(sb: Sandbox, record_id: str) -> None:
        import hubspot

        token = sandbox_credentials(sb, "hubspot").access_token
        assert token is not None
        client = hubspot.Client.create(
            access_token=token.get_secret_value(),
            host=sb.base_url,
            ssl_ca_cert=str(sb.ca_path),
            retry=False,
        )
        client.crm.deals.basic_api.archive(record_id)

    return archive
