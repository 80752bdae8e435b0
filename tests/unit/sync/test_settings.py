"""Settings: nextadvance.yaml with env overrides, located errors, secrets only by reference."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from nextadvance.core.errors import ConfigError
from nextadvance.sync.config._credentials import CredentialsRef
from nextadvance.sync.config._settings import default_state_url, load_settings

GOOD = """\
state_url: sqlite:///{tmp}/state.db
connections:
  - name: acme-sf
    crm: salesforce
    credentials: {env: ACME_SF_CREDENTIALS}
    base_url: https://127.0.0.1:8443
    ca_bundle: ca.pem
    mapping: maps/acme.yaml
    schedule: "*/30 * * * *"
    limits: {daily_quota_share: 0.2, rate_per_s: 5}
  - name: globex-hs
    crm: hubspot
    credentials: file:secrets/globex.json
    writeback: false
"""


def _write(tmp_path: Path, text: str) -> Path:
    (tmp_path / "maps").mkdir(exist_ok=True)
    (tmp_path / "maps" / "acme.yaml").write_text("stages: {}\n")
    (tmp_path / "ca.pem").write_text("-----BEGIN CERTIFICATE-----\n")
    cfg = tmp_path / "nextadvance.yaml"
    cfg.write_text(textwrap.dedent(text).replace("{tmp}", str(tmp_path)))
    return cfg


def test_good_file_loads_with_paths_resolved(tmp_path: Path) -> None:
    """A valid file gives Settings whose relative paths are resolved against its directory."""
    settings = load_settings(_write(tmp_path, GOOD))
    acme = settings.connection("acme-sf")
    assert acme.crm == "salesforce"
    assert acme.mapping == str(tmp_path / "maps" / "acme.yaml")
    assert acme.ca_bundle == tmp_path / "ca.pem"
    assert acme.limits.daily_quota_share == 0.2
    globex = settings.connection("globex-hs")
    assert globex.writeback is False
    assert globex.credentials.file == tmp_path / "secrets" / "globex.json"


def test_environment_overrides_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """NEXTADVANCE_STATE_URL wins over the file's state_url (containers need no edited file)."""
    monkeypatch.setenv("NEXTADVANCE_STATE_URL", "postgresql+psycopg://na@db/na")
    assert load_settings(_write(tmp_path, GOOD)).state_url == "postgresql+psycopg://na@db/na"


def test_config_path_from_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without a path argument the file named by NEXTADVANCE_CONFIG is read."""
    monkeypatch.setenv("NEXTADVANCE_CONFIG", str(_write(tmp_path, GOOD)))
    assert [c.name for c in load_settings().connections] == ["acme-sf", "globex-hs"]


def test_every_problem_is_listed_with_its_line(tmp_path: Path) -> None:
    """One ConfigError names every wrong key with file, line and a did-you-mean hint."""
    cfg = _write(
        tmp_path,
        """\
        connections:
          - name: acme
            crm: salesforse
            credentials: {env: ACME}
            mapping: missing.yaml
            schedul: "0 * * * *"
          - name: beta
            crm: hubspot
            credentials: {env: BETA}
            limits: {daily_quota_share: 3}
        """,
    )
    with pytest.raises(ConfigError) as err:
        load_settings(cfg)
    text = str(err.value)
    assert f"{cfg}:3 connections[0].crm" in text
    assert f"{cfg}:5 connections[0].mapping: file not found" in text
    assert f"{cfg}:6 connections[0].schedul: unknown setting 'schedul'" in text
    assert "did you mean 'schedule'?" in text
    assert f"{cfg}:10 connections[1].limits.daily_quota_share" in text
    assert len(err.value.problems) == 4


def test_inline_secrets_are_refused(tmp_path: Path) -> None:
    """A token written in the file is refused, and the error does not echo the secret."""
    cfg = _write(
        tmp_path,
        """\
        connections:
          - name: acme
            crm: hubspot
            credentials:
              token: pat-na1-canary-0000
          - name: beta
            crm: hubspot
            credentials: pat-na1-canary-1111
        """,
    )
    with pytest.raises(ConfigError) as err:
        load_settings(cfg)
    text = str(err.value)
    assert "canary" not in text
    assert f"{cfg}:5 connections[0].credentials.token: inline secrets are not allowed" in text
    assert f"{cfg}:8 connections[1].credentials: credentials must be a reference" in text


def test_missing_file_and_unknown_connection(tmp_path: Path) -> None:
    """A missing config file and an unknown connection name are ConfigErrors with a hint."""
    with pytest.raises(ConfigError, match="configuration file not found"):
        load_settings(tmp_path / "nope.yaml")
    settings = load_settings(_write(tmp_path, GOOD))
    with pytest.raises(ConfigError, match="did you mean 'acme-sf'"):
        settings.connection("acme-sg")


def test_credentials_resolve_without_showing_secrets(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Resolved credentials give their values by key but never in repr/str."""
    monkeypatch.setenv("ACME_TOKEN", "canary-secret-123")
    creds = CredentialsRef(env="ACME_TOKEN").resolve()
    assert creds["token"] == "canary-secret-123"
    assert "canary" not in repr(creds) and "canary" not in str(creds)
    (tmp_path / "c.json").write_text('{"client_id": "x", "client_secret": "canary-2"}')
    creds = CredentialsRef(file=tmp_path / "c.json").resolve()
    assert dict(creds) == {"client_id": "x", "client_secret": "canary-2"}
    monkeypatch.delenv("ACME_TOKEN")
    with pytest.raises(ConfigError, match="ACME_TOKEN is not set"):
        CredentialsRef(env="ACME_TOKEN").resolve()


def test_default_state_store_is_sqlite_in_user_data_dir(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without state_url the store is a SQLite file under the platform's user data dir."""
    monkeypatch.setenv("XDG_DATA_HOME", "/srv/data")
    assert default_state_url() == "sqlite:////srv/data/nextadvance/state.db"
