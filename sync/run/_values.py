"""Values in one comparable form, and the write stamp that lets the CRM remember our writes.

The planner compares three values per field (desired, written, observed) after
:func:`norm`, whatever CRM typing they went through.  The *write stamp* is a short hash of
every value we last wrote, kept in a hidden field beside them (the deal's and the task's
``stamp`` field in the mapping, ``NA_Written__c`` / ``na_written`` in the shipped ones).
When the state store is lost, the ledger no longer knows what we wrote; the stamp still
tells a value we wrote (its hash matches) from one a person changed since (it does not).

Format: ``na1:`` then ``slot=hash`` pairs joined by commas, where ``slot`` is the first 4
hex digits of SHA-256 of the field's name (a CRM field name for deal fields, the part name
``subject``/``body``/``due``/``priority``/``owner`` for the task) and ``hash`` the first 8
hex digits of SHA-256 of the normalised value.  About 14 characters per field.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Any

from nextadvance.mappings import coach_signature

__all__ = ["digest", "digest_norm", "make_stamp", "norm", "read_stamp", "same", "slot"]

PREFIX = "na1:"


def norm(value: Any) -> str | None:
    """A value in one comparable form, whatever CRM typing it went through.

    Booleans as ``true``/``false``, numbers without trailing zeros, datetimes (ISO strings or
    epoch milliseconds) as UTC seconds, midnight-UTC datetimes as dates, text with ``\\n``
    line ends and without outer blanks; empty text is None.
    """
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return format(float(value), "g")
    if isinstance(value, datetime):
        return _moment(_utc(value))
    if isinstance(value, date):
        return value.isoformat()
    text = str(value).replace("\r\n", "\n").strip()
    if not text:
        return None
    if text.startswith('{"v":'):  # the coach payload: same advice = same value
        return coach_signature(text) or text
    low = text.lower()
    if low in ("true", "false"):
        return low
    if text.isdigit() and 11 <= len(text) <= 14:
        return _moment(datetime.fromtimestamp(int(text) / 1000, tz=UTC))
    if len(text) >= 10 and text[4] == "-" and text[7] == "-":
        parsed = _parse_iso(text)
        if parsed is not None:
            return parsed
    return text


def _utc(value: datetime) -> datetime:
    """``value`` in UTC (naive read as UTC): the memo's key.  Two datetimes of one ZoneInfo
    in the hour a DST change repeats are == and hash alike (wall clock, fold ignored), so
    a memo keyed on the zoned value would give the second instant the first one's text."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


@lru_cache(maxsize=64)
def _moment(value: datetime) -> str:
    """``value`` (UTC) as UTC seconds (a date at midnight); memoised: a run normalises its
    own instant (``last_evaluated``) once per deal."""
    moment = value.replace(microsecond=0)
    if moment.hour == moment.minute == moment.second == 0:
        return moment.date().isoformat()
    return moment.strftime("%Y-%m-%dT%H:%M:%S")


def _parse_iso(text: str) -> str | None:
    candidate = text
    if len(candidate) == 10:
        try:
            return date.fromisoformat(candidate).isoformat()
        except ValueError:
            return None
    if candidate.endswith(("+0000", "-0000")):
        candidate = candidate[:-5] + "+00:00"
    try:
        return _moment(_utc(datetime.fromisoformat(candidate.replace("Z", "+00:00"))))
    except ValueError:
        return None


def same(a: Any, b: Any) -> bool:
    """Whether two values are equal once normalised."""
    return norm(a) == norm(b)


@lru_cache(maxsize=256)
def slot(name: str) -> str:
    """The stamp slot of a field or task part (4 hex digits of its name's hash; a mapping
    has a handful of names, asked for per deal)."""
    return hashlib.sha256(name.casefold().encode()).hexdigest()[:4]


def digest(value: Any) -> str:
    """The stamp hash of a value (8 hex digits of its normalised form's hash)."""
    return digest_norm(norm(value))


def digest_norm(normalised: str | None) -> str:
    """:func:`digest` of a value already through :func:`norm`."""
    if normalised is None or len(normalised) <= _SHORT:
        return _short_digest(normalised or "")
    return hashlib.sha256(normalised.encode()).hexdigest()[:8]


#: values up to this long (flags, dates, stamps of the run's instant, priorities) repeat
#: across deals: their hashes are memoised; long texts are unique to a deal
_SHORT = 64


@lru_cache(maxsize=1024)
def _short_digest(normalised: str) -> str:
    return hashlib.sha256(normalised.encode()).hexdigest()[:8]


def read_stamp(text: Any) -> dict[str, str]:
    """The slots of a stamp read back from the CRM ({} when empty or not ours)."""
    if not isinstance(text, str) or not text.startswith(PREFIX):
        return {}
    out: dict[str, str] = {}
    for pair in text[len(PREFIX) :].split(","):
        name, _, value = pair.strip().partition("=")
        if len(name) == 4 and len(value) == 8:
            out[name] = value
    return out


def make_stamp(slots: Mapping[str, str]) -> str:
    """The stamp text for these slots (sorted, so one state has one stamp)."""
    return PREFIX + ",".join(f"{k}={v}" for k, v in sorted(slots.items()))
