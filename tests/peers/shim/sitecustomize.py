"""Host rewrite for a peer client run against the sandbox: nothing else is patched.

Loaded by Python at start-up from ``PYTHONPATH`` inside the peer's own venv.  Every request
that ``requests`` sends to a vendor host listed in ``PEER_REWRITE_HOSTS`` goes to
``PEER_SANDBOX_URL`` instead (scheme, host and port replaced; path and query untouched), and
is verified against the sandbox's CA (``PEER_CA``).  The peer's own code, URLs, paging and
parsing stay exactly as published.
"""

from __future__ import annotations

import os
import urllib.parse

_TARGET = os.environ.get("PEER_SANDBOX_URL", "")
_HOSTS = {h.strip().lower() for h in os.environ.get("PEER_REWRITE_HOSTS", "").split(",") if h}
_CA = os.environ.get("PEER_CA")


def _install() -> None:
    try:
        import requests.adapters
    except ImportError:  # a peer without requests: nothing to rewrite
        return
    target = urllib.parse.urlsplit(_TARGET)
    original = requests.adapters.HTTPAdapter.send

    def send(self, request, **kwargs):  # type: ignore[no-untyped-def]
        parts = urllib.parse.urlsplit(request.url)
        host = (parts.hostname or "").lower()
        if host in _HOSTS or any(
            host.endswith("." + h.lstrip("*.")) for h in _HOSTS if h.startswith("*.")
        ):
            request.url = urllib.parse.urlunsplit(
                (target.scheme, target.netloc, parts.path, parts.query, parts.fragment)
            )
            request.headers["Host"] = target.netloc
        if urllib.parse.urlsplit(request.url).netloc == target.netloc and _CA:
            kwargs["verify"] = _CA
        return original(self, request, **kwargs)

    requests.adapters.HTTPAdapter.send = send  # type: ignore[method-assign]


if _TARGET:
    _install()
