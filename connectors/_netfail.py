"""A request that never reached the CRM: say which URL was tried and what to check.

Why: ``requests``/``urllib3`` report a refused port or an unknown host as a generic
``ConnectionError`` whose text is a pool repr; retrying it for the whole deadline (13 s of
retry lines) only hides a configuration mistake. A refused connection, an unknown host or no
route is deterministic, so it is :class:`FatalRemote` at once (the cursor is kept), with the
scheme, host and port that were tried; other network failures stay retryable.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from nextadvance.core.errors import FatalRemote

__all__ = ["connect_failure"]

_REASONS = (
    ("connection refused", "connection refused: nothing listens on that port"),
    ("name or service not known", "unknown host name"),
    ("failed to resolve", "unknown host name"),
    ("nodename nor servname", "unknown host name"),
    ("temporary failure in name resolution", "host name cannot be resolved (DNS)"),
    ("no route to host", "no route to host"),
    ("network is unreachable", "network is unreachable"),
)


def _chain(exc: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    todo: list[BaseException] = [exc]
    while todo and len(seen) < 12:
        e = todo.pop()
        if e in seen:
            continue
        seen.append(e)
        for nxt in (e.__cause__, e.__context__, getattr(e, "reason", None)):
            if isinstance(nxt, BaseException):
                todo.append(nxt)
        todo.extend(a for a in getattr(e, "args", ()) if isinstance(a, BaseException))
    return seen


def _url(chain: list[BaseException], base_url: str | None) -> str:
    for e in chain:
        request = getattr(e, "request", None)
        url = getattr(request, "url", None)
        if isinstance(url, str) and url:
            parts = urlsplit(url)
            return f"{parts.scheme}://{parts.netloc}"
        # a pool error carries its pool; urllib3's NewConnectionError its connection (its
        # ``pool`` is a deprecated alias that warns)
        pool = e.__dict__.get("pool") or e.__dict__.get("conn")
        host = getattr(pool, "host", None)
        if host:
            scheme = getattr(pool, "scheme", "https")
            return f"{scheme}://{host}:{getattr(pool, 'port', '')}".rstrip(":")
    return base_url or "the configured base_url"


def connect_failure(
    exc: BaseException, crm: str, endpoint: str, base_url: str | None = None
) -> FatalRemote | None:
    """A located :class:`FatalRemote` when ``exc`` means the CRM host cannot be reached at all."""
    chain = _chain(exc)
    text = " ".join(str(e) for e in chain).lower()
    reason = next((why for needle, why in _REASONS if needle in text), None)
    if reason is None:
        return None
    url = _url(chain, base_url)
    return FatalRemote(
        f"cannot connect to {crm} at {url} ({reason}; {endpoint}). Check the connection's "
        "base_url (scheme, host and port) and that this machine can reach it (proxy, firewall)",
        endpoint=endpoint,
    )
