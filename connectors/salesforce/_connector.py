"""The Salesforce :class:`~nextadvance.connectors.Connector`: simple-salesforce, wrapped.

Every library call runs through one :class:`~nextadvance.connectors._transport.Caller`
(pacing, the daily-quota share from ``Sforce-Limit-Info``, retries, refresh-once on 401,
counting), and every failure is translated by :func:`classify_salesforce`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from nextadvance.connectors._base import (
    ConnectorConfig,
    FieldInfo,
    StageInfo,
    System,
)
from nextadvance.connectors._connector_common import CrmConnector, require_mapping
from nextadvance.connectors.salesforce._errors import classify_salesforce
from nextadvance.connectors.salesforce._links import LINK_OBJECTS
from nextadvance.connectors.salesforce._plan import ReadPlan
from nextadvance.connectors.salesforce._reads import SalesforceReader
from nextadvance.connectors.salesforce._session import SalesforceSession
from nextadvance.connectors.salesforce._writes import COMPLETED, SalesforceWriter
from nextadvance.core.errors import ConnectorError

__all__ = ["DESCRIBED_OBJECTS", "SalesforceConnector"]

#: Objects :meth:`SalesforceConnector.describe` reports.
DESCRIBED_OBJECTS = ("Opportunity", "Account", "OpportunityContactRole", "Task", "Event")


class SalesforceConnector(CrmConnector):
    """Reads Opportunities/roles/Tasks/Events and writes our fields and task to one org.

    ``apply`` sends sObject Collections writes (<= 200 per call); ``find_tasks`` queries the
    external id (one query per 200 keys); ``budget`` comes from ``Sforce-Limit-Info``.
    """

    system: System = "salesforce"
    session: SalesforceSession
    plan: ReadPlan

    def __init__(self, config: ConnectorConfig) -> None:
        require_mapping(config, "Salesforce")
        self.config = config
        self.session = SalesforceSession(config)
        self._connect(config, "Sforce-Limit-Info")
        self.plan = ReadPlan(config.mapping, completed_status=COMPLETED)
        self.reader = SalesforceReader(
            self.plan,
            self._pages,
            config.lookback_s,
            lambda: datetime.now(UTC),
            self._blob,
            crm_now=self.session.adapter.clock.last,
        )
        self.writer = SalesforceWriter(self.plan, self._restful, self._query_all)
        self._record_types: list[dict[str, Any]] | None = None

    # -- plumbing ------------------------------------------------------------------------
    def _classify(self, exc: BaseException, endpoint: str) -> ConnectorError:
        return classify_salesforce(
            exc,
            endpoint,
            headers=self.session.adapter.last_headers(),
            scrub=self.session.scrub,
        )

    def _observe(self) -> None:
        client = self.session._client
        usage = getattr(client, "api_usage", {}).get("api-usage") if client else None
        if usage is not None:
            self.quota.observe(int(usage.used), int(usage.total))

    def _call(self, endpoint: str, fn: Any, *, write: bool = False) -> Any:
        try:
            return self.caller.call(endpoint, fn, write=write)
        finally:
            self._observe()

    def _pages(self, soql: str, include_deleted: bool) -> Iterator[list[dict[str, Any]]]:
        """SOQL result pages, fetched lazily (``query`` then ``query_more``)."""
        headers = {}
        if self.config.page_size:
            headers["Sforce-Query-Options"] = f"batchSize={self.config.page_size}"
        endpoint = "queryAll" if include_deleted else "query"
        result = self._call(
            endpoint,
            lambda: self.session.client().query(
                soql, include_deleted=include_deleted, headers=headers
            ),
        )
        while True:
            yield [_strip(r) for r in result.get("records", [])]
            if result.get("done", True) or not result.get("nextRecordsUrl"):
                return
            url = result["nextRecordsUrl"]
            result = self._call(
                f"{endpoint}.more",
                lambda u=url: self.session.client().query_more(
                    u, identifier_is_url=True, headers=headers
                ),
            )

    def _blob(self, url: str) -> str:
        """A blob field's body (``ContentNote.Content``): SOQL returns its URL, not its bytes."""
        response = self._call(
            "blob",
            lambda: self.session.client()._call_salesforce(
                "GET", self.session.instance_url + url, name="blob"
            ),
        )
        return bytes(response.content).decode("utf-8", errors="replace")

    def _query_all(self, soql: str) -> list[dict[str, Any]]:
        return [r for page in self._pages(soql, False) for r in page]

    def _restful(self, path: str, endpoint: str, body: dict[str, Any]) -> Any:
        method = "POST" if endpoint.endswith(".create") else "PATCH"
        return self._call(
            endpoint,
            lambda: self.session.client().restful(path, method=method, json=body),
            write=True,
        )

    # -- protocol ------------------------------------------------------------------------
    def stages(self) -> list[StageInfo]:
        """OpportunityStage metadata (one query), in pipeline ``default``; with record types
        (described, or mapped as the pipeline), each record type's sales process instead:
        its stage values from the UI API, one call per record type."""
        soql = (
            "SELECT ApiName, MasterLabel, SortOrder, IsActive, IsClosed, IsWon, "
            "DefaultProbability FROM OpportunityStage ORDER BY SortOrder"
        )
        out = []
        for rec in self._query_all(soql):
            prob = rec.get("DefaultProbability")
            out.append(
                StageInfo(
                    pipeline="default",
                    id=str(rec.get("ApiName") or rec.get("MasterLabel")),
                    label=str(rec.get("MasterLabel") or rec.get("ApiName")),
                    order=int(rec.get("SortOrder") or 0),
                    probability=None if prob is None else float(prob) / 100.0,
                    is_closed=bool(rec.get("IsClosed")),
                    is_won=bool(rec.get("IsWon")),
                    active=bool(rec.get("IsActive", True)),
                )
            )
        field = self.config.mapping.deal.fields.pipeline if self.config.mapping else None
        types = self._record_types
        if types is None and field and field.split(".")[0] in ("RecordType", "RecordTypeId"):
            types = self._query_all(
                "SELECT Id, Name, DeveloperName FROM RecordType "
                "WHERE SobjectType = 'Opportunity' AND IsActive = true"
            )
        if not types:
            return out
        return self._process_stages(types, out, field or "RecordType.DeveloperName")

    def _process_stages(
        self, types: list[dict[str, Any]], stages: list[StageInfo], field: str
    ) -> list[StageInfo]:
        attr = {"RecordType.Name": "Name", "RecordTypeId": "Id"}.get(field, "DeveloperName")
        meta = {s.id: s for s in stages}
        out: list[StageInfo] = []
        for rt in types:
            path = f"ui-api/object-info/Opportunity/picklist-values/{rt['Id']}/StageName"
            body = self._call(
                "ui-api.picklist-values", lambda p=path: self.session.client().restful(p)
            )
            for value in (body or {}).get("values", []):
                known = meta.get(str(value.get("value")))
                label = str(value.get("label") or value.get("value"))
                if known is None:
                    known = StageInfo(pipeline="", id=str(value.get("value")), label=label, order=0)
                out.append(replace(known, pipeline=str(rt[attr]), label=label))
        return out

    def describe(self) -> dict[str, list[FieldInfo]]:
        """Fields of the objects we read and write (one describe call per object).

        Link objects the org has (``TaskRelation``, ``EventRelation``: Shared Activities;
        ``ContentDocumentLink``: files and notes) are listed with no fields when a described
        object names them as children, so ``mappings init`` can map what they link.
        """
        out: dict[str, list[FieldInfo]] = {}
        children: set[str] = set()
        for obj in DESCRIBED_OBJECTS:
            path = f"sobjects/{obj}/describe"
            payload = self._call(f"describe.{obj}", lambda p=path: self.session.client().restful(p))
            out[obj] = [_field(f) for f in (payload or {}).get("fields", [])]
            children.update(
                str(c.get("childSObject")) for c in (payload or {}).get("childRelationships", [])
            )
            if obj == "Opportunity":
                infos = (payload or {}).get("recordTypeInfos") or []
                self._record_types = [
                    {
                        "Id": i["recordTypeId"],
                        "Name": i["name"],
                        "DeveloperName": i["developerName"],
                    }
                    for i in infos
                    if not i.get("master") and i.get("active", True)
                ]
        for link in LINK_OBJECTS:
            if link in children:
                out.setdefault(link, [])
        if "ContentDocumentLink" in children:  # Lightning notes: an activity object to map
            payload = self._call(
                "describe.ContentNote",
                lambda: self.session.client().restful("sobjects/ContentNote/describe"),
            )
            out["ContentNote"] = [_field(f) for f in (payload or {}).get("fields", [])]
        return out


def _strip(record: dict[str, Any]) -> dict[str, Any]:
    """A SOQL record without ``attributes`` (also inside nested relationships).

    In place: the record was just decoded from the page and nothing else holds it (a page
    holds ~2,000 records, so a copy per record and relationship was a cost of the pull).
    """
    record.pop("attributes", None)
    for value in record.values():
        if type(value) is dict:
            _strip(value)
    return record


def _field(f: dict[str, Any]) -> FieldInfo:
    return FieldInfo(
        name=str(f.get("name")),
        label=str(f.get("label") or f.get("name")),
        type=str(f.get("type")),
        writable=bool(f.get("updateable") or f.get("createable")),
        length=int(f["length"]) if f.get("length") else None,
        picklist=tuple(
            str(p.get("value")) for p in f.get("picklistValues") or [] if p.get("active", True)
        ),
        unique=bool(f.get("unique")),
        external_id=bool(f.get("externalId")),
        custom=bool(f.get("custom")),
    )
