"""Structured logging: JSON/human format, context on every line, secrets never written."""

from __future__ import annotations

import io
import json
import logging
import threading
from collections.abc import Iterator

import pytest
from pydantic import BaseModel, SecretStr

from nextadvance.sync.config._logging import (
    REDACTED,
    SECRETS,
    configure_logging,
    log_context,
    redact,
    register_secret,
    register_secrets_from,
)

# Canary secrets: random-looking values that must never appear in any output.
CANARY_TOKEN = "canary-tok-7f3a9c2e1b8d4f60a5e2"
CANARY_SECRET = "Canary/Secret+Value=42&x"
CANARY_SID = "00D5g000004Xyz9!AQcAQK3mCanarySessionTokenValue1234"
CANARY_PAT = "pat-na1-1b2c3d4e-5f60-4a7b-8c9d-0e1f2a3b4c5d"


@pytest.fixture(autouse=True)
def _clean_registry() -> Iterator[None]:
    SECRETS.clear()
    yield
    SECRETS.clear()
    root = logging.getLogger()
    for h in [h for h in root.handlers if getattr(h, "_nextadvance_handler", False)]:
        root.removeHandler(h)


def _capture(json_format: bool) -> io.StringIO:
    buf = io.StringIO()
    configure_logging("DEBUG", json_format, stream=buf)
    return buf


def test_registered_secret_is_redacted_in_plain_and_url_encoded_forms() -> None:
    """A registered value is scrubbed verbatim and in its URL-encoded form."""
    register_secret(CANARY_SECRET)
    text = redact(f"a={CANARY_SECRET} url=/x?token=Canary%2FSecret%2BValue%3D42%26x")
    assert "Canary" not in text
    assert text.count(REDACTED) == 2


@pytest.mark.parametrize(
    "line",
    [
        f"GET /services/data/v61.0/query?access_token={CANARY_TOKEN}&q=1",
        f"refresh_token={CANARY_TOKEN}",
        f'{{"refresh_token": "{CANARY_TOKEN}", "x": 1}}',
        f"Cookie: sid={CANARY_TOKEN}; path=/",
        f"headers={{'Authorization': 'Bearer {CANARY_TOKEN}'}}",
        f"Authorization: Basic {CANARY_TOKEN}",
        f"authorization: {CANARY_TOKEN}",
        f"session_id={CANARY_TOKEN}",
        f"<sessionId>{CANARY_SID}</sessionId>",
        f"POST https://api.hubapi.com bearer {CANARY_PAT}",
        f"token {CANARY_PAT} rejected",
    ],
)
def test_token_shapes_are_redacted_without_registration(line: str) -> None:
    """Known token shapes are scrubbed even when nobody registered the value."""
    out = redact(line)
    assert CANARY_TOKEN not in out
    assert CANARY_SID not in out
    assert CANARY_PAT not in out
    assert REDACTED in out


def test_ordinary_text_is_left_alone() -> None:
    """Redaction does not shred normal log text (stage names, counts, ids)."""
    line = "run finished: ok tasks_written=12 deal=006000000000001AAA stage=negotiation"
    assert redact(line) == line


def test_json_lines_carry_context_and_never_the_secret() -> None:
    """Every JSON line has connection and run_id from the context, and canaries are gone."""
    register_secret(CANARY_SECRET)
    buf = _capture(json_format=True)
    log = logging.getLogger("nextadvance.test")
    with log_context(connection="acme-sf", run_id="r123"):
        log.info("token is %s", CANARY_SECRET)
        log.warning("header", extra={"headers": {"Authorization": f"Bearer {CANARY_TOKEN}"}})
        try:
            raise RuntimeError(f"boom access_token={CANARY_TOKEN}")
        except RuntimeError:
            log.exception("failed")
    log.info("outside")
    lines = [json.loads(x) for x in buf.getvalue().splitlines()]
    assert len(lines) == 4
    for doc in lines[:3]:
        assert doc["connection"] == "acme-sf"
        assert doc["run_id"] == "r123"
        assert {"ts", "level", "logger", "msg"} <= doc.keys()
    assert "connection" not in lines[3]
    raw = buf.getvalue()
    assert CANARY_SECRET not in raw and CANARY_TOKEN not in raw
    assert "RuntimeError" in lines[2]["exc"]


def test_human_format_shows_context_and_redacts() -> None:
    """Human lines show [connection run_id] and scrub secrets too."""
    register_secret(CANARY_SECRET)
    buf = _capture(json_format=False)
    with log_context(connection="acme-hs", run_id="r9"):
        logging.getLogger("nextadvance.test").info("using %s", CANARY_SECRET)
    out = buf.getvalue()
    assert "[acme-hs r9]" in out
    assert CANARY_SECRET not in out and REDACTED in out


def test_context_is_per_thread() -> None:
    """A context bound in one thread does not leak into another thread's lines."""
    buf = _capture(json_format=True)
    log = logging.getLogger("nextadvance.test")
    ready = threading.Event()

    def other() -> None:
        ready.wait(5)
        log.info("from other thread")

    t = threading.Thread(target=other)
    t.start()
    with log_context(connection="main-conn"):
        ready.set()
        t.join(5)
    docs = [json.loads(x) for x in buf.getvalue().splitlines()]
    assert docs[0]["msg"] == "from other thread"
    assert "connection" not in docs[0]


def test_auto_format_is_json_when_not_a_tty(monkeypatch: pytest.MonkeyPatch) -> None:
    """With no explicit choice, a non-TTY stream gets JSON lines; the env var overrides."""
    monkeypatch.delenv("NEXTADVANCE_LOG_FORMAT", raising=False)
    buf = io.StringIO()
    configure_logging("INFO", None, stream=buf)
    logging.getLogger("nextadvance.test").info("hello")
    assert json.loads(buf.getvalue())["msg"] == "hello"
    monkeypatch.setenv("NEXTADVANCE_LOG_FORMAT", "human")
    buf2 = io.StringIO()
    configure_logging("INFO", None, stream=buf2)
    logging.getLogger("nextadvance.test").info("hello")
    assert buf2.getvalue().rstrip().endswith("hello")
    assert not buf2.getvalue().startswith("{")


def test_secrets_registered_from_settings_models() -> None:
    """SecretStr values anywhere in a settings model are registered and then redacted."""

    class Creds(BaseModel):
        client_id: str
        client_secret: SecretStr

    class Settings(BaseModel):
        connections: dict[str, Creds]

    s = Settings(connections={"a": Creds(client_id="cid", client_secret=SecretStr(CANARY_TOKEN))})
    assert register_secrets_from(s) == 1
    assert CANARY_TOKEN not in redact(f"oops {CANARY_TOKEN}")
    assert "cid" in redact("client cid")
    assert CANARY_TOKEN not in repr(SECRETS)
