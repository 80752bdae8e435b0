"""Bulk API (1.0): ``/services/async/XX.X/job...`` with the session in ``X-SFDC-Session``.

Query and queryAll jobs over the same SOQL engine as REST.  CSV jobs answer batch infos in
XML and results as CSV, JSON jobs answer JSON, as the org does (Bulk API Developer Guide,
"Bulk Query", "Get Batch Results"; errors ``{"exceptionCode", "exceptionMessage"}``).
A batch is answered ``Queued`` and reads ``Completed`` on its first status check.
"""

from __future__ import annotations

from typing import Any

from .._http import Request, Response, json_response
from ._bulk import BulkJobs, Job, _body, _csv_response, _now, csv_of_query
from ._records import Ctx
from ._soql import SoqlError

__all__ = ["handle_v1"]


def handle_v1(jobs: BulkJobs, ctx: Ctx, request: Request, parts: list[str]) -> Response:
    """``job``, ``job/{id}``, ``job/{id}/batch[/{bid}[/result[/{rid}]]]`` (query jobs)."""
    m = request.method
    if parts == ["job"] and m == "POST":
        body = _body(request)
        obj = jobs.store.schema.get(str(body.get("object") or "").lower())
        if obj is None:
            return _async_error(400, "InvalidJob", f"Unable to find object: {body.get('object')}")
        new = Job(
            jobs.new_id("750"),
            str(body.get("operation") or "query"),
            obj.name,
            "1.0",
            content_type=str(body.get("contentType") or "CSV"),
        )
        with jobs.lock:
            jobs.jobs[new.id] = new
        return json_response(201, _info1(new, ctx))
    job = jobs.jobs.get(parts[1]) if len(parts) >= 2 and parts[0] == "job" else None
    if job is None or job.api != "1.0":
        return _async_error(
            400, "InvalidJob", f"Invalid job id: {parts[1] if len(parts) > 1 else ''}"
        )
    rest = parts[2:]
    if not rest and m == "GET":
        return json_response(200, _info1(job, ctx))
    if not rest and m == "POST":
        state = _body(request).get("state")
        if state in ("Closed", "Aborted"):
            job.state = str(state)
        return json_response(200, _info1(job, ctx))
    if rest == ["batch"] and m == "POST":
        return _add_batch(jobs, ctx, job, request)
    as_json = job.content_type.upper() == "JSON"
    if rest == ["batch"] and m == "GET":
        if as_json:
            return json_response(
                200, {"batchInfo": [_batch_info(job, b) for b in job.batches.values()]}
            )
        inner = "".join(_batch_xml(job, b) for b in job.batches.values())
        return _xml(
            f'<batchInfoList xmlns="http://www.force.com/2009/06/asyncapi/dataload">{inner}</batchInfoList>'
        )
    batch = job.batches.get(rest[1]) if len(rest) >= 2 and rest[0] == "batch" else None
    if batch is None:
        return _async_error(400, "InvalidBatch", "Invalid batch id")
    if len(rest) == 2 and m == "GET":
        if as_json:
            return json_response(200, _batch_info(job, batch))
        return _xml(_batch_xml(job, batch, ns=True))
    if rest[2:] == ["result"] and m == "GET" and as_json:
        return json_response(200, [batch["result"]])
    if len(rest) == 4 and rest[2] == "result" and as_json and rest[3] == batch["result"]:
        return json_response(200, batch["json"])
    if rest[2:] == ["result"] and m == "GET":
        return _xml(
            f'<result-list xmlns="http://www.force.com/2009/06/asyncapi/dataload"><result>{batch["result"]}</result></result-list>'
        )
    if len(rest) == 4 and rest[2] == "result" and rest[3] == batch["result"] and m == "GET":
        return _csv_response(batch["header"], batch["rows"], {})
    return _async_error(404, "InvalidUrl", "The requested resource does not exist")


def _add_batch(jobs: BulkJobs, ctx: Ctx, job: Job, request: Request) -> Response:
    soql = request.body.decode("utf-8")
    bid = jobs.new_id("751")
    batch: dict[str, Any] = {"id": bid, "created": _now(), "result": jobs.new_id("752")}
    try:
        _, header, rows, records = csv_of_query(
            jobs.store, soql, ctx.version, job.operation == "queryAll"
        )
        batch.update(state="Completed", header=header, rows=rows, json=records, message=None)
    except SoqlError as exc:
        batch.update(
            state="Failed", header=[], rows=[], json=[], message=f"{exc.code} : {exc.message}"
        )
    job.batches[bid] = batch
    with jobs.lock:
        jobs.batches_used += 1
    # The batch is answered Queued, as the org does; its status read says Completed.
    if job.content_type.upper() == "JSON":
        return json_response(201, _batch_info(job, {**batch, "state": "Queued", "rows": []}))
    return _xml(_batch_xml(job, {**batch, "state": "Queued", "rows": []}, ns=True), 201)


def _info1(job: Job, ctx: Ctx) -> dict[str, Any]:
    done = sum(1 for b in job.batches.values() if b["state"] == "Completed")
    failed = sum(1 for b in job.batches.values() if b["state"] == "Failed")
    return {
        "apiVersion": float(ctx.version),
        "concurrencyMode": "Parallel",
        "contentType": job.content_type,
        "createdById": ctx.user_id,
        "createdDate": job.created,
        "id": job.id,
        "numberBatchesCompleted": done,
        "numberBatchesFailed": failed,
        "numberBatchesInProgress": 0,
        "numberBatchesQueued": 0,
        "numberBatchesTotal": len(job.batches),
        "numberRecordsFailed": 0,
        "numberRecordsProcessed": sum(len(b["rows"]) for b in job.batches.values()),
        "object": job.object,
        "operation": job.operation,
        "state": job.state,
        "systemModstamp": job.created,
    }


def _xml(body: str, status: int = 200) -> Response:
    text = '<?xml version="1.0" encoding="UTF-8"?>' + body
    return Response(status, text.encode("utf-8"), {"Content-Type": "application/xml"})


def _batch_info(job: Job, batch: dict[str, Any]) -> dict[str, Any]:
    """A batch's status as JSON (JSON jobs), the same fields as the XML form."""
    info: dict[str, Any] = {
        "id": batch["id"],
        "jobId": job.id,
        "state": batch["state"],
        "createdDate": batch["created"],
        "systemModstamp": batch["created"],
        "numberRecordsProcessed": len(batch["rows"]),
        "numberRecordsFailed": 0,
        "totalProcessingTime": 0,
        "apiActiveProcessingTime": 0,
        "apexProcessingTime": 0,
    }
    if batch.get("message"):
        info["stateMessage"] = batch["message"]
    return info


def _batch_xml(job: Job, batch: dict[str, Any], ns: bool = False) -> str:
    attr = ' xmlns="http://www.force.com/2009/06/asyncapi/dataload"' if ns else ""
    message = f"<stateMessage>{batch['message']}</stateMessage>" if batch.get("message") else ""
    return (
        f"<batchInfo{attr}><id>{batch['id']}</id><jobId>{job.id}</jobId>"
        f"<state>{batch['state']}</state>{message}<createdDate>{batch['created']}</createdDate>"
        f"<systemModstamp>{batch['created']}</systemModstamp>"
        f"<numberRecordsProcessed>{len(batch['rows'])}</numberRecordsProcessed>"
        "<numberRecordsFailed>0</numberRecordsFailed><totalProcessingTime>0</totalProcessingTime>"
        "<apiActiveProcessingTime>0</apiActiveProcessingTime>"
        "<apexProcessingTime>0</apexProcessingTime></batchInfo>"
    )


def _async_error(status: int, code: str, message: str) -> Response:
    """Bulk 1.0's error body (JSON jobs): ``{"exceptionCode", "exceptionMessage"}``."""
    return json_response(status, {"exceptionCode": code, "exceptionMessage": message})
