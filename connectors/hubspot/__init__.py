"""HubSpot connector (hubspot-api-client over CRM v3/v4); ``PROFILE`` describes it."""

from nextadvance.connectors.hubspot._connector import HubSpotConnector
from nextadvance.connectors.hubspot._profile import PROFILE
from nextadvance.connectors.hubspot._session import classify_hubspot
from nextadvance.connectors.hubspot._setup import create_hubspot_properties

__all__ = ["PROFILE", "HubSpotConnector", "classify_hubspot", "create_hubspot_properties"]
