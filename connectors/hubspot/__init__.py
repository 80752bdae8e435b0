"""HubSpot connector (hubspot-api-client over CRM v3/v4)."""

from nextadvance.connectors.hubspot._connector import HubSpotConnector
from nextadvance.connectors.hubspot._session import classify_hubspot

__all__ = ["HubSpotConnector", "classify_hubspot"]
