"""Failures that used to escape the error tree, each through ``nextadvance sync``: a state
store folder that cannot be created, credentials holding a JSON array, a CA bundle that does
not trust the CRM, and a host that accepts connections but never answers."""

from __future__ import annotations

import json
import socket
import threading
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from nextadvance.sandbox._tls import make_tls

CRMS = ("salesforce", "hubspot")


def _set(world: Any, old: str, new: str) -> None:
    config = Path(world.config)
    text = config.read_text()
    assert old in text, (old, text)
    config.write_text(text.replace(old, new))


def test_a_state_folder_that_cannot_be_created_is_a_config_error(
    rworld: Any, rel: Any, tmp_path: Path
) -> None:
    """state_url below a regular file: exit 2 naming state_url and the folder, no traceback."""
    world = rworld("salesforce", deals=4)
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where a folder should be")
    _set(world, "state_url: sqlite:///", f"state_url: sqlite:///{blocker}/sub/x/")
    result = rel.cli(world, "sync", "-C", "salesforce", "-c", str(world.config), "--json")
    err = result.stderr.decode()
    assert result.returncode == 2, err[-2000:]
    assert "Traceback" not in err and "state_url" in err and str(blocker) in err, err


@pytest.mark.parametrize("secret", ['["00Dxx!AQ4AQtoken", "other"]', '"00Dxx!AQ4AQtoken"', ""])
def test_credentials_that_are_not_an_object_or_a_token_are_refused(
    rworld: Any, rel: Any, secret: str
) -> None:
    """A JSON array, a quoted string or nothing: exit 2 naming the variable, never a 401 from
    the CRM, and the value is not echoed."""
    world = rworld("salesforce", deals=4)
    var = next(k for k in world.env if k.startswith("NA_TEST_REL_"))
    world.env[var] = secret or " "
    before = world.sb.stats()["apps"]["salesforce"]["requests"]
    result = rel.cli(world, "sync", "-C", "salesforce", "-c", str(world.config), "--json")
    err = result.stderr.decode()
    assert result.returncode == 2, err[-2000:]
    assert var in err and "INVALID_SESSION" not in err and "Traceback" not in err, err
    assert "AQ4AQtoken" not in err + result.stdout.decode()
    assert world.sb.stats()["apps"]["salesforce"]["requests"] == before  # nothing was sent


@pytest.mark.parametrize("creds", ["token", "oauth"])
@pytest.mark.parametrize("crm", CRMS)
def test_a_wrong_ca_bundle_fails_at_once_and_says_check_ca_bundle(
    rworld: Any, rel: Any, tmp_path: Path, crm: str, creds: str
) -> None:
    """A CA bundle that does not trust the CRM: one attempt, exit 4, a hint naming ca_bundle."""
    world = rworld(crm, deals=4, creds=creds)
    other = make_tls(tmp_path / f"other-ca-{crm}-{creds}").ca_path
    _set(world, f"ca_bundle: {world.sb.ca_path}", f"ca_bundle: {other}")
    started = time.monotonic()
    result = rel.cli(world, "sync", "-C", crm, "-c", str(world.config), "--json")
    took = time.monotonic() - started
    assert result.returncode == 4, result.stderr.decode()[-2000:]
    report = json.loads(result.stdout)
    assert "ca_bundle" in report["message"] and "TLS" in report["message"], report["message"]
    assert report["api_calls"]["retries"] == 0, report["api_calls"]
    # the run's own clock: on a loaded machine the interpreter's start alone can take seconds
    assert _run_seconds(report) < 8, report
    assert took < 60, took


def _run_seconds(report: dict[str, Any]) -> float:
    """The run's duration by its own report (start to finish), without process start-up."""
    started = datetime.fromisoformat(report["started_at"])
    finished = datetime.fromisoformat(report["finished_at"])
    return (finished - started).total_seconds()


class SilentHost:
    """A TCP server that accepts every connection and never sends a byte."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        self.held: list[socket.socket] = []
        self._stop = False
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while not self._stop:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.held.append(conn)

    def close(self) -> None:
        self._stop = True
        self.sock.close()
        for c in self.held:
            c.close()


LIMITS = "limits: {rate_per_s: 100, connect_timeout_s: 1, read_timeout_s: 1, request_deadline_s: 4}"


@pytest.mark.parametrize("crm", CRMS)
def test_a_host_that_never_answers_fails_within_the_request_deadline(
    rworld: Any, rel: Any, crm: str
) -> None:
    """Connections accepted, nothing answered: the run fails (exit 4) within the 4 s request
    deadline plus one timeout, saying which timeout was hit and what the limits were."""
    world = rworld(crm, deals=4)
    host = SilentHost()
    try:
        _set(world, f"base_url: {world.sb.base_url}", f"base_url: https://127.0.0.1:{host.port}")
        _set(world, "limits: {rate_per_s: 100}", LIMITS)
        started = time.monotonic()
        result = rel.cli(world, "sync", "-C", crm, "-c", str(world.config), "--json")
        took = time.monotonic() - started
    finally:
        host.close()
    assert result.returncode == 4, result.stderr.decode()[-2000:]
    report = json.loads(result.stdout)
    message = report["message"]
    assert "connect timeout" in message or "read timeout" in message, message
    assert "request deadline 4 s" in message, message
    assert _run_seconds(report) < 12, report
    assert took < 60, took


@pytest.mark.parametrize("crm", CRMS)
def test_a_crm_that_stops_answering_mid_request_names_the_read_timeout(
    rworld: Any, rel: Any, tamper: Any, crm: str
) -> None:
    """TLS done, request sent, no answer: the read timeout is named, within the deadline."""
    world = rworld(crm, deals=4)
    proxy = tamper(world)
    proxy.on("GET", "/", lambda s, h, b: (time.sleep(6), (s, h, b))[1])
    proxy.on("POST", "/", lambda s, h, b: (time.sleep(6), (s, h, b))[1])
    _set(world, "limits: {rate_per_s: 100}", LIMITS)
    started = time.monotonic()
    result = rel.cli(world, "sync", "-C", crm, "-c", str(world.config), "--json")
    took = time.monotonic() - started
    assert result.returncode == 4, result.stderr.decode()[-2000:]
    report = json.loads(result.stdout)
    message = report["message"]
    assert "no answer within the read timeout" in message and "attempt" in message, message
    assert _run_seconds(report) < 12, report
    assert took < 60, took
