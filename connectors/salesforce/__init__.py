"""Salesforce connector (simple-salesforce over the REST API); ``PROFILE`` describes it.

``PROFILE`` loads with the package; the connector, the error classifier and the setup
package writer load on first use (PEP 562): every command line lists the CRMs through their
profiles, and only a run against Salesforce needs simple-salesforce and ``requests``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from nextadvance._lazy import lazy_getattr
from nextadvance.connectors.salesforce._profile import PROFILE

if TYPE_CHECKING:
    from nextadvance.connectors.salesforce._connector import SalesforceConnector
    from nextadvance.connectors.salesforce._errors import classify_salesforce
    from nextadvance.connectors.salesforce._setup import write_salesforce_package

__all__ = ["PROFILE", "SalesforceConnector", "classify_salesforce", "write_salesforce_package"]

#: public name -> the module it lives in
_HOME = {
    "SalesforceConnector": "._connector",
    "classify_salesforce": "._errors",
    "write_salesforce_package": "._setup",
}


__getattr__ = lazy_getattr(__name__, _HOME)
