"""The serve process with an injected run: schedule, HTTP endpoints, metrics, graceful stop.

The run callable is a seam here (the real sync run is exercised through the CLI in
test_serve_cli.py), so these tests pin the service's own behaviour: what it counts, what
it serves and how it stops.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import socket
import sys
import threading
import time
import urllib.error
import urllib.request

import pytest
from apscheduler.triggers.interval import IntervalTrigger

from nextadvance.sync.serve import JobSpec, RunOutcome, ServeOptions, Service


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


def _sample(text: str, name: str, **labels: str) -> float:
    want = ",".join(f'{k}="{v}"' for k, v in labels.items())
    for line in text.splitlines():
        if line.startswith(f"{name}{{{want}}} ") or (not labels and line.startswith(name + " ")):
            return float(line.rsplit(" ", 1)[1])
    return 0.0


class Recorder:
    """A run that takes a little time, honours the stop event and can report a held lock."""

    def __init__(self, status_for: dict[str, str]) -> None:
        self.status_for = status_for
        self.calls: list[tuple[str, float, float, bool]] = []
        self.active: dict[str, int] = {}
        self.max_active = 0
        self._lock = threading.Lock()

    def __call__(self, connection: str, stop: threading.Event) -> RunOutcome:
        with self._lock:
            self.active[connection] = self.active.get(connection, 0) + 1
            self.max_active = max(self.max_active, self.active[connection])
        t0 = time.monotonic()
        stopped_early = stop.wait(0.15)  # one "batch"; a stop request ends the run after it
        t1 = time.monotonic()
        with self._lock:
            self.active[connection] -= 1
            self.calls.append((connection, t0, t1, stopped_early))
        status = self.status_for.get(connection, "ok")
        return RunOutcome(
            connection,
            status,
            duration_s=t1 - t0,
            api_calls=3,
            tasks_written=2,
            fields_written=5,
            rejects=1 if status == "partial" else 0,
            budget_remaining=9000,
            finished_at=time.time(),
        )


def test_runs_are_scheduled_counted_and_served_then_sigterm_stops_cleanly(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Runs happen on schedule, /metrics counts them (locked apart), SIGTERM exits 0 cleanly."""
    caplog.set_level(logging.INFO)
    port = _free_port()
    rec = Recorder({"beta": "locked"})
    specs = [
        JobSpec("alpha", IntervalTrigger(seconds=0.4)),
        JobSpec("beta", IntervalTrigger(seconds=0.4)),
    ]
    service = Service(specs, rec, ServeOptions(port=port, misfire_grace_s=30))
    result: dict[str, object] = {}

    def drive() -> None:
        deadline = time.monotonic() + 20
        reg = service.metrics.registry
        while time.monotonic() < deadline:
            ok = reg.get_sample_value(
                "nextadvance_runs_total", {"connection": "alpha", "status": "ok"}
            )
            if (ok or 0) >= 3:
                break
            time.sleep(0.05)
        result["health"] = _get(port, "/healthz")
        result["ready"] = _get(port, "/readyz")
        result["metrics"] = _get(port, "/metrics")
        result["missing"] = _get(port, "/nope")
        # Signal while a run is likely in flight: it must finish, not be cut.
        os.kill(os.getpid(), signal.SIGTERM)

    driver = threading.Thread(target=drive)
    driver.start()
    code = service.run_forever()
    driver.join(10)

    assert code == 0
    assert result["health"] == (200, "ok\n")
    status, body = result["ready"]  # type: ignore[misc]
    assert status == 200 and json.loads(body)["ready"] is True
    assert result["missing"][0] == 404  # type: ignore[index]
    metrics = result["metrics"][1]  # type: ignore[index]
    alpha_ok = _sample(metrics, "nextadvance_runs_total", connection="alpha", status="ok")
    assert alpha_ok >= 3
    assert _sample(metrics, "nextadvance_runs_total", connection="beta", status="locked") >= 1
    assert _sample(metrics, "nextadvance_runs_total", connection="beta", status="failed") == 0
    assert _sample(metrics, "nextadvance_api_calls_total", connection="alpha") == 3 * alpha_ok
    assert _sample(metrics, "nextadvance_tasks_written_total", connection="alpha") == 2 * alpha_ok
    assert _sample(metrics, "nextadvance_api_budget_remaining", connection="alpha") == 9000
    assert _sample(metrics, "nextadvance_last_success_timestamp_seconds", connection="alpha") > 0
    assert _sample(metrics, "nextadvance_last_success_timestamp_seconds", connection="beta") == 0
    assert (
        _sample(metrics, "nextadvance_run_duration_seconds_count", connection="alpha") == alpha_ok
    )
    if sys.platform == "linux":  # process metrics come from /proc
        assert _sample(metrics, "process_resident_memory_bytes") > 10_000_000
    # Never two runs of one connection at once; every started run finished before exit.
    assert rec.max_active == 1
    assert all(n == 0 for n in rec.active.values())
    msgs = [r.getMessage() for r in caplog.records]
    assert any(m.startswith("shutdown requested (SIGTERM)") for m in msgs)
    assert msgs[-1] == "shutdown complete"
    assert any("another process holds the connection's lock" in m for m in msgs)
    # The HTTP port is closed after shutdown.
    with pytest.raises(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
        pass


def test_a_raising_run_is_counted_as_failed_and_serve_keeps_going(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A run that raises is logged with its connection and counted; the next run still happens."""
    caplog.set_level(logging.INFO)
    calls: list[int] = []

    def flaky(connection: str, stop: threading.Event) -> RunOutcome:
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("state store went away")
        return RunOutcome(connection, "ok", 0.01, finished_at=time.time())

    service = Service(
        [JobSpec("alpha", IntervalTrigger(seconds=0.2))], flaky, ServeOptions(port=_free_port())
    )
    service.start()
    try:
        deadline = time.monotonic() + 10
        while len(calls) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.1)
    finally:
        service.shutdown()
    reg = service.metrics.registry
    assert (
        reg.get_sample_value("nextadvance_runs_total", {"connection": "alpha", "status": "failed"})
        == 1
    )
    assert reg.get_sample_value("nextadvance_run_errors_total", {"connection": "alpha"}) == 1
    assert (
        reg.get_sample_value("nextadvance_runs_total", {"connection": "alpha", "status": "ok"}) or 0
    ) >= 1
    failed = [r for r in caplog.records if r.getMessage().startswith("run failed")]
    assert failed and getattr(failed[0], "status", None) == "failed"


def test_readyz_reports_a_failing_check_with_503() -> None:
    """/readyz answers 503 naming the failing check, while /healthz stays 200."""
    port = _free_port()
    service = Service(
        [JobSpec("alpha", IntervalTrigger(hours=1))],
        lambda c, s: RunOutcome(c, "ok", 0.0),
        ServeOptions(
            port=port, extra_checks={"state_store": lambda: "state store unreachable: refused"}
        ),
    )
    service.start()
    try:
        status, body = _get(port, "/readyz")
        health = _get(port, "/healthz")
    finally:
        service.shutdown()
    assert status == 503
    doc = json.loads(body)
    assert doc["ready"] is False
    assert doc["checks"]["state_store"].startswith("state store unreachable")
    assert doc["checks"]["scheduler"] == "ok"
    assert health[0] == 200
