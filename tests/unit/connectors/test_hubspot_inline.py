"""Inline HubSpot association lists become v4-shaped targets; short lists go to v4."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from nextadvance.connectors.hubspot._api import HubSpotApi
from nextadvance.connectors.hubspot._inline import LinkReader, inline_rows


class _Api:
    """Records the v4 reads and label-definition reads a LinkReader makes."""

    def __init__(self) -> None:
        self.v4: list[tuple[str, str, list[str]]] = []
        self.label_reads = 0

    def associations(
        self, from_obj: str, to_obj: str, ids: Sequence[str]
    ) -> dict[str, list[dict[str, Any]]]:
        self.v4.append((from_obj, to_obj, list(ids)))
        return {i: [{"toObjectId": "v4", "associationTypes": []}] for i in ids}

    def association_labels(self, from_obj: str, to_obj: str) -> dict[str, str | None]:
        self.label_reads += 1
        return {"deal_to_contact": None, "decision_maker": "Decision Maker"}


def _deal(rid: str, contacts: list[tuple[str, str]], cut: bool = False) -> dict[str, Any]:
    member: dict[str, Any] = {"results": [{"id": c, "type": t} for c, t in contacts]}
    if cut:
        member["paging"] = {"next": {"after": contacts[-1][0], "link": "?after=x"}}
    return {"id": rid, "associations": {"contacts": member}}


def test_inline_rows_absent_is_empty_and_paging_is_cut_off() -> None:
    """No member means no links; a member with ``paging.next`` is incomplete."""
    assert inline_rows({"id": "1"}, "contacts") == []
    assert inline_rows(_deal("1", [("5", "deal_to_contact")], cut=True), "contacts") is None


def test_labels_resolved_once_per_pull_and_grouped_per_target() -> None:
    """Rows of one contact merge into one target; label names are read once, then reused."""
    api = _Api()
    reader = LinkReader(cast(HubSpotApi, api))
    rows = [
        _deal("1", [("5", "deal_to_contact"), ("5", "decision_maker"), ("6", "deal_to_contact")]),
        _deal("2", [("7", "deal_to_contact"), ("7", "decision_maker")]),
    ]
    got = reader.links("deals", "contacts", rows, inline=True, labels=True)
    assert got["1"] == [
        {
            "toObjectId": "5",
            "associationTypes": [
                {"typeId": 3, "label": None},
                {"typeId": None, "label": "Decision Maker"},
            ],
        },
        {"toObjectId": "6", "associationTypes": [{"typeId": 3, "label": None}]},
    ]
    assert [t["toObjectId"] for t in got["2"]] == ["7"]
    assert api.label_reads == 1 and api.v4 == []
    reader.reset()
    reader.links("deals", "contacts", rows[1:], inline=True, labels=True)
    assert api.label_reads == 2


def test_unlabelled_lists_need_no_label_definitions() -> None:
    """Only a custom label name triggers the definition reads."""
    api = _Api()
    got = LinkReader(cast(HubSpotApi, api)).links(
        "deals", "contacts", [_deal("1", [("5", "deal_to_contact")])], inline=True, labels=True
    )
    assert got["1"][0]["toObjectId"] == "5" and api.label_reads == 0


def test_cut_off_and_unknown_labels_read_with_v4_only_for_those_records() -> None:
    """One v4 read covers exactly the records inline could not answer."""
    api = _Api()
    reader = LinkReader(cast(HubSpotApi, api))
    rows = [
        _deal("1", [("5", "deal_to_contact")]),
        _deal("2", [("6", "deal_to_contact")], cut=True),
        _deal("3", [("7", "renamed_role")]),
    ]
    got = reader.links("deals", "contacts", rows, inline=True, labels=True)
    assert api.v4 == [("deals", "contacts", ["2", "3"])]
    assert got["1"][0]["toObjectId"] == "5"
    assert got["2"][0]["toObjectId"] == "v4" and got["3"][0]["toObjectId"] == "v4"
    assert reader.fallbacks == 2


def test_not_inline_reads_every_record_with_v4() -> None:
    """Search pages carry no associations: all their records go to one v4 read."""
    api = _Api()
    LinkReader(cast(HubSpotApi, api)).links(
        "calls", "deals", [{"id": "1"}, {"id": "2"}], inline=False
    )
    assert api.v4 == [("calls", "deals", ["1", "2"])]


def test_target_ids_are_the_links_targets_in_order() -> None:
    """``target_ids`` gives what ``links`` gives, cut to ids: inline ones grouped in order,
    cut-off ones (and a non-inline read) from v4, each read once."""
    rows = [
        _deal("1", [("5", "deal_to_contact"), ("6", "x"), ("5", "decision_maker")]),
        _deal("2", [("7", "deal_to_contact")], cut=True),
        {"id": "3"},
    ]
    api = _Api()
    got = LinkReader(cast(HubSpotApi, api)).target_ids("deals", "contacts", rows, inline=True)
    assert got == {"1": ("5", "6"), "2": ("v4",), "3": ()}
    assert api.v4 == [("deals", "contacts", ["2"])]
    api = _Api()
    got = LinkReader(cast(HubSpotApi, api)).target_ids("deals", "contacts", rows, inline=False)
    assert got == {"1": ("v4",), "2": ("v4",), "3": ("v4",)}
    assert api.v4 == [("deals", "contacts", ["1", "2", "3"])]
