"""HubSpot writes: a task refused for a deactivated owner is written unassigned, and said so."""

from __future__ import annotations

from datetime import date
from typing import Any

from nextadvance.connectors._base import TaskSpec, WriteKind, WriteOp
from nextadvance.connectors._plan import ReadPlan
from nextadvance.connectors.hubspot._writes import COMPLETED, HubSpotWriter
from nextadvance.core.errors import RecordRejected
from nextadvance.mappings import default_mapping_path, load_mapping

GONE = "70000002"
REFUSAL = (
    'HubSpot 400 VALIDATION_ERROR: Property values were not valid: [{"isValid":false,'
    '"message":"70000002 was not one of the allowed options","error":"INVALID_OPTION",'
    '"name":"hubspot_owner_id"}] (tasks.batch.create)'
)


class _Api:
    """Batch writes answered by ``answer(obj, action, bodies)``; every call recorded."""

    def __init__(self, answer: Any) -> None:
        self.answer = answer
        self.calls: list[tuple[str, str, list[dict[str, Any]]]] = []

    def batch_read(self, *args: Any, **kw: Any) -> list[dict[str, Any]]:
        return []  # no task of ours exists yet

    def associations(self, *args: Any, **kw: Any) -> dict[str, Any]:
        return {}

    def batch_write(self, obj: str, action: str, bodies: list[dict[str, Any]]) -> Any:
        self.calls.append((obj, action, bodies))
        return self.answer(obj, action, bodies)


def _created(bodies: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "results": [
            {"id": str(100 + i), "properties": b["properties"]} for i, b in enumerate(bodies)
        ]
    }


def _ops() -> list[WriteOp]:
    return [
        WriteOp(
            WriteKind.upsert_task,
            f"na-{deal}-k",
            deal,
            task=TaskSpec(subject="Call", due=date(2026, 11, 20), owner_id=owner),
        )
        for deal, owner in (("1", GONE), ("2", "70000001"))
    ]


def _writer(api: _Api) -> HubSpotWriter:
    plan = ReadPlan(load_mapping(default_mapping_path("hubspot")), completed_status=COMPLETED)
    return HubSpotWriter(plan, api)  # type: ignore[arg-type]


def test_whole_batch_refused_for_an_owner_is_sent_again_without_it() -> None:
    """The refused owner is left out (the other kept), both tasks written, one problem."""

    def answer(obj: str, action: str, bodies: list[dict[str, Any]]) -> Any:
        if any(b["properties"].get("hubspot_owner_id") == GONE for b in bodies):
            raise RecordRejected(REFUSAL, code="VALIDATION_ERROR", status=400)
        return _created(bodies)

    api = _Api(answer)
    writer = _writer(api)
    results = writer.apply(_ops())
    assert [r.ok for r in results] == [True, True]
    resent = api.calls[-1][2]
    assert "hubspot_owner_id" not in resent[0]["properties"]
    assert resent[1]["properties"]["hubspot_owner_id"] == "70000001"
    (problem,) = writer.plan.problems
    assert "na-1-k" in problem and "deal 1" in problem and GONE in problem


def test_per_record_refusal_is_sent_again_without_the_owner() -> None:
    """A 207 naming hubspot_owner_id for one record: only that one is sent again."""

    def answer(obj: str, action: str, bodies: list[dict[str, Any]]) -> Any:
        ok = [b for b in bodies if b["properties"].get("hubspot_owner_id") != GONE]
        bad = [b for b in bodies if b["properties"].get("hubspot_owner_id") == GONE]
        out = _created(ok)
        out["errors"] = [
            {
                "category": "VALIDATION_ERROR",
                "message": f"{GONE} was not one of the allowed options",
                "context": {
                    "na_task_key": [b["properties"]["na_task_key"] for b in bad],
                    "propertyName": ["hubspot_owner_id"],
                },
            }
            for _ in bad[:1]
        ]
        return out

    api = _Api(answer)
    writer = _writer(api)
    results = writer.apply(_ops())
    assert [r.ok for r in results] == [True, True]
    assert len(writer.plan.problems) == 1


def test_other_refusals_stay_rejects() -> None:
    """A refusal that does not name a refused owner is reported as before, not retried."""

    def answer(obj: str, action: str, bodies: list[dict[str, Any]]) -> Any:
        raise RecordRejected("HubSpot 400 VALIDATION_ERROR: bad date", code="VALIDATION_ERROR")

    api = _Api(answer)
    writer = _writer(api)
    results = writer.apply(_ops())
    assert [r.ok for r in results] == [False, False]
    assert writer.plan.problems == []
