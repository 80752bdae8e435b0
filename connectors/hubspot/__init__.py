"""HubSpot connector (hubspot-api-client over CRM v3/v4)."""

from nextadvance.connectors.hubspot._connector import HubSpotConnector

__all__ = ["HubSpotConnector"]
