"""Salesforce connector (simple-salesforce over the REST API)."""

from nextadvance.connectors.salesforce._connector import SalesforceConnector
from nextadvance.connectors.salesforce._errors import classify_salesforce

__all__ = ["SalesforceConnector", "classify_salesforce"]
