"""Salesforce full-sync merge-join: contacts land on the right deal even if the org's id order
differs from Python's (the reader falls back to reading roles by id)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from nextadvance.connectors.salesforce._plan import ReadPlan
from nextadvance.connectors.salesforce._reads import SalesforceReader
from nextadvance.mappings import default_mapping_path, load_mapping

STAMP = "2026-11-20T10:00:00.000+0000"


def _opp(i: str) -> dict[str, Any]:
    return {
        "Id": i,
        "Name": f"Deal {i}",
        "StageName": "Prospecting",
        "CreatedDate": STAMP,
        "SystemModstamp": STAMP,
        "IsDeleted": False,
        "Account": None,
    }


def _role(opp: str, contact: str) -> dict[str, Any]:
    return {
        "Id": f"00K{contact}",
        "OpportunityId": opp,
        "ContactId": contact,
        "Role": "Decision Maker",
        "Contact": {"Name": f"Person {contact}", "Title": "CFO"},
        "SystemModstamp": STAMP,
        "IsDeleted": False,
    }


class FakeOrg:
    """Answers the reader's SOQL from lists, in a given server order, pages of ``size``."""

    def __init__(self, opps: list[str], roles: list[tuple[str, str]], size: int = 2) -> None:
        self.opps = opps
        self.roles = roles
        self.size = size
        self.queries: list[str] = []

    def __call__(self, soql: str, include_deleted: bool) -> Iterator[list[dict[str, Any]]]:
        self.queries.append(soql)
        if "FROM OpportunityContactRole" in soql:
            match = re.search(r"OpportunityId IN \(([^)]*)\)", soql)
            wanted = set(re.findall(r"'([^']*)'", match.group(1))) if match else None
            order = {o: n for n, o in enumerate(self.opps)}
            rows = [_role(o, c) for o, c in sorted(self.roles, key=lambda r: order[r[0]])]
            rows = [r for r in rows if wanted is None or r["OpportunityId"] in wanted]
        elif "FROM Opportunity" in soql:
            rows = [_opp(o) for o in self.opps]
        else:
            rows = []
        for start in range(0, max(len(rows), 1), self.size):
            yield rows[start : start + self.size]


def _contacts(org: FakeOrg) -> dict[str, set[str]]:
    plan = ReadPlan(load_mapping(default_mapping_path("salesforce")), completed_status="Completed")
    reader = SalesforceReader(plan, org, 300.0, lambda: datetime(2026, 11, 23, tzinfo=UTC))
    out: dict[str, set[str]] = {}
    for batch in reader.pull(None):
        for rec in batch.deals:
            assert rec.deal is not None
            out[rec.crm_id] = {c.id for c in rec.deal.contacts}
    return out


ROLES = [("006A", "c1"), ("006A", "c2"), ("006B", "c3"), ("006a", "c4"), ("006b", "c5")]


def test_merge_join_pairs_roles_with_their_deals():
    """In Python id order the roles stream is merge-joined: one roles query for the whole org."""
    org = FakeOrg(["006A", "006B", "006a", "006b"], ROLES)
    got = _contacts(org)
    assert got == {"006A": {"c1", "c2"}, "006B": {"c3"}, "006a": {"c4"}, "006b": {"c5"}}
    assert sum("IN (" in q for q in org.queries) == 0


def test_other_id_collation_falls_back_to_reading_roles_by_id():
    """If the org orders ids case-insensitively, roles are read by id and still pair correctly."""
    org = FakeOrg(["006A", "006a", "006B", "006b"], ROLES)
    got = _contacts(org)
    assert got == {"006A": {"c1", "c2"}, "006B": {"c3"}, "006a": {"c4"}, "006b": {"c5"}}
    assert sum("IN (" in q for q in org.queries) >= 1
