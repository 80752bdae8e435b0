"""Deciding in a worker process changes nothing a run writes (``sync/run/_decide.py``).

The same org is synced twice, once deciding every deal in the run's process and once with
the worker forced on and chunks so small that chunks alternate between the worker and the
run's process: the CRM must end up holding the same fields and tasks, and the reports the
same counts.
"""

from __future__ import annotations

from typing import Any

import pytest

from nextadvance.sync.run import _decide
from nextadvance.sync.store._mirror import Mirror

CRMS = ["salesforce", "hubspot"]


def _written(state: dict[str, dict[str, Any]]) -> dict[str, Any]:
    return {
        d: (v["fields"], sorted((t["key"], t["subject"], t["completed"]) for t in v["tasks"]))
        for d, v in state.items()
    }


def _counts(report: dict[str, Any]) -> dict[str, Any]:
    return {
        "status": report["status"],
        "deals": report["deals"],
        "tasks": report["tasks"],
        "fields_updated": report["fields_updated"],
        "writes": report["api_calls"]["writes"],
    }


@pytest.mark.parametrize("crm", CRMS)
def test_worker_decides_as_the_run_does(
    make_world: Any, crm: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    deals = 120 if crm == "salesforce" else 60
    monkeypatch.setenv("NEXTADVANCE_DECIDE_WORKER", "0")
    here = make_world(crm, deals=deals)
    code, alone = here.sync()
    assert code == 0 and alone["status"] == "ok", alone

    iter_open = Mirror.iter_open
    monkeypatch.setattr(Mirror, "iter_open", lambda self, chunk=7: iter_open(self, chunk))
    monkeypatch.setenv("NEXTADVANCE_DECIDE_WORKER", "1")
    received: list[int] = []
    receive = _decide._Worker.receive

    def counted(self: Any) -> list[Any]:
        out = receive(self)
        received.append(len(out))
        return out

    monkeypatch.setattr(_decide._Worker, "receive", counted)
    there = make_world(crm, deals=deals)
    code, beside = there.sync()
    assert code == 0 and beside["status"] == "ok", beside

    assert alone["deals"]["decided"] > 3 * 7  # chunks went both ways
    assert 0 < sum(received) < alone["deals"]["decided"]
    assert _counts(beside) == _counts(alone)
    assert _written(there.state()) == _written(here.state())
    # and a rerun through the worker finds nothing to write
    code, again = there.sync()
    assert code == 0 and again["api_calls"]["writes"] == 0, again
