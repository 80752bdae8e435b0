"""Salesforce incremental reads fetch the contact roles of many changed deals by stamp range."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from nextadvance.connectors._cursor import format_ts
from nextadvance.connectors.salesforce._plan import ReadPlan
from nextadvance.connectors.salesforce._reads import SalesforceReader
from nextadvance.mappings import default_mapping_path, load_mapping

T0 = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
OCR_NAME = "OpportunityContactRole"


def _opp_row(d: str, at: datetime) -> dict[str, Any]:
    """An Opportunity row as SOQL answers it, created and last modified at ``at``."""
    stamp = format_ts(at)
    return {
        "Id": d,
        "Name": d,
        "StageName": "Prospecting",
        "CreatedDate": stamp,
        "SystemModstamp": stamp,
        "IsDeleted": False,
        "Account": None,
    }


class ChangingOrg:
    """Answers the reader's SOQL; ``moved`` deals are modified again once the page is read."""

    def __init__(self, deals: int, moved: set[str]) -> None:
        self.stamps = {f"006{i:05d}": T0 + timedelta(seconds=i) for i in range(deals)}
        self.roles = [(d, f"c{d}-{j}") for d in self.stamps for j in range(2) if d != "00600007"]
        self.moved = moved
        self.queries: list[str] = []

    def __call__(self, soql: str, include_deleted: bool) -> Iterator[list[dict[str, Any]]]:
        self.queries.append(soql)
        rows: list[dict[str, Any]] = []
        if "FROM OpportunityContactRole" in soql and "Opportunity.SystemModstamp" in soql:
            lo, hi = re.findall(r"(\d{4}-\d\d-\d\dT[\d:.]+Z)", soql)
            rows = [
                self._role(d, c) for d, c in self.roles if lo <= format_ts(self.stamps[d]) <= hi
            ]
        elif "FROM OpportunityContactRole" in soql and "OpportunityId IN" in soql:
            wanted = set(re.findall(r"'([^']*)'", soql))
            rows = [self._role(d, c) for d, c in self.roles if d in wanted]
        elif "FROM Opportunity " in soql and "SystemModstamp >=" in soql:
            rows = [self._opp(d) for d in sorted(self.stamps, key=self.stamps.__getitem__)]
            for d in self.moved:  # a rep edits these deals right after our page was read
                self.stamps[d] += timedelta(hours=1)
        yield rows

    def _opp(self, d: str) -> dict[str, Any]:
        return _opp_row(d, self.stamps[d])

    def _role(self, d: str, c: str) -> dict[str, Any]:
        return {
            "Id": f"00K{c}",
            "OpportunityId": d,
            "ContactId": c,
            "Role": "Decision Maker",
            "Contact": {"Name": c, "Title": None},
            "SystemModstamp": format_ts(T0),
            "IsDeleted": False,
        }


def _pull(org: ChangingOrg) -> dict[str, set[str]]:
    plan = ReadPlan(load_mapping(default_mapping_path("salesforce")), completed_status="Completed")
    reader = SalesforceReader(plan, org, 300.0, lambda: T0 + timedelta(days=1))
    since = {"ts": format_ts(T0 - timedelta(days=1)), "id": "", "seen": []}
    names = ["Opportunity", "OpportunityContactRole", *plan.activity_types]
    cursor = {"v": 1, "streams": {n: since for n in names}}
    out: dict[str, set[str]] = {}
    for batch in reader.pull(cursor):
        for rec in batch.deals:
            assert rec.deal is not None
            out[rec.crm_id] = {c.id for c in rec.deal.contacts}
    return out


def test_many_changed_deals_get_their_roles_from_one_range_query() -> None:
    """450 changed deals cost one roles query, not three by id; every deal gets its roles."""
    org = ChangingOrg(450, moved=set())
    got = _pull(org)
    assert len(got) == 450 and got["00600003"] == {"c00600003-0", "c00600003-1"}
    assert got["00600007"] == set()
    role_queries = [q for q in org.queries if "FROM OpportunityContactRole" in q]
    assert sum("Opportunity.SystemModstamp" in q for q in role_queries) == 1
    # only the deal without roles is read again by id
    by_id = [q for q in role_queries if "OpportunityId IN" in q]
    assert len(by_id) == 1 and "'00600007'" in by_id[0] and "'00600008'" not in by_id[0]


def test_a_deal_modified_again_meanwhile_still_gets_its_roles_by_id() -> None:
    """A deal whose stamp left the range after the page was read is read by id, not left bare."""
    org = ChangingOrg(300, moved={"00600005"})
    got = _pull(org)
    assert got["00600005"] == {"c00600005-0", "c00600005-1"}


class RoleOrg:
    """One deal, its contact roles, and the SOQL the reader sends (filters by stamp, by id)."""

    def __init__(self) -> None:
        self.opp = {"006A": T0}
        self.roles: list[tuple[str, str, str, datetime]] = []  # (id, deal, contact, stamp)

    def __call__(self, soql: str, include_deleted: bool) -> Iterator[list[dict[str, Any]]]:
        found = re.search(r"SystemModstamp >= (\S+)", soql)
        since = found.group(1) if found else ""
        ids = set(re.findall(r"'([^']*)'", soql))
        rows: list[dict[str, Any]] = []
        if " FROM OpportunityContactRole" in soql:
            rows = [
                self._role(r)
                for r in self.roles
                if (r[1] in ids if "OpportunityId IN" in soql else format_ts(r[3]) >= since)
            ]
        elif " FROM Opportunity" in soql:
            rows = [
                self._opp(d)
                for d, stamp in self.opp.items()
                if (d in ids if "Id IN" in soql else format_ts(stamp) >= since)
            ]
        yield rows

    def _opp(self, d: str) -> dict[str, Any]:
        return _opp_row(d, self.opp[d])

    def _role(self, r: tuple[str, str, str, datetime]) -> dict[str, Any]:
        return {
            "Id": r[0],
            "OpportunityId": r[1],
            "ContactId": r[2],
            "Role": "Decision Maker",
            "Contact": {"Name": r[2], "Title": None},
            "SystemModstamp": format_ts(r[3]),
            "IsDeleted": False,
        }


def test_a_role_added_to_a_deal_read_moments_ago_is_read_by_the_next_run() -> None:
    """The rep edits deal D, a run reads D, the rep adds a contact role (D's stamp stays).
    The next run meets D again inside its look-back, already seen: D must still be read
    again for its new role (it was dropped from the re-read list, and the role cursor moved
    past the role: D kept its old roles until edited again)."""
    org = RoleOrg()
    plan = ReadPlan(load_mapping(default_mapping_path("salesforce")), completed_status="Completed")
    clock = {"t": T0 + timedelta(seconds=10)}
    reader = SalesforceReader(plan, org, 300.0, lambda: clock["t"], crm_now=lambda: clock["t"])
    since = {"ts": format_ts(T0 - timedelta(days=1)), "id": "", "seen": []}
    cursor: dict[str, Any] = {
        "v": 1,
        "streams": {n: since for n in ["Opportunity", OCR_NAME, *plan.activity_types]},
    }

    def run() -> dict[str, set[str]]:
        nonlocal cursor
        out: dict[str, set[str]] = {}
        for batch in reader.pull(cursor):
            for rec in batch.deals:
                assert rec.deal is not None
                out[rec.crm_id] = {c.id for c in rec.deal.contacts}
            cursor = batch.cursor
        return out

    assert run() == {"006A": set()}
    org.roles.append(("00KX", "006A", "003C", T0 + timedelta(seconds=60)))
    clock["t"] = T0 + timedelta(seconds=120)
    assert run() == {"006A": {"003C"}}
    clock["t"] = T0 + timedelta(hours=2)
    assert run() == {}  # read once, not again


class PagedOrg(RoleOrg):
    """:class:`RoleOrg` answering the Opportunity delta in pages of two."""

    def __call__(self, soql: str, include_deleted: bool) -> Iterator[list[dict[str, Any]]]:
        rows = [r for page in super().__call__(soql, include_deleted) for r in page]
        if " FROM Opportunity" in soql and "SystemModstamp >=" in soql:
            yield from (rows[i : i + 2] for i in range(0, len(rows), 2))
        else:
            yield rows


def test_a_resumed_read_after_a_full_sync_misses_nothing_when_our_clock_runs_ahead() -> None:
    """Our clock runs 10 minutes ahead of the CRM's. A full sync, then an incremental read
    stops after its first page (a crash), then resumes: every deal edited after the full
    sync is read. The streams once started from our clock's start of the full sync, and the
    resume began there, past the edits not yet read."""
    org = PagedOrg()
    org.opp = {f"006{i}": T0 - timedelta(days=1) for i in range(6)}
    plan = ReadPlan(load_mapping(default_mapping_path("salesforce")), completed_status="Completed")
    crm = {"t": T0}
    skew = timedelta(minutes=10)
    reader = SalesforceReader(plan, org, 300.0, lambda: crm["t"] + skew, crm_now=lambda: crm["t"])
    cursor: Any = None
    for batch in reader.pull(cursor):  # the full sync, at the CRM's T0
        cursor = batch.cursor
    for i in range(6):  # edited a minute after the full sync, a second apart
        org.opp[f"006{i}"] = T0 + timedelta(minutes=1, seconds=i)
    crm["t"] = T0 + timedelta(minutes=30)
    read: set[str] = set()
    for batch in reader.pull(cursor):
        read |= {d.crm_id for d in batch.deals}
        if batch.deals:
            cursor = batch.cursor  # committed with its deals; then the process dies
            break
    assert 0 < len(read) < 6
    crm["t"] = T0 + timedelta(minutes=31)
    for batch in reader.pull(cursor):
        read |= {d.crm_id for d in batch.deals}
    assert read == set(org.opp)
