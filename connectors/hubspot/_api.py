"""The HubSpot endpoints we use, as plain-JSON methods that each make exactly one request.

Each method is one counted, paced, retried call through the transport layer; bodies are
dicts (the generated client serialises dicts unchanged) and answers are parsed JSON.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from nextadvance.connectors._transport import Caller
from nextadvance.connectors.hubspot._session import HubSpotSession
from nextadvance.connectors.hubspot._wire import BATCH

__all__ = ["BATCH", "SEARCH_LIMIT", "HubSpotApi"]

SEARCH_LIMIT = 200
LIST_LIMIT = 100


class HubSpotApi:
    """Raw CRM v3/v4 calls with endpoint labels for the counters."""

    def __init__(self, session: HubSpotSession, caller: Caller, page_size: int | None) -> None:
        self.session = session
        self.caller = caller
        self.page_size = page_size
        self.timeout = caller.config.limits.timeouts

    def _run(
        self, endpoint: str, fn: Callable[[Any], Any], *, write: bool = False, search: bool = False
    ) -> Any:
        def once() -> Any:
            return self.session.call(fn)

        try:
            return self.caller.call(endpoint, once, write=write, search=search)
        finally:
            h = {k.lower(): v for k, v in self.session.last_headers.items()}
            limit, remaining = (
                h.get("x-hubspot-ratelimit-daily"),
                h.get("x-hubspot-ratelimit-daily-remaining"),
            )
            if limit and remaining and limit.isdigit() and remaining.isdigit():
                self.caller.quota.observe(int(limit) - int(remaining), int(limit))

    def _opts(self) -> dict[str, Any]:
        return {"_preload_content": False, "_request_timeout": self.timeout}

    # -- reads ---------------------------------------------------------------------------
    def list_page(
        self,
        obj: str,
        properties: Sequence[str],
        after: str | None,
        *,
        archived: bool = False,
        associations: Sequence[str] = (),
    ) -> dict[str, Any]:
        """One page of ``GET /crm/v3/objects/{obj}`` (100 per page).

        ``associations`` asks for each record's associated ids of those types inline
        (``associations.{type}.results``, cut off after 100 rows: see ``._inline``).
        """
        limit = min(self.page_size or LIST_LIMIT, LIST_LIMIT)
        kwargs: dict[str, Any] = {
            "limit": limit,
            "properties": list(properties),
            "archived": archived,
        }
        if associations:
            kwargs["associations"] = list(associations)
        if after:
            kwargs["after"] = after
        label = f"{obj}.list" + (".archived" if archived else "")
        return dict(
            self._run(
                label,
                lambda c: c.api("crm.objects.basic_api").get_page(obj, **kwargs, **self._opts()),
            )
            or {}
        )

    def search(self, obj: str, body: dict[str, Any]) -> dict[str, Any]:
        """One page of ``POST /crm/v3/objects/{obj}/search``."""
        return dict(
            self._run(
                f"{obj}.search",
                lambda c: c.api("crm.objects.search_api").do_search(obj, body, **self._opts()),
                search=True,
            )
            or {}
        )

    def batch_read(
        self,
        obj: str,
        ids: Sequence[str],
        properties: Sequence[str],
        id_property: str | None = None,
    ) -> list[dict[str, Any]]:
        """Objects by id (or by a unique property), 100 per call."""
        out: list[dict[str, Any]] = []
        for start in range(0, len(ids), BATCH):
            body: dict[str, Any] = {
                "inputs": [{"id": i} for i in ids[start : start + BATCH]],
                "properties": list(properties),
                "propertiesWithHistory": [],
            }
            if id_property:
                body["idProperty"] = id_property

            def read(c: Any, b: dict[str, Any] = body) -> Any:
                return c.api("crm.objects.batch_api").read(obj, b, archived=False, **self._opts())

            answer = self._run(f"{obj}.batch.read", read)
            out.extend((answer or {}).get("results", []))
        return out

    def associations(
        self, from_obj: str, to_obj: str, ids: Sequence[str]
    ) -> dict[str, list[dict[str, Any]]]:
        """v4 batch read: from id -> ``[{"toObjectId", "associationTypes": [...]}]``.

        A record with more targets than one page holds comes back with ``paging.next.after``;
        it is asked again with that ``after`` beside its id (batched with the other records
        still paging) until no page follows, so every list is whole.
        """
        out: dict[str, list[dict[str, Any]]] = {}
        todo: list[dict[str, str]] = [{"id": i} for i in ids]
        asked: set[tuple[str, str]] = set()
        while todo:
            more: list[dict[str, str]] = []
            for start in range(0, len(todo), BATCH):
                body: dict[str, Any] = {"inputs": todo[start : start + BATCH]}

                def read(c: Any, b: dict[str, Any] = body) -> Any:
                    return c.api("crm.associations.v4.batch_api").get_page(
                        from_obj, to_obj, b, **self._opts()
                    )

                answer = self._run(f"associations.{from_obj}.{to_obj}.batch.read", read)
                for row in (answer or {}).get("results", []):
                    fid = str(row["from"]["id"])
                    out.setdefault(fid, []).extend(row.get("to") or [])
                    after = ((row.get("paging") or {}).get("next") or {}).get("after")
                    if after and (fid, str(after)) not in asked:  # (a repeated token: stop)
                        asked.add((fid, str(after)))
                        more.append({"id": fid, "after": str(after)})
            todo = more
        return out

    def association_labels(self, from_obj: str, to_obj: str) -> dict[str, str | None]:
        """Inline association type name -> label (None: unlabelled), two calls.

        Inline lists name a link type (``deal_to_contact``, ``decision_maker``) but not its
        label; the v3 types list maps names to type ids, the v4 labels list type ids to
        labels.
        """
        types = self._run(
            f"associations.{from_obj}.{to_obj}.types",
            lambda c: c.api("crm.associations.schema.types_api").get_all(
                from_obj, to_obj, **self._opts()
            ),
        )
        labels = self._run(
            f"associations.{from_obj}.{to_obj}.labels",
            lambda c: c.api("crm.associations.v4.schema.definitions_api").get_all(
                from_obj, to_obj, **self._opts()
            ),
        )
        by_id = {str(r.get("typeId")): r.get("label") for r in (labels or {}).get("results", [])}
        return {
            str(r["name"]): by_id.get(str(r.get("id")))
            for r in (types or {}).get("results", [])
            if r.get("name")
        }

    def pipelines(self, obj: str = "deals") -> list[dict[str, Any]]:
        """All pipelines with their stages."""
        answer = self._run(
            "pipelines.list",
            lambda c: c.api("crm.pipelines.pipelines_api").get_all(obj, **self._opts()),
        )
        return list((answer or {}).get("results", []))

    def properties(self, obj: str) -> list[dict[str, Any]]:
        """All property definitions of an object type."""
        answer = self._run(
            f"properties.{obj}.list",
            lambda c: c.api("crm.properties.core_api").get_all(obj, archived=False, **self._opts()),
        )
        return list((answer or {}).get("results", []))

    # -- writes --------------------------------------------------------------------------
    def batch_write(self, obj: str, action: str, inputs: list[dict[str, Any]]) -> dict[str, Any]:
        """``POST /crm/v3/objects/{obj}/batch/{create|update|upsert}`` (<= 100 inputs)."""
        body = {"inputs": inputs}

        def send(c: Any) -> Any:
            api = c.api("crm.objects.batch_api")
            return getattr(api, action)(obj, body, **self._opts())

        return dict(self._run(f"{obj}.batch.{action}", send, write=True) or {})

    def create_property_group(self, obj: str, group: dict[str, Any]) -> Any:
        """Create a property group (409 if it exists)."""
        return self._run(
            f"properties.{obj}.groups.create",
            lambda c: c.api("crm.properties.groups_api").create(obj, group, **self._opts()),
            write=True,
        )

    def create_property(self, obj: str, prop: dict[str, Any]) -> Any:
        """Create a property (409 if it exists)."""
        return self._run(
            f"properties.{obj}.create",
            lambda c: c.api("crm.properties.core_api").create(obj, prop, **self._opts()),
            write=True,
        )
