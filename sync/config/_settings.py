"""Settings: ``nextadvance.yaml`` plus environment overrides, validated with located errors.

Ops write one YAML file listing the CRM connections; anything about the runtime (state store
URL, log level) can be overridden by ``NEXTADVANCE_*`` environment variables so a container
or CronJob needs no edited file.  Secrets are never written in the file: a connection names
an environment variable or a file that holds them, and an inline secret is refused with a
message saying how to move it out.  Every problem is collected and raised as one
:class:`~nextadvance.core.errors.ConfigError` with file, line and key path.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from nextadvance.connectors import CRM_NAMES
from nextadvance.core.errors import ConfigError, Problem
from nextadvance.mappings import Located, did_you_mean, load_yaml_file

from ._credentials import SECRET_KEYS, CredentialsRef
from ._targets import load_targets, zone

__all__ = [
    "Connection",
    "Limits",
    "Prospecting",
    "Settings",
    "default_state_url",
    "find_config",
    "load_settings",
]

CONFIG_ENV = "NEXTADVANCE_CONFIG"


def default_state_url() -> str:
    """SQLite in the user's data dir (``~/.local/share/nextadvance/state.db`` on Linux)."""
    import platformdirs

    return (
        f"sqlite:///{Path(platformdirs.user_data_dir('nextadvance', appauthor=False)) / 'state.db'}"
    )


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Limits(_Strict):
    """How much of the CRM's API this connection may use, so we never burn the org's quota."""

    daily_quota_share: float = Field(default=0.5, gt=0.0, le=1.0)
    rate_per_s: float | None = Field(default=None, gt=0.0)
    batch_size: int | None = Field(default=None, ge=1, le=200)
    connect_timeout_s: float = Field(
        default=10.0, gt=0.0, le=300.0, description="TCP connect and TLS handshake."
    )
    read_timeout_s: float = Field(
        default=30.0, gt=0.0, le=600.0, description="Longest wait for an answer once connected."
    )
    request_deadline_s: float = Field(
        default=90.0,
        gt=0.0,
        le=3600.0,
        description="Total time for one request, retries and waits included.",
    )


class Prospecting(_Strict):
    """Opt-in: write each rep's bite-sized prospecting blocks as one rep-level task a day.

    ``targets`` is the targets file (the one ``nextadvance report --targets`` reads);
    ``timezone`` is the default for reps without one when the file names none.
    """

    targets: str = Field(min_length=1)
    timezone: str = "UTC"

    @field_validator("timezone")
    @classmethod
    def _tz(cls, value: str) -> str:
        zone(value)
        return value


class Connection(_Strict):
    """One CRM org/portal to sync: where it is, how to log in, how to map and what to write."""

    name: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$")
    crm: str = Field(description="A CRM with a connector profile: " + ", ".join(CRM_NAMES))
    credentials: CredentialsRef
    base_url: str | None = None
    ca_bundle: Path | None = None
    mapping: str | None = None
    playbook: str | None = None
    schedule: str | None = None
    writeback: bool = True
    label_refresh_s: float = Field(
        default=86_400.0,
        ge=0.0,
        description="HubSpot: seconds between re-reads of the open deals' contact role labels "
        "(label changes move no modified date); 0 = every run.",
    )
    limits: Limits = Limits()
    prospecting: Prospecting | None = None
    timezone: str | None = Field(
        default=None,
        description="IANA zone of deal owners the CRM (Salesforce Owner.TimeZoneSidKey) and "
        "the targets file name none: their 'today', meeting days and due dates "
        "(default: prospecting.timezone, else UTC).",
    )

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str | None) -> str | None:
        if value is not None:
            zone(value)
        return value

    @field_validator("schedule")
    @classmethod
    def _cron(cls, value: str | None) -> str | None:
        if value is None:
            return None
        parts = value.split()
        if len(parts) != 5:
            raise ValueError(
                f"'{value}' is not a 5-field cron string (minute hour day month weekday)"
            )
        return value

    @field_validator("crm")
    @classmethod
    def _known_crm(cls, value: str) -> str:
        if value not in CRM_NAMES:
            raise ValueError("Input should be " + " or ".join(repr(n) for n in CRM_NAMES))
        return value

    @field_validator("base_url")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("https://", "http://")):
            raise ValueError(f"'{value}' must start with https://")
        return value


class Settings(BaseSettings):
    """The whole configuration; ``NEXTADVANCE_<KEY>`` environment variables win over the file."""

    model_config = SettingsConfigDict(
        env_prefix="NEXTADVANCE_", extra="forbid", frozen=True, env_ignore_empty=True
    )

    state_url: str = Field(default_factory=default_state_url)
    lock_lease_s: float = Field(default=600.0, gt=0)
    log_level: str = "INFO"
    connections: tuple[Connection, ...] = ()
    config_file: Path | None = None

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Environment first, then the YAML file's values (passed as init kwargs)."""
        return env_settings, dotenv_settings, init_settings

    def connection(self, name: str) -> Connection:
        """The named connection, or a ConfigError listing the names that exist."""
        for conn in self.connections:
            if conn.name == name:
                return conn
        names = [c.name for c in self.connections]
        raise ConfigError(
            [
                Problem(
                    message=f"no connection named '{name}'",
                    file=str(self.config_file) if self.config_file else None,
                    key_path="connections",
                    expected="one of: " + (", ".join(names) if names else "(none configured)"),
                    hint=did_you_mean(name, names),
                )
            ]
        )


def find_config(path: str | Path | None) -> Path:
    """The config file to read: ``--config``, else ``$NEXTADVANCE_CONFIG``, else ./nextadvance.yaml."""
    if path is not None:
        return Path(path)
    env = os.environ.get(CONFIG_ENV)
    if env:
        return Path(env)
    return Path("nextadvance.yaml")


def load_settings(
    path: str | Path | None = None, *, mapping_may_be_missing: bool = False
) -> Settings:
    """Read and validate the configuration; raise one ConfigError listing every problem.

    ``mapping_may_be_missing``: a connection's ``mapping:`` file need not exist yet — for
    ``mappings init -o FILE``, which creates it (the README's order: name the file in the
    config, then scaffold it).
    """
    file = find_config(path)
    if not file.exists():
        raise ConfigError(
            [
                Problem(
                    message="configuration file not found",
                    file=str(file),
                    hint=f"pass --config FILE or set {CONFIG_ENV}; docs/configuration.md has an example",
                )
            ]
        )
    located, problems = load_yaml_file(file)
    data = located.data
    if problems:
        raise ConfigError(problems)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError([located.problem((), "the file must be a mapping of settings")])
    problems.extend(_inline_secrets(located))
    base = file.resolve().parent
    problems.extend(
        _check_files(located, base, skip=("mapping",) if mapping_may_be_missing else ())
    )
    settings: Settings | None = None
    try:
        settings = Settings(**{**data, "config_file": file.resolve()})
    except ValidationError as exc:
        problems.extend(_located_errors(exc, located))
    if settings is not None:
        settings = _resolve_paths(settings, base)
    if problems or settings is None:
        raise ConfigError(sorted(problems, key=lambda p: (p.line or 0, p.key_path)))
    return settings


def _located_errors(exc: ValidationError, located: Located) -> list[Problem]:
    out: list[Problem] = []
    data = located.data if isinstance(located.data, dict) else {}
    for err in exc.errors():
        loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-")))
        loc = _drop_union_tags(loc)
        top = loc[0] if loc else None
        if isinstance(top, str) and top not in data and err["type"] != "missing":
            env_name = f"NEXTADVANCE_{top.upper()}"
            if env_name in os.environ:
                out.append(Problem(message=f"{err['msg']}", key_path=f"environment {env_name}"))
                continue
        message = str(err["msg"]).removeprefix("Value error, ")
        hint = None
        if err["type"] == "extra_forbidden" and loc and str(loc[-1]).lower() in SECRET_KEYS:
            continue  # already reported as an inline secret
        if err["type"] == "extra_forbidden" and loc:
            siblings = _known_keys(loc)
            hint = did_you_mean(str(loc[-1]), siblings)
            message = f"unknown setting '{loc[-1]}'"
        elif err["type"] == "missing":
            message = "required setting is missing"
        out.append(located.problem(loc, message, hint=hint))
    return out


def _drop_union_tags(loc: tuple[Any, ...]) -> tuple[Any, ...]:
    tags = {"EnvRef", "FileRef", "str", "dict[str,any]"}
    return tuple(p for p in loc if not (isinstance(p, str) and p in tags))


def _known_keys(loc: tuple[Any, ...]) -> list[str]:
    if len(loc) == 1:
        return list(Settings.model_fields)
    if loc[0] == "connections":
        if len(loc) >= 4 and loc[2] == "limits":
            return list(Limits.model_fields)
        if len(loc) >= 4 and loc[2] == "credentials":
            return ["env", "file"]
        if len(loc) >= 4 and loc[2] == "prospecting":
            return list(Prospecting.model_fields)
        return list(Connection.model_fields)
    return []


def _inline_secrets(located: Located) -> list[Problem]:
    """Refuse secrets written in the file: they leak through backups, diffs and tickets."""
    out: list[Problem] = []

    def walk(node: Any, path: tuple[str | int, ...]) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                child = (*path, key)
                if str(key).lower() in SECRET_KEYS and value not in (None, ""):
                    out.append(
                        located.problem(
                            child,
                            "inline secrets are not allowed in the configuration file",
                            hint=(
                                "put the secret in an environment variable or a file readable "
                                "only by nextadvance and reference it: credentials: {env: VAR} "
                                "or credentials: {file: /path/to/secret.json}"
                            ),
                        )
                    )
                else:
                    walk(value, child)
        elif isinstance(node, list):
            for i, item in enumerate(node):
                walk(item, (*path, i))

    walk(located.data, ())
    return out


def _check_files(located: Located, base: Path, skip: tuple[str, ...] = ()) -> list[Problem]:
    """Referenced files must exist; checked on the raw data so every problem is listed at once."""
    out: list[Problem] = []
    conns = located.data.get("connections") if isinstance(located.data, dict) else None
    if not isinstance(conns, list):
        return out
    names: dict[str, int] = {}
    for i, conn in enumerate(conns):
        if not isinstance(conn, dict):
            continue
        name = conn.get("name")
        if isinstance(name, str):
            if name in names:
                out.append(
                    located.problem(
                        ("connections", i, "name"),
                        f"duplicate connection name '{name}' (also connections[{names[name]}])",
                    )
                )
            names.setdefault(name, i)
        for key in ("mapping", "playbook", "ca_bundle"):
            if key in skip:
                continue
            value = conn.get(key)
            if isinstance(value, str) and (key == "ca_bundle" or _is_path(value)):
                p = _absolute(value, base)
                if not p.exists():
                    out.append(located.problem(("connections", i, key), f"file not found: {p}"))
        out.extend(_check_targets(located, conn.get("prospecting"), i, base))
    return out


def _check_targets(located: Located, spec: Any, i: int, base: Path) -> list[Problem]:
    """The prospecting targets file must exist and be valid (its own problems, located)."""
    if not isinstance(spec, dict) or not isinstance(spec.get("targets"), str):
        return []
    path = _absolute(spec["targets"], base)
    if not path.exists():
        return [
            located.problem(("connections", i, "prospecting", "targets"), f"file not found: {path}")
        ]
    try:
        load_targets(path, zone("UTC"))
    except ConfigError as exc:
        return list(exc.problems)
    return []


def _absolute(value: str | Path, base: Path) -> Path:
    return (base / Path(value).expanduser()).resolve()


def _resolve_paths(settings: Settings, base: Path) -> Settings:
    """Make file references absolute (relative to the config file's directory)."""
    conns: list[Connection] = []
    for conn in settings.connections:
        update: dict[str, Any] = {}
        for key in ("mapping", "playbook"):
            value = getattr(conn, key)
            if value is not None and _is_path(value):
                update[key] = str(_absolute(value, base))
        if conn.ca_bundle is not None:
            update["ca_bundle"] = _absolute(conn.ca_bundle, base)
        if conn.prospecting is not None:
            update["prospecting"] = conn.prospecting.model_copy(
                update={"targets": str(_absolute(conn.prospecting.targets, base))}
            )
        creds = conn.credentials.resolved_relative_to(base)
        if creds is not conn.credentials:
            update["credentials"] = creds
        conns.append(conn.model_copy(update=update) if update else conn)
    return settings.model_copy(update={"connections": tuple(conns)})


def _is_path(value: str) -> bool:
    return "/" in value or value.endswith((".yaml", ".yml")) or value.startswith((".", "~"))
