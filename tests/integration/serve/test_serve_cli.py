"""``nextadvance serve`` end to end: real console script, sandbox CRM, real PostgreSQL.

Two ``serve`` processes and a loop of ``nextadvance sync`` share one PostgreSQL state store
and one connection; the run history must show runs that never overlap, ``/metrics`` must
count them, and SIGTERM must stop each server cleanly with the lock released.
"""

from __future__ import annotations

import itertools
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from nextadvance.sync.store._db import StateStore

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

NEXTADVANCE = Path(sys.executable).with_name("nextadvance")
CONN = "acme-sf"
CREDS_ENV = "NA_SERVE_TEST_SF"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(port: int, path: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as resp:
            return resp.status, resp.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def _metric(text: str, name: str, **labels: str) -> float:
    want = ",".join(f'{k}="{v}"' for k, v in labels.items())
    for line in text.splitlines():
        if line.startswith(f"{name}{{{want}}} "):
            return float(line.rsplit(" ", 1)[1])
    return 0.0


@pytest.fixture
def setup(sandbox_factory: Any, pg_url: str, tmp_path: Path) -> Iterator[dict[str, Any]]:
    """A fresh Salesforce sandbox, a config file pointing at it, and the environment to run."""
    # Each request is slowed so a run holds the connection's lock for a few seconds: with
    # loopback answering in ~2 ms a run would otherwise finish before the next scheduler tick,
    # and the lock this test is about would rarely be met.
    sb = sandbox_factory(crm="salesforce", deals=15, seed=11, faults={"slow_ms": 150})
    cfg = tmp_path / "nextadvance.yaml"
    cfg.write_text(
        "\n".join(
            [
                f"state_url: {pg_url}",
                "connections:",
                f"  - name: {CONN}",
                "    crm: salesforce",
                f"    credentials: {{env: {CREDS_ENV}}}",
                f"    base_url: {sb.base_url}",
                f"    ca_bundle: {sb.ca_path}",
                '    schedule: "*/5 * * * *"',
                "",
            ]
        )
    )
    env = {
        **os.environ,
        CREDS_ENV: json.dumps(sb.salesforce_credentials),
        "NEXTADVANCE_LOG_FORMAT": "json",
        "NEXTADVANCE_LOG_LEVEL": "INFO",
    }
    env.pop("NEXTADVANCE_STATE_URL", None)
    # Migrate once up front so the processes start on a ready store.
    StateStore.open(pg_url).close()
    yield {"cfg": cfg, "env": env, "url": pg_url, "sandbox": sb}


def _serve(setup: dict[str, Any], port: int, log: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [
            str(NEXTADVANCE),
            "serve",
            "--config",
            str(setup["cfg"]),
            "--port",
            str(port),
            "--interval-seconds",
            "0.5",
        ],
        env=setup["env"],
        stdout=subprocess.DEVNULL,
        stderr=log.open("wb"),
    )


def _wait_ready(port: int, proc: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"serve exited {proc.returncode}:\n{log.read_text()[-3000:]}")
        try:
            if _get(port, "/readyz")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.1)
    pytest.fail(f"serve never became ready:\n{log.read_text()[-3000:]}")


def _runs(url: str) -> list[tuple[Any, Any, str]]:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                sa.text(
                    "SELECT started_at, finished_at, status FROM runs "
                    "WHERE connection = :c ORDER BY started_at"
                ),
                {"c": CONN},
            ).all()
    finally:
        engine.dispose()
    return [(r[0], r[1], r[2]) for r in rows]


def _log_lines(log: Path) -> list[dict[str, Any]]:
    out = []
    for line in log.read_text().splitlines():
        if line.startswith("{"):
            out.append(json.loads(line))
    return out


def test_two_servers_and_a_manual_sync_never_overlap_and_stop_cleanly(
    setup: dict[str, Any], tmp_path: Path
) -> None:
    """Runs happen and are counted, never overlap across processes, and SIGTERM exits 0."""
    ports = [_free_port(), _free_port()]
    logs = [tmp_path / "serve-a.log", tmp_path / "serve-b.log"]
    procs = [_serve(setup, p, log) for p, log in zip(ports, logs, strict=True)]
    try:
        # Meanwhile, someone runs the same connection by hand, twice.
        manual_codes: list[int] = []
        manual_errors: list[str] = []

        def by_hand() -> None:
            for _ in range(2):
                done = subprocess.run(
                    [str(NEXTADVANCE), "sync", "-C", CONN, "--config", str(setup["cfg"])],
                    env=setup["env"],
                    capture_output=True,
                    timeout=120,
                    check=False,
                )
                manual_codes.append(done.returncode)
                if done.returncode not in (0, 1, 3):
                    manual_errors.append(done.stderr.decode()[-2000:])

        manual = threading.Thread(target=by_hand)
        manual.start()
        for port, proc, log in zip(ports, procs, logs, strict=True):
            _wait_ready(port, proc, log)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if len([r for r in _runs(setup["url"]) if r[2] != "locked"]) >= 6:
                break
            time.sleep(0.5)
        manual.join(120)
        assert len(manual_codes) == 2 and not manual_errors, manual_errors
        metrics = [_get(p, "/metrics")[1] for p in ports]
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        codes = [proc.wait(timeout=60) for proc in procs]

    assert codes == [0, 0], [log.read_text()[-2000:] for log in logs]
    runs = _runs(setup["url"])
    real = [r for r in runs if r[2] != "locked"]
    assert len(real) >= 6, runs
    assert all(r[1] is not None for r in real), "a run was left unfinished"
    overlaps = [(a, b) for a, b in itertools.pairwise(real) if b[0] < a[1]]
    assert overlaps == []

    served_runs = 0.0
    for text in metrics:
        for status in ("ok", "partial"):
            served_runs += _metric(text, "nextadvance_runs_total", connection=CONN, status=status)
    assert served_runs >= 3
    assert (
        any(
            _metric(text, "nextadvance_runs_total", connection=CONN, status="locked") > 0
            for text in metrics
        )
        or 3 in manual_codes
    ), "two schedulers on one connection never met the lock"
    assert all(
        _metric(text, "nextadvance_runs_total", connection=CONN, status="failed") == 0
        for text in metrics
    )
    assert any(
        _metric(text, "nextadvance_api_calls_total", connection=CONN) > 0 for text in metrics
    )

    for log in logs:
        lines = _log_lines(log)
        assert lines[-1]["msg"] == "shutdown complete"
        finished = [x for x in lines if x["msg"].startswith("run finished")]
        assert all(x.get("connection") == CONN and x.get("run_id") for x in finished)
        raw = log.read_text()
        for secret in ("session_id", "refresh_token", "client_secret"):
            value = setup["sandbox"].salesforce_credentials[secret]
            assert value not in raw, f"{secret} leaked into the log"

    # The lock is free: a new holder gets it at once.
    store = StateStore.open(setup["url"], migrate=False)
    try:
        with store.lock(CONN):
            pass
    finally:
        store.close()
