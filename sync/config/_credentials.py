"""Credentials by reference: the config names where a secret lives, never the secret itself.

A connection says ``credentials: {env: ACME_SF}`` or ``credentials: {file: /run/secrets/acme}``
(shorthand ``env:ACME_SF`` / ``file:/path``).  The referenced value is either a JSON object
(``{"client_id": ..., "client_secret": ..., "refresh_token": ...}``) or a single token.  The
resolved :class:`Credentials` never shows its values in a repr, log or exception.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, model_validator

from nextadvance.core.errors import ConfigError, Problem

from ._logging import register_secret

__all__ = ["SECRET_KEYS", "Credentials", "CredentialsRef"]

#: Keys that hold secrets; seeing one in the config file means a secret was written inline.
SECRET_KEYS = frozenset(
    {
        "token",
        "access_token",
        "refresh_token",
        "password",
        "client_secret",
        "secret",
        "api_key",
        "apikey",
        "private_key",
        "privatekey",
        "session_id",
        "security_token",
        "private_app_token",
    }
)


class CredentialsRef(BaseModel):
    """Where a connection's secrets live: exactly one of an environment variable or a file."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    env: str | None = None
    file: Path | None = None

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, value: Any) -> Any:
        if isinstance(value, str):
            kind, sep, rest = value.partition(":")
            if sep and kind in ("env", "file") and rest:
                return {kind: rest}
            raise ValueError(
                "credentials must be a reference, not the secret itself: "
                "use {env: VAR_NAME} or {file: /path/to/secret} (shorthand env:VAR or file:PATH)"
            )
        return value

    @model_validator(mode="after")
    def _exactly_one(self) -> CredentialsRef:
        if (self.env is None) == (self.file is None):
            raise ValueError("give exactly one of 'env' (variable name) or 'file' (path)")
        if self.env is not None and not self.env.replace("_", "").isalnum():
            raise ValueError(
                f"'{self.env}' is not an environment variable name; "
                "the secret itself belongs in that variable, not here"
            )
        return self

    def resolved_relative_to(self, base: Path) -> CredentialsRef:
        """A copy with a relative file path made absolute against ``base`` (the config dir)."""
        if self.file is not None and not self.file.is_absolute():
            return CredentialsRef(file=(base / self.file.expanduser()).resolve())
        return self

    def describe(self) -> str:
        """Where the secret comes from, safe to print."""
        return f"environment variable {self.env}" if self.env else f"file {self.file}"

    def resolve(self, *, connection: str = "") -> Credentials:
        """Read the secret; a missing variable or unreadable file is a ConfigError, not a crash."""
        where = f"connections.{connection}.credentials" if connection else "credentials"
        if self.env is not None:
            raw = os.environ.get(self.env)
            if not raw:
                raise ConfigError(
                    [
                        Problem(
                            message=f"environment variable {self.env} is not set",
                            key_path=where,
                            hint="export it before running (a JSON object or a single token)",
                        )
                    ]
                )
        else:
            assert self.file is not None
            try:
                raw = self.file.read_text(encoding="utf-8")
            except OSError as exc:
                raise ConfigError(
                    [
                        Problem(
                            message=f"cannot read credentials file {self.file}: {exc.strerror}",
                            key_path=where,
                        )
                    ]
                ) from None
        return Credentials.parse(raw.strip(), source=self.describe())


class Credentials(Mapping[str, str]):
    """Resolved secret values; mapping access only, redacted everywhere it could be printed."""

    __slots__ = ("_source", "_values")

    def __init__(self, values: Mapping[str, str], *, source: str = "") -> None:
        self._values = dict(values)
        self._source = source
        for key, value in self._values.items():
            if key.lower() in SECRET_KEYS:
                register_secret(value)  # scrubbed from every log line from now on

    @classmethod
    def parse(cls, raw: str, *, source: str = "") -> Credentials:
        """A JSON object of strings, or a single token stored as ``token``.

        Anything else (empty, a JSON array or string, several words or lines) is refused
        with a ConfigError naming where it came from, never sent to the CRM as a token.
        """
        shape = _not_a_secret(raw)
        if shape:
            raise ConfigError(
                [
                    Problem(
                        message=f"credentials from {source} hold {shape}",
                        expected='a JSON object ({"client_id": ..., "refresh_token": ...}) '
                        "or a single access token",
                    )
                ]
            )
        if raw.startswith("{"):
            try:
                data = json.loads(raw)
            except json.JSONDecodeError:
                raise ConfigError(
                    [Problem(message=f"credentials from {source} are not valid JSON")]
                ) from None
            if not isinstance(data, dict):
                raise ConfigError(
                    [Problem(message=f"credentials from {source} are not a JSON object")]
                )
            values = {str(k): str(v) for k, v in data.items() if v is not None}
            for key, value in values.items():
                slip = _slip(key, value)
                if slip:  # never echoed: a fragment of a secret would reach logs and runs
                    raise ConfigError(
                        [
                            Problem(
                                message=f"credentials from {source}: the value of {key!r} "
                                f"holds {slip} (not shown here)",
                                expected="the value exactly as issued, without spaces or "
                                "line breaks (a copy-paste slip?)",
                            )
                        ]
                    )
            return cls(values, source=source)
        if _slip("token", raw):
            raise ConfigError(
                [Problem(message=f"credentials from {source} hold a control character")]
            )
        return cls({"token": raw}, source=source)

    def __getitem__(self, key: str) -> str:
        return self._values[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __repr__(self) -> str:
        return f"Credentials(keys={sorted(self._values)}, source={self._source!r})"

    __str__ = __repr__


#: credential values sent in a header or a URL: one space in them is a copy-paste slip
_NO_SPACES = frozenset(
    {
        "token",
        "access_token",
        "refresh_token",
        "session_id",
        "client_id",
        "client_secret",
        "api_key",
        "instance_url",
        "token_url",
    }
)


def _slip(key: str, value: str) -> str | None:
    """What makes ``value`` unusable as ``key``'s credential: a control character (a line
    break, a tab) in any value, a space in one sent in a header or a URL (None: fine).

    Refused at load: sent, the HTTP library's error quoted the header, and the tail of the
    token after the space escaped redaction into the run's message and the store."""
    if any(ord(c) < 32 or ord(c) == 127 for c in value):
        return "a control character (a line break or a tab)"
    if key.lower() in _NO_SPACES and any(c.isspace() for c in value):
        return "a space"
    return None


def _not_a_secret(raw: str) -> str | None:
    """What ``raw`` is when it is neither a JSON object nor one token (None: it may be one)."""
    if not raw:
        return "nothing (empty)"
    if raw.startswith("["):
        return "a JSON array"
    if raw.startswith('"'):
        return "a JSON string (quotes included)"
    if any(c.isspace() for c in raw) and not raw.startswith("{"):
        return "several words or lines, not one token"
    return None
