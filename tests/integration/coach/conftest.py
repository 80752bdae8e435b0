"""Reuse the sync integration fixtures (a sandbox world per CRM, the CLI's sync)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

_path = Path(__file__).resolve().parents[1] / "sync" / "conftest.py"
_spec = importlib.util.spec_from_file_location("nextadvance_sync_fixtures", _path)
assert _spec is not None and _spec.loader is not None
_sync = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = _sync
_spec.loader.exec_module(_sync)
make_world = _sync.make_world
