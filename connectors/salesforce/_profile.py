"""Salesforce as the rest of nextadvance sees it (see :class:`~nextadvance.connectors._profile.CrmProfile`)."""

from __future__ import annotations

from nextadvance.connectors._base import Connector, ConnectorConfig
from nextadvance.connectors._profile import CrmProfile
from nextadvance.connectors.salesforce._setup import SETUP
from nextadvance.connectors.salesforce._wire import CHUNK, wire
from nextadvance.mappings import crm_model

__all__ = ["PROFILE"]

#: The mapping side of Salesforce (data model, text limits), shared with ``mappings``.
_MODEL = crm_model("salesforce")


def _build(config: ConnectorConfig) -> Connector:
    from nextadvance.connectors.salesforce._connector import SalesforceConnector

    return SalesforceConnector(config)


PROFILE = CrmProfile(
    name="salesforce",
    label=_MODEL.label,
    default_base_url=None,  # every org has its own instance URL
    base_url_hint="e.g. https://acme.my.salesforce.com",
    https_only=True,  # simple-salesforce always speaks TLS
    write_batch=CHUNK,
    text_limits=_MODEL.text_limits,
    encode=wire,
    setup=SETUP,
    factory=_build,
)
