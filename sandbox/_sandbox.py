"""The :class:`Sandbox`: generate a world, mount the CRM apps, serve them over loopback TLS.

Runs in-process on a background thread (tests, demo) or in the foreground from the CLI
(``nextadvance sandbox serve``).  The HubSpot app is mounted when
``nextadvance.sandbox.hubspot`` is importable; ``stats()`` says whether it was.
"""

from __future__ import annotations

import importlib
import json
import shutil
import ssl
import tempfile
import threading
import urllib.error
import urllib.request
from datetime import datetime
from pathlib import Path
from typing import Any

from . import _clock
from ._faults import FaultPlan
from ._generator import generate
from ._http import App
from ._server import Hub, SandboxHTTPServer
from ._tls import make_tls, server_context
from ._world import ORGS, World

__all__ = ["Sandbox"]

_LOOPBACK = ("127.0.0.1", "localhost", "::1")


class Sandbox:
    """A running (after :meth:`start`) local CRM emulator; also a context manager."""

    def __init__(
        self,
        crm: str = "both",
        deals: int = 60,
        seed: int = 7,
        faults: FaultPlan | dict[str, Any] | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        data: str | Path | None = None,
        now: datetime | None = None,
        custom_fields: bool = True,
        state_dir: str | Path | None = None,
        allow_remote: bool = False,
        org: str = "stock",
    ) -> None:
        if org not in ORGS:
            raise ValueError(f"org must be one of {', '.join(ORGS)}, not {org!r}")
        self.org = org
        if crm not in ("both", "salesforce", "hubspot"):
            raise ValueError(f"crm must be both, salesforce or hubspot, not {crm!r}")
        if host not in _LOOPBACK and not allow_remote:
            raise ValueError(
                f"refusing to listen on non-loopback host {host!r} (allow_remote=True to force)"
            )
        self.crm, self.deals, self.seed, self.now = crm, deals, seed, now
        self.host, self.port = host, port
        self.data = Path(data) if data is not None else None
        self.custom_fields = custom_fields
        if isinstance(faults, FaultPlan):
            self.faults = faults
        else:
            self.faults = FaultPlan()
            self.faults.update(dict(faults or {}))
        self._initial_faults = self.faults.to_dict()
        self._state_dir = Path(state_dir) if state_dir is not None else None
        self._own_dir: Path | None = None
        self._server: SandboxHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.hub: Hub | None = None
        self.hubspot_mounted = False
        self.ca_path = Path()
        self.base_url = ""

    # -- lifecycle ----------------------------------------------------------------------
    def _world(self) -> World:
        if self.data is not None:
            from ._datafile import load_world

            return load_world(self.data)
        return generate(self.deals, self.seed, self.now, org=self.org)

    def _apps(self) -> list[App]:
        world = self._world()
        self.seed, self.deals = world.seed, len(world.deals)
        apps: list[App] = []
        if self.crm in ("both", "salesforce"):
            from .salesforce import SalesforceApp

            apps.append(
                SalesforceApp(world, self.faults, custom_fields=self.custom_fields, org=self.org)
            )
        self.hubspot_mounted = False
        if self.crm in ("both", "hubspot"):
            try:
                module = importlib.import_module("nextadvance.sandbox.hubspot")
            except ImportError:
                module = None
            if module is not None and hasattr(module, "HubSpotApp"):
                apps.append(
                    module.HubSpotApp(world, self.faults, nextadvance_group=self.custom_fields)
                )
                self.hubspot_mounted = True
        return apps

    def _notes(self) -> dict[str, Any]:
        extra = {} if self.org == "stock" else {"org": self.org}  # stock stats stay as they were
        return {
            **extra,
            "crm": self.crm,
            "seed": self.seed,
            "deals": self.deals,
            "hubspot_mounted": self.hubspot_mounted,
            "salesforce_mounted": self.crm in ("both", "salesforce"),
        }

    def _reset(self) -> None:
        assert self.hub is not None
        self.faults.update(dict(self._initial_faults))
        self.hub.apps = self._apps()
        self.hub.notes = self._notes()

    def start(self) -> Sandbox:
        """Generate the world, create TLS files, listen, and serve on a daemon thread."""
        if self._server is not None:
            return self
        directory = self._state_dir
        if directory is None:
            directory = self._own_dir = Path(tempfile.mkdtemp(prefix="nextadvance-sandbox-"))
        extra = () if self.host in _LOOPBACK else (self.host,)
        tls = make_tls(directory, extra)
        self.ca_path = tls.ca_path
        self.hub = Hub(self._apps(), self.faults, reset=self._reset)
        self.hub.notes = self._notes()
        self._server = SandboxHTTPServer((self.host, self.port), self.hub, server_context(tls))
        self.port = self._server.server_address[1]
        shown = "127.0.0.1" if self.host in ("127.0.0.1", "0.0.0.0") else self.host
        self.base_url = f"https://{shown}:{self.port}"
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.1},
            name="sandbox-http",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving, close the socket and remove the generated TLS files; the clock goes
        back to the wall clock (it is process-wide: the next sandbox starts on time)."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
            _clock.reset()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
        if self._own_dir is not None:
            shutil.rmtree(self._own_dir, ignore_errors=True)
            self._own_dir = None

    def __enter__(self) -> Sandbox:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- what clients need --------------------------------------------------------------
    def _app(self, name: str) -> Any:
        for app in self.hub.apps if self.hub else []:
            if app.name == name:
                return app
        return None

    @property
    def salesforce_credentials(self) -> dict[str, str]:
        """instance_url, client_id, client_secret, username, password, security_token,
        refresh_token and a ready session_id (sandbox-only invented values)."""
        app = self._app("salesforce")
        if app is None:
            return {}
        return {"instance_url": self.base_url, **app.credentials()}

    @property
    def hubspot_credentials(self) -> dict[str, str]:
        """access_token (private app) and OAuth client_id, client_secret, refresh_token."""
        app = self._app("hubspot")
        creds = getattr(app, "credentials", None)
        if app is None or creds is None:
            return {}
        return {"base_url": self.base_url, **creds()}

    def admin(self, path: str, method: str = "GET", json: Any = None) -> Any:
        """Call ``/_sandbox/<path>`` and return the decoded JSON answer."""
        return _admin_call(self.base_url, self.ca_path, path, method, json)

    def stats(self) -> dict[str, Any]:
        """``GET /_sandbox/stats``."""
        return dict(self.admin("stats"))

    def requests(self) -> list[dict[str, Any]]:
        """``GET /_sandbox/requests``: recent requests in order (t, app, key, status, token
        hash, retry_after when the answer carried one)."""
        return list(self.admin("requests")["requests"])

    def snapshot(self) -> dict[str, Any]:
        """``GET /_sandbox/snapshot``: all data of every app."""
        return dict(self.admin("snapshot"))

    def set_faults(self, **changes: Any) -> dict[str, Any]:
        """``POST /_sandbox/faults`` with the given settings; returns the whole plan."""
        return dict(self.admin("faults", "POST", changes))

    def mutate(self, count: int, seed: int = 0) -> dict[str, Any]:
        """``POST /_sandbox/mutate``: reps work ``count`` open deals in each CRM."""
        return dict(self.admin("mutate", "POST", {"count": count, "seed": seed}))

    def advance_clock(self, seconds: float) -> float:
        """``POST /_sandbox/clock``: let ``seconds`` pass on the CRM's clock (stamps and the
        ``Date`` header) without waiting; returns the clock's offset from the wall clock."""
        return float(self.admin("clock", "POST", {"advance_s": seconds})["offset_s"])

    def reset(self) -> None:
        """``POST /_sandbox/reset``: regenerate the world, clear counters, restore faults."""
        self.admin("reset", "POST", {})


def _admin_call(base_url: str, ca_path: Path, path: str, method: str, payload: Any) -> Any:
    ctx = ssl.create_default_context(cafile=str(ca_path))
    body = None if payload is None else json.dumps(payload).encode("utf-8")
    req = urllib.request.Request(
        f"{base_url}/_sandbox/{path.lstrip('/')}",
        data=body,
        method=method,
        headers={"Content-Type": "application/json"},
    )
    # loopback: never through a proxy from the environment
    opener = urllib.request.build_opener(
        urllib.request.ProxyHandler({}), urllib.request.HTTPSHandler(context=ctx)
    )
    try:
        with opener.open(req, timeout=120) as resp:
            return json.loads(resp.read().decode("utf-8"))
    except urllib.error.HTTPError as exc:
        detail = exc.read().decode("utf-8", "replace")
        raise RuntimeError(f"sandbox admin {method} {path} failed: {exc.code} {detail}") from None
