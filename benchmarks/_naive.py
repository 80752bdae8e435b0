"""The naive way, for comparison: a home-grown per-record script on the official clients.

What many in-house "next step" scripts do: list the open deals, then for each deal read its
activities and contacts, then write each output field and the task one call at a time
(simple-salesforce / hubspot-api-client, no batching, no incremental cursor).  It writes the
same outputs nextadvance writes on a full sync (four deal fields and one task per open deal)
so the two are compared on the same data and the same work; the written text is a stand-in,
the calls are what count.  Both run against a fresh sandbox with the same seed.
"""

from __future__ import annotations

import time
from typing import Any

import requests
from requests.adapters import HTTPAdapter

from benchmarks._harness import RemoteSandbox, run_sync_here, sandbox_process, write_config

__all__ = ["compare", "naive_hubspot", "naive_salesforce"]

SF_FIELDS = ("NA_Next_Advance__c", "NA_Objectives__c", "NA_Next_Step_Verdict__c", "NA_Stalled__c")
HS_FIELDS = ("na_next_advance", "na_objectives", "na_next_step_verdict", "na_stalled")
ENGAGEMENTS = ("calls", "meetings", "emails", "notes", "tasks")


class _CA(HTTPAdapter):
    def __init__(self, ca_path: str) -> None:
        super().__init__()
        self.ca_path = ca_path

    def send(self, request: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        kwargs["verify"] = self.ca_path
        return super().send(request, **kwargs)


def naive_salesforce(sb: RemoteSandbox) -> None:
    """Per deal: its tasks, events and contact roles; then each field and the task, one by one."""
    from simple_salesforce import Salesforce

    session = requests.Session()
    session.trust_env = False
    session.mount(sb.base_url, _CA(sb.ca_path))
    sf = Salesforce(instance_url=sb.base_url, session_id=sb.token, session=session)
    opps = sf.query_all(
        "SELECT Id, Name, StageName, NextStep FROM Opportunity WHERE IsClosed = false"
    )["records"]
    for opp in opps:
        oid = opp["Id"]
        tasks = sf.query(f"SELECT Id, Subject, Status FROM Task WHERE WhatId = '{oid}'")
        events = sf.query(f"SELECT Id, Subject FROM Event WHERE WhatId = '{oid}'")
        sf.query(
            f"SELECT ContactId, Role FROM OpportunityContactRole WHERE OpportunityId = '{oid}'"
        )
        n = tasks["totalSize"] + events["totalSize"]
        for name in SF_FIELDS:
            value: Any = n == 0 if name == "NA_Stalled__c" else f"{opp['StageName']}: {n} acts"
            sf.Opportunity.update(oid, {name: value})
        sf.Task.create({"WhatId": oid, "Subject": f"Next advance for {opp['Name']}"[:255]})


def naive_hubspot(sb: RemoteSandbox) -> None:
    """Per deal: its associations and each associated activity; then each property and task."""
    import hubspot
    from hubspot.crm.objects import SimplePublicObjectInput, SimplePublicObjectInputForCreate

    client = hubspot.Client.create(
        access_token=sb.token, host=sb.base_url, ssl_ca_cert=sb.ca_path, retry=False
    )
    api, assoc = client.crm.objects.basic_api, client.crm.associations.v4.basic_api
    deals: list[Any] = []
    after: str | None = None
    while True:
        page = api.get_page(
            "deals", limit=100, after=after, properties=["dealname", "dealstage", "pipeline"]
        )
        deals.extend(page.results)
        after = page.paging.next.after if page.paging and page.paging.next else None
        if not after:
            break
    open_deals = [
        d for d in deals if d.properties.get("dealstage") not in ("closedwon", "closedlost")
    ]
    for deal in open_deals:
        n = 0
        for kind in ENGAGEMENTS:
            for link in assoc.get_page("deals", deal.id, kind, limit=500).results:
                api.get_by_id(kind, str(link.to_object_id))
                n += 1
        for link in assoc.get_page("deals", deal.id, "contacts", limit=500).results:
            api.get_by_id("contacts", str(link.to_object_id))
        for name in HS_FIELDS:
            value = str(n == 0).lower() if name == "na_stalled" else f"{n} activities"
            api.update("deals", deal.id, SimplePublicObjectInput(properties={name: value}))
        api.create(
            "tasks",
            SimplePublicObjectInputForCreate(
                properties={
                    "hs_task_subject": f"Next advance for {deal.properties.get('dealname')}",
                    "hs_timestamp": str(int(time.time() * 1000)),
                },
                associations=[
                    {
                        "to": {"id": deal.id},
                        "types": [
                            {"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 216}
                        ],
                    }
                ],
            ),
        )


def _requests(sb: RemoteSandbox) -> int:
    return int(sb.stats()["total_requests"])


def _one(crm: str, deals: int, seed: int) -> dict[str, Any]:
    with sandbox_process(crm, deals, seed) as sb:
        before = _requests(sb)
        started = time.perf_counter()
        (naive_salesforce if crm == "salesforce" else naive_hubspot)(sb)
        naive_s = time.perf_counter() - started
        naive_calls = _requests(sb) - before
    with sandbox_process(crm, deals, seed) as sb:
        before = _requests(sb)
        rep = run_sync_here(write_config(sb))
        ours = _requests(sb) - before
    return {
        "crm": crm,
        "deals": deals,
        "naive_calls": naive_calls,
        "naive_s": round(naive_s, 2),
        "nextadvance_calls": ours,
        "nextadvance_s": rep["wall_s"],
        "call_ratio": round(naive_calls / ours, 1),
        "time_ratio": round(naive_s / rep["wall_s"], 1),
        "tasks_created": rep["tasks"]["created"],
    }


def compare(deals: int = 500, seed: int = 7) -> list[dict[str, Any]]:
    """Naive script vs a nextadvance full sync on the same ``deals``-deal org, both CRMs."""
    return [_one(crm, deals, seed) for crm in ("salesforce", "hubspot")]
