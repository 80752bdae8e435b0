"""No cassette leaks a secret, a person's e-mail or the recording host; the scrubbers work."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from vcr.request import Request

from nextadvance.sandbox import hubspot as hs_sandbox

CASSETTES = Path(__file__).resolve().parents[2] / "cassettes"
FILES = sorted(CASSETTES.rglob("*.yaml"))

LEAKS = {
    "bearer token": re.compile(r"(?i)bearer\s+(?!REDACTED)[A-Za-z0-9._~+/!-]{6,}"),
    "Salesforce session id": re.compile(r"00D[A-Za-z0-9]{12,15}![A-Za-z0-9._]+"),
    "HubSpot private app token": re.compile(r"pat-[a-z]{2}\d-[A-Za-z0-9-]{8,}"),
    "token in body": re.compile(
        r'"(access_token|refresh_token|client_secret)"\s*:\s*"(?!REDACTED)'
    ),
    "e-mail address": re.compile(
        r"[A-Za-z0-9._%+-]+@(?!example\.invalid)[A-Za-z0-9.-]+\.[A-Za-z]{2,}"
    ),
    "recording host": re.compile(r"https://(127\.0\.0\.1|localhost):\d+"),
}
KNOWN = [hs_sandbox.PRIVATE_APP_TOKEN, hs_sandbox.CLIENT_SECRET, hs_sandbox.REFRESH_TOKEN]


def test_cassettes_exist_for_both_crms():
    """Both CRMs have recorded cassettes (the contract tests replay them)."""
    assert {p.parent.name for p in FILES} == {"salesforce", "hubspot"}


@pytest.mark.parametrize("path", FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_cassette_holds_no_secret(path: Path):
    """Scan one cassette for tokens, session ids, e-mail addresses and the recording host."""
    text = path.read_text(encoding="utf-8")
    found = [name for name, pattern in LEAKS.items() if pattern.search(text)]
    found += [f"known secret {s[:8]}..." for s in KNOWN if s in text]
    assert not found, f"{path.name} leaks: {found}"


def test_scrubbers_remove_canary_secrets(scrubbers):
    """A request and response carrying canary secrets come out clean."""
    before_record_request, before_record_response = scrubbers
    canary = "canary-9f8e7d6c5b4a"
    request = Request(
        "POST",
        f"https://127.0.0.1:55555/services/oauth2/token?access_token={canary}",
        f"grant_type=refresh_token&refresh_token={canary}&client_secret={canary}".encode(),
        {"Authorization": f"Bearer {canary}", "Content-Type": "application/x-www-form-urlencoded"},
    )
    clean = before_record_request(request)
    response = before_record_response(
        {
            "status": {"code": 200, "message": "OK"},
            "headers": {"Set-Cookie": [f"sid={canary}"]},
            "body": {
                "string": f'{{"access_token": "{canary}", "email": "ana@acme-widgets.com"}}'.encode()
            },
        }
    )
    dumped = repr(clean.uri) + repr(clean.body) + repr(clean.headers) + repr(response)
    assert canary not in dumped
    assert "acme-widgets.com" not in dumped
    assert "127.0.0.1" not in dumped
