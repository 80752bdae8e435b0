"""The one redactor: secret values and token-shaped text out of anything we print or log.

Connectors scrub API error texts with it (the values they hold); the sync's logging adds
the process's registered secrets.  One pattern list, so a token shape taught here is
scrubbed everywhere.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = ["REDACTED", "redact"]

REDACTED = "[REDACTED]"

#: Shortest value treated as a secret: replacing 1-3 character strings everywhere would
#: shred ordinary text and protect nothing.
MIN_SECRET_LEN = 4

_KEYED = (
    r"access_token|refresh_token|id_token|session_id|sessionid|client_secret|"
    r"private_app_token|api_key|apikey|password|passwd|\bsid|\bhapikey"
)
_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    # Authorization / Proxy-Authorization headers in any rendering: "Authorization: x",
    # "'Authorization': 'x'", '"authorization": "x"', "Authorization=x".
    (
        re.compile(r"""((?:proxy-)?authorization['"]?\s*[:=]\s*['"]?)([^'"\r\n,}]+)""", re.I),
        r"\1" + REDACTED,
    ),
    (re.compile(r"\b(Bearer|OAuth|Basic)\s+[A-Za-z0-9._~+/=!-]{6,}", re.I), r"\1 " + REDACTED),
    # key=value / key: value / "key": "value" for token-ish keys (URLs, bodies, reprs).
    (
        re.compile(rf"""((?:{_KEYED})['"]?\s*[:=]\s*['"]?)([^\s&'",;}}]+)""", re.I),
        r"\1" + REDACTED,
    ),
    # Salesforce session ids (00D<org id>!<token>) and HubSpot private-app tokens.
    (re.compile(r"\b00D[A-Za-z0-9]{12,15}![A-Za-z0-9._]{8,}"), REDACTED),
    (re.compile(r"\bpat-[a-z0-9]{2,4}-[0-9a-f]{8}-[0-9a-f-]{27}\b", re.I), REDACTED),
)


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """``text`` with each known secret value and anything token-shaped replaced by
    ``[REDACTED]``."""
    if not text:
        return text
    for value in secrets:
        if value and len(value) >= MIN_SECRET_LEN and value in text:
            text = text.replace(value, REDACTED)
    for pattern, repl in _PATTERNS:
        text = pattern.sub(repl, text)
    return text
