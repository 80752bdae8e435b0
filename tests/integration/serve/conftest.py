"""Fixtures of the serve integration tests: the real PostgreSQL server fixture, re-exported."""

from __future__ import annotations

import importlib.util
from pathlib import Path

_spec = importlib.util.spec_from_file_location(
    "nextadvance_fixtures_pg_serve", Path(__file__).resolve().parents[2] / "fixtures_pg.py"
)
assert _spec is not None and _spec.loader is not None
_pg = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_pg)
pg_server = _pg.pg_server
pg_url = _pg.pg_url
