"""Contract tests: connector operations replayed from cassettes, recorded from a live CRM.

Replay (the default, ``record_mode=none``, network blocked) needs nothing running.  Record
with ``pytest tests/contract --record-mode=rewrite``: a fresh sandbox is started for each test
unless ``NA_CONTRACT_<SYSTEM>_URL`` and ``NA_CONTRACT_<SYSTEM>_TOKEN`` (+ optional ``_CA``) point
at a real org/portal (see docs/connectors.md).  Every recorded request/response is scrubbed:
authorization headers, tokens in bodies, e-mail addresses, and the host (the sandbox's port
changes per run), so cassettes match on method + path + query + body only.  Each system
uses a frozen copy of its shipped mapping (``tests/contract/<system>/mapping.yaml``): the
requests depend on the mapped fields, so edits to the shipped default do not break replay.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import pytest
from pydantic import SecretStr

from nextadvance.connectors import (
    Connector,
    ConnectorConfig,
    Credentials,
    Limits,
    TaskSpec,
    WriteKind,
    WriteOp,
    build_connector,
)
from nextadvance.mappings import load_mapping

ROOT = Path(__file__).resolve().parents[2]
CASSETTES = ROOT / "cassettes"
#: Host every recorded URL is rewritten to; replay connectors point here (never contacted).
REPLAY_HOST = "https://crm.contract.invalid"
REPLAY_TOKEN = "replay-token-not-a-secret"

_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
_HOST = re.compile(r"https://(?:127\.0\.0\.1|localhost|\[::1\]):\d+")
_TOKEN_KEYS = (
    "access_token",
    "refresh_token",
    "client_secret",
    "session_id",
    "id_token",
    "password",
)
_SECRET_HEADERS = ("authorization", "cookie", "set-cookie", "x-sfdc-session")


def scrub_text(text: str) -> str:
    """Hosts normalised, e-mail addresses and token-shaped values replaced."""
    text = _HOST.sub(REPLAY_HOST, text)
    text = _EMAIL.sub("person@example.invalid", text)
    for key in _TOKEN_KEYS:
        text = re.sub(rf'("{key}"\s*:\s*")[^"]*(")', r"\1REDACTED\2", text)
        text = re.sub(rf"({key}=)[^&\s]*", r"\1REDACTED", text)
    return re.sub(r"(?i)(bearer\s+)[^\s\"']+", r"\1REDACTED", text)


def _scrub_body(body: Any) -> Any:
    if body is None:
        return None
    raw = body.decode("utf-8", "replace") if isinstance(body, bytes) else str(body)
    cleaned = scrub_text(raw)
    return cleaned.encode("utf-8") if isinstance(body, bytes) else cleaned


def before_record_request(request: Any) -> Any:
    """Scrub a request before it is written (host, auth header, secrets in body/query)."""
    parts = urlsplit(request.uri)
    query = urlencode(
        [
            (k, "REDACTED" if k in _TOKEN_KEYS else scrub_text(v))
            for k, v in parse_qsl(parts.query, keep_blank_values=True)
        ]
    )
    replay = urlsplit(REPLAY_HOST)
    request.uri = urlunsplit((replay.scheme, replay.netloc, parts.path, query, ""))
    for name in list(request.headers):
        if name.lower() in _SECRET_HEADERS:
            request.headers[name] = "REDACTED"
    request.body = _scrub_body(request.body)
    return request


def before_record_response(response: dict[str, Any]) -> dict[str, Any]:
    """Scrub a response before it is written (secret headers, tokens and e-mails in the body)."""
    headers = response.get("headers", {})
    for name in list(headers):
        if name.lower() in _SECRET_HEADERS:
            headers[name] = ["REDACTED"]
    body = response.get("body", {})
    if "string" in body:
        body["string"] = _scrub_body(body["string"])
    return response


def _match_query(r1: Any, r2: Any) -> None:
    """Query strings match ignoring order (HubSpot repeats keys)."""
    assert sorted(parse_qsl(urlsplit(r1.uri).query)) == sorted(parse_qsl(urlsplit(r2.uri).query))


def _match_body(r1: Any, r2: Any) -> None:
    """Bodies match as JSON when both are JSON, else as scrubbed text."""
    b1, b2 = _scrub_body(r1.body), _scrub_body(r2.body)
    try:
        assert json.loads(b1 or "null") == json.loads(b2 or "null")
    except (ValueError, TypeError):
        assert (b1 or b"") == (b2 or b"")


@pytest.fixture
def scrubbers() -> tuple[Any, Any]:
    """The request and response scrubbers (for the canary test)."""
    return before_record_request, before_record_response


@pytest.fixture(scope="module")
def vcr_cassette_dir(request: pytest.FixtureRequest) -> str:
    """cassettes/<system>/ where <system> is the test module's directory name."""
    return str(CASSETTES / Path(str(request.node.fspath)).parent.name)


@pytest.fixture
def vcr_config() -> dict[str, Any]:
    """Match on method + path + query + body; scrub everything recorded."""
    return {
        "match_on": ["method", "path", "na_query", "na_body"],
        "before_record_request": before_record_request,
        "before_record_response": before_record_response,
        "decode_compressed_response": True,
    }


def pytest_recording_configure(config: Any, vcr: Any) -> None:
    """Register the order-insensitive query and JSON body matchers."""
    vcr.register_matcher("na_query", _match_query)
    vcr.register_matcher("na_body", _match_body)


@dataclass
class Target:
    """Where a contract test's connector points: a live CRM (recording) or the replay host."""

    base_url: str
    token: str
    ca_bundle: str | None


@pytest.fixture
def target(request: pytest.FixtureRequest, record_mode: str) -> Iterator[Target]:
    """Replay host when replaying; a real org (env) or a fresh sandbox when recording."""
    system = Path(str(request.node.fspath)).parent.name
    if record_mode == "none":
        yield Target(REPLAY_HOST, REPLAY_TOKEN, None)
        return
    env = f"NA_CONTRACT_{system.upper()}"
    if os.environ.get(f"{env}_URL"):
        yield Target(
            os.environ[f"{env}_URL"], os.environ[f"{env}_TOKEN"], os.environ.get(f"{env}_CA")
        )
        return
    from nextadvance.sandbox import Sandbox

    with Sandbox(crm=system, deals=6, seed=21) as sb:
        if system == "salesforce":
            yield Target(sb.base_url, sb.salesforce_credentials["session_id"], str(sb.ca_path))
        else:
            yield Target(sb.base_url, sb.hubspot_credentials["access_token"], str(sb.ca_path))


@pytest.fixture
def connector(request: pytest.FixtureRequest, target: Target) -> Iterator[Connector]:
    """A connector for the test module's system pointed at :func:`target`."""
    system = Path(str(request.node.fspath)).parent.name
    config = ConnectorConfig(
        system=system,  # type: ignore[arg-type]
        base_url=target.base_url,
        credentials=Credentials(access_token=SecretStr(target.token)),
        mapping=load_mapping(Path(str(request.node.fspath)).parent / "mapping.yaml"),
        ca_bundle=target.ca_bundle,
        limits=Limits(requests_per_10s=5000, search_per_s=200, max_attempts=1),
    )
    conn = build_connector(config)
    yield conn
    conn.close()


@pytest.fixture
def new_task_ops(connector: Connector) -> list[WriteOp]:
    """An upsert_task op (key ``contract-<deal id>``) for each of the first two pulled deals.

    The keys, subject and due date are what the cassettes recorded, for both systems.
    """
    deal_ids = [d.crm_id for b in connector.pull(None) for d in b.deals][:2]
    return [
        WriteOp(
            kind=WriteKind.upsert_task,
            key=f"contract-{d}",
            deal_id=d,
            task=TaskSpec(subject="Next advance: pilot", due=date(2026, 12, 1)),
        )
        for d in deal_ids
    ]
