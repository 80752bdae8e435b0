"""The floor: how fast the API calls of a full sync go when a client does nothing else.

A full sync runs against a fresh sandbox that writes a transcript of every API request it
answers (method, path and query, body; ``sandbox serve --transcript``).  A second fresh
sandbox (same CRM, seed and size, its own process) is then sent exactly those requests, in
the same order, by a minimal client: one keep-alive ``requests`` session, the body bytes as
recorded, no parsing of answers except the Salesforce query locator of a page
(``nextRecordsUrl`` is random per sandbox, so the replay follows its own answer's locator).
The sync's wall time over the floor's is what our own process costs on top of the API.

Both are checked to be the same calls: the two sandboxes' per-endpoint counters must agree,
and the replay's transcript must equal the sync's request for request (locators mapped).
"""

from __future__ import annotations

import json
import re
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests

from benchmarks._harness import endpoint_delta, run_sync_child, sandbox_process, write_config
from nextadvance.sandbox._transcript import next_records_url

__all__ = ["Replay", "load_transcript", "measure", "replay", "same_requests"]

#: The locator segment of a Salesforce query-more path: ``/query/<ident>-<offset>``.
_LOCATOR = re.compile(r"/(query|queryAll)/([^/?]+)-(\d+)")

#: The HubSpot connector paces itself at 100 requests / 10 s; the floor comparison lifts it
#: (the sandbox enforces no limit unless told), so both sides measure work, not waiting.
_UNPACED_PER_S = 10_000.0


@dataclass
class Replay:
    """What the minimal client did: wall seconds and the answers' statuses in order."""

    wall_s: float
    statuses: list[int]
    cpu_s: float = 0.0


def load_transcript(path: Path, skip: int = 0) -> list[dict[str, Any]]:
    """The recorded requests, without the first ``skip`` lines (the benchmark's own set-up)."""
    with path.open(encoding="utf-8") as fh:
        lines = fh.readlines()
    return [json.loads(line) for line in lines[skip:]]


def _count_lines(path: Path) -> int:
    if not path.exists():
        return 0
    with path.open("rb") as fh:
        return sum(1 for _ in fh)


def _map_locator(target: str, locators: dict[str, str]) -> str:
    """``target`` with a recorded query locator replaced by the one this sandbox issued."""
    found = _LOCATOR.search(target)
    if found is None or found.group(2) not in locators:
        return target
    start, end = found.span(2)
    return target[:start] + locators[found.group(2)] + target[end:]


def _locator(url: str) -> str:
    found = _LOCATOR.search(url)
    if found is None:
        raise ValueError(f"not a query locator: {url}")
    return found.group(2)


def replay(entries: list[dict[str, Any]], base_url: str, token: str, ca_path: str) -> Replay:
    """Send ``entries`` to the sandbox at ``base_url`` one after another; the timed result.

    Bodies go out byte for byte as recorded.  The only look into an answer is the Salesforce
    paging locator of requests that had one when recorded (a few hundred bytes at the start).
    """
    prepared = [
        (
            e["m"],
            e["t"],
            e["b"].encode("utf-8", errors="surrogateescape") if "b" in e else None,
            {"Content-Type": e["ct"]} if e.get("ct") else {},
            "next" in e,
            _locator(e["next"]) if "next" in e else "",
        )
        for e in entries
    ]
    http = requests.Session()
    http.trust_env = False
    http.verify = ca_path
    http.headers["Authorization"] = f"Bearer {token}"
    locators: dict[str, str] = {}
    statuses: list[int] = []
    started, cpu = time.perf_counter(), time.process_time()
    for method, target, body, headers, paged, old_locator in prepared:
        if locators:
            target = _map_locator(target, locators)
        answer = http.request(method, base_url + target, data=body, headers=headers, timeout=300)
        statuses.append(answer.status_code)
        if paged:
            link = next_records_url(answer.content)
            if link is None:
                raise RuntimeError(f"{method} {target}: the replay's answer has no next page")
            locators[old_locator] = _locator(link)
    wall = time.perf_counter() - started
    cpu = time.process_time() - cpu
    http.close()
    return Replay(round(wall, 3), statuses, round(cpu, 2))


def same_requests(recorded: list[dict[str, Any]], replayed: list[dict[str, Any]]) -> list[str]:
    """Differences between two transcripts (query locators compared by position, not text)."""
    problems: list[str] = []
    if len(recorded) != len(replayed):
        problems.append(f"{len(recorded)} requests recorded, {len(replayed)} replayed")
    mapping: dict[str, str] = {}
    for i, (a, b) in enumerate(zip(recorded, replayed, strict=False)):
        if "next" in a and "next" in b:
            mapping[_locator(a["next"])] = _locator(b["next"])
        target = _map_locator(a["t"], mapping)
        same = (a["m"], target, a.get("b"), a["s"]) == (b["m"], b["t"], b.get("b"), b["s"])
        if not same:
            problems.append(
                f"request {i}: {a['m']} {a['t']} ({a['s']}) vs {b['m']} {b['t']} ({b['s']})"
            )
        if len(problems) >= 5:
            break
    return problems


def measure(crm: str, deals: int, seed: int = 7) -> dict[str, Any]:
    """One full sync and its floor, each against its own fresh sandbox process; one row."""
    work = Path(tempfile.mkdtemp(prefix="nextadvance-floor-"))
    rate = _UNPACED_PER_S if crm == "hubspot" else None
    recorded_path, replayed_path = work / "sync.jsonl", work / "floor.jsonl"
    with sandbox_process(crm, deals, seed, transcript=recorded_path) as sb:
        skip = _count_lines(recorded_path)
        before = sb.stats()
        rep = run_sync_child(write_config(sb, rate_per_s=rate))
        sync_calls = endpoint_delta(before, sb.stats())
    recorded = load_transcript(recorded_path, skip)
    with sandbox_process(crm, deals, seed, transcript=replayed_path) as sb:
        skip_floor = _count_lines(replayed_path)
        before = sb.stats()
        done = replay(recorded, sb.base_url, sb.token, sb.ca_path)
        floor_calls = endpoint_delta(before, sb.stats())
    problems = same_requests(recorded, load_transcript(replayed_path, skip_floor))
    for path in (recorded_path, replayed_path):
        path.unlink(missing_ok=True)
    work.rmdir()
    wall = float(rep["wall_s"])
    return {
        "crm": crm,
        "deals": deals,
        "status": rep["status"],
        "api_calls": rep["api_calls"]["total"],
        "floor_calls": len(done.statuses),
        "query_more": sum(1 for e in recorded if _LOCATOR.search(e["t"])),
        "same_calls_per_endpoint": sync_calls == floor_calls,
        "same_requests": not problems,
        "floor_statuses": dict(Counter(str(s) for s in done.statuses)),
        "sync_wall_s": wall,
        "floor_wall_s": done.wall_s,
        "ratio": round(wall / done.wall_s, 2) if done.wall_s else None,
        "sync_cpu_s": rep.get("cpu_s"),
        "floor_cpu_s": done.cpu_s,
        "sync_peak_rss_mb": rep["peak_rss_mb"],
        **({"differences": problems} if problems else {}),
    }
