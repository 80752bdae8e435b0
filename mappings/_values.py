"""Reading values out of CRM records: field paths and the simple value transforms.

CRM records arrive as plain dicts (a Salesforce SOQL record with nested relationship dicts,
a HubSpot ``properties`` dict with the company's properties under ``company``).  These
helpers are pure and raise :class:`ValueProblem` with a readable message; the translator
turns that into a per-record problem naming the record and field.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any, TypeVar

from nextadvance.core.models import fixed_offset

__all__ = [
    "ValueProblem",
    "get_path",
    "lookup_value",
    "normalise_key",
    "to_bool",
    "to_date",
    "to_datetime",
    "to_float",
    "to_int",
    "to_text",
]

_MISSING = object()
T = TypeVar("T")


class ValueProblem(ValueError):
    """A CRM value could not be read as the type the mapping asked for."""


def get_path(record: Mapping[str, Any], path: str) -> Any:
    """The value at a dotted ``path`` (``Account.Industry``, ``company.industry``), or None.

    A literal key containing the dot wins over nesting, so both nested dicts and flat
    ``"company.industry"`` keys work; a null relationship on the way yields None.
    """
    if path in record:
        return record[path]
    current: Any = record
    for part in path.split("."):
        if not isinstance(current, Mapping):
            return None
        current = current.get(part, _MISSING)
        if current is _MISSING:
            return None
    return current


def normalise_key(value: object) -> str:
    """How CRM values are compared to mapping keys: case, spaces, ``_`` and ``-`` ignored."""
    return re.sub(r"[\s_\-]+", " ", str(value).strip().casefold())


def is_empty(value: object) -> bool:
    """None, an empty or blank string, or an empty list: nothing was recorded."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    return isinstance(value, list | tuple) and not value


def to_text(value: object) -> str | None:
    """A stripped string, or None when nothing was recorded."""
    if is_empty(value):
        return None
    if isinstance(value, list | tuple):
        return "; ".join(str(v) for v in value)
    return str(value).strip()


_TRUE = {"true", "1", "yes", "y", "on", "checked"}
_FALSE = {"false", "0", "no", "n", "off", "unchecked"}


def to_bool(value: object) -> bool | None:
    """A boolean from a real bool or a CRM string (HubSpot sends ``"true"``/``"false"``)."""
    if is_empty(value):
        return None
    if isinstance(value, bool):
        return value
    text = str(value).strip().casefold()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueProblem(f"{value!r} is not a yes/no value (expected true/false)")


def to_float(value: object) -> float | None:
    """A number from a JSON number or a numeric string (HubSpot sends ``"1000.5"``)."""
    if is_empty(value):
        return None
    if isinstance(value, bool):
        raise ValueProblem(f"{value!r} is not a number")
    if isinstance(value, int | float):
        return float(value)
    try:
        return float(str(value).strip().replace(",", ""))
    except ValueError:
        raise ValueProblem(f"{value!r} is not a number") from None


def to_int(value: object) -> int | None:
    """A whole number (employee counts); ``"250.0"`` is accepted, ``"250.5"`` is not."""
    number = to_float(value)
    if number is None:
        return None
    if number != int(number):
        raise ValueProblem(f"{value!r} is not a whole number")
    return int(number)


def _from_epoch_ms(text: str) -> datetime | None:
    if re.fullmatch(r"-?\d{10,14}", text):
        return datetime.fromtimestamp(int(text) / 1000, tz=UTC)
    return None


def _aware(value: datetime) -> datetime:
    """A naive date-time as UTC (both CRMs store UTC); an aware one with a fixed offset
    (``core.models.fixed_offset``: a zone's times compare by wall clock, fold ignored).

    ``combine`` is ``replace(tzinfo=UTC)`` (same fields, fold kept) at a quarter of the cost:
    ``replace`` parses its keywords, and every bare ``ActivityDate`` of a pull comes here.
    """
    if value.tzinfo is None or value.utcoffset() is None:  # (a tzinfo that knows no offset)
        return datetime.combine(value, value.time(), UTC)
    return fixed_offset(value)


def to_datetime(value: object) -> datetime | None:
    """A timezone-aware datetime from ISO 8601 (``Z``, ``+0000``), epoch ms, or a date.

    A bare date means midnight UTC; a naive ISO timestamp is read as UTC because both CRMs
    store UTC.  Anything else is a :class:`ValueProblem`.
    """
    if type(value) is str and value[4:5] == "-" and value[:4].isdigit():
        # the common case, an ISO stamp (an epoch-ms text never has a dash there)
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            pass  # the general path below words the problem
        else:  # _aware, inline: this runs for every stamp of a pull
            if parsed.tzinfo is not None:
                return parsed
            return datetime.combine(parsed, parsed.time(), UTC)
    if is_empty(value):
        return None
    if isinstance(value, datetime):
        return _aware(value)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return datetime.fromtimestamp(value / 1000, tz=UTC)
    text = str(value).strip()
    epoch = _from_epoch_ms(text)
    if epoch is not None:
        return epoch
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise ValueProblem(f"{value!r} is not a date-time (expected ISO 8601)") from None
    return _aware(parsed)


def to_date(value: object) -> date | None:
    """A calendar date from ``YYYY-MM-DD``, an ISO timestamp (its UTC date) or epoch ms."""
    if is_empty(value):
        return None
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    text = str(value).strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        try:
            return date.fromisoformat(text)
        except ValueError:
            raise ValueProblem(f"{value!r} is not a valid date") from None
    try:
        return to_datetime(value).astimezone(UTC).date()  # type: ignore[union-attr]
    except ValueProblem:
        raise ValueProblem(f"{value!r} is not a date (expected YYYY-MM-DD)") from None


def lookup_value(table: Mapping[str, T], raw: object) -> T | None:
    """A value-map lookup: exact key first, then ignoring case, spaces, ``_`` and ``-``."""
    if is_empty(raw):
        return None
    text = str(raw).strip()
    if text in table:
        return table[text]
    norm = normalise_key(text)
    for key, value in table.items():
        if normalise_key(key) == norm:
            return value
    return None
