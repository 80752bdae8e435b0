"""An opt-in transcript of every answered API request: method, target, body, paging cursor.

The floor benchmark (``benchmarks/_floor.py``) replays a sync's exact requests against a
fresh sandbox; this is where it gets them from.  It is written by the sandbox, in the
sandbox's process, so the client being measured carries no recording cost.  Salesforce query
cursors are random locators, so each line also keeps the ``nextRecordsUrl`` the answer
handed out: a replay maps the old locator to the one its own answer gives.  Credentials are
never written (no headers but the content type).
"""

from __future__ import annotations

import json
import re
import threading
from pathlib import Path
from typing import IO, Any

__all__ = ["Transcript", "next_records_url"]

_NEXT = re.compile(rb'"nextRecordsUrl":\s*"([^"]+)"')


def next_records_url(body: bytes) -> str | None:
    """The Salesforce paging link of a query answer (``None`` when there is no next page)."""
    # The sandbox writes totalSize, done and nextRecordsUrl before the records; a page's
    # records are never searched, which keeps this cheap on 2,000-record pages.
    found = _NEXT.search(body, 0, 512)
    return found.group(1).decode("ascii") if found else None


class Transcript:
    """JSON lines, one per answered API request, in the order the answers were sent."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._fh: IO[str] = path.open("w", encoding="utf-8")

    def write(
        self,
        method: str,
        target: str,
        content_type: str | None,
        body: bytes,
        status: int,
        answer: bytes,
    ) -> None:
        """Append one request (its body as text; bodies of the CRM APIs are JSON or forms)."""
        entry: dict[str, Any] = {"m": method, "t": target, "s": status}
        if body:
            entry["b"] = body.decode("utf-8", errors="surrogateescape")
            entry["ct"] = content_type
        cursor = next_records_url(answer)
        if cursor is not None:
            entry["next"] = cursor
        line = json.dumps(entry, separators=(",", ":")) + "\n"
        with self._lock:
            self._fh.write(line)
            self._fh.flush()

    def close(self) -> None:
        """Flush and close the file."""
        with self._lock:
            self._fh.close()
