"""The registry of CRM profiles: the one list of the CRMs nextadvance speaks.

Adding a CRM means adding its package's ``PROFILE`` here; nothing else lists CRM names.
"""

from __future__ import annotations

from nextadvance.connectors._profile import CrmProfile, unknown_crm
from nextadvance.connectors.hubspot import PROFILE as HUBSPOT
from nextadvance.connectors.salesforce import PROFILE as SALESFORCE

__all__ = ["CRM_NAMES", "PROFILES", "profile"]

#: Every known CRM by name, in the order help texts list them.
PROFILES: dict[str, CrmProfile] = {p.name: p for p in (SALESFORCE, HUBSPOT)}
CRM_NAMES: tuple[str, ...] = tuple(PROFILES)


def profile(name: str, key_path: str = "crm") -> CrmProfile:
    """The profile of CRM ``name``; a ConfigError naming the known CRMs otherwise."""
    try:
        return PROFILES[name]
    except KeyError:
        raise unknown_crm(name, CRM_NAMES, key_path) from None
