"""How Salesforce takes a value and how many records one write call carries.

The profile (``_profile``) needs both, and every command line that lists the CRMs loads the
profile; here they sit apart from the writer, whose imports reach simple-salesforce and
``requests``, so naming the CRM does not load its client library.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from nextadvance.connectors._cursor import format_ts

__all__ = ["CHUNK", "wire"]

#: records per sObject Collections call (the API's own maximum)
CHUNK = 200


def wire(value: Any) -> Any:
    """A Python value as Salesforce JSON (dates as YYYY-MM-DD, datetimes ISO UTC)."""
    if isinstance(value, datetime):
        return format_ts(value)
    if isinstance(value, date):
        return value.isoformat()
    return value
