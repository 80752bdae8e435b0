"""Fixtures of the sync unit tests: a state store on SQLite and on a real PostgreSQL."""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from pathlib import Path

import pytest

from nextadvance.sync.store._db import StateStore

_spec = importlib.util.spec_from_file_location(
    "nextadvance_fixtures_pg", Path(__file__).resolve().parents[2] / "fixtures_pg.py"
)
assert _spec is not None and _spec.loader is not None
_pg = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_pg)
pg_server = _pg.pg_server
pg_url = _pg.pg_url


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A state store URL on each backend: a SQLite file, and a fresh PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'state.db'}"
    return str(request.getfixturevalue("pg_url"))


@pytest.fixture
def store(store_url: str) -> Iterator[StateStore]:
    """An opened, migrated state store on each backend."""
    s = StateStore.open(store_url)
    try:
        yield s
    finally:
        s.close()
