"""Canary secrets for every credential of both CRMs never leave the process.

Each CRM gets a canary access token (unknown to the CRM, so the first call is refused), a
canary refresh token and a canary client secret (the refresh path sends them).  After syncs,
a failing refresh, ``serve`` and reports at DEBUG, no canary (nor its URL-encoded form)
appears in the captured output, logs, run reports, metrics, the state store (every row of
every table) or a cassette recorded with the contract suite's scrubbers.
"""

from __future__ import annotations

import importlib.util
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote, quote_plus

import pytest
import requests

CRMS = ["salesforce", "hubspot"]
SECRET_KEYS = ("access_token", "refresh_token", "client_secret")


def _canary_world(rworld: Any, rel: Any, crm: str) -> tuple[Any, dict[str, str]]:
    canaries: dict[str, str] = {}

    def creds(sb: Any) -> dict[str, str]:
        canaries.update(rel.install_canaries(sb, crm, crm[:2].upper()))
        return dict(canaries)

    return rworld(crm, deals=12, creds=creds), canaries


def _leaks(text: str, canaries: dict[str, str]) -> list[str]:
    """Which canaries (in any encoding a URL or body may use) occur in ``text``."""
    found = []
    for key in SECRET_KEYS:
        value = canaries[key]
        if any(form in text for form in {value, quote(value, safe=""), quote_plus(value)}):
            found.append(key)
    return found


def _output(proc: Any) -> str:
    return proc.stdout.decode("utf-8", "replace") + proc.stderr.decode("utf-8", "replace")


@pytest.mark.parametrize("crm", CRMS)
def test_no_canary_in_output_logs_reports_or_state_store(rworld: Any, rel: Any, crm: str) -> None:
    """Syncs at DEBUG (with token refreshes), run history, a report and a failed refresh leak
    no canary into stdout/stderr, JSON reports, the report file or any state-store row."""
    world, canaries = _canary_world(rworld, rel, crm)
    texts: list[str] = []
    first = rel.cli(world, "sync", "-C", crm, "-c", str(world.config), "--json", log_level="DEBUG")
    assert first.returncode == 0, _output(first)[-3000:]
    texts.append(_output(first))
    stats = world.sb.stats()["apps"][crm]
    assert stats["statuses"].get("401", 0) >= 1, "the canary access token was never sent"
    assert any("token" in k for k in stats["requests"]), "the refresh path never ran"

    world.sb.set_faults(expire_all_tokens=True)
    world.sb.mutate(3, seed=2)
    again = rel.cli(world, "sync", "-C", crm, "-c", str(world.config), "--json", log_level="DEBUG")
    assert again.returncode == 0, _output(again)[-3000:]
    texts.append(_output(again))

    # the CRM now refuses the canary refresh: an AuthError's text must not carry secrets either
    app = rel.app_of(world.sb, crm)
    if crm == "salesforce":
        app.auth.refresh_token = "rotated-elsewhere"
    else:
        app.auth._refresh.pop(canaries["refresh_token"], None)
    world.sb.set_faults(expire_all_tokens=False)
    world.sb.set_faults(expire_all_tokens=True)
    failed = rel.cli(world, "sync", "-C", crm, "-c", str(world.config), "--json", log_level="DEBUG")
    assert failed.returncode == 4, _output(failed)[-3000:]
    texts.append(_output(failed))

    runs = rel.cli(world, "runs", "-C", crm, "-c", str(world.config), "--json", log_level="DEBUG")
    assert runs.returncode == 0, _output(runs)
    texts.append(_output(runs))
    out = Path(world.config).parent / "report.json"
    report = rel.cli(
        world, "report", "-C", crm, "-c", str(world.config), "-o", str(out), "-f", "json",
        log_level="DEBUG",
    )  # fmt: skip
    texts.append(_output(report))
    if out.exists():
        texts.append(out.read_text(encoding="utf-8"))

    dump = rel.dump_store(rel.store_path(world))
    assert dump["runs"] and dump["ledger"], "the state store holds nothing to check"
    texts.append(repr(dump))
    leaks = {i: _leaks(text, canaries) for i, text in enumerate(texts)}
    assert not any(leaks.values()), leaks


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.parametrize("crm", CRMS)
def test_no_canary_in_serve_logs_or_metrics(rworld: Any, rel: Any, crm: str) -> None:
    """``nextadvance serve`` at DEBUG runs the canary connection; its logs, /metrics and
    /healthz carry no canary."""
    world, canaries = _canary_world(rworld, rel, crm)
    port = _free_port()
    env = {**os.environ, **{k: v for k, v in world.env.items() if v}}
    env.pop("NEXTADVANCE_STATE_URL", None)
    args = ["serve", "-c", str(world.config), "--port", str(port), "--interval-seconds", "1"]
    proc = subprocess.Popen(
        [rel.nextadvance_exe(), *args, "--log-level", "DEBUG"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    texts = []
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        metrics = ""
        while time.monotonic() < deadline:
            assert proc.poll() is None, proc.stderr.read().decode()[-3000:]  # type: ignore[union-attr]
            try:
                metrics = requests.get(f"{url}/metrics", timeout=5).text
            except requests.ConnectionError:
                metrics = ""
            if 'status="ok"' in metrics:
                break
            time.sleep(0.3)
        assert 'status="ok"' in metrics, metrics[-2000:]
        texts += [metrics, requests.get(f"{url}/healthz", timeout=5).text]
    finally:
        proc.terminate()
        out, err = proc.communicate(timeout=30)
    texts += [out.decode("utf-8", "replace"), err.decode("utf-8", "replace")]
    assert "debug" in texts[-1].lower(), "no DEBUG log line captured"
    leaks = {i: _leaks(text, canaries) for i, text in enumerate(texts)}
    assert not any(leaks.values()), leaks


def _contract_scrubbers() -> tuple[Any, Any]:
    path = Path(__file__).resolve().parents[1] / "contract" / "conftest.py"
    spec = importlib.util.spec_from_file_location("nextadvance_reliability_contract", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module.before_record_request, module.before_record_response


@pytest.mark.parametrize("crm", CRMS)
def test_no_canary_in_a_recorded_cassette(rworld: Any, rel: Any, crm: str, tmp_path: Path) -> None:
    """A cassette recorded (with the contract suite's scrubbers) while a canary connection
    pulls, refreshes its token and writes holds no canary."""
    import vcr

    from nextadvance.sync import load_settings, run_sync

    world, canaries = _canary_world(rworld, rel, crm)
    before_req, before_resp = _contract_scrubbers()
    recorder = vcr.VCR(
        record_mode="all",
        before_record_request=before_req,
        before_record_response=before_resp,
        decode_compressed_response=True,
    )
    cassette = tmp_path / "canary.yaml"
    settings = load_settings(world.config)
    with recorder.use_cassette(str(cassette)):
        report = run_sync(settings, crm)
    assert report.status == "ok", report.message
    text = cassette.read_text(encoding="utf-8")
    assert "oauth" in text and len(text) > 1000, "nothing recorded"
    assert not _leaks(text, canaries)
    assert not _leaks(json.dumps(report.to_json()), canaries)  # the in-process report too


@pytest.mark.parametrize("crm", ["salesforce", "hubspot"])
def test_a_token_with_a_space_or_line_break_is_refused_unshown(
    rworld: Any, rel: Any, crm: str
) -> None:
    """A token pasted with a space or a stray line break is refused at load (exit 2, the key
    named, the value not shown): sent, the HTTP library quoted the header, and the token's
    tail after the space escaped redaction into the output and the state store's runs."""
    for slip in (" TAILSECRETCANARY", "TAILSECRETCANARY\\r"):
        world = rworld(
            crm, creds=lambda sb, slip=slip: {"access_token": "pat-na1-" + json.loads(f'"{slip}"')}
        )
        result = rel.cli(world, "sync", "--connection", crm, "--config", str(world.config))
        out = result.stdout.decode() + result.stderr.decode()
        assert result.returncode == 2, out
        assert "access_token" in out and "not shown" in out, out
        assert "TAILSECRETCANARY" not in out and "pat-na1" not in out, out
        store = rel.store_path(world)
        assert not store.exists() or b"TAILSECRETCANARY" not in store.read_bytes()
