"""Regenerate tests/unit/core/data/golden_decisions.json after an intended output change.

The golden test pins every field of 400 decisions; when the engine's output changes on
purpose (a new explanation, a better verdict), re-run this and say why in the commit::

    .venv/bin/python scripts/regen_golden.py
"""

from __future__ import annotations

import gzip
import hashlib
import json
from datetime import datetime
from pathlib import Path

from nextadvance.core import decide
from nextadvance.core.models import Deal
from nextadvance.mappings import load_playbook

DATA = Path(__file__).resolve().parent.parent / "tests" / "unit" / "core" / "data"


def main() -> None:
    """Rewrite the digests (same deals, same ``now``)."""
    path = DATA / "golden_decisions.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    now = datetime.fromisoformat(data["now"])
    playbook = load_playbook()
    with gzip.open(DATA / "golden_deals.jsonl.gz", "rt", encoding="utf-8") as fh:
        deals = [Deal.model_validate_json(line) for line in fh if line.strip()]
    data["sha256"] = {
        d.id: hashlib.sha256(decide(d, playbook, now).model_dump_json().encode()).hexdigest()
        for d in deals
    }
    path.write_text(json.dumps(data, indent=0) + "\n", encoding="utf-8")
    print(f"rewrote {len(deals)} digests in {path}")


if __name__ == "__main__":
    main()
