"""The ``query`` / ``queryAll`` resources with server-side cursors and ``nextRecordsUrl`` paging.

A query runs once; its matching rows are kept under a locator (like Salesforce's query
cursor) and served in batches of ``batchSize`` (``Sforce-Query-Options``, 200..2000,
default 2000).  ``nextRecordsUrl`` is a path ``/services/data/vXX.X/query/<locator>-<offset>``,
which is what simple-salesforce's ``query_more`` expects.
"""

from __future__ import annotations

import json
import re
import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .._http import Request, Response
from ._auth import sf_error
from ._query import compile_query, emitter, execute
from ._soql import SoqlError, parse
from ._store import Store

__all__ = ["Cursors"]

_BATCH = re.compile(r"batchSize\s*=\s*(\d+)", re.IGNORECASE)
_MAX_CURSORS = 24  # a finished cursor stays readable (retries) until evicted


@dataclass
class _Cursor:
    rows: list[list[Any]]
    emit: Callable[[list[Any]], dict[str, Any]]
    batch: int
    kind: str  # query | queryAll


class Cursors:
    """Runs queries and remembers open cursors (least recently used evicted first)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.open: OrderedDict[str, _Cursor] = OrderedDict()
        self.lock = threading.Lock()
        self.queries = 0

    @staticmethod
    def batch_size(request: Request) -> int:
        """The batch size asked for in ``Sforce-Query-Options``, clamped to 200..2000."""
        m = _BATCH.search(request.headers.get("sforce-query-options", ""))
        return 2000 if m is None else max(200, min(2000, int(m.group(1))))

    def run(self, request: Request, version: str, kind: str, headers: dict[str, str]) -> Response:
        """``GET .../query?q=SOQL`` (``kind`` query or queryAll)."""
        soql = request.param("q")
        if not soql:
            return sf_error(400, "MALFORMED_QUERY", "A query string has to be specified", headers)
        try:
            compiled = compile_query(parse(soql), self.store)
        except SoqlError as exc:
            return sf_error(400, exc.code, exc.message, headers)
        rows = execute(compiled, self.store, include_deleted=kind == "queryAll")
        self.queries += 1
        if compiled.count:
            return self._json({"totalSize": len(rows), "done": True, "records": []}, headers)
        cursor = _Cursor(
            rows, emitter(compiled, self.store, version), self.batch_size(request), kind
        )
        return self._page(cursor, None, 0, version, headers)

    def more(
        self, locator: str, version: str, request: Request, headers: dict[str, str]
    ) -> Response:
        """``GET .../query/<locator>-<offset>``: the next batch of an open cursor."""
        ident, _, offset_text = locator.rpartition("-")
        with self.lock:
            cursor = self.open.get(ident)
            if cursor is not None:
                self.open.move_to_end(ident)
        if cursor is None or not offset_text.isdigit():
            return sf_error(400, "INVALID_QUERY_LOCATOR", "invalid query locator", headers)
        return self._page(cursor, ident, int(offset_text), version, headers)

    def _page(
        self, cursor: _Cursor, ident: str | None, offset: int, version: str, headers: dict[str, str]
    ) -> Response:
        total = len(cursor.rows)
        end = min(total, offset + cursor.batch)
        emit = cursor.emit
        records = [emit(row) for row in cursor.rows[offset:end]]
        body: dict[str, Any] = {"totalSize": total, "done": end >= total}
        if end < total:
            if ident is None:
                ident = "01g5g" + secrets.token_hex(5).upper()
                with self.lock:
                    self.open[ident] = cursor
                    while len(self.open) > _MAX_CURSORS:
                        self.open.popitem(last=False)
            body["nextRecordsUrl"] = f"/services/data/v{version}/{cursor.kind}/{ident}-{end}"
        body["records"] = records
        return self._json(body, headers)

    @staticmethod
    def _json(body: dict[str, Any], headers: dict[str, str]) -> Response:
        hdrs = {"Content-Type": "application/json;charset=UTF-8", **headers}
        return Response(200, json.dumps(body, separators=(",", ":")).encode("utf-8"), hdrs)
