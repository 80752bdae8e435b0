"""HubSpot incremental reads against a scripted API: what a listing's order or a concurrent
edit must never make the reader skip."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from nextadvance.connectors._cursor import format_ts
from nextadvance.connectors._plan import ReadPlan
from nextadvance.connectors.hubspot._reads import HubSpotReader
from nextadvance.mappings import default_mapping_path, load_mapping

T0 = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)


class Api:
    """Deals by id with their modified stamps (searched by stamp, then id, offset-paged
    like HubSpot's search) and archived deals by id with ``archivedAt`` (listed in id order,
    as HubSpot lists them, ``list_limit`` a page)."""

    page_size: int | None = None

    def __init__(self) -> None:
        self.deals: dict[str, datetime] = {}
        self.archived: dict[str, datetime] = {}
        self.list_limit = 100
        self.ties_by_id = True
        self.after_page: Any = None  # called with the page number after each search page
        self.pages = 0

    def search(self, obj: str, body: dict[str, Any]) -> dict[str, Any]:
        if obj != "deals":
            return {"results": []}
        # ties in stamp by id as asked, or (``ties_by_id`` False) in an order of HubSpot's own
        rows = sorted(
            self.deals.items(),
            key=lambda kv: (kv[1], int(kv[0]) if self.ties_by_id else -int(kv[0])),
        )
        rows = [(i, st) for i, st in rows if self._matches(i, st, body["filterGroups"])]
        off, limit = int(body.get("after") or 0), body["limit"]
        page = rows[off : off + limit]
        out: dict[str, Any] = {
            "total": len(rows),
            "results": [
                {
                    "id": i,
                    "properties": {
                        "hs_object_id": i,
                        "hs_lastmodifieddate": format_ts(st),
                        "dealname": f"Deal {i}",
                    },
                    "updatedAt": format_ts(st),
                }
                for i, st in page
            ],
        }
        if off + limit < len(rows):
            out["paging"] = {"next": {"after": str(off + limit)}}
        self.pages += 1
        if self.after_page is not None:
            self.after_page(self.pages)
        return out

    @staticmethod
    def _matches(i: str, st: datetime, groups: list[dict[str, Any]]) -> bool:
        for group in groups or [{"filters": []}]:
            ok = True
            for f in group["filters"]:
                if f["propertyName"] not in ("hs_lastmodifieddate", "hs_object_id"):
                    return False
                have = int(st.timestamp() * 1000) if "modified" in f["propertyName"] else int(i)
                want = int(f["value"])
                ok &= {"GTE": have >= want, "GT": have > want, "EQ": have == want}[f["operator"]]
            if ok:
                return True
        return False

    def list_page(
        self, obj: str, props: Any, after: Any, archived: bool = False, associations: Any = ()
    ) -> dict[str, Any]:
        if not archived or obj != "deals":
            return {"results": []}
        rows = sorted(self.archived.items(), key=lambda kv: int(kv[0]))
        off = int(after or 0)
        out: dict[str, Any] = {
            "results": [
                {"id": i, "archivedAt": format_ts(a), "updatedAt": format_ts(a), "archived": True}
                for i, a in rows[off : off + self.list_limit]
            ]
        }
        if off + self.list_limit < len(rows):
            out["paging"] = {"next": {"after": str(off + self.list_limit)}}
        return out

    def batch_read(self, *args: Any, **kwargs: Any) -> list[dict[str, Any]]:
        return []

    def associations(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        return {}

    def association_labels(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        return {}


class Runs:
    """A reader over ``api`` on a clock the test moves, run after run from one cursor."""

    def __init__(self, api: Api) -> None:
        plan = ReadPlan(load_mapping(default_mapping_path("hubspot")), completed_status="COMPLETED")
        self.clock = T0
        self.reader = HubSpotReader(
            plan, api, 300.0, lambda: self.clock, crm_now=lambda: self.clock
        )
        since = {
            "ts": format_ts(T0),
            "id": "",
            "seen": [],
            "read_at": format_ts(T0 + timedelta(seconds=300)),
        }
        self.cursor: dict[str, Any] = {
            "v": 1,
            "streams": {o: since for o in self.reader.objects()},
            "archived": {
                o: {"ts": format_ts(T0), "id": "", "seen": []} for o in self.reader.archive_watch()
            },
            "swept": format_ts(T0 + timedelta(days=400)),  # no label sweep in these runs
        }

    def run(self, at: datetime) -> tuple[list[str], list[str]]:
        """(deal ids read, deal ids reported archived) of one incremental run at ``at``."""
        self.clock = at
        read: list[str] = []
        gone: list[str] = []
        for batch in self.reader.pull(self.cursor):
            read += [d.crm_id for d in batch.deals]
            gone += list(batch.deleted_deal_ids)
            self.cursor = batch.cursor
        return read, gone


def test_archived_deals_listed_in_id_order_are_all_reported() -> None:
    """Deal 50 archived at +60 min is listed before deal 100 archived at +10 min: both go
    (the floor once moved with each row, and 100 was left live in the mirror for good)."""
    api = Api()
    runs = Runs(api)
    api.archived = {"50": T0 + timedelta(minutes=60), "100": T0 + timedelta(minutes=10)}
    _, gone = runs.run(T0 + timedelta(minutes=61))
    assert sorted(gone) == ["100", "50"]
    assert runs.run(T0 + timedelta(minutes=120)) == ([], [])  # reported once


def test_a_listing_cut_short_reports_again_rather_than_skip() -> None:
    """Two pages of archived deals; the run stops after the first page's batch (a crash):
    the next run reports what the first page held again and the second page's deals too."""
    api = Api()
    api.list_limit = 2
    runs = Runs(api)
    api.archived = {
        "10": T0 + timedelta(minutes=50),
        "20": T0 + timedelta(minutes=55),
        "30": T0 + timedelta(minutes=5),
    }
    runs.clock = T0 + timedelta(minutes=61)
    for batch in runs.reader.pull(runs.cursor):
        if batch.deleted_deal_ids:
            runs.cursor = batch.cursor  # committed with its records, then the process dies
            break
    _, gone = runs.run(T0 + timedelta(minutes=70))
    assert "30" in gone


def test_a_deal_edited_while_the_search_pages_never_pushes_another_out() -> None:
    """400 changed deals, pages of 200. A rep edits deal 5 (already read) before page 2 is
    asked: deal 5 leaves its place, and an offset-paged read started page 2 one row late,
    skipping deal 201 for good. Keyed pages read all 400 (deal 5 again, as changed)."""
    api = Api()
    api.deals = {str(i): T0 + timedelta(seconds=i) for i in range(1, 401)}
    runs = Runs(api)
    late = T0 + timedelta(minutes=30)

    def edit(page: int) -> None:
        if page == 1:
            api.deals["5"] = late

    api.after_page = edit
    read, _ = runs.run(T0 + timedelta(minutes=31))
    assert set(read) == set(api.deals), sorted(set(api.deals) - set(read), key=int)
    assert read.count("5") == 2


def test_records_sharing_a_stamp_are_all_read_whatever_their_order() -> None:
    """450 deals edited seven to a millisecond, the search not ordering a millisecond's
    deals by id: each page's next query starts at the last stamp read, inclusive, so none
    is lost at a page boundary (a key on (stamp, id) lost those after the page's last id)."""
    api = Api()
    api.deals = {str(i): T0 + timedelta(milliseconds=i // 7) for i in range(1, 451)}
    api.ties_by_id = False
    runs = Runs(api)
    read, _ = runs.run(T0 + timedelta(minutes=31))
    assert sorted(read, key=int) == sorted(api.deals, key=int)  # each once
    assert api.pages <= 4  # 450 records, 200 a page: a boundary costs no extra page


def test_a_page_all_of_one_stamp_steps_on_by_id() -> None:
    """450 deals of one bulk edit, one millisecond: pages cannot start at a later stamp, so
    they step through it by id (the sort asked for), each deal once."""
    api = Api()
    api.deals = {str(i): T0 + timedelta(minutes=1) for i in range(1, 451)}
    runs = Runs(api)
    read, _ = runs.run(T0 + timedelta(minutes=31))
    assert sorted(read, key=int) == sorted(api.deals, key=int)
