"""The one error tree of nextadvance, drawn once, where it is defined.

Every error nextadvance raises on purpose is a :class:`NextAdvanceError`::

    NextAdvanceError
    ├── ConfigError             bad settings/credentials; lists every problem at once
    ├── MappingError            file, key path, line, what was expected
    ├── RuleError               bad playbook/lexicon
    ├── ConnectorError
    │   ├── Retryable           RateLimited (retry_after), Unavailable, Timeout
    │   ├── QuotaExhausted      daily quota: stop cleanly, keep the cursor, do not retry
    │   ├── AuthError           refresh the token once, then fail
    │   ├── RecordRejected      one record refused: skip it, record why, go on
    │   └── FatalRemote         abort the run, keep the last committed cursor
    └── StateError              state store problems

It lives in ``core`` because every layer depends on ``core`` and nothing here does I/O;
``nextadvance.connectors`` re-exports the connector branch.  Library exceptions are
translated into these at the connector boundary (``raise X from exc``), so nothing above
the connectors ever inspects an HTTP status or a library exception.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

__all__ = [
    "AuthError",
    "ConfigError",
    "ConnectorError",
    "FatalRemote",
    "MappingError",
    "NextAdvanceError",
    "Problem",
    "ProblemsError",
    "QuotaExhausted",
    "RateLimited",
    "RecordRejected",
    "Retryable",
    "RuleError",
    "StateError",
    "Timeout",
    "Unavailable",
]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input a person wrote, located precisely enough to fix it.

    Rendered as ``file:line key.path: message`` followed by what was expected and a
    likely fix, so an ops person can go straight to the line.
    """

    message: str
    file: str | None = None
    line: int | None = None
    key_path: str = ""
    expected: str | None = None
    hint: str | None = None

    def __str__(self) -> str:
        where = self.file or "<input>"
        if self.line is not None:
            where = f"{where}:{self.line}"
        head = (
            f"{where} {self.key_path}: {self.message}"
            if self.key_path
            else f"{where}: {self.message}"
        )
        lines = [head]
        if self.expected:
            lines.append(f"  expected {self.expected}")
        if self.hint:
            lines.append(f"  {self.hint}")
        return "\n".join(lines)


class NextAdvanceError(Exception):
    """Root of every error nextadvance raises on purpose (see the module docstring)."""


class ProblemsError(NextAdvanceError):
    """An error made of one or more located :class:`Problem` records, all reported at once."""

    def __init__(self, problems: Iterable[Problem] | str) -> None:
        if isinstance(problems, str):
            problems = [Problem(message=problems)]
        self.problems: tuple[Problem, ...] = tuple(problems)
        super().__init__(self._render(self.problems))

    @staticmethod
    def _render(problems: Sequence[Problem]) -> str:
        if len(problems) == 1:
            return str(problems[0])
        body = "\n".join(str(p) for p in problems)
        return f"{len(problems)} problems:\n{body}"


class ConfigError(ProblemsError):
    """Bad settings or credentials; every missing or wrong key is listed in one error."""


class MappingError(ProblemsError):
    """A mapping file is wrong; each problem names file, line, key path and the fix."""


class RuleError(ProblemsError):
    """A playbook or next-step lexicon is wrong; located like a :class:`MappingError`."""


class StateError(NextAdvanceError):
    """The state store cannot be read, written, migrated or locked as required."""


class ConnectorError(NextAdvanceError):
    """Anything that went wrong talking to a CRM, already classified by meaning."""

    def __init__(
        self, message: str, *, endpoint: str | None = None, status: int | None = None
    ) -> None:
        super().__init__(message)
        self.endpoint = endpoint
        self.status = status


class Retryable(ConnectorError):
    """A transient failure: the same request may succeed if sent again later."""


class RateLimited(Retryable):
    """The CRM said slow down; ``retry_after`` (seconds) is honoured when it gave one."""

    def __init__(
        self,
        message: str,
        *,
        retry_after: float | None = None,
        endpoint: str | None = None,
        status: int | None = None,
    ) -> None:
        super().__init__(message, endpoint=endpoint, status=status)
        self.retry_after = retry_after


class Unavailable(Retryable):
    """The CRM answered 5xx or refused the connection."""


class Timeout(Retryable):
    """No answer in time; the request may or may not have been applied."""


class QuotaExhausted(ConnectorError):
    """The daily API quota is spent (or our configured share of it): stop cleanly."""


class AuthError(ConnectorError):
    """Credentials are invalid, expired beyond refresh, or lack a needed scope."""


class RecordRejected(ConnectorError):
    """The CRM refused one record; the run records why and goes on with the others."""

    def __init__(
        self,
        message: str,
        *,
        record: str | None = None,
        field: str | None = None,
        code: str | None = None,
        endpoint: str | None = None,
        status: int | None = None,
    ) -> None:
        super().__init__(message, endpoint=endpoint, status=status)
        self.record = record
        self.field = field
        self.code = code


class FatalRemote(ConnectorError):
    """The CRM answered in a way that makes going on unsafe: abort, keep the cursor."""
