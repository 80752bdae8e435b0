"""Fixtures of the sync integration tests: a sandbox CRM, a config pointing at it, the CLI.

``world`` starts a fresh sandbox for one CRM (HubSpot gets the write-back deal properties a
``nextadvance setup`` would create), writes ``nextadvance.yaml`` for it, and offers helpers
to run ``nextadvance sync`` through the CLI and to read back what the CRM holds.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests
from typer.testing import CliRunner

from nextadvance.sandbox import Sandbox
from nextadvance.sync import cli

_spec = importlib.util.spec_from_file_location(
    "nextadvance_fixtures_pg", Path(__file__).resolve().parents[2] / "fixtures_pg.py"
)
assert _spec is not None and _spec.loader is not None
_pg = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_pg)
pg_server = _pg.pg_server
pg_url = _pg.pg_url

#: HubSpot deal properties the default mapping writes or reads (``setup`` creates them).
HS_PROPS = [
    ("na_next_advance", "string", "text"),
    ("na_objectives", "string", "textarea"),
    ("na_next_step_verdict", "string", "text"),
    ("na_stalled", "bool", "booleancheckbox"),
    ("na_last_evaluated", "datetime", "date"),
    ("na_parked_until", "date", "date"),
    ("na_parked_reason", "string", "text"),
    ("na_coach", "string", "textarea"),
    ("na_feedback", "string", "text"),
    ("na_written", "string", "text"),
]
SF_FIELDS = ("NA_Next_Advance__c", "NA_Objectives__c", "NA_Next_Step_Verdict__c", "NA_Stalled__c")
HS_FIELDS = ("na_next_advance", "na_objectives", "na_next_step_verdict", "na_stalled")
WRITE_METHODS = ("POST", "PATCH", "PUT", "DELETE")


def nextadvance_exe() -> str:
    """The installed console script next to this interpreter."""
    exe = Path(sys.executable).with_name("nextadvance")
    return str(exe) if exe.exists() else (shutil.which("nextadvance") or "nextadvance")


@dataclass
class World:
    """A sandbox CRM plus a config file and state store for one connection called ``crm``."""

    sb: Sandbox
    crm: str
    config: Path
    env: dict[str, str]

    @property
    def token(self) -> str:
        creds = (
            self.sb.salesforce_credentials
            if self.crm == "salesforce"
            else self.sb.hubspot_credentials
        )
        return creds["session_id"] if self.crm == "salesforce" else creds["access_token"]

    def sync(self, *args: str) -> tuple[int, dict[str, Any]]:
        """``nextadvance sync --connection crm --json ARGS`` in-process; (exit code, report)."""
        result = CliRunner().invoke(
            cli.app,
            ["sync", "--connection", self.crm, "--config", str(self.config), "--json", *args],
            env=self.env,
        )
        if result.exception and not isinstance(result.exception, SystemExit):
            raise result.exception
        try:
            return result.exit_code, json.loads(result.stdout)
        except json.JSONDecodeError:
            raise AssertionError(
                f"no JSON report (exit {result.exit_code}): {result.output}"
            ) from None

    def http(self) -> requests.Session:
        """A session that trusts the sandbox CA and sends the CRM token."""
        s = requests.Session()
        s.trust_env = False  # REQUESTS_CA_BUNDLE would otherwise win over verify
        s.verify = str(self.sb.ca_path)
        s.headers["Authorization"] = f"Bearer {self.token}"
        return s

    def write_requests(self) -> int:
        """Write requests the sandbox has answered so far (creates, updates, upserts)."""
        reqs = self.sb.stats()["apps"][self.crm]["requests"]
        return sum(
            n
            for key, n in reqs.items()
            if key.split(" ")[0] in WRITE_METHODS
            and not any(w in key for w in ("search", "batch/read", "oauth", "/query", "properties"))
        )

    def state(self) -> dict[str, dict[str, Any]]:
        """Per deal: our field values and our tasks (key, subject, completed), from the CRM."""
        snap = self.sb.snapshot()[self.crm]
        return _sf_state(snap) if self.crm == "salesforce" else _hs_state(snap)

    def edit_deal(self, deal_id: str, values: dict[str, Any]) -> None:
        """A person edits a deal in the CRM's UI (through the API)."""
        if self.crm == "salesforce":
            url = f"{self.sb.base_url}/services/data/v59.0/sobjects/Opportunity/{deal_id}"
            r = self.http().patch(url, json=values)
        else:
            url = f"{self.sb.base_url}/crm/v3/objects/deals/{deal_id}"
            r = self.http().patch(url, json={"properties": values})
        assert r.status_code < 300, r.text

    def edit_task(self, task_id: str, subject: str | None = None, done: bool = False) -> None:
        """A rep edits or completes one of our tasks."""
        if self.crm == "salesforce":
            body: dict[str, Any] = {}
            if subject is not None:
                body["Subject"] = subject
            if done:
                body["Status"] = "Completed"
            url = f"{self.sb.base_url}/services/data/v59.0/sobjects/Task/{task_id}"
            r = self.http().patch(url, json=body)
        else:
            props: dict[str, Any] = {}
            if subject is not None:
                props["hs_task_subject"] = subject
            if done:
                props["hs_task_status"] = "COMPLETED"
            r = self.http().patch(
                f"{self.sb.base_url}/crm/v3/objects/tasks/{task_id}", json={"properties": props}
            )
        assert r.status_code < 300, r.text


def _sf_state(snap: dict[str, Any]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for opp in snap["Opportunity"]:
        if opp.get("IsDeleted"):
            continue
        out[opp["Id"]] = {
            "fields": {f: opp.get(f) for f in SF_FIELDS},
            "tasks": [],
            "open": not opp.get("IsClosed"),
        }
    for task in snap["Task"]:
        key = task.get("NA_Key__c")
        if not key or task.get("IsDeleted"):
            continue
        out.setdefault(task["WhatId"], {"fields": {}, "tasks": [], "open": False})["tasks"].append(
            {
                "id": task["Id"],
                "key": key,
                "subject": task["Subject"],
                "completed": task.get("Status") == "Completed",
            }
        )
    return out


def _hs_state(snap: dict[str, Any]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for deal in snap["objects"]["deals"]:
        if deal.get("archived"):
            continue
        p = deal["properties"]
        out[deal["id"]] = {
            "fields": {f: p.get(f) for f in HS_FIELDS},
            "tasks": [],
            "open": p.get("dealstage") not in ("closedwon", "closedlost"),
        }
    task_deal: dict[str, str] = {}
    for assoc in snap["associations"]:
        if assoc[0] == "tasks" and assoc[2] == "deals":
            task_deal[str(assoc[1])] = str(assoc[3])
    for task in snap["objects"]["tasks"]:
        p = task["properties"]
        key = p.get("na_task_key")
        if not key or task.get("archived"):
            continue
        deal_id = task_deal.get(str(task["id"]), "?")
        out.setdefault(deal_id, {"fields": {}, "tasks": [], "open": False})["tasks"].append(
            {
                "id": str(task["id"]),
                "key": key,
                "subject": p.get("hs_task_subject"),
                "completed": p.get("hs_task_status") == "COMPLETED",
            }
        )
    return out


def _hubspot_setup(sb: Sandbox) -> None:
    token = sb.hubspot_credentials["access_token"]
    for name, typ, field_type in HS_PROPS:
        r = requests.post(
            f"{sb.base_url}/crm/v3/properties/deals",
            json={
                "name": name,
                "label": name,
                "type": typ,
                "fieldType": field_type,
                "groupName": "dealinformation",
            },
            headers={"Authorization": f"Bearer {token}"},
            verify=str(sb.ca_path),
            timeout=10,
        )
        assert r.status_code in (200, 201, 409), r.text


@pytest.fixture
def make_world(
    sandbox_factory: Callable[..., Sandbox], tmp_path: Path
) -> Iterator[Callable[..., World]]:
    """``make_world(crm, deals=300, state_url=None, batch_size=None, faults=None, seed, now,
    org="stock", mapping=None)``."""
    made = 0

    def make(
        crm: str,
        deals: int = 300,
        state_url: str | None = None,
        batch_size: int | None = None,
        faults: dict[str, Any] | None = None,
        seed: int = 11,
        now: Any = None,
        org: str = "stock",
        mapping: Path | None = None,
    ) -> World:
        nonlocal made
        made += 1
        extra: dict[str, Any] = {"org": org} if org != "stock" else {}
        sb = sandbox_factory(crm=crm, deals=deals, seed=seed, faults=faults or {}, now=now, **extra)
        if crm == "hubspot":
            _hubspot_setup(sb)
        home = tmp_path / f"world{made}"
        home.mkdir()
        creds = sb.salesforce_credentials if crm == "salesforce" else sb.hubspot_credentials
        secret = (
            {"session_id": creds["session_id"]}
            if crm == "salesforce"
            else {"access_token": creds["access_token"]}
        )
        var = f"NA_TEST_{crm.upper()}_{made}"
        env = {var: json.dumps(secret), "NEXTADVANCE_STATE_URL": ""}
        os.environ[var] = env[var]
        limits = "{rate_per_s: 100" + (f", batch_size: {batch_size}" if batch_size else "") + "}"
        config = home / "nextadvance.yaml"
        store = state_url or f"sqlite:///{home / 'state.db'}"
        config.write_text(
            f"state_url: {store}\n"
            "connections:\n"
            f"  - name: {crm}\n"
            f"    crm: {crm}\n"
            f"    credentials: {{env: {var}}}\n"
            f"    base_url: {sb.base_url}\n"
            f"    ca_bundle: {sb.ca_path}\n"
            f"    limits: {limits}\n" + (f"    mapping: {mapping}\n" if mapping is not None else "")
        )
        return World(sb=sb, crm=crm, config=config, env=env)

    yield make
    for key in [k for k in os.environ if k.startswith("NA_TEST_")]:
        del os.environ[key]
