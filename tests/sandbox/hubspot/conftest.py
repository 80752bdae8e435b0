"""Fixtures for the HubSpot emulation's conformance tests: a loopback server with only the
HubSpot app mounted, and hubspot-api-client instances pointed at it with client-side
validation on, so every answer is deserialised through the library's generated models."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import hubspot
import pytest
import requests
from urllib3.util.retry import Retry

from nextadvance.sandbox._faults import FaultPlan
from nextadvance.sandbox._generator import generate
from nextadvance.sandbox._server import Hub, SandboxHTTPServer
from nextadvance.sandbox._world import World
from nextadvance.sandbox.hubspot import PRIVATE_APP_TOKEN, HubSpotApp


@dataclass
class HubSpotSandbox:
    """A running HubSpot emulation: its app, fault plan, base URL and a client factory."""

    app: HubSpotApp
    faults: FaultPlan
    url: str

    def client(self, token: str = PRIVATE_APP_TOKEN) -> Any:
        """A hubspot-api-client with validation on and the library's retries off."""
        return hubspot.Client.create(
            access_token=token,
            host=self.url,
            client_side_validation=True,
            retry=Retry(0, redirect=0, raise_on_status=False),
        )

    def raw(
        self, method: str, path: str, token: str = PRIVATE_APP_TOKEN, **kw: Any
    ) -> requests.Response:
        """A plain HTTP call, for shapes the library does not expose (headers, 0-3 ids)."""
        headers = {"Authorization": f"Bearer {token}", **kw.pop("headers", {})}
        return requests.request(method, self.url + path, headers=headers, timeout=10, **kw)


def _start(world: World | None, faults: FaultPlan, **options: Any) -> Iterator[HubSpotSandbox]:
    app = HubSpotApp(world, faults, **options)
    server = SandboxHTTPServer(("127.0.0.1", 0), Hub([app], faults), None)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield HubSpotSandbox(app, faults, f"http://127.0.0.1:{server.server_address[1]}")
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def hs_world() -> World:
    """A small generated world (60 deals, ~600 activities)."""
    return generate(deals=60, seed=7)


@pytest.fixture
def hs(hs_world: World) -> Iterator[HubSpotSandbox]:
    """A fresh HubSpot emulation loaded with the small world, no faults."""
    yield from _start(hs_world, FaultPlan(seed=3))


@pytest.fixture
def hs_empty() -> Iterator[HubSpotSandbox]:
    """A fresh HubSpot emulation with no data (only the default metadata)."""
    yield from _start(None, FaultPlan(seed=3))


@pytest.fixture
def hs_factory() -> Iterator[Any]:
    """Start emulations with custom worlds, faults and options; all stopped at the end."""
    stops: list[Iterator[HubSpotSandbox]] = []

    def make(
        world: World | None = None, faults: FaultPlan | None = None, **options: Any
    ) -> HubSpotSandbox:
        gen = _start(world, faults or FaultPlan(seed=3), **options)
        stops.append(gen)
        return next(gen)

    yield make
    for gen in stops:
        for _ in gen:
            pass
