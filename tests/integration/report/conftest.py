"""Fixtures for report tests: seeded synthetic deals, a targets file, a headless Chromium.

The synthetic data is generated (seeded), not hand-written, so the report has enough reps,
stages, outcomes and closed deals for every chart to draw something.  The Chromium driver
speaks the DevTools protocol over ``--remote-debugging-pipe`` (no websocket, no network).
"""

from __future__ import annotations

import base64
import functools
import json
import os
import random
import select
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from nextadvance.core import Playbook

CHROMIUM = "/usr/bin/chromium"
NOW = "2026-11-25T09:30:00Z"  # Wednesday 10:30 in Berlin
REPS = {
    "Ava Brooks": "Europe/Berlin",
    "Ben Okafor": "Europe/Berlin",
    "Chloe Martin": "America/New_York",
    "Dev Patel": "Europe/Berlin",
}
STAGES = ["qualification", "discovery", "solution", "proposal", "negotiation"]
GOOD_NOTES = [
    "Budget is set aside for next year.",
    "Pain: manual scheduling, too slow and full of errors.",
    "Timeline: go live this quarter.",
    "The CFO signs off; decision maker confirmed.",
    "Approval process: steering committee.",
    "They agreed to a pilot with two teams.",
    "Booked the demo with the head of IT.",
    "Security review started, SOC 2 report shared.",
    "New initiative after the merger; they currently use spreadsheets.",
    "Impact: losing revenue per month to no-shows.",
    "Success criteria agreed: KPIs on fill rate.",
    "Integration works with their ERP; technical fit confirmed.",
    "Procurement: purchase order process and vendor onboarding.",
    "Economic buyer is the CFO, owns the budget.",
    "Signing process via DocuSign, start date in January.",
]
WEAK_NOTES = ["Nice chat, call me next quarter.", "Left a voicemail.", "Sent brochure.", ""]


def _iso(value: datetime) -> str:
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


@functools.cache
def _shipped_playbook() -> Playbook:
    from nextadvance.mappings import load_playbook

    return load_playbook()


def _add_evidence(deal: dict[str, Any], rng: random.Random, at: datetime) -> None:
    """Prove most objectives of the open deal's stage and earlier stages, like real reps do.

    Uses the shipped playbook's own evidence rules so the coverage chart has something to
    show; the current stage's essentials are proved less often than earlier ones.
    """
    playbook = _shipped_playbook()
    for stage in playbook.stages[: playbook.stage_keys.index(deal["stage"]) + 1]:
        current = stage.key == deal["stage"]
        for obj in stage.objectives:
            if rng.random() > (0.6 if current else 0.97):
                continue
            rule = obj.evidence[0]
            if rule.field is not None:
                deal.setdefault("fields", {})[rule.field] = (
                    rule.value
                    if rule.value is not None
                    else (rule.values[0] if rule.values else "yes")
                )
            elif rule.role is not None:
                deal["contacts"].append({"id": f"R-{deal['id']}-{obj.id}", "role": rule.role})
            elif rule.keywords:
                deal["activities"].append(
                    {
                        "id": f"E-{deal['id']}-{obj.id}",
                        "kind": "note",
                        "at": _iso(at + timedelta(hours=1)),
                        "body": f"Notes: {rule.keywords[0]}.",
                        "outcome": "completed",
                    }
                )
            elif rule.activity is not None:
                deal["activities"].append(
                    {
                        "id": f"E-{deal['id']}-{obj.id}",
                        "kind": rule.activity.kinds[0].value,
                        "at": _iso(at + timedelta(hours=2)),
                        "outcome": rule.activity.outcomes[0].value,
                        "contact_ids": [
                            c["id"]
                            for c in deal["contacts"]
                            if c.get("role") in rule.activity.with_roles
                        ][:1],
                    }
                )


def synthetic_deals(seed: int = 7, count: int = 90) -> list[dict[str, Any]]:
    """Seeded canonical deals (as JSON dicts) spread over reps, stages and outcomes."""
    rng = random.Random(seed)
    now = datetime.fromisoformat(NOW)
    start = datetime(2026, 5, 1, 8, tzinfo=UTC)
    reps = list(REPS)
    deals: list[dict[str, Any]] = []
    for i in range(count):
        rep = reps[i % len(reps)]
        created = start + timedelta(days=rng.randrange(0, 190), hours=rng.randrange(0, 8))
        if created > now - timedelta(days=2):
            created = now - timedelta(days=rng.randrange(3, 40))
        roll = rng.random()
        status = "won" if roll < 0.2 else "lost" if roll < 0.38 else "open"
        good = 0.75 if status == "won" else 0.3 if status == "lost" else 0.5
        acts: list[dict[str, Any]] = []
        at = created + timedelta(days=1)
        for j in range(rng.randrange(2, 10)):
            at += timedelta(days=rng.randrange(2, 12), hours=rng.randrange(0, 4))
            if at > now + timedelta(days=14):
                break
            kind = rng.choice(["call", "call", "meeting", "email"])
            if at > now:
                outcome = "scheduled"
            elif kind == "meeting":
                outcome = rng.choices(
                    ["completed", "no_show", "canceled", "rescheduled", "unknown"],
                    [70, 10, 8, 8, 4],
                )[0]
            else:
                outcome = rng.choices(["completed", "no_show"], [85, 15])[0]
            body = (
                " ".join(rng.sample(GOOD_NOTES, rng.randrange(1, 4)))
                if rng.random() < good
                else rng.choice(WEAK_NOTES)
            )
            acts.append(
                {
                    "id": f"A-{i}-{j}",
                    "kind": kind,
                    "at": _iso(at),
                    "body": body,
                    "outcome": outcome,
                    "owner": rep,
                    "contact_ids": [f"C-{i}-{rng.randrange(0, 3)}"],
                }
            )
        closed_on = min(at + timedelta(days=rng.randrange(1, 10)), now - timedelta(days=1))
        stage = (
            "closed_won"
            if status == "won"
            else "closed_lost"
            if status == "lost"
            else rng.choice(STAGES)
        )
        deal: dict[str, Any] = {
            "id": f"D-{i:03d}",
            "name": f"Deal {i} - Fabrikam Unit {i % 17}",
            "pipeline": "expansion" if i % 5 == 0 else "new business",
            "stage": stage,
            "amount": rng.randrange(8, 120) * 1000,
            "currency": "EUR",
            "created_at": _iso(created),
            "stage_entered_at": _iso(
                closed_on if status != "open" else created + timedelta(days=5)
            ),
            "owner": rep,
            "account": {
                "name": f"Fabrikam Unit {i % 17}",
                "industry": "Software",
                "employees": 250,
            },
            "contacts": [
                {"id": f"C-{i}-0", "name": "Pat Example", "role": "champion"},
                {
                    "id": f"C-{i}-1",
                    "name": "Sam Example",
                    "role": "decision_maker" if rng.random() < good else None,
                },
            ],
            "activities": acts,
        }
        if status != "open":
            deal["close_date"] = closed_on.date().isoformat()
        else:
            _add_evidence(deal, rng, created)
        deals.append(deal)
    # Prospecting progress this week for the goals section: Mon-Tue plus this morning.
    for r, rep in enumerate(reps):
        acts = []
        for d, day in enumerate(["2026-11-23", "2026-11-24"]):
            for k in range(8 + r):
                acts.append(
                    {
                        "id": f"P-{r}-{d}-{k}",
                        "kind": "call",
                        "at": f"{day}T{8 + k % 8:02d}:15:00Z",
                        "outcome": "no_show",
                        "owner": rep,
                    }
                )
        for k in range(2 + r):
            acts.append(
                {
                    "id": f"P-{r}-today-{k}",
                    "kind": "call",
                    "at": f"2026-11-25T0{7 + k % 2}:{10 + k:02d}:00Z",
                    "outcome": "completed",
                    "owner": rep,
                    "body": "cold call",
                }
            )
        deals.append(
            {
                "id": f"PROS-{r}",
                "stage": "prospecting",
                "created_at": "2026-11-01T08:00:00Z",
                "owner": rep,
                "activities": acts,
            }
        )
    return deals


@pytest.fixture
def deals_jsonl(tmp_path: Path) -> Path:
    """A JSONL file of the synthetic deals."""
    path = tmp_path / "deals.jsonl"
    path.write_text("".join(json.dumps(d) + "\n" for d in synthetic_deals()), encoding="utf-8")
    return path


@pytest.fixture
def targets_yaml(tmp_path: Path) -> Path:
    """Weekly targets for every synthetic rep, one in New York, and two teams."""
    path = tmp_path / "targets.yaml"
    path.write_text(
        "timezone: Europe/Berlin\n"
        "teams: {Ava Brooks: east, Ben Okafor: east, Chloe Martin: west, Dev Patel: west}\n"
        "reps:\n"
        + "".join(
            f"  {rep}:\n"
            + (f"    timezone: {tz}\n" if tz != "Europe/Berlin" else "")
            + "    targets: {calls: 60, emails: 25, meetings: 4}\n"
            for rep, tz in REPS.items()
        ),
        encoding="utf-8",
    )
    return path


def _deal(id: str, stage: str, created: str, owner: str, acts=(), **extra) -> str:
    return json.dumps(
        {"id": id, "stage": stage, "created_at": created, "owner": owner,
         "activities": [
             {"id": a[0], "kind": a[1], "at": a[2], "outcome": a[3], "body": a[4] if len(a) > 4 else ""}
             for a in acts
         ], **extra}
    )  # fmt: skip


HAND = [
    _deal(
        "A", "discovery", "2026-10-01T09:00:00Z", "alice",
        [
            ("m1", "meeting", "2026-10-05T10:00:00Z", "completed"),
            ("m2", "meeting", "2026-10-12T10:00:00Z", "no_show"),
            ("m3", "meeting", "2026-10-20T10:00:00Z", "rescheduled"),
            ("m4", "meeting", "2026-10-27T10:00:00Z", "completed"),
            ("c1", "call", "2026-10-06T10:00:00Z", "completed", "They agreed to a demo"),
            ("c2", "call", "2026-10-07T10:00:00Z", "completed", "call me next quarter"),
        ],
    ),
    _deal(
        "B", "closed_won", "2026-09-01T09:00:00Z", "bob",
        [("m5", "meeting", "2026-10-15T10:00:00Z", "canceled")],
        close_date="2026-10-31", amount=50000,
    ),
    _deal("C", "closed_lost", "2026-10-01T09:00:00Z", "bob", close_date="2026-11-10", amount=10000),
    _deal("D", "proposal", "2026-08-01T09:00:00Z", "alice"),
]  # fmt: skip


@pytest.fixture
def hand_lines() -> list[str]:
    """Four deals (JSONL lines) small enough to compute every number by hand."""
    return list(HAND)


@pytest.fixture
def hand_jsonl(tmp_path: Path) -> Path:
    """The hand-computable deals as a JSONL file."""
    path = tmp_path / "hand.jsonl"
    path.write_text("\n".join(HAND) + "\n", encoding="utf-8")
    return path


class Page:
    """One headless Chromium tab driven over the DevTools pipe."""

    def __init__(self, proc: subprocess.Popen[bytes], write_fd: int, read_fd: int) -> None:
        self.proc, self._w, self._r = proc, write_fd, read_fd
        self._buf = b""
        self._id = 0
        self.events: list[dict[str, Any]] = []
        self.session: str | None = None

    def send(self, method: str, params: dict[str, Any] | None = None, timeout: float = 30) -> Any:
        """Send a command (to the attached tab once there is one) and wait for its result."""
        self._id += 1
        msg: dict[str, Any] = {"id": self._id, "method": method, "params": params or {}}
        if self.session and not method.startswith("Target."):
            msg["sessionId"] = self.session
        os.write(self._w, json.dumps(msg).encode() + b"\0")
        while True:
            reply = self._next(timeout)
            if reply.get("id") == self._id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def wait_for(self, method: str, timeout: float = 30) -> dict[str, Any]:
        """Wait for an event by name (returns it; earlier events are kept in ``events``)."""
        for ev in self.events:
            if ev.get("method") == method:
                return ev
        while True:
            ev = self._next(timeout)
            self.events.append(ev)
            if ev.get("method") == method:
                return ev

    def _next(self, timeout: float) -> dict[str, Any]:
        deadline = datetime.now(UTC) + timedelta(seconds=timeout)
        while b"\0" not in self._buf:
            left = (deadline - datetime.now(UTC)).total_seconds()
            ready, _, _ = select.select([self._r], [], [], max(0.0, left))
            if not ready:
                raise TimeoutError("no answer from Chromium")
            chunk = os.read(self._r, 1 << 20)
            if not chunk:
                raise RuntimeError("Chromium closed the DevTools pipe")
            self._buf += chunk
        raw, self._buf = self._buf.split(b"\0", 1)
        return dict(json.loads(raw))

    def open(self, url: str, width: int = 1280, height: int = 900) -> None:
        """Open a tab, enable the domains we watch, and load ``url`` until the load event."""
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})[
            "sessionId"
        ]
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.send(f"{domain}.enable")
        self.send(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
        )
        self.send("Page.navigate", {"url": url})
        self.wait_for("Page.loadEventFired", timeout=60)

    def evaluate(self, expression: str) -> Any:
        """The value of a JavaScript expression in the page."""
        res = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True})
        if "exceptionDetails" in res:
            raise RuntimeError(str(res["exceptionDetails"]))
        return res["result"].get("value")

    def screenshot(self) -> bytes:
        """A PNG of the whole page (beyond the viewport)."""
        size = self.send("Page.getLayoutMetrics")["cssContentSize"]
        clip = {"x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 1}
        shot = self.send(
            "Page.captureScreenshot", {"format": "png", "clip": clip, "captureBeyondViewport": True}
        )
        return base64.b64decode(shot["data"])

    def errors(self) -> list[str]:
        """Console errors, uncaught exceptions and error log entries seen so far."""
        out = []
        for ev in self.events:
            method, params = ev.get("method"), ev.get("params", {})
            if method == "Runtime.exceptionThrown":
                out.append(str(params.get("exceptionDetails", {}).get("text")))
            elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
                out.append(json.dumps(params.get("args")))
            elif method == "Log.entryAdded" and params.get("entry", {}).get("level") == "error":
                out.append(str(params["entry"].get("text")))
        return out

    def requests(self) -> list[str]:
        """URLs the page requested (to prove the report needs no network)."""
        return [
            ev["params"]["request"]["url"]
            for ev in self.events
            if ev.get("method") == "Network.requestWillBeSent"
        ]


@pytest.fixture
def chromium() -> Iterator[Page]:
    """A headless Chromium with a fresh profile; skipped without Chromium unless CI is set."""
    if not (os.path.exists(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing but CI is set (apt-get install chromium)")
        pytest.skip(f"{CHROMIUM} not installed")
    profile = tempfile.mkdtemp(prefix="nextadvance-chromium-")
    cmd_r, cmd_w = os.pipe()
    ev_r, ev_w = os.pipe()

    def _fds() -> None:  # the child reads commands on fd 3 and writes replies on fd 4
        a, b = os.dup(cmd_r), os.dup(ev_w)
        os.dup2(a, 3)
        os.dup2(b, 4)

    proc = subprocess.Popen(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={profile}",
            "--remote-debugging-pipe",
            "about:blank",
        ],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        preexec_fn=_fds,
        close_fds=False,
    )
    os.close(cmd_r)
    os.close(ev_w)
    page = Page(proc, cmd_w, ev_r)
    try:
        yield page
    finally:
        proc.kill()
        proc.wait(timeout=30)
        os.close(cmd_w)
        os.close(ev_r)
        shutil.rmtree(profile, ignore_errors=True)
