"""Regenerate crm_ui/fixtures/: coach payloads a real sandbox sync wrote, one per stage.

    .venv/bin/python tests/fixtures_crm_card.py

Runs ``nextadvance demo`` (the bundled sandbox CRM, a full and an incremental sync through
the real connector) into a temp dir, reads back the ``NA_Coach__c`` values the sync wrote
(as the CRM returned them, from the state store's mirror), and keeps for each of three
stages the deal whose card shows the most (checklist, gap, stall, a verdict to fix).
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "crm_ui" / "fixtures"
STAGES = {"prospecting": "Prospecting", "discovery": "Discovery", "negotiation": "Negotiation"}


def _score(p: dict) -> tuple:
    learned = sum(o["status"] != "missing" for o in p["objectives"])
    return (
        bool(p["gap"]),
        p["verdict"]["code"] != "advance",
        p["momentum"]["stalled"],
        learned,
        bool(p["verdict"]["next_step"]),
        len(p["plan"]),
    )


def main() -> int:
    exe = Path(sys.executable).with_name("nextadvance")
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            [
                str(exe),
                "demo",
                "--crm",
                "salesforce",
                "--deals",
                "200",
                "--seed",
                "7",
                "--dir",
                tmp,
            ],
            check=True,
            capture_output=True,
        )
        db = sqlite3.connect(Path(tmp) / "state.db")
        payloads = []
        for (values,) in db.execute("select crm_values from deals"):
            coach = json.loads(values).get("NA_Coach__c")
            if coach:
                payloads.append(json.loads(coach))
    for name, title in STAGES.items():
        at_stage = [p for p in payloads if p["stage"].startswith(title)]
        if not at_stage:
            print(f"no deal at {title}", file=sys.stderr)
            return 1
        best = max(at_stage, key=_score)
        text = json.dumps(best, ensure_ascii=False, separators=(",", ":"))
        (OUT / f"{name}.json").write_text(text + "\n", encoding="utf-8")
        print(f"{name}: {best['stage']} ({len(text)} chars)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
