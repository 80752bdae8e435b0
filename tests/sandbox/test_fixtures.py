"""The root fixtures hand out working real clients for both CRMs."""

from __future__ import annotations

from typing import Any

from nextadvance.sandbox import Sandbox


def test_hs_client_reads_the_shared_sandbox(hs_client: Any, sandbox: Sandbox) -> None:
    """hubspot-api-client with the private-app token pages deals from the sandbox."""
    page = hs_client.crm.deals.basic_api.get_page(limit=5)
    assert len(page.results) == 5
    assert sandbox.stats()["hubspot_mounted"] is True


def test_sf_client_reads_the_shared_sandbox(sf_client: Any) -> None:
    """simple-salesforce in session-id mode counts the 60 seeded opportunities."""
    assert sf_client.query("SELECT COUNT() FROM Opportunity")["totalSize"] == 60
