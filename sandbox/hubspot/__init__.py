"""The HubSpot half of the sandbox: CRM v3 objects, search, Associations v4, pipelines,
properties, owners and OAuth, with HubSpot's error shapes, rate limits and faults.

The real ``hubspot-api-client`` talks to it unchanged (``Client.create(host=...)``).
"""

from ._app import HubSpotApp
from ._auth import CLIENT_ID, CLIENT_SECRET, PRIVATE_APP_TOKEN, REFRESH_TOKEN

__all__ = ["CLIENT_ID", "CLIENT_SECRET", "PRIVATE_APP_TOKEN", "REFRESH_TOKEN", "HubSpotApp"]
