"""Structured logging for every CLI command: JSON lines or human text, context, redaction.

Why one module: a log line is only useful in operations if it says which connection and
which run it belongs to, and it is only safe if no credential can reach it.  So every
handler we install formats through :class:`_RedactingFormatter`, which stamps the
context variables (``connection``, ``run_id``) on the record and passes the final text
through :func:`redact`: registered secret values (see :class:`SecretRegistry`) and
well-known token shapes (Bearer tokens, ``access_token=``, ``refresh_token``, ``sid=``,
``Authorization:`` headers, ``session_id``, Salesforce session ids, HubSpot private-app
tokens) are replaced by ``[REDACTED]``.

JSON lines are the default when stderr is not a terminal (containers, systemd, CI), human
text otherwise; ``NEXTADVANCE_LOG_FORMAT=json|human`` overrides the guess.
"""

from __future__ import annotations

import contextlib
import contextvars
import json
import logging
import os
import sys
import threading
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from types import MappingProxyType
from typing import Any, TextIO
from urllib.parse import quote, quote_plus

from nextadvance.connectors import REDACTED
from nextadvance.connectors import redact as _redact

__all__ = [
    "REDACTED",
    "SECRETS",
    "SecretRegistry",
    "configure_logging",
    "current_context",
    "log_context",
    "redact",
    "register_secret",
    "register_secrets_from",
]


#: Shortest value we register as a secret: replacing 1-3 character strings everywhere
#: would shred ordinary text and protect nothing.
_MIN_SECRET_LEN = 4


class SecretRegistry:
    """The set of secret values known to this process; :func:`redact` removes each of them.

    Credentials are registered as soon as they are loaded (settings, token refresh), so a
    secret that reaches a log message by any path (a URL, an exception text, a repr) is
    still scrubbed.  URL-encoded forms are registered too, because tokens travel in URLs.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._values: set[str] = set()
        self._ordered: tuple[str, ...] = ()

    def register(self, value: str | None) -> None:
        """Remember ``value`` (and its URL-encoded forms) as a secret; short values are ignored."""
        if not value or len(value) < _MIN_SECRET_LEN:
            return
        forms = {value, quote(value, safe=""), quote_plus(value, safe="")}
        with self._lock:
            self._values |= forms
            # Longest first, so a secret containing another is replaced whole.
            self._ordered = tuple(sorted(self._values, key=len, reverse=True))

    def clear(self) -> None:
        """Forget every registered value (tests only: a process never un-learns a secret)."""
        with self._lock:
            self._values.clear()
            self._ordered = ()

    def values(self) -> tuple[str, ...]:
        """The registered values, longest first."""
        return self._ordered

    def __len__(self) -> int:
        return len(self._ordered)

    def __repr__(self) -> str:  # never show the values themselves
        return f"SecretRegistry({len(self._ordered)} values)"


#: The process-wide registry used by :func:`redact` and every handler we install.
SECRETS = SecretRegistry()


def register_secret(value: str | None) -> None:
    """Register one credential value in :data:`SECRETS`."""
    SECRETS.register(value)


def register_secrets_from(obj: Any, _depth: int = 0) -> int:
    """Register every pydantic ``SecretStr``/``SecretBytes`` found in ``obj``; return how many.

    Walks pydantic models, mappings and sequences, so loading settings and calling this
    once is enough to make every configured credential redactable.
    """
    from pydantic import BaseModel, SecretBytes, SecretStr

    if _depth > 12:
        return 0
    if isinstance(obj, SecretStr):
        register_secret(obj.get_secret_value())
        return 1
    if isinstance(obj, SecretBytes):
        register_secret(obj.get_secret_value().decode("utf-8", "replace"))
        return 1
    found = 0
    if isinstance(obj, BaseModel):
        for name in type(obj).model_fields:
            found += register_secrets_from(getattr(obj, name, None), _depth + 1)
    elif isinstance(obj, Mapping):
        for item in obj.values():
            found += register_secrets_from(item, _depth + 1)
    elif isinstance(obj, list | tuple | set | frozenset):
        for item in obj:
            found += register_secrets_from(item, _depth + 1)
    return found


def redact(text: str) -> str:
    """Return ``text`` with registered secrets and known token shapes replaced by ``[REDACTED]``."""
    return _redact(text, SECRETS.values())


# -- context -------------------------------------------------------------------------------

_EMPTY: Mapping[str, str] = MappingProxyType({})
_CONTEXT: contextvars.ContextVar[Mapping[str, str]] = contextvars.ContextVar(
    "nextadvance_log_context", default=_EMPTY
)


@contextlib.contextmanager
def log_context(**fields: str | None) -> Iterator[None]:
    """Stamp ``fields`` (e.g. ``connection=``, ``run_id=``) on every log line in this block.

    Uses contextvars, so each thread or task keeps its own values; ``None`` values are
    dropped.  Nested blocks add to (and may override) the outer fields.
    """
    merged = dict(_CONTEXT.get())
    merged.update({k: str(v) for k, v in fields.items() if v is not None})
    token = _CONTEXT.set(merged)
    try:
        yield
    finally:
        _CONTEXT.reset(token)


def current_context() -> Mapping[str, str]:
    """The fields :func:`log_context` has bound in the current thread/task."""
    return _CONTEXT.get()


# -- formatting ----------------------------------------------------------------------------

_STANDARD_ATTRS = frozenset(vars(logging.LogRecord("x", logging.INFO, "x", 0, "x", None, None))) | {
    "message",
    "asctime",
    "taskName",
}


def _extras(record: logging.LogRecord) -> dict[str, Any]:
    """Fields passed with ``extra=`` plus the bound context, minus logging's own attributes."""
    fields: dict[str, Any] = dict(current_context())
    for key, value in vars(record).items():
        if key not in _STANDARD_ATTRS and not key.startswith("_"):
            fields[key] = value
    return fields


def _scrub(value: Any) -> Any:
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, bool | int | float) or value is None:
        return value
    if isinstance(value, Mapping):
        return {str(k): _scrub(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_scrub(v) for v in value]
    return redact(str(value))


class _RedactingFormatter(logging.Formatter):
    """Base: everything a handler writes goes through :func:`redact` last."""

    def format(self, record: logging.LogRecord) -> str:
        return redact(self.render(record))

    def render(self, record: logging.LogRecord) -> str:
        raise NotImplementedError


class JsonFormatter(_RedactingFormatter):
    """One JSON object per line: ts, level, logger, msg, connection, run_id, extras, exc."""

    def render(self, record: logging.LogRecord) -> str:
        doc: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": redact(record.getMessage()),
        }
        doc.update({k: _scrub(v) for k, v in _extras(record).items()})
        if record.exc_info:
            doc["exc"] = redact(self.formatException(record.exc_info))
        if record.stack_info:
            doc["stack"] = redact(self.formatStack(record.stack_info))
        return json.dumps(doc, ensure_ascii=False, default=str)


class HumanFormatter(_RedactingFormatter):
    """``HH:MM:SS level [connection run] message key=value ...`` for a person at a terminal."""

    def render(self, record: logging.LogRecord) -> str:
        fields = _extras(record)
        where = " ".join(str(fields.pop(k)) for k in ("connection", "run_id") if k in fields)
        ts = datetime.fromtimestamp(record.created, UTC).strftime("%H:%M:%S")
        line = f"{ts} {record.levelname.lower():<7} "
        if where:
            line += f"[{where}] "
        line += record.getMessage()
        if fields:
            line += " " + " ".join(f"{k}={v}" for k, v in fields.items())
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        return line


_HANDLER_MARK = "_nextadvance_handler"


def _want_json(json_format: bool | None, stream: TextIO) -> bool:
    if json_format is not None:
        return json_format
    env = os.environ.get("NEXTADVANCE_LOG_FORMAT", "").strip().lower()
    if env in {"json", "human"}:
        return env == "json"
    isatty = getattr(stream, "isatty", None)
    return not (callable(isatty) and isatty())


def configure_logging(
    level: str | int = "INFO",
    json_format: bool | None = None,
    *,
    stream: TextIO | None = None,
) -> logging.Handler:
    """Install one redacting handler on the root logger (idempotent) and return it.

    ``json_format=None`` picks JSON lines when ``stream`` (default stderr) is not a TTY,
    unless ``NEXTADVANCE_LOG_FORMAT`` says otherwise.  Calling it again replaces our
    previous handler, so CLI commands may re-configure (e.g. ``serve --log-level``).
    """
    out = stream if stream is not None else sys.stderr
    handler = logging.StreamHandler(out)
    handler.setFormatter(JsonFormatter() if _want_json(json_format, out) else HumanFormatter())
    setattr(handler, _HANDLER_MARK, True)
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, _HANDLER_MARK, False)]:
        root.removeHandler(old)
    root.addHandler(handler)
    resolved = logging.getLevelName(level.upper()) if isinstance(level, str) else level
    root.setLevel(resolved if isinstance(resolved, int) else logging.INFO)
    # Libraries that log request URLs or routine steps at DEBUG/INFO stay quiet unless asked.
    for noisy in (
        "urllib3",
        "alembic",
        "apscheduler.scheduler",
        "apscheduler.executors.default",
    ):
        logging.getLogger(noisy).setLevel(max(root.level, logging.WARNING))
    return handler
