"""HubSpot as the rest of nextadvance sees it (see :class:`~nextadvance.connectors._profile.CrmProfile`)."""

from __future__ import annotations

from nextadvance.connectors._base import Connector, ConnectorConfig
from nextadvance.connectors._profile import CrmProfile
from nextadvance.connectors.hubspot._setup import SETUP
from nextadvance.connectors.hubspot._wire import BATCH, wire
from nextadvance.mappings import crm_model

__all__ = ["PROFILE"]

#: The mapping side of HubSpot (data model, text limits), shared with ``mappings``.
_MODEL = crm_model("hubspot")


def _build(config: ConnectorConfig) -> Connector:
    from nextadvance.connectors.hubspot._connector import HubSpotConnector

    return HubSpotConnector(config)


PROFILE = CrmProfile(
    name="hubspot",
    label=_MODEL.label,
    default_base_url="https://api.hubapi.com",
    base_url_hint="e.g. https://api.hubapi.com",
    https_only=False,
    write_batch=BATCH,
    text_limits=_MODEL.text_limits,
    encode=wire,
    setup=SETUP,
    factory=_build,
)
