"""Root fixtures: a running sandbox CRM and real clients pointed at it.

``sandbox`` is shared by the whole session (both CRMs, 60 deals, seed 7): tests that write
to it, change its faults or expire its tokens must start their own with ``sandbox_factory``.
Clients trust the sandbox's CA file (never ``verify=False``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
import requests
from requests.adapters import HTTPAdapter

from nextadvance.sandbox import Sandbox


class CABundleAdapter(HTTPAdapter):
    """Forces one CA bundle on every send (``REQUESTS_CA_BUNDLE`` would override ``session.verify``)."""

    def __init__(self, ca_path: str) -> None:
        super().__init__()
        self.ca_path = ca_path

    def send(self, request: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        kwargs["verify"] = self.ca_path
        return super().send(request, **kwargs)


def sandbox_session(sb: Sandbox) -> requests.Session:
    """A requests session that trusts ``sb``'s CA for its base URL."""
    session = requests.Session()
    session.mount(sb.base_url, CABundleAdapter(str(sb.ca_path)))
    return session


def salesforce_client(sb: Sandbox, session_id: str | None = None, version: str = "59.0") -> Any:
    """A simple_salesforce.Salesforce in session-id mode against ``sb``."""
    from simple_salesforce import Salesforce

    creds = sb.salesforce_credentials
    return Salesforce(
        instance_url=creds["instance_url"],
        session_id=session_id or creds["session_id"],
        session=sandbox_session(sb),
        version=version,
    )


def hubspot_client(sb: Sandbox) -> Any:
    """A hubspot.Client with the private-app token against ``sb``."""
    import hubspot

    return hubspot.Client.create(
        access_token=sb.hubspot_credentials["access_token"],
        host=sb.base_url,
        ssl_ca_cert=str(sb.ca_path),
        retry=False,
    )


@pytest.fixture(scope="session")
def sandbox() -> Iterator[Sandbox]:
    """A shared read-mostly sandbox: both CRMs, 60 deals, seed 7."""
    with Sandbox(crm="both", deals=60, seed=7) as sb:
        yield sb


@pytest.fixture
def sandbox_factory() -> Iterator[Callable[..., Sandbox]]:
    """Start fresh sandboxes (``crm``, ``deals``, ``seed``, ``faults`` ...); stopped after the test."""
    started: list[Sandbox] = []

    def make(**kwargs: Any) -> Sandbox:
        kwargs.setdefault("deals", 20)
        kwargs.setdefault("seed", 3)
        sb = Sandbox(**kwargs).start()
        started.append(sb)
        return sb

    yield make
    for sb in started:
        sb.stop()


@pytest.fixture
def sf_client(sandbox: Sandbox) -> Any:
    """simple-salesforce against the shared sandbox (session-id mode, CA-bundle adapter)."""
    return salesforce_client(sandbox)


@pytest.fixture
def hs_client(sandbox: Sandbox) -> Any:
    """hubspot-api-client against the shared sandbox (private-app token, no retries)."""
    return hubspot_client(sandbox)


@pytest.fixture
def sf_client_for() -> Callable[..., Any]:
    """``sf_client_for(sb, session_id=None)``: simple-salesforce against any sandbox."""
    return salesforce_client


@pytest.fixture
def hs_client_for() -> Callable[[Sandbox], Any]:
    """``hs_client_for(sb)``: hubspot-api-client against any sandbox."""
    return hubspot_client


@pytest.fixture
def sandbox_http() -> Callable[[Sandbox], requests.Session]:
    """``sandbox_http(sb)``: a requests session trusting the sandbox's CA."""
    return sandbox_session
