"""Fixtures of the reliability suite: sandbox worlds with any credentials, crash helpers, checks.

The CRM-state readers and the ``World`` helper come from the sync integration tests'
conftest (loaded by path, not copied); this module adds what reliability needs on top:
worlds with OAuth-refresh or canary credentials, running ``nextadvance sync`` as a killable
subprocess, a comparable CRM snapshot, and :func:`integrity_check` over the state store.
"""

from __future__ import annotations

import importlib.util
import json
import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from nextadvance.sandbox import Sandbox

_spec = importlib.util.spec_from_file_location(
    "nextadvance_reliability_world",
    Path(__file__).resolve().parents[1] / "integration" / "sync" / "conftest.py",
)
assert _spec is not None and _spec.loader is not None
_w = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = _w  # dataclasses look their module up while the class is built
_spec.loader.exec_module(_w)
World = _w.World
nextadvance_exe = _w.nextadvance_exe

#: The fixed "now" of every world here, so two sandboxes with one seed hold the same data.
NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def app_of(sb: Sandbox, name: str) -> Any:
    """The mounted emulation (``salesforce`` / ``hubspot``) of an in-process sandbox."""
    return next(a for a in (sb.hub.apps if sb.hub else []) if a.name == name)


def comparable(state: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Per deal: our field values and our tasks by idempotency key (never CRM ids)."""
    return {
        deal: {
            "fields": v["fields"],
            "tasks": sorted((t["key"], t["subject"], t["completed"]) for t in v["tasks"]),
        }
        for deal, v in state.items()
    }


def duplicates(state: dict[str, dict[str, Any]]) -> int:
    """Tasks beyond the first per idempotency key, plus open tasks beyond one per deal."""
    keys: dict[str, int] = {}
    extra_open = 0
    for v in state.values():
        open_tasks = [t for t in v["tasks"] if not t["completed"]]
        extra_open += max(len(open_tasks) - 1, 0)
        for t in v["tasks"]:
            keys[t["key"]] = keys.get(t["key"], 0) + 1
    return extra_open + sum(n - 1 for n in keys.values())


def differences(got: dict[str, Any], want: dict[str, Any]) -> list[str]:
    """Deals whose comparable state differs (for readable assertion messages)."""
    return sorted(d for d in set(got) | set(want) if got.get(d) != want.get(d))


def dump_store(db: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table of a SQLite state store."""
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10) as conn:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return {tb: list(conn.execute(f'SELECT * FROM "{tb}"')) for tb in tables}


def integrity_check(db: Path) -> None:
    """Assert the state store is consistent after a recovery run.

    SQLite's own check passes, no write is left pending in the ledger, the cursor is saved,
    every activity link points at a mirrored activity, and every ledger row of an
    open mirrored deal names a CRM object.
    """
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        pending = conn.execute("SELECT count(*) FROM ledger WHERE status='pending'").fetchone()[0]
        assert pending == 0, f"{pending} ledger entries still pending"
        cursors = conn.execute("SELECT count(*) FROM cursors").fetchone()[0]
        assert cursors == 1, "no committed cursor"
        dangling = conn.execute(
            "SELECT count(*) FROM deal_activities da LEFT JOIN activities a "
            "ON a.connection = da.connection AND a.activity_id = da.activity_id "
            "WHERE a.activity_id IS NULL"
        ).fetchone()[0]
        assert dangling == 0, f"{dangling} deal-activity links to unknown activities"
        nameless = conn.execute(
            "SELECT count(*) FROM ledger l JOIN deals d ON d.connection = l.connection "
            "AND d.deal_id = l.deal_id WHERE d.is_open AND l.kind = 'task' "
            "AND l.status != 'failed' AND l.crm_id IS NULL"
        ).fetchone()[0]
        assert nameless == 0, f"{nameless} task ledger rows of open deals without a CRM id"
        running = conn.execute("SELECT count(*) FROM locks").fetchone()[0]
        assert running == 0, "a run lock is still held"


def pending_writes(db: Path) -> int:
    """Ledger rows a running sync has marked sent-but-unconfirmed (0 before the store exists)."""
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as conn:
            return int(
                conn.execute("SELECT count(*) FROM ledger WHERE status='pending'").fetchone()[0]
            )
    except sqlite3.OperationalError:
        return 0


def spawn_sync(world: Any, *extra: str, log_level: str | None = None) -> subprocess.Popen[bytes]:
    """``nextadvance sync --connection crm --json`` as a child process (killable)."""
    env = {**os.environ, **{k: v for k, v in world.env.items() if v}}
    env.pop("NEXTADVANCE_STATE_URL", None)
    if log_level:
        env["NEXTADVANCE_LOG_LEVEL"] = log_level
    return subprocess.Popen(
        [nextadvance_exe(), "sync", "-C", world.crm, "-c", str(world.config), "--json", *extra],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def cli(world: Any, *args: str, log_level: str | None = None, timeout: float = 120) -> Any:
    """Run the console script with the world's environment; the CompletedProcess."""
    env = {**os.environ, **{k: v for k, v in world.env.items() if v}}
    env.pop("NEXTADVANCE_STATE_URL", None)
    if log_level:
        env["NEXTADVANCE_LOG_LEVEL"] = log_level
    return subprocess.run(
        [nextadvance_exe(), *args], env=env, capture_output=True, timeout=timeout, check=False
    )


def store_path(world: Any) -> Path:
    """The world's SQLite state store file."""
    return Path(world.config).parent / "state.db"


def oauth_secret(sb: Sandbox, crm: str) -> dict[str, str]:
    """OAuth refresh-token credentials (no ready access token) for ``sb``."""
    if crm == "salesforce":
        c = sb.salesforce_credentials
        return {
            "client_id": c["client_id"],
            "client_secret": c["client_secret"],
            "refresh_token": c["refresh_token"],
            "token_url": f"{sb.base_url}/services/oauth2/token",
        }
    c = sb.hubspot_credentials
    return {
        "client_id": c["client_id"],
        "client_secret": c["client_secret"],
        "refresh_token": c["refresh_token"],
    }


def install_canaries(sb: Sandbox, crm: str, tag: str) -> dict[str, str]:
    """Make the sandbox accept canary credentials and return them (access token unknown to
    the CRM, so the first call is refused and the refresh path runs with every secret)."""
    canary = {
        "access_token": f"CANARYaccess{tag}Zq81xKw",
        "refresh_token": f"CANARYrefresh{tag}Mv55pLt",
        "client_secret": f"CANARYsecret{tag}Hd93rQe",
        "client_id": f"canary-client-{tag}",
    }
    app = app_of(sb, crm)
    if crm == "salesforce":
        app.auth.client_id = canary["client_id"]
        app.auth.client_secret = canary["client_secret"]
        app.auth.refresh_token = canary["refresh_token"]
        canary["token_url"] = f"{sb.base_url}/services/oauth2/token"
    else:
        app.auth._clients[canary["client_id"]] = canary["client_secret"]
        app.auth.add_refresh_token(canary["refresh_token"], canary["client_id"])
    return canary


@pytest.fixture
def rworld(sandbox_factory: Callable[..., Sandbox], tmp_path: Path) -> Iterator[Callable[..., Any]]:
    """``rworld(crm, deals=30, faults=None, creds="token"|"oauth"|dict-maker, seed=11,
    batch_size=None, rate_per_s=100)``: a sandbox plus config like ``make_world``, with any
    credentials (``creds`` may be a callable ``(sb) -> secret dict``)."""
    made = 0

    def make(
        crm: str,
        deals: int = 30,
        faults: dict[str, Any] | None = None,
        creds: Any = "token",
        seed: int = 11,
        batch_size: int | None = None,
        rate_per_s: float = 100,
        extra_config: str = "",
        quota_share: float | None = None,
    ) -> Any:
        nonlocal made
        made += 1
        sb = sandbox_factory(crm=crm, deals=deals, seed=seed, now=NOW)
        if crm == "hubspot":
            _w._hubspot_setup(sb)  # what `nextadvance setup` did before the faults begin
        if faults:
            sb.set_faults(**faults)
        if creds == "token":
            c = sb.salesforce_credentials if crm == "salesforce" else sb.hubspot_credentials
            secret = {"access_token": c["session_id" if crm == "salesforce" else "access_token"]}
        elif creds == "oauth":
            secret = oauth_secret(sb, crm)
        else:
            secret = creds(sb)
        home = tmp_path / f"rworld{made}"
        home.mkdir()
        var = f"NA_TEST_REL_{crm.upper()}_{made}"
        env = {var: json.dumps(secret), "NEXTADVANCE_STATE_URL": ""}
        os.environ[var] = env[var]
        limits = f"{{rate_per_s: {rate_per_s}"
        limits += f", batch_size: {batch_size}" if batch_size else ""
        limits += f", daily_quota_share: {quota_share}}}" if quota_share else "}"
        config = home / "nextadvance.yaml"
        config.write_text(
            f"state_url: sqlite:///{home / 'state.db'}\n"
            "connections:\n"
            f"  - name: {crm}\n"
            f"    crm: {crm}\n"
            f"    credentials: {{env: {var}}}\n"
            f"    base_url: {sb.base_url}\n"
            f"    ca_bundle: {sb.ca_path}\n"
            f"    limits: {limits}\n" + extra_config
        )
        return World(sb=sb, crm=crm, config=config, env=env)

    yield make
    for key in [k for k in os.environ if k.startswith("NA_TEST_REL_")]:
        del os.environ[key]


@pytest.fixture
def clean_state(rworld: Callable[..., Any]) -> Callable[..., dict[str, Any]]:
    """``clean_state(crm, deals, seed=11)``: the comparable CRM state after one fault-free run
    (memoised per argument set within the test)."""
    cache: dict[tuple[Any, ...], dict[str, Any]] = {}

    def get(crm: str, deals: int, seed: int = 11, batch_size: int | None = None) -> dict[str, Any]:
        key = (crm, deals, seed, batch_size)
        if key not in cache:
            w = rworld(crm, deals=deals, seed=seed, batch_size=batch_size)
            code, report = w.sync()
            assert code == 0, report
            cache[key] = comparable(w.state())
            w.sb.stop()
        return cache[key]

    return get


def wait_until(pred: Callable[[], bool], timeout: float = 60.0, step: float = 0.01) -> None:
    """Poll ``pred`` until true; AssertionError after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not pred():
        assert time.monotonic() < deadline, "condition not reached in time"
        time.sleep(step)


@pytest.fixture(scope="session")
def rel() -> Any:
    """This module's helpers (``rel.comparable``, ``rel.integrity_check`` ...) for the tests
    (conftest modules are not importable under ``--import-mode=importlib``)."""
    return sys.modules[__name__]


class Tamper:
    """A TLS proxy in front of a sandbox that answers chosen requests with what the API does
    not promise: HTML error pages, broken JSON, wrong types, missing fields.

    ``rules`` maps (method, path substring) to a function ``(status, headers, body) ->
    (status, headers, body)``; ``times`` limits how often each rule fires (None: always).
    """

    def __init__(self, sb: Sandbox, directory: Path) -> None:
        import ssl
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        import requests

        from nextadvance.sandbox._tls import make_tls, server_context

        self.sb = sb
        self.rules: list[dict[str, Any]] = []
        self.fired: list[str] = []
        tls = make_tls(directory)
        self.ca_path = tls.ca_path
        upstream = requests.Session()
        upstream.trust_env = False
        upstream.verify = str(sb.ca_path)
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                return

            def _any(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                headers = {
                    k: v
                    for k, v in self.headers.items()
                    if k.lower() not in ("host", "content-length")
                }
                r = upstream.request(
                    self.command, sb.base_url + self.path, data=body, headers=headers, timeout=60
                )
                status, out_headers, out = r.status_code, dict(r.headers), r.content
                for rule in proxy.rules:
                    if rule["method"] == self.command and rule["path"] in self.path:
                        if rule["times"] is not None:
                            if rule["times"] <= 0:
                                continue
                            rule["times"] -= 1
                        proxy.fired.append(f"{self.command} {self.path}")
                        status, out_headers, out = rule["fn"](status, out_headers, out)
                        break
                self.send_response(status)
                for k, v in out_headers.items():
                    if k.lower() not in (
                        "content-length",
                        "transfer-encoding",
                        "connection",
                        "content-encoding",
                    ):
                        self.send_header(k, v)
                self.send_header("Content-Length", str(len(out)))
                self.end_headers()
                self.wfile.write(out)

            do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = _any

        class Server(ThreadingHTTPServer):
            daemon_threads = True

            def finish_request(self, request: Any, client_address: Any) -> None:
                try:
                    request = ctx.wrap_socket(request, server_side=True)
                except (OSError, ssl.SSLError):
                    return
                super().finish_request(request, client_address)

        ctx = server_context(tls)
        self.server = Server(("127.0.0.1", 0), Handler)
        self.base_url = f"https://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def on(self, method: str, path: str, fn: Callable[..., Any], times: int | None = None) -> None:
        """Tamper with answers to ``method`` requests whose path contains ``path``."""
        self.rules.append({"method": method, "path": path, "fn": fn, "times": times})

    def close(self) -> None:
        """Stop the proxy."""
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def tamper(tmp_path: Path) -> Iterator[Callable[[Any], Any]]:
    """``tamper(world)``: put a :class:`Tamper` proxy between the world's config and its CRM."""
    made: list[Tamper] = []

    def make(world: Any) -> Tamper:
        t = Tamper(world.sb, tmp_path / f"tamper{len(made)}")
        made.append(t)
        text = Path(world.config).read_text()
        text = text.replace(f"base_url: {world.sb.base_url}", f"base_url: {t.base_url}")
        text = text.replace(f"ca_bundle: {world.sb.ca_path}", f"ca_bundle: {t.ca_path}")
        Path(world.config).write_text(text)
        return t

    yield make
    for t in made:
        t.close()
