"""The configuration mistakes an ops person makes, as the installed CLI reports them.

Each test runs the runtime-only console script (``runtime_cli``) against the sandbox or a
loopback server and checks the message names what was tried and what to fix. Before: a raw
SOQL error, 13 s of JSON retry lines ending in ``ConnectionError`` without the URL, a
``HubSpot 404`` with an HTML page, ``<input> base_url``, and ``mappings init -o x.yaml``
refusing because the config already named x.yaml.
"""

from __future__ import annotations

import http.server
import json
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from nextadvance.mappings import default_mapping_path
from nextadvance.sandbox import Sandbox

Run = Callable[..., object]


@pytest.fixture(scope="module")
def crm() -> Iterator[Sandbox]:
    """A small Salesforce sandbox with the write-back fields, for the whole module."""
    with Sandbox(crm="salesforce", deals=8, seed=5) as sb:
        yield sb


def _config(tmp_path: Path, sb: Sandbox | None, **conn: str) -> dict[str, str]:
    """``nextadvance.yaml`` with one connection ``c``; returns the env holding its secret."""
    token = sb.salesforce_credentials["session_id"] if sb else "x" * 20
    lines = [f"state_url: sqlite:///{tmp_path / 'state.db'}", "connections:", "  - name: c"]
    conn.setdefault("crm", "salesforce")
    if sb is not None:
        conn.setdefault("base_url", sb.salesforce_credentials["instance_url"])
        conn.setdefault("ca_bundle", str(sb.ca_path))
    lines += [f"    {k}: '{v}'" for k, v in conn.items()]
    lines.append("    credentials: {env: NA_OPS_CREDS}")
    (tmp_path / "nextadvance.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    key = "session_id" if conn["crm"] == "salesforce" else "access_token"
    return {"NA_OPS_CREDS": json.dumps({key: token})}


def test_mapped_field_that_does_not_exist_names_file_line_and_validate(
    run_runtime: Run, crm: Sandbox, tmp_path: Path
) -> None:
    """A misspelled deal field: mapping file, line and key, and the command that checks all."""
    text = default_mapping_path("salesforce").read_text(encoding="utf-8")
    text = text.replace("    amount: Amount\n", "    amount: Amountt\n")
    line = text.splitlines().index("    amount: Amountt") + 1
    (tmp_path / "mine.yaml").write_text(text, encoding="utf-8")
    env = _config(tmp_path, crm, mapping="mine.yaml")
    proc = run_runtime("sync", "-C", "c", env=env)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 4, out
    assert (
        f"mine.yaml:{line} deal.fields.amount: field 'Amountt' does not exist on Opportunity"
        in (" ".join(out.split()))
    )
    assert "mappings validate" in out and "--live --connection c" in " ".join(out.split())
    assert "SELECT" not in out and "Traceback" not in out


def test_refused_port_fails_fast_and_names_the_url(run_runtime: Run, tmp_path: Path) -> None:
    """Nothing listens on the port: one message with the URL tried, no retry storm."""
    env = _config(tmp_path, None, base_url="https://127.0.0.1:1")
    started = time.monotonic()
    proc = run_runtime("sync", "-C", "c", env=env)
    took = time.monotonic() - started
    out = " ".join((proc.stdout + proc.stderr).split())
    assert proc.returncode == 4, out
    assert "cannot connect to Salesforce at https://127.0.0.1:1 (connection refused" in out
    assert "Check the connection's base_url" in out
    assert "retry" not in out and '"level"' not in out
    # generous: the runtime-only interpreter's start alone takes seconds on a loaded machine;
    # a retry storm would run into the request deadline and print its attempts
    assert took < 30, took


@pytest.fixture
def web_server() -> Iterator[str]:
    """A plain web server on loopback that answers every path with an HTML 404 page."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), http.server.SimpleHTTPRequestHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_wrong_crm_or_url_says_it_is_not_that_api(
    run_runtime: Run, web_server: str, tmp_path: Path
) -> None:
    """A HubSpot connection pointed at a server that is not HubSpot: URL, crm and what to check."""
    env = _config(tmp_path, None, crm="hubspot", base_url=web_server)
    proc = run_runtime("sync", "-C", "c", env=env)
    out = " ".join((proc.stdout + proc.stderr).split())
    assert proc.returncode == 4, out
    assert f"{web_server} does not look like the HubSpot API" in out
    assert "Check the connection's crm (hubspot) and base_url" in out
    assert "<html" not in out.lower() and "<!doctype" not in out.lower()


def test_connector_setting_is_located_in_the_config_file(run_runtime: Run, tmp_path: Path) -> None:
    """Salesforce over plain http: the config file, line and key, not ``<input> base_url``."""
    env = _config(tmp_path, None, base_url="http://127.0.0.1:9")
    proc = run_runtime("sync", "-C", "c", env=env)
    assert proc.returncode == 2, proc.stderr
    assert "nextadvance.yaml:4 connections[0].base_url: Salesforce needs an https" in proc.stderr
    assert "<input>" not in proc.stderr


def test_readme_order_init_writes_the_mapping_the_config_names(
    run_runtime: Run, crm: Sandbox, tmp_path: Path
) -> None:
    """``mapping: x.yaml`` in the config before x.yaml exists; ``mappings init -o x.yaml`` works."""
    env = _config(tmp_path, crm, mapping="x.yaml")
    proc = run_runtime("mappings", "init", "-C", "c", "-o", "x.yaml", env=env)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert (tmp_path / "x.yaml").exists()
    check = run_runtime("mappings", "validate", "x.yaml", env=env)
    assert check.returncode == 0, check.stdout + check.stderr
    # the other commands still insist on the file (nothing to sync with otherwise)
    (tmp_path / "x.yaml").unlink()
    proc = run_runtime("sync", "-C", "c", env=env)
    assert proc.returncode == 2 and "connections[0].mapping: file not found" in proc.stderr
