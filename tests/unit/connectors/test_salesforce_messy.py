"""Salesforce reads of messy orgs: amounts in the corporate currency, shared activities'
contacts and Lightning notes' deals read through link objects (each record counted once)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from nextadvance.connectors.salesforce._links import is_link, read_links
from nextadvance.connectors.salesforce._plan import ReadPlan
from nextadvance.connectors.salesforce._reads import SalesforceReader
from nextadvance.core.errors import FatalRemote
from nextadvance.core.models import Deal
from nextadvance.mappings import default_mapping_path, load_mapping

NOW = datetime(2026, 11, 20, tzinfo=UTC)
RATES = [
    {"IsoCode": "USD", "ConversionRate": 1.0, "IsCorporate": True},
    {"IsoCode": "EUR", "ConversionRate": 0.8, "IsCorporate": False},
]


def _reader(answer: Any) -> tuple[SalesforceReader, list[str]]:
    seen: list[str] = []

    def query(soql: str, include_deleted: bool) -> Iterator[list[dict[str, Any]]]:
        seen.append(soql)
        yield from answer(soql)

    plan = ReadPlan(load_mapping(default_mapping_path("salesforce")), completed_status="Completed")
    return SalesforceReader(plan, query, 0.0, lambda: NOW), seen


def _deal(amount: float | None, currency: str | None) -> Deal:
    return Deal(id="006A", stage="prospecting", created_at=NOW, amount=amount, currency=currency)


def test_amounts_are_converted_to_the_corporate_currency_with_one_query() -> None:
    reader, seen = _reader(lambda soql: iter([RATES]))
    eur = reader._corporate(_deal(1000.0, "EUR"))
    assert (eur.amount, eur.currency) == (1250.0, "USD")
    usd = reader._corporate(_deal(70.0, "USD"))
    assert (usd.amount, usd.currency) == (70.0, "USD")
    unknown = reader._corporate(_deal(5.0, "CHF"))  # no rate: left as recorded
    assert (unknown.amount, unknown.currency) == (5.0, "CHF")
    assert len(seen) == 1 and "FROM CurrencyType" in seen[0]


def test_an_org_without_multi_currency_keeps_amounts() -> None:
    def refuse(soql: str) -> Iterator[list[dict[str, Any]]]:
        raise FatalRemote(
            "Salesforce 400 INVALID_TYPE: sObject type 'CurrencyType' is not supported"
        )
        yield []

    reader, seen = _reader(refuse)
    deal = reader._corporate(_deal(1000.0, "EUR"))
    assert (deal.amount, deal.currency) == (1000.0, "EUR")
    reader._corporate(_deal(1.0, "EUR"))
    assert len(seen) == 1


def test_other_failures_reading_rates_are_not_swallowed() -> None:
    def fail(soql: str) -> Iterator[list[dict[str, Any]]]:
        raise FatalRemote("Salesforce 400 MALFORMED_QUERY: unexpected token")
        yield []

    reader, _ = _reader(fail)
    with pytest.raises(FatalRemote):
        reader._corporate(_deal(1.0, "EUR"))


def test_link_paths_are_read_from_their_object_in_chunks() -> None:
    assert is_link("TaskRelation.RelationId") and is_link("ContentDocumentLink.LinkedEntityId")
    assert not is_link("WhoId") and not is_link("What.Type") and not is_link(None)
    seen: list[str] = []

    def query(soql: str, include_deleted: bool) -> Iterator[list[dict[str, Any]]]:
        seen.append(soql)
        ids = re.findall(r"'([^']*)'", soql)
        yield [{"TaskId": i, "RelationId": f"003{i}"} for i in ids]

    ids = [f"00T{n:03d}" for n in range(450)]
    links = read_links(query, "TaskRelation.RelationId", ids)
    assert len(seen) == 3 and all("IsWhat = false" in q for q in seen)
    assert seen[0].startswith("SELECT TaskId, RelationId FROM TaskRelation WHERE TaskId IN (")
    assert links["00T007"] == ["003" + "00T007"] and len(links) == 450
