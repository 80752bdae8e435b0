"""Fixtures for the HubSpot emulation's conformance tests.

``hs`` is a full :class:`~nextadvance.sandbox.Sandbox` (TLS, admin API) with only HubSpot
mounted; ``hs_factory`` starts the same server stack around a custom world or app options.
Clients are hubspot-api-client instances with client-side validation on, so every answer is
deserialised through the library's generated models, and with the library's retries off.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import hubspot
import pytest
import requests

from nextadvance.sandbox import Sandbox
from nextadvance.sandbox._faults import FaultPlan
from nextadvance.sandbox._server import Hub, SandboxHTTPServer
from nextadvance.sandbox._tls import make_tls, server_context
from nextadvance.sandbox._world import World
from nextadvance.sandbox.hubspot import PRIVATE_APP_TOKEN, HubSpotApp


@dataclass
class HubSpotSandbox:
    """A running HubSpot emulation: its app, fault plan, base URL, CA file and clients."""

    app: HubSpotApp
    faults: FaultPlan
    url: str
    ca_path: Path

    def client(self, token: str = PRIVATE_APP_TOKEN) -> Any:
        """A hubspot-api-client trusting the sandbox CA, validation on, retries off."""
        return hubspot.Client.create(
            access_token=token,
            host=self.url,
            ssl_ca_cert=str(self.ca_path),
            client_side_validation=True,
            retry=False,
        )

    def raw(
        self, method: str, path: str, token: str = PRIVATE_APP_TOKEN, **kw: Any
    ) -> requests.Response:
        """A plain HTTPS call, for what the library hides (headers, ``0-3`` ids, bad JSON)."""
        headers = {"Authorization": f"Bearer {token}", **kw.pop("headers", {})}
        return requests.request(
            method, self.url + path, headers=headers, timeout=10, verify=str(self.ca_path), **kw
        )


@pytest.fixture
def hs(sandbox_factory: Callable[..., Sandbox]) -> HubSpotSandbox:
    """A fresh Sandbox with only HubSpot mounted: 60 deals, seed 7, no faults."""
    sb = sandbox_factory(crm="hubspot", deals=60, seed=7)
    assert sb.hub is not None
    app = next(a for a in sb.hub.apps if a.name == "hubspot")
    assert isinstance(app, HubSpotApp)
    return HubSpotSandbox(app, sb.faults, sb.base_url, sb.ca_path)


@pytest.fixture
def hs_world(hs: HubSpotSandbox) -> World:
    """The world loaded into ``hs``."""
    assert hs.app.world is not None
    return hs.app.world


@pytest.fixture
def hs_factory(tmp_path: Path) -> Iterator[Callable[..., HubSpotSandbox]]:
    """``hs_factory(world=None, faults=None, **HubSpotApp options)``: a TLS server around a
    custom HubSpot app; all stopped at the end of the test."""
    servers: list[SandboxHTTPServer] = []
    tls = make_tls(tmp_path)

    def make(
        world: World | None = None, faults: FaultPlan | None = None, **options: Any
    ) -> HubSpotSandbox:
        plan = faults or FaultPlan(seed=3)
        app = HubSpotApp(world, plan, **options)
        server = SandboxHTTPServer(("127.0.0.1", 0), Hub([app], plan), server_context(tls))
        threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True
        ).start()
        servers.append(server)
        return HubSpotSandbox(
            app, plan, f"https://127.0.0.1:{server.server_address[1]}", tls.ca_path
        )

    yield make
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.fixture
def hs_empty(hs_factory: Callable[..., HubSpotSandbox]) -> HubSpotSandbox:
    """A HubSpot emulation with no records (only the default metadata)."""
    return hs_factory(None)
