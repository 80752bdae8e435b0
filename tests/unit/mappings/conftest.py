"""Shared fixtures for mapping tests: the shipped mappings and a writer for broken copies."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from nextadvance.mappings import Mapping, default_mapping_path, load_mapping


@pytest.fixture(scope="session")
def sf_mapping() -> Mapping:
    """The shipped Salesforce mapping."""
    return load_mapping(default_mapping_path("salesforce"))


@pytest.fixture(scope="session")
def hs_mapping() -> Mapping:
    """The shipped HubSpot mapping."""
    return load_mapping(default_mapping_path("hubspot"))


@pytest.fixture
def write_mapping(tmp_path: Path) -> Callable[[str, str], Path]:
    """Write a mapping file: the shipped Salesforce text with ``old`` replaced by ``new``."""

    def write(old: str, new: str, name: str = "acme.yaml") -> Path:
        text = default_mapping_path("salesforce").read_text(encoding="utf-8")
        assert old in text, f"fixture text {old!r} not in the shipped mapping"
        path = tmp_path / name
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
        return path

    return write
