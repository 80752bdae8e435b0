"""Bad input: malformed config, mapping and playbook files, and CRM answers that are not what
the API promises (HTML pages, broken JSON, wrong types, missing fields, null ids).

The promise: a clear error naming the problem; the run stops before writing or skips just
the bad value - never a traceback, never a half-written state.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from nextadvance.mappings import default_mapping_path

DEALS = 10


def _sync(world: Any, rel: Any) -> Any:
    return rel.cli(world, "sync", "-C", world.crm, "-c", str(world.config), "--json")


def _no_trace(proc: Any) -> None:
    assert b"Traceback" not in proc.stderr, proc.stderr.decode()[-3000:]


def _break_config(world: Any, kind: str) -> str:
    """Corrupt one input file of the world; return a word the error must contain."""
    config = Path(world.config)
    home = config.parent
    text = config.read_text()
    if kind == "config-yaml":
        config.write_text(text + "  - name: [unclosed\n")
        return "nextadvance.yaml"
    if kind == "config-type":
        config.write_text(text.replace("{rate_per_s: 100", "{rate_per_s: 100, batch_size: lots"))
        return "batch_size"
    if kind == "mapping":
        shipped = Path(default_mapping_path(world.crm)).read_text()
        bad = home / "mapping.yaml"
        bad.write_text(shipped + "\nno_such_section: {x: 1}\n")
        config.write_text(text + f"    mapping: {bad}\n")
        return "no_such_section"
    shipped = Path(default_mapping_path(world.crm)).parent / "playbook.yaml"
    bad = home / "playbook.yaml"
    bad.write_text(shipped.read_text().replace("stages:", "stages: [", 1))
    config.write_text(text + f"    playbook: {bad}\n")
    return "playbook.yaml"


@pytest.mark.parametrize("kind", ["config-yaml", "config-type", "mapping", "playbook"])
def test_malformed_input_files_are_a_located_error_before_any_request(
    rworld: Any, rel: Any, kind: str
) -> None:
    """A broken config, mapping or playbook exits 2 with a message naming the file or key,
    no traceback, no CRM request and no run recorded."""
    world = rworld("salesforce", deals=DEALS)
    before = world.sb.stats()["apps"]["salesforce"]["total_requests"]
    word = _break_config(world, kind)
    proc = _sync(world, rel)
    assert proc.returncode == 2, (proc.returncode, proc.stderr.decode()[-2000:])
    _no_trace(proc)
    assert word in proc.stderr.decode(), proc.stderr.decode()
    assert world.sb.stats()["apps"]["salesforce"]["total_requests"] == before
    db = rel.store_path(world)
    assert not db.exists() or not rel.dump_store(db).get("runs")


def _records(body: bytes) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    data = json.loads(body)
    return data, data.get("records") or data.get("results") or []


class _corrupt:
    """Change the second record of a page; remember which record it was."""

    def __init__(self, change: Any) -> None:
        self.change = change
        self.touched: list[str] = []

    def __call__(self, status: int, headers: dict[str, str], body: bytes) -> tuple[Any, ...]:
        data, recs = _records(body)
        self.touched.append(str(recs[1].get("Id") or recs[1].get("id")))
        self.change(recs[1])
        return status, headers, json.dumps(data).encode()


def _html(status: int) -> Any:
    page = b"<html><head><title>Maintenance</title></head><body><h1>Back soon</h1></body></html>"
    return lambda *_: (status, {"Content-Type": "text/html"}, page)


def _half(status: int, headers: dict[str, str], body: bytes) -> tuple[Any, ...]:
    return status, headers, body[: len(body) // 2]


SF_DEALS = ("GET", "FROM+Opportunity+")
HS_DEALS = ("GET", "/crm/v3/objects/deals?")

#: (crm, endpoint, tampering, times, outcome): "stops" = exit 4 before any write; "ok" = the
#: run completes (bad value ignored, or the fault was transient and retried); "skips" = the
#: run completes without the deal that came without its stage (known limit: it is not
#: re-read until it changes in the CRM or a ``--full`` run).
CASES = {
    "sf-null-id": ("salesforce", SF_DEALS, _corrupt(lambda r: r.update(Id=None)), 1, "stops"),
    "sf-bad-stamp": (
        "salesforce",
        SF_DEALS,
        _corrupt(lambda r: r.update(SystemModstamp="yesterday", LastModifiedDate="yesterday")),
        1,
        "stops",
    ),
    "sf-wrong-types": (
        "salesforce",
        SF_DEALS,
        _corrupt(lambda r: r.update(Amount="lots", CloseDate=12345)),
        1,
        "ok",
    ),
    "sf-missing-stage": (
        "salesforce",
        SF_DEALS,
        _corrupt(lambda r: r.pop("StageName", None)),
        1,
        "skips",
    ),
    "sf-html-502-once": ("salesforce", SF_DEALS, _html(502), 1, "ok"),
    "hs-bad-stamp": (
        "hubspot",
        HS_DEALS,
        _corrupt(lambda r: r["properties"].update(hs_lastmodifieddate="yesterday")),
        1,
        "stops",
    ),
    "hs-wrong-types": (
        "hubspot",
        HS_DEALS,
        _corrupt(lambda r: r["properties"].update(amount="lots", closedate="12345x")),
        1,
        "ok",
    ),
    "hs-missing-properties": (
        "hubspot",
        HS_DEALS,
        _corrupt(lambda r: r.pop("properties", None)),
        1,
        "skips",
    ),
    "hs-html-200": ("hubspot", HS_DEALS, _html(200), None, "stops"),
    "hs-broken-json": ("hubspot", HS_DEALS, _half, None, "stops"),
    "hs-html-502-once": ("hubspot", HS_DEALS, _html(502), 1, "ok"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_crm_answers_the_api_does_not_promise(
    rworld: Any, rel: Any, tamper: Any, clean_state: Any, case: str
) -> None:
    """Garbage from the CRM either stops the run before any write with a message naming the
    CRM and the problem, or is skipped; never a traceback, never a pending write; once the
    CRM behaves the next run reaches the clean run's CRM state."""
    crm, (method, path), fn, times, outcome = CASES[case]
    expected = clean_state(crm, DEALS)
    world = rworld(crm, deals=DEALS)
    proxy = tamper(world)
    proxy.on(method, path, fn, times=times)
    before = world.write_requests()
    proc = _sync(world, rel)
    _no_trace(proc)
    report = json.loads(proc.stdout)
    assert proxy.fired, "the tampered endpoint was never called"
    if outcome == "stops":
        assert proc.returncode == 4 and report["status"] == "failed", report
        assert crm.lower() in report["message"].lower(), report["message"]
        assert world.write_requests() == before, "wrote after bad data"
        assert report["api_calls"]["retries"] <= 6
    else:
        assert proc.returncode == 0, report
    assert rel.pending_writes(rel.store_path(world)) == 0
    proxy.rules.clear()
    code, report = world.sync()
    assert code == 0, report
    got = rel.comparable(world.state())
    if outcome == "skips":
        skipped = set(getattr(fn, "touched", []))
        assert skipped and rel.differences(got, expected) == sorted(skipped)
        code, report = world.sync("--full")
        assert code == 0, report
        got = rel.comparable(world.state())
    assert got == expected, rel.differences(got, expected)
    rel.integrity_check(rel.store_path(world))


@pytest.mark.slow
def test_salesforce_maintenance_page_stops_after_bounded_retries(
    rworld: Any, rel: Any, tamper: Any
) -> None:
    """A Salesforce query answered by an HTML page every time ends the run (exit 4) after the
    connector's bounded retries, naming Salesforce, with no write and no traceback."""
    world = rworld("salesforce", deals=DEALS)
    proxy = tamper(world)
    proxy.on(*SF_DEALS, _html(200))
    proc = _sync(world, rel)
    _no_trace(proc)
    report = json.loads(proc.stdout)
    assert proc.returncode == 4 and "salesforce" in report["message"].lower(), report
    assert 1 <= len(proxy.fired) <= 6
    assert world.write_requests() == 0
