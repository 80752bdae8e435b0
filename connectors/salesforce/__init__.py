"""Salesforce connector (simple-salesforce over the REST API); ``PROFILE`` describes it."""

from nextadvance.connectors.salesforce._connector import SalesforceConnector
from nextadvance.connectors.salesforce._errors import classify_salesforce
from nextadvance.connectors.salesforce._profile import PROFILE
from nextadvance.connectors.salesforce._setup import write_salesforce_package

__all__ = ["PROFILE", "SalesforceConnector", "classify_salesforce", "write_salesforce_package"]
