"""Packaging guards: every source directory is packaged, and public faces are explicit."""

from __future__ import annotations

import importlib
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NOT_PACKAGED = {
    "tests",
    "benchmarks",
    "scripts",
    ".ci",
    "docs",
    "deploy",
    "cassettes",
    "build",
    "dist",
}


def _pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def test_every_directory_with_python_files_is_packaged() -> None:
    """setuptools silently drops an unlisted subpackage; this test makes that loud."""
    setuptools_cfg = _pyproject()["tool"]["setuptools"]
    packages = set(setuptools_cfg["packages"])
    package_dir = setuptools_cfg["package-dir"]
    dir_to_pkg: dict[Path, str] = {}
    for pkg in packages:
        parts = pkg.split(".")
        for i in range(len(parts), 0, -1):
            prefix = ".".join(parts[:i])
            if prefix in package_dir:
                dir_to_pkg[(ROOT / package_dir[prefix]).joinpath(*parts[i:]).resolve()] = pkg
                break
    missing = []
    for py in ROOT.rglob("*.py"):
        rel = py.relative_to(ROOT)
        if (
            rel.parts[0] in NOT_PACKAGED
            or rel.parts[0].startswith(".")
            or "site-packages" in rel.parts
        ):
            continue
        if any(part.startswith(".") or part == "__pycache__" for part in rel.parts):
            continue
        if py.parent.resolve() not in dir_to_pkg:
            missing.append(str(rel.parent))
    assert not sorted(set(missing)), (
        f"directories with Python files not packaged: {sorted(set(missing))}"
    )


def test_every_packaged_directory_is_importable() -> None:
    """Each listed package imports under its nextadvance.* name."""
    for pkg in _pyproject()["tool"]["setuptools"]["packages"]:
        importlib.import_module(pkg)


def test_public_all_matches_exports() -> None:
    """Each top-level package's ``__all__`` names only things it really exports."""
    for pkg in ["nextadvance.core", "nextadvance.mappings", "nextadvance.connectors"]:
        mod = importlib.import_module(pkg)
        for name in getattr(mod, "__all__", []):
            assert hasattr(mod, name), f"{pkg}.__all__ lists {name!r} but it is not defined"
