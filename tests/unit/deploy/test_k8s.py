"""Kubernetes manifests: schema-valid offline, and safe by policy (one CronJob per connection)."""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from nextadvance.mappings import load_mapping
from nextadvance.sync.config._settings import load_settings

kv = pytest.importorskip("kubernetes_validate.utils")

#: Oldest Kubernetes we support (CronJob timeZone and Job podFailurePolicy are GA) and newest.
K8S_VERSIONS = ["1.31.0", "1.37.0"]


def _pod_spec(obj: dict[str, Any]) -> dict[str, Any] | None:
    kind = obj["kind"]
    if kind == "CronJob":
        return obj["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    if kind in ("Job", "Deployment"):
        return obj["spec"]["template"]["spec"]
    return None


def _workloads(manifests: list[tuple[str, dict[str, Any]]]) -> list[tuple[str, dict[str, Any]]]:
    return [(f, o) for f, o in manifests if _pod_spec(o) is not None]


@pytest.mark.parametrize("version", K8S_VERSIONS)
def test_every_manifest_validates_against_the_bundled_schemas(
    manifests: list[tuple[str, dict[str, Any]]], version: str
) -> None:
    """Each object passes kubernetes-validate in strict mode (no unknown fields), offline."""
    assert len(manifests) >= 7
    for name, obj in manifests:
        try:
            kv.validate(obj, version, strict=True)
        except kv.ValidationError as exc:  # pragma: no cover - the failure message is the point
            pytest.fail(f"{name} {obj['kind']}/{obj['metadata']['name']}: {exc.message}")


def test_the_validator_rejects_a_misspelt_field(
    manifests: list[tuple[str, dict[str, Any]]],
) -> None:
    """The schema check has teeth: a typo in a CronJob field is refused."""
    cron = copy.deepcopy(next(o for _, o in manifests if o["kind"] == "CronJob"))
    cron["spec"]["concurrencyPolicyy"] = cron["spec"].pop("concurrencyPolicy")
    with pytest.raises(kv.ValidationError):
        kv.validate(cron, K8S_VERSIONS[-1], strict=True)


def test_workloads_run_non_root_read_only_with_resources(
    manifests: list[tuple[str, dict[str, Any]]],
) -> None:
    """Every pod runs as non-root with a read-only root FS, no privilege escalation, and sized."""
    workloads = _workloads(manifests)
    assert {o["kind"] for _, o in workloads} == {"CronJob", "Job", "Deployment"}
    for name, obj in workloads:
        pod = _pod_spec(obj)
        assert pod is not None
        assert pod["securityContext"]["runAsNonRoot"] is True, name
        assert pod["securityContext"]["runAsUser"] != 0, name
        assert pod["automountServiceAccountToken"] is False, name
        for c in pod["containers"]:
            sc = c["securityContext"]
            assert sc["readOnlyRootFilesystem"] is True, name
            assert sc["allowPrivilegeEscalation"] is False, name
            assert sc["capabilities"]["drop"] == ["ALL"], name
            res = c["resources"]
            assert {"cpu", "memory"} <= res["requests"].keys(), name
            assert {"cpu", "memory"} <= res["limits"].keys(), name


def test_secrets_come_only_from_a_secret_reference(
    manifests: list[tuple[str, dict[str, Any]]],
) -> None:
    """Credentials reach pods through envFrom secretRef; no Secret object or inline secret ships."""
    assert not [n for n, o in manifests if o["kind"] == "Secret"]
    secretish = re.compile(r"(token|secret|password|passwd|credential|api_?key)", re.I)
    for name, obj in _workloads(manifests):
        pod = _pod_spec(obj)
        assert pod is not None
        for c in pod["containers"]:
            refs = [e["secretRef"]["name"] for e in c.get("envFrom", []) if "secretRef" in e]
            assert refs == ["nextadvance-credentials"], name
            for env in c.get("env", []):
                assert "value" not in env or not secretish.search(env["name"]), (name, env)
                assert ":" not in env.get("value", "").split("@")[0].removeprefix(
                    "postgresql+psycopg://"
                ), f"{name}: a password in {env['name']}"


def _config_files(manifests: list[tuple[str, dict[str, Any]]], tmp_path: Path) -> Path:
    cm = next(o for _, o in manifests if o["kind"] == "ConfigMap")
    for key, text in cm["data"].items():
        (tmp_path / key).write_text(text)
    return tmp_path / "nextadvance.yaml"


def test_configmap_holds_a_loadable_config_and_mapping(
    manifests: list[tuple[str, dict[str, Any]]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The ConfigMap's nextadvance.yaml loads as settings and its mapping loads as a mapping."""
    monkeypatch.delenv("NEXTADVANCE_STATE_URL", raising=False)
    settings = load_settings(_config_files(manifests, tmp_path))
    assert [c.name for c in settings.connections] == ["acme-sf", "globex-hs"]
    acme = settings.connection("acme-sf")
    assert acme.mapping is not None
    mapping = load_mapping(Path(acme.mapping))
    assert mapping is not None


def test_one_forbid_cronjob_per_connection_matching_its_schedule(
    manifests: list[tuple[str, dict[str, Any]]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each configured connection has one CronJob (Forbid, deadline, backoff) on its schedule."""
    monkeypatch.delenv("NEXTADVANCE_STATE_URL", raising=False)
    settings = load_settings(_config_files(manifests, tmp_path))
    crons = {o["metadata"]["name"]: o for _, o in manifests if o["kind"] == "CronJob"}
    assert len(crons) == len(settings.connections)
    for conn in settings.connections:
        cron = crons[f"nextadvance-sync-{conn.name}"]
        spec = cron["spec"]
        assert spec["concurrencyPolicy"] == "Forbid"
        assert 0 < spec["startingDeadlineSeconds"] <= 600
        assert spec["schedule"] == conn.schedule
        job = spec["jobTemplate"]["spec"]
        assert 0 <= job["backoffLimit"] <= 3
        assert job["template"]["spec"]["restartPolicy"] == "Never"
        (container,) = job["template"]["spec"]["containers"]
        assert container["args"] == ["sync", "--connection", conn.name]


def test_serve_deployment_probes_the_health_endpoints(
    manifests: list[tuple[str, dict[str, Any]]],
) -> None:
    """The serve Deployment is a single Recreate replica probing /healthz and /readyz."""
    dep = next(o for _, o in manifests if o["kind"] == "Deployment")
    assert dep["spec"]["replicas"] == 1
    assert dep["spec"]["strategy"]["type"] == "Recreate"
    (c,) = dep["spec"]["template"]["spec"]["containers"]
    assert c["args"][0] == "serve"
    assert c["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert c["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert dep["spec"]["template"]["spec"]["terminationGracePeriodSeconds"] >= 60


def test_kustomization_lists_every_manifest(deploy_dir: Path) -> None:
    """kustomization.yaml applies every manifest file in deploy/k8s."""
    k = yaml.safe_load((deploy_dir / "k8s" / "kustomization.yaml").read_text())
    files = {p.name for p in (deploy_dir / "k8s").glob("*.yaml")} - {"kustomization.yaml"}
    assert set(k["resources"]) == files
