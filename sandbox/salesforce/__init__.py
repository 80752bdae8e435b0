"""The Salesforce REST API emulation (OAuth, SOQL query/queryAll, sobjects, collections).

See ``docs/sandbox.md`` for what is emulated and how faults show up.
"""

from ._app import SalesforceApp
from ._schema import NA_FIELDS, STAGES

__all__ = ["NA_FIELDS", "STAGES", "SalesforceApp"]
