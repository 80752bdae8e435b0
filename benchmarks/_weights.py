"""Writing a learned weight table that ships in ``mappings/defaults/`` (one format for all).

The note model, the stage-fit model and the advance guard are trained offline by their
``*_cv --write`` tools; the tables are compact JSON on one line so that a retrain shows as
one changed line in review, and each tool reports the same path / size / feature count.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

__all__ = ["write_table"]


def write_table(path: str | Path, table: dict[str, Any]) -> str:
    """Write ``table`` to ``path`` as one JSON line; a one-line summary for the terminal."""
    text = json.dumps(table, separators=(",", ":"))
    Path(path).write_text(text + "\n", encoding="utf-8")
    return f"wrote {path} ({len(text)} bytes, {len(table['features'])} features)"
