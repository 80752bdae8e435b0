"""How HubSpot takes a value and how many records one batch call carries.

The profile (``_profile``) needs both, and every command line that lists the CRMs loads the
profile; here they sit apart from the writer and the endpoints, whose imports reach the
HubSpot SDK, so naming the CRM does not load its client library.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any

__all__ = ["BATCH", "wire"]

#: records per batch call (the CRM v3 batch endpoints' maximum)
BATCH = 100


def wire(value: Any) -> Any:
    """A Python value as a HubSpot property string (dates: midnight UTC epoch ms)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return str(int(value.astimezone(UTC).timestamp() * 1000))
    if isinstance(value, date):
        return str(int(datetime.combine(value, time(0), tzinfo=UTC).timestamp() * 1000))
    return str(value)
