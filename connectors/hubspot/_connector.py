"""The HubSpot :class:`~nextadvance.connectors.Connector`: hubspot-api-client, wrapped.

Every request runs through one :class:`~nextadvance.connectors._transport.Caller`: a rolling
10-second limiter for the portal, a separate per-second limiter for search, the daily-quota
share from ``X-HubSpot-RateLimit-Daily*`` headers, retries, refresh-once on 401, counting;
every failure is translated by :func:`classify_hubspot`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from nextadvance.connectors._base import (
    ConnectorConfig,
    FieldInfo,
    StageInfo,
    System,
)
from nextadvance.connectors._connector_common import CrmConnector, require_mapping
from nextadvance.connectors._plan import ReadPlan
from nextadvance.connectors._transport import RollingWindow
from nextadvance.connectors.hubspot._api import HubSpotApi
from nextadvance.connectors.hubspot._reads import HubSpotReader
from nextadvance.connectors.hubspot._session import HubSpotSession, classify_hubspot
from nextadvance.connectors.hubspot._writes import COMPLETED, HubSpotWriter
from nextadvance.core.errors import ConnectorError

__all__ = ["HubSpotConnector"]


class HubSpotConnector(CrmConnector):
    """Reads deals and engagements and writes our properties and task to one portal.

    ``apply`` sends batch writes (<= 100 per call); ``find_tasks`` batch-reads on the unique
    ``na_task_key`` property; ``budget`` comes from ``X-HubSpot-RateLimit-Daily*`` headers.
    """

    system: System = "hubspot"
    session: HubSpotSession

    def __init__(self, config: ConnectorConfig) -> None:
        require_mapping(config, "HubSpot")
        self.config = config
        self.session = HubSpotSession(config)
        self._connect(
            config,
            "X-HubSpot-RateLimit-Daily",
            limiter=RollingWindow(config.limits.requests_per_10s, 10.0),
            search_limiter=RollingWindow(max(1, int(config.limits.search_per_s)), 1.0),
        )
        self.api = HubSpotApi(self.session, self.caller, config.page_size)
        self.plan = ReadPlan(config.mapping, completed_status=COMPLETED)
        self.reader = HubSpotReader(
            self.plan,
            self.api,
            config.lookback_s,
            lambda: datetime.now(UTC),
            label_refresh_s=config.label_refresh_s,
            crm_now=self.session.clock.last,
        )
        self.writer = HubSpotWriter(self.plan, self.api)

    def _classify(self, exc: BaseException, endpoint: str) -> ConnectorError:
        return classify_hubspot(exc, endpoint, scrub=self.session.scrub)

    def stages(self) -> list[StageInfo]:
        """Stages of every deal pipeline (one call)."""
        out: list[StageInfo] = []
        for pipe in self.api.pipelines("deals"):
            for stage in pipe.get("stages") or []:
                meta: dict[str, Any] = stage.get("metadata") or {}
                prob = meta.get("probability")
                closed = str(meta.get("isClosed", "false")).lower() == "true"
                out.append(
                    StageInfo(
                        pipeline=str(pipe["id"]),
                        id=str(stage["id"]),
                        label=str(stage.get("label") or stage["id"]),
                        order=int(stage.get("displayOrder") or 0),
                        probability=None if prob in (None, "") else float(prob),
                        is_closed=closed,
                        is_won=closed and prob not in (None, "") and float(prob) >= 1.0,
                        active=not stage.get("archived", False),
                        pipeline_label=str(pipe.get("label") or "") or None,
                    )
                )
        return sorted(out, key=lambda s: (s.pipeline, s.order))

    def describe(self) -> dict[str, list[FieldInfo]]:
        """Properties of deals, companies, contacts and every mapped engagement type."""
        objects = ["deals", "companies", "contacts", *self.plan.activity_types]
        out: dict[str, list[FieldInfo]] = {}
        for obj in dict.fromkeys(objects):
            out[obj] = [_prop(p) for p in self.api.properties(obj)]
        return out


def _prop(p: dict[str, Any]) -> FieldInfo:
    meta = p.get("modificationMetadata") or {}
    return FieldInfo(
        name=str(p.get("name")),
        label=str(p.get("label") or p.get("name")),
        type=str(p.get("type")),
        writable=not meta.get("readOnlyValue", False) and not p.get("calculated", False),
        picklist=tuple(str(o.get("value")) for o in p.get("options") or [] if not o.get("hidden")),
        unique=bool(p.get("hasUniqueValue")),
        external_id=bool(p.get("hasUniqueValue")),
        custom=not bool(meta.get("archivable") is False or p.get("hubspotDefined")),
    )
