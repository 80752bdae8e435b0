"""Serve's wiring to real settings: which connections are scheduled, secrets, readiness probe."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from nextadvance.core.errors import ConfigError, StateError
from nextadvance.sync.config._logging import SECRETS, redact
from nextadvance.sync.config._settings import load_settings
from nextadvance.sync.serve import HealthServer
from nextadvance.sync.serve._jobs import (
    job_specs,
    outcome_from_report,
    register_credentials,
    store_probe,
)

CANARY = "canary-client-secret-9d8c7b6a5f4e"


@pytest.fixture(autouse=True)
def _clean_registry() -> Iterator[None]:
    SECRETS.clear()
    yield
    SECRETS.clear()


def _settings(tmp_path: Path, *schedules: str | None):
    lines = [f"state_url: sqlite:///{tmp_path / 'state.db'}", "connections:"]
    for i, schedule in enumerate(schedules):
        lines += [
            f"  - name: conn-{i}",
            "    crm: hubspot",
            "    credentials: {env: NA_WIRING_CREDS}",
        ]
        if schedule:
            lines.append(f'    schedule: "{schedule}"')
    cfg = tmp_path / "nextadvance.yaml"
    cfg.write_text("\n".join(lines) + "\n")
    return load_settings(cfg)


def test_only_scheduled_connections_become_jobs(tmp_path: Path) -> None:
    """A connection without a schedule is not run by serve; the others get cron triggers."""
    specs = job_specs(_settings(tmp_path, "*/15 * * * *", None, "0 6 * * 1-5"))
    assert [s.connection for s in specs] == ["conn-0", "conn-2"]
    assert all(isinstance(s.trigger, CronTrigger) for s in specs)


def test_interval_override_schedules_every_connection(tmp_path: Path) -> None:
    """--interval-seconds replaces every schedule (and schedules unscheduled connections)."""
    specs = job_specs(_settings(tmp_path, "*/15 * * * *", None), interval_seconds=2)
    assert [s.connection for s in specs] == ["conn-0", "conn-1"]
    assert all(isinstance(s.trigger, IntervalTrigger) for s in specs)
    assert specs[0].trigger.interval.total_seconds() == 2


def test_nothing_scheduled_is_a_config_error(tmp_path: Path) -> None:
    """Serve with no schedule anywhere would do nothing: it is refused with a hint."""
    with pytest.raises(ConfigError) as info:
        job_specs(_settings(tmp_path, None))
    assert "schedule" in str(info.value)


def test_credentials_are_registered_for_redaction(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Secret credential values are redacted after start-up; plain identifiers are not."""
    monkeypatch.setenv(
        "NA_WIRING_CREDS", json.dumps({"client_id": "acme-client", "client_secret": CANARY})
    )
    register_credentials(_settings(tmp_path, "*/15 * * * *"), {"conn-0"})
    assert CANARY not in redact(f"POST /token body=client_secret%3D{CANARY} {CANARY}")
    assert "acme-client" in redact("client acme-client")


def test_only_scheduled_connections_need_credentials_at_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A missing credential fails start-up for a scheduled connection, not an unscheduled one."""
    monkeypatch.delenv("NA_WIRING_CREDS", raising=False)
    settings = _settings(tmp_path, None, "*/15 * * * *")
    register_credentials(settings, set())
    with pytest.raises(ConfigError, match="NA_WIRING_CREDS"):
        register_credentials(settings, {"conn-1"})


def test_store_probe_answers_for_a_live_store_and_fails_redacted_for_a_dead_one(
    tmp_path: Path,
) -> None:
    """Readiness is ok on a real SQLite store, and not ready (password hidden) when unreachable."""
    assert store_probe(f"sqlite:///{tmp_path / 'state.db'}")() is None
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed once the block ends: nothing listens there
    dead = store_probe(f"postgresql+psycopg://na:pw-canary-77@127.0.0.1:{port}/na")
    with pytest.raises(StateError):
        dead()
    server = HealthServer("127.0.0.1", 0, metrics=lambda: b"", checks={"state_store": dead})
    try:
        result = server.readiness()["state_store"]
    finally:
        server.stop()
    assert result != "ok"
    assert "pw-canary-77" not in result


def test_run_report_becomes_the_counted_outcome() -> None:
    """A real RunReport's counts, budget and history id reach the metrics outcome."""
    from datetime import UTC, datetime

    from nextadvance.sync.run._report import ApiCalls, RejectItem, RunReport, TaskCounts

    report = RunReport(
        run_id=41,
        connection="conn-0",
        started_at=datetime(2026, 3, 2, 12, tzinfo=UTC),
        status="partial",
        api_calls=ApiCalls(total=17, reads=12, writes=5),
        tasks=TaskCounts(created=3, updated=2, closed=1, unchanged=9),
        fields_updated=8,
        rejects=[RejectItem(record="006A", code="FIELD_CUSTOM_VALIDATION_EXCEPTION")],
        budget={"used": 100, "limit": 15000, "remaining": 14900, "source": "sforce-limit-info"},
    )
    outcome = outcome_from_report("conn-0", report, 2.5)
    assert (outcome.status, outcome.api_calls, outcome.tasks_written) == ("partial", 17, 6)
    assert (outcome.fields_written, outcome.rejects, outcome.conflicts) == (8, 1, 0)
    assert outcome.budget_remaining == 14900
    assert outcome.history_id == 41
