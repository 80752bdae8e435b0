"""Bulk API 2.0 (``/services/data/vXX.X/jobs/query|ingest``) and Bulk API 1.0
(``/services/async/XX.X/job...``, session in ``X-SFDC-Session``), over the same store and
SOQL engine as REST.

Jobs run to completion as soon as they are submitted (a query job is ``JobComplete`` on its
first status read), which a client polling as documented cannot tell from a fast org.
References: Bulk API 2.0 Developer Guide (query jobs: "Create a Query Job", "Get Results for
a Query Job" with ``maxRecords``/``locator`` and the ``Sforce-Locator`` /
``Sforce-NumberOfRecords`` headers; ingest jobs: "Create a Job", "Upload Job Data",
"Close or Abort a Job", "Get Job Successful/Failed Record Results"), and the Bulk API
(1.0) Developer Guide ("Create a Job", "Add a Batch to a Job", "Get Information for a
Batch", "Get Batch Results"; errors ``{"exceptionCode","exceptionMessage"}``).
"""

from __future__ import annotations

import csv
import io
import json
import secrets
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from .. import _clock as clock
from .._http import Request, Response, json_response
from ._auth import sf_error
from ._query import compile_query, emitter, execute
from ._records import Ctx
from ._soql import SoqlError, parse
from ._store import Store, to18
from ._writes import WriteError, create, delete, update

__all__ = ["BulkJobs", "csv_of_query"]

_PAGE_DEFAULT = 50_000  # Bulk 2.0 results page when maxRecords is not given (capped by size)


def _now() -> str:
    return datetime.fromtimestamp(clock.now(), UTC).strftime("%Y-%m-%dT%H:%M:%S.000+0000")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _path(rec: dict[str, Any], path: str) -> Any:
    cur: Any = rec
    for part in path.split("."):
        if not isinstance(cur, dict):
            return None
        key = next((k for k in cur if k.lower() == part.lower()), None)
        cur = cur.get(key) if key is not None else None
    return cur


def csv_of_query(
    store: Store, soql: str, version: str, include_deleted: bool
) -> tuple[str, list[str], list[list[str]], list[dict[str, Any]]]:
    """Run SOQL: the object name, the CSV header (SELECT order), the CSV rows and the same
    records as JSON (what a JSON Bulk 1.0 job returns).  Raises SoqlError."""
    q = parse(soql)
    compiled = compile_query(q, store)
    rows = execute(compiled, store, include_deleted=include_deleted)
    emit = emitter(compiled, store, version)
    header = [p for p, _ in q.fields]
    records = [emit(r) for r in rows]
    names = [
        next((k for k in records[0] if k.lower() == h.lower()), h)
        if records and "." not in h
        else h
        for h in header
    ]
    rows_out = [[_cell(_path(rec, h)) for h in header] for rec in records]
    return compiled.obj.name, names, rows_out, records


@dataclass
class Job:
    """One bulk job (query or ingest, 2.0 or 1.0)."""

    id: str
    operation: str
    object: str
    api: str  # "2.0" | "1.0"
    content_type: str = "CSV"
    state: str = "Open"
    created: str = field(default_factory=_now)
    header: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    ok: list[list[str]] = field(default_factory=list)
    failed: list[list[str]] = field(default_factory=list)
    uploads: list[str] = field(default_factory=list)
    external_id: str | None = None
    error: str | None = None
    batches: dict[str, dict[str, Any]] = field(default_factory=dict)


class BulkJobs:
    """The org's bulk jobs (both API generations) and their handlers."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.jobs: dict[str, Job] = {}
        self.lock = threading.Lock()
        self.batches_used = 0

    def new_id(self, prefix: str) -> str:
        return to18(prefix + "5g00000" + secrets.token_hex(3).upper())[:18]

    # -- Bulk API 2.0 -------------------------------------------------------------------
    def v2(self, ctx: Ctx, request: Request, parts: list[str]) -> Response:
        """``jobs/query[/{id}[/results]]`` and ``jobs/ingest[/{id}[/batches|...Results]]``."""
        kind, m, hdrs = parts[1], request.method, ctx.headers
        if len(parts) == 2:
            if m == "POST":
                return self._create_v2(ctx, request, kind)
            if m == "GET":
                with self.lock:
                    mine = [
                        j
                        for j in self.jobs.values()
                        if j.api == "2.0" and _is_query(j) == (kind == "query")
                    ]
                return json_response(
                    200,
                    {
                        "done": True,
                        "records": [self._info2(j, ctx) for j in mine],
                        "nextRecordsUrl": None,
                    },
                    hdrs,
                )
        job = self.jobs.get(parts[2]) if len(parts) >= 3 else None
        if job is None or job.api != "2.0" or _is_query(job) != (kind == "query"):
            return sf_error(404, "NOT_FOUND", "The requested resource does not exist", hdrs)
        rest = parts[3:]
        if not rest and m == "GET":
            return json_response(200, self._info2(job, ctx), hdrs)
        if not rest and m == "PATCH":
            state = _body(request).get("state")
            if state == "Aborted":
                job.state = "Aborted"
            elif state == "UploadComplete" and job.state == "Open":
                self._ingest(ctx, job)
            else:
                return sf_error(
                    400, "INVALIDJOBSTATE", f"Invalid state transition to {state}", hdrs
                )
            return json_response(200, self._info2(job, ctx), hdrs)
        if not rest and m == "DELETE":
            with self.lock:
                self.jobs.pop(job.id, None)
            return Response(204, b"", hdrs)
        if rest == ["results"] and m == "GET" and kind == "query":
            return self._results2(job, request, hdrs)
        if rest == ["batches"] and m == "PUT" and job.state == "Open":
            job.uploads.append(request.body.decode("utf-8"))
            return Response(201, b"", hdrs)
        if len(rest) == 1 and m == "GET" and kind == "ingest":
            table = {
                "successfulResults": (["sf__Id", "sf__Created"], job.ok),
                "failedResults": (["sf__Id", "sf__Error"], job.failed),
                "unprocessedrecords": ([], []),
            }.get(rest[0])
            if table is not None:
                cols, rows = table
                return _csv_response([*cols, *job.header], rows, hdrs)
        return sf_error(404, "NOT_FOUND", "The requested resource does not exist", hdrs)

    def _create_v2(self, ctx: Ctx, request: Request, kind: str) -> Response:
        body = _body(request)
        op = str(body.get("operation") or "")
        hdrs = ctx.headers
        if kind == "query":
            if op not in ("query", "queryAll"):
                return sf_error(400, "INVALIDJOB", f"Invalid operation for a query job: {op}", hdrs)
            try:
                name, header, rows, _ = csv_of_query(
                    self.store, str(body.get("query") or ""), ctx.version, op == "queryAll"
                )
            except SoqlError as exc:
                return sf_error(400, exc.code, exc.message, hdrs)
            job = Job(
                self.new_id("750"),
                op,
                name,
                "2.0",
                state="UploadComplete",
                header=header,
                rows=rows,
            )
        else:
            obj = self.store.schema.get(str(body.get("object") or "").lower())
            if op not in ("insert", "update", "upsert", "delete", "hardDelete"):
                return sf_error(400, "INVALIDJOB", f"Invalid operation: {op}", hdrs)
            if obj is None:
                return sf_error(
                    400,
                    "INVALIDJOB",
                    f"Entity '{body.get('object')}' is not supported by the Bulk API.",
                    hdrs,
                )
            job = Job(
                self.new_id("750"),
                op,
                obj.name,
                "2.0",
                external_id=body.get("externalIdFieldName"),
            )
        with self.lock:
            self.jobs[job.id] = job
            self.batches_used += 1
        return json_response(200, self._info2(job, ctx), hdrs)

    def _info2(self, job: Job, ctx: Ctx) -> dict[str, Any]:
        query = _is_query(job)
        state = "JobComplete" if query and job.state == "UploadComplete" else job.state
        info: dict[str, Any] = {
            "id": job.id,
            "operation": job.operation,
            "object": job.object,
            "createdById": ctx.user_id,
            "createdDate": job.created,
            "systemModstamp": job.created,
            "state": state,
            "concurrencyMode": "Parallel",
            "contentType": "CSV",
            "apiVersion": float(ctx.version),
            "jobType": "V2Query" if query else "V2Ingest",
            "lineEnding": "LF",
            "columnDelimiter": "COMMA",
        }
        if query:
            info["numberRecordsProcessed"] = len(job.rows)
        else:
            info["contentUrl"] = f"services/data/v{ctx.version}/jobs/ingest/{job.id}/batches"
            info["numberRecordsProcessed"] = len(job.ok) + len(job.failed)
            info["numberRecordsFailed"] = len(job.failed)
            if job.external_id:
                info["externalIdFieldName"] = job.external_id
        info["retries"] = 0
        info["totalProcessingTime"] = 0
        return info

    def _results2(self, job: Job, request: Request, hdrs: dict[str, str]) -> Response:
        try:
            size = int(request.param("maxRecords") or _PAGE_DEFAULT)
            start = int(request.param("locator") or 0)
        except ValueError:
            return sf_error(400, "INVALIDLOCATOR", "Invalid locator or maxRecords", hdrs)
        page = job.rows[start : start + max(1, size)]
        end = start + len(page)
        extra = {
            "Sforce-Locator": str(end) if end < len(job.rows) else "null",
            "Sforce-NumberOfRecords": str(len(page)),
        }
        return _csv_response(job.header, page, {**hdrs, **extra})

    def _ingest(self, ctx: Ctx, job: Job) -> None:
        """Apply the uploaded CSV row by row, keeping per-row results like the org does."""
        obj = self.store.schema[job.object.lower()]
        for text in job.uploads:
            reader = csv.reader(io.StringIO(text))
            header = next(reader, [])
            job.header = header
            for line in reader:
                data = {h: _typed(obj, h, v) for h, v in zip(header, line, strict=False) if v != ""}
                try:
                    rid, created = self._write(ctx, job, obj, data)
                    job.ok.append([rid, "true" if created else "false", *line])
                except WriteError as exc:
                    job.failed.append(["", f"{exc.code}:{exc.message}", *line])
        job.state = "JobComplete"
        ctx.after_commit()

    def v1(self, ctx: Ctx, request: Request, parts: list[str]) -> Response:
        """Bulk API 1.0 (see ``_bulk1``)."""
        from ._bulk1 import handle_v1

        return handle_v1(self, ctx, request, parts)

    def _write(self, ctx: Ctx, job: Job, obj: Any, data: dict[str, Any]) -> tuple[str, bool]:
        rid = next((str(v) for k, v in data.items() if k.lower() == "id"), None)
        if job.operation == "insert":
            return str(create(self.store, obj, data, ctx.user_id)[0]), True
        if job.operation in ("delete", "hardDelete"):
            if rid is None:
                raise WriteError("MISSING_ARGUMENT", "Id not specified")
            delete(self.store, obj, to18(rid))
            return to18(rid), False
        if job.operation == "upsert" and job.external_id:
            from ._records import upsert_one

            value = next((v for k, v in data.items() if k.lower() == job.external_id.lower()), None)
            status, body = upsert_one(ctx, obj, job.external_id, str(value), data)
            if status == 300 or not isinstance(body, dict):
                raise WriteError("DUPLICATE_EXTERNAL_ID", "more than one record found")
            return str(body.get("id")), bool(body.get("created"))
        if rid is None:
            raise WriteError("MISSING_ARGUMENT", "Id not specified in an update call")
        fields = {k: v for k, v in data.items() if k.lower() != "id"}
        ctx.before_update(obj.name, to18(rid))
        update(self.store, obj, to18(rid), fields, ctx.user_id)
        return to18(rid), False


def _is_query(job: Job) -> bool:
    return job.operation in ("query", "queryAll")


def _typed(obj: Any, name: str, value: str) -> Any:
    """A CSV cell as the JSON value the REST write path expects (``#N/A`` clears a field)."""
    if value == "#N/A":
        return None
    fld = next((f for f in obj.fields.values() if f.name.lower() == name.lower()), None)
    kind = fld.type if fld is not None else "string"
    if kind == "boolean":
        return value.lower() == "true"
    if kind in ("double", "currency", "percent"):
        return float(value)
    if kind == "int":
        return int(value)
    return value


def _body(request: Request) -> dict[str, Any]:
    try:
        data = json.loads(request.body or b"{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _csv_response(header: list[str], rows: list[list[str]], headers: dict[str, str]) -> Response:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return Response(200, buf.getvalue().encode("utf-8"), {"Content-Type": "text/csv", **headers})
