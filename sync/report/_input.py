"""Read canonical deals from JSONL (the ``nextadvance decide`` input) for a report.

A report over thousands of deals should not die on one bad line: each bad line is
recorded with its number and reason, skipped and counted, and the command exits 1.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from nextadvance.core.errors import ConfigError, Problem
from nextadvance.core.models import Deal

__all__ = ["BadLine", "DealInput", "read_deals", "read_deals_file"]


@dataclass(frozen=True)
class BadLine:
    """One input line that was skipped, and why."""

    line: int
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}"


@dataclass
class DealInput:
    """Deals read, and the lines skipped."""

    deals: list[Deal] = field(default_factory=list)
    bad: list[BadLine] = field(default_factory=list)


def _reason(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors()[:3]:
        where = ".".join(str(p) for p in err["loc"]) or "(line)"
        parts.append(f"{where}: {err['msg']}")
    more = len(exc.errors()) - 3
    return "; ".join(parts) + (f" (+{more} more)" if more > 0 else "")


def read_deals(lines: Iterable[str | bytes]) -> DealInput:
    """Parse one :class:`Deal` per non-blank line; bad lines are recorded, not raised.

    Lines may be bytes (read from a file in binary), so one line that is not UTF-8 is a
    bad line rather than the end of the whole read.
    """
    out = DealInput()
    seen: set[tuple[str, str]] = set()
    for number, raw in enumerate(lines, start=1):
        if isinstance(raw, bytes):
            try:
                raw = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                out.bad.append(BadLine(number, f"not UTF-8 text (byte {exc.start + 1})"))
                continue
        text = raw.strip()
        if not text:
            continue
        try:
            deal = Deal.model_validate_json(text)
        except ValidationError as exc:
            try:
                json.loads(text)
            except json.JSONDecodeError as jexc:
                out.bad.append(BadLine(number, f"not valid JSON: {jexc.msg} (column {jexc.colno})"))
                continue
            out.bad.append(BadLine(number, f"not a deal: {_reason(exc)}"))
            continue
        key = (deal.system, deal.id)
        if key in seen:
            out.bad.append(BadLine(number, f"duplicate deal id {deal.id!r}"))
            continue
        seen.add(key)
        out.deals.append(deal)
    return out


def read_deals_file(path: Path) -> DealInput:
    """Read a JSONL file of deals; an unreadable file is a :class:`ConfigError`."""
    try:
        with path.open("rb") as fh:
            return read_deals(fh)
    except OSError as exc:
        raise ConfigError([Problem(message=f"cannot read input: {exc}", file=str(path))]) from None
