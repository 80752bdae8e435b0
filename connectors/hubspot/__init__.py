"""HubSpot connector (hubspot-api-client over CRM v3/v4); ``PROFILE`` describes it.

``PROFILE`` loads with the package; the connector, the error classifier and the property
set-up load on first use (PEP 562): every command line lists the CRMs through their
profiles, and only a run against HubSpot needs the HubSpot SDK.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from nextadvance._lazy import lazy_getattr
from nextadvance.connectors.hubspot._profile import PROFILE

if TYPE_CHECKING:
    from nextadvance.connectors.hubspot._connector import HubSpotConnector
    from nextadvance.connectors.hubspot._session import classify_hubspot
    from nextadvance.connectors.hubspot._setup import create_hubspot_properties

__all__ = ["PROFILE", "HubSpotConnector", "classify_hubspot", "create_hubspot_properties"]

#: public name -> the module it lives in
_HOME = {
    "HubSpotConnector": "._connector",
    "classify_hubspot": "._session",
    "create_hubspot_properties": "._setup",
}


__getattr__ = lazy_getattr(__name__, _HOME)
