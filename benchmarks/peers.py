"""API calls of third-party clients reading the sandbox, next to ours on the same world.

Runs the peer conformance suite (``tests/peers/run_peers.py``: each peer reads every
record of its streams from a fresh 30-deal, seed-7 world) and our own full sync of the same
world per CRM (``benchmarks._api_calls.measure``, scenario ``full``), and writes both to
``benchmarks/results/peers.json`` with a markdown table on stdout.

    .venv/bin/python -m benchmarks.peers            # ~2-4 min (installs peers on first run)

Our sync reads deals, contacts, companies/accounts and activities and also writes one task
and a few fields per deal; the peers only read, and read every record of every object
type, not only open deals' history — so the read columns are the comparable ones.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from ._api_calls import measure

ROOT = Path(__file__).resolve().parent.parent
OUT = Path(__file__).resolve().parent / "results" / "peers.json"


def main() -> int:
    """Run the peers and our full sync; write and print the comparison."""
    peers_out = OUT.with_name("peers_raw.json")
    proc = subprocess.run(
        [sys.executable, str(ROOT / "tests" / "peers" / "run_peers.py"), "--out", str(peers_out)],
        check=False,
    )
    peers = json.loads(peers_out.read_text())
    peers_out.unlink()
    deals = peers["deals"]
    ours: dict[str, Any] = {}
    for crm in ("hubspot", "salesforce"):
        full = next(r for r in measure(crm, deals, peers["seed"]) if r["scenario"] == "full")
        ours[crm] = {k: full[k] for k in ("calls", "reads", "writes", "by_endpoint")}
    rows = []
    for p in peers["peers"]:
        crm = "salesforce" if p["peer"].startswith("tap-salesforce") else "hubspot"
        records = sum(s["read"] for s in p.get("streams", {}).values())
        rows.append(
            {
                "peer": p["peer"],
                "crm": crm,
                "ok": p["ok"],
                "streams": len(p.get("streams", {})),
                "records": records,
                "api_calls": p.get("api_calls"),
                "by_endpoint": p.get("requests", {}),
            }
        )
    OUT.write_text(
        json.dumps({"deals": deals, "seed": peers["seed"], "peers": rows, "ours": ours}, indent=2)
        + "\n"
    )
    print("| client | CRM | streams | records read | API calls |")
    print("|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['peer']} | {r['crm']} | {r['streams']} | {r['records']} | {r['api_calls']} |")
    for crm, o in ours.items():
        print(
            f"| nextadvance full sync | {crm} | — | — | {o['reads']} reads + {o['writes']} writes |"
        )
    return proc.returncode


if __name__ == "__main__":
    sys.exit(main())
