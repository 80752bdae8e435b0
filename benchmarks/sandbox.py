"""Sandbox throughput: seed N deals (~10 activities each) and page through all of them over HTTPS.

Run from the repository root::

    .venv/bin/python -m benchmarks.sandbox              # 100,000 deals, ~1,000,000 activities
    .venv/bin/python -m benchmarks.sandbox --deals 2000

The sandbox runs as its own process (``python -m nextadvance.sandbox.cli serve``, Salesforce
only), so server and client do not share a GIL.  The client is the real simple-salesforce:
``query_all_iter`` over Opportunity, Task and Event (``ORDER BY SystemModstamp, Id``, 2,000 per
page).  Prints one JSON object: records per object, start-up seconds (generate + load), paging
seconds and records/s, and the peak RSS of the server and of the client in MB.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import signal
import subprocess
import sys
import time
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from simple_salesforce import Salesforce

QUERIES = {
    "Opportunity": "SELECT Id, Name, StageName, Amount, CloseDate, NextStep, AccountId, OwnerId, "
    "IsClosed, SystemModstamp FROM Opportunity ORDER BY SystemModstamp, Id",
    "Task": "SELECT Id, WhatId, WhoId, Subject, Status, ActivityDate, TaskSubtype, Description, "
    "SystemModstamp FROM Task ORDER BY SystemModstamp, Id",
    "Event": "SELECT Id, WhatId, WhoId, Subject, StartDateTime, DurationInMinutes, Outcome__c, "
    "SystemModstamp FROM Event ORDER BY SystemModstamp, Id",
}


class _CABundle(HTTPAdapter):
    def __init__(self, ca_path: str) -> None:
        super().__init__()
        self.ca_path = ca_path

    def send(self, request: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        kwargs["verify"] = self.ca_path
        return super().send(request, **kwargs)


def _start(deals: int, seed: int) -> tuple[subprocess.Popen[str], dict[str, Any]]:
    cmd = [
        sys.executable,
        "-m",
        "nextadvance.sandbox.cli",
        "serve",
        "--crm",
        "salesforce",
        "--deals",
        str(deals),
        "--seed",
        str(seed),
    ]
    proc = subprocess.Popen(
        cmd, stdout=subprocess.PIPE, text=True, env={**os.environ, "NO_PROXY": "127.0.0.1"}
    )
    assert proc.stdout is not None
    lines = []
    for line in proc.stdout:
        lines.append(line)
        if line.rstrip() == "}":
            break
    return proc, json.loads("".join(lines))


def run(deals: int, seed: int = 7) -> dict[str, Any]:
    """Start a sandbox with ``deals`` deals, page through everything, return the figures."""
    started = time.perf_counter()
    proc, info = _start(deals, seed)
    startup = time.perf_counter() - started
    try:
        session = requests.Session()
        session.mount(info["base_url"], _CABundle(info["ca_path"]))
        creds = info["salesforce"]
        sf = Salesforce(
            instance_url=creds["instance_url"], session_id=creds["session_id"], session=session
        )
        counts: dict[str, int] = {}
        seconds: dict[str, float] = {}
        for name, soql in QUERIES.items():
            t0 = time.perf_counter()
            counts[name] = sum(1 for _ in sf.query_all_iter(soql))
            seconds[name] = round(time.perf_counter() - t0, 2)
        usage = sf.api_usage["api-usage"].used
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=60)
    total = sum(counts.values())
    paging = sum(seconds.values())
    return {
        "deals": deals,
        "records": counts,
        "records_total": total,
        "api_calls": usage,
        "startup_s": round(startup, 2),
        "paging_s": round(paging, 2),
        "paging_s_by_object": seconds,
        "records_per_s": round(total / paging) if paging else 0,
        "server_peak_rss_mb": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024),
        "client_peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


def main(argv: list[str] | None = None) -> None:
    """Parse ``--deals``/``--seed`` and print the result as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--deals", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    print(json.dumps(run(args.deals, args.seed), indent=2))


if __name__ == "__main__":
    main()
