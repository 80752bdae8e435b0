"""The messy HubSpot portal (``org="messy"``) through the real hubspot-api-client.

Each shape a real portal has is checked the way a client sees it: further pipelines and a
renamed stage, archived owners only with ``archived=true`` (and refused as record owners),
custom deal properties, engagements associated with several deals, HTML note bodies.
The stock world of the same seed is unchanged by the option.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC
from typing import Any

import pytest
from hubspot.crm.objects.tasks import SimplePublicObjectInputForCreate

from nextadvance.sandbox import Sandbox
from nextadvance.sandbox._generator import generate
from nextadvance.sandbox._messy import BUSY_DEAL_ACTIVITIES, LONG_NOTE_CHARS
from tests.conftest import hubspot_client


@pytest.fixture(scope="module")
def messy() -> Iterator[Sandbox]:
    """One messy HubSpot portal for the module (read-only tests first, the write last)."""
    with Sandbox(crm="hubspot", deals=40, seed=5, org="messy") as sb:
        yield sb


def test_stock_world_is_unchanged_and_messy_is_deterministic() -> None:
    """org=messy leaves the stock world of a seed alone; the same seed gives the same mess."""
    stock, again = generate(40, seed=5), generate(40, seed=5, org="stock")
    assert [(a.key, a.body, a.at) for a in stock.activities] == [
        (a.key, a.body, a.at) for a in again.activities
    ]
    one, two = generate(40, seed=5, org="messy"), generate(40, seed=5, org="messy")
    assert [(a.key, a.body, a.at) for a in one.activities] == [
        (a.key, a.body, a.at) for a in two.activities
    ]
    assert one.shared_activities == two.shared_activities and one.inactive_owners
    assert len(one.activities) >= len(stock.activities) + BUSY_DEAL_ACTIVITIES
    with pytest.raises(ValueError, match="org must be"):
        generate(5, seed=1, org="tidy")


def test_pipelines_with_their_own_stages_and_a_renamed_stage(messy: Sandbox) -> None:
    """Four deal pipelines; the renewals pipeline shows the stage's new label."""
    client = hubspot_client(messy)
    pipes = {p.id: p for p in client.crm.pipelines.pipelines_api.get_all("deals").results}
    assert set(pipes) == {"default", "7654321", "8800001", "8800101"}
    labels = {s.id: s.label for s in pipes["8800001"].stages}
    assert labels["8800004"] == "Renewal Quote Out"
    deals = client.crm.deals.get_all(properties=["pipeline", "dealstage"])
    assert {d.properties["pipeline"] for d in deals} == set(pipes)


def test_archived_owner_listed_only_with_archived_true(messy: Sandbox) -> None:
    """GET /crm/v3/owners lists active owners; archived=true the deactivated one."""
    client = hubspot_client(messy)
    active = client.crm.owners.owners_api.get_page(limit=500).results
    gone = client.crm.owners.owners_api.get_page(limit=500, archived=True).results
    assert len(gone) == 1 and gone[0].archived is True
    assert gone[0].id not in {o.id for o in active}
    owned = client.crm.deals.get_all(properties=["hubspot_owner_id"])
    assert any(d.properties.get("hubspot_owner_id") == gone[0].id for d in owned)


def test_custom_deal_properties(messy: Sandbox) -> None:
    """A custom group with budget, decision date, pain and competitor; values on deals."""
    client = hubspot_client(messy)
    props = {p.name: p for p in client.crm.properties.core_api.get_all("deals").results}
    for name in ("budget_confirmed", "decision_date", "pain", "competitor"):
        assert props[name].group_name == "deal_qualification"
        assert props[name].hubspot_defined is False
    deals = client.crm.deals.get_all(properties=["pain", "budget_confirmed"])
    assert any(d.properties.get("pain") for d in deals)
    assert {d.properties.get("budget_confirmed") for d in deals} >= {"true", "false"}


def _notes(client: Any) -> list[Any]:
    out: list[Any] = []
    after = None
    while True:
        page = client.crm.objects.notes.basic_api.get_page(
            limit=100, after=after, properties=["hs_note_body"]
        )
        out.extend(page.results)
        if page.paging is None or page.paging.next is None:
            return out
        after = page.paging.next.after


def _note_deals(client: Any) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    notes = _notes(client)
    ids = [n.id for n in notes]
    for start in range(0, len(ids), 100):
        page = client.crm.associations.v4.batch_api.get_page(
            "notes", "deals", {"inputs": [{"id": i} for i in ids[start : start + 100]]}
        )
        for row in page.results:
            out[row._from.id] = [str(t.to_object_id) for t in row.to]
    return out


def test_engagements_on_several_deals_and_html_bodies(messy: Sandbox) -> None:
    """Some notes are associated with two or more deals; bodies are HTML, one very long."""
    client = hubspot_client(messy)
    links = _note_deals(client)
    assert any(len(deals) > 1 for deals in links.values())
    bodies = [n.properties.get("hs_note_body") or "" for n in _notes(client)]
    assert any(b.startswith("<div") and "</p>" in b for b in bodies)
    assert max(len(b) for b in bodies) > LONG_NOTE_CHARS - 200


def test_task_for_archived_owner_is_refused(messy: Sandbox) -> None:
    """An archived owner is no longer an option of hubspot_owner_id (400 VALIDATION_ERROR)."""
    client = hubspot_client(messy)
    gone = client.crm.owners.owners_api.get_page(archived=True).results[0].id
    body = SimplePublicObjectInputForCreate(
        properties={
            "hs_task_subject": "Call back",
            "hs_timestamp": "2026-11-20T10:00:00Z",
            "hubspot_owner_id": gone,
        }
    )
    with pytest.raises(Exception) as caught:
        client.crm.objects.tasks.basic_api.create(body)
    assert getattr(caught.value, "status", None) == 400
    assert f"{gone} was not one of the allowed options" in str(caught.value.body)  # type: ignore[attr-defined]


def test_messy_org_from_the_cli_option(sandbox_factory: Callable[..., Sandbox]) -> None:
    """Sandbox(org=...) rejects an unknown org; stats name a messy one."""
    with pytest.raises(ValueError, match="org must be"):
        Sandbox(crm="hubspot", org="tidy")
    sb = sandbox_factory(crm="hubspot", deals=10, org="messy")
    assert sb.stats()["org"] == "messy"


def test_meetings_in_reps_time_zones_are_stored_as_utc_instants(messy: Sandbox) -> None:
    """Meetings booked at 08:30 in Sydney or Auckland fall on the previous UTC day; the
    portal stores the instant, which the client reads back unchanged."""
    world = generate(40, seed=5, org="messy")
    early = [
        a
        for a in world.activities
        if a.kind == "meeting"
        and a.at.tzinfo is not None
        and a.at.utcoffset().total_seconds() > 0  # type: ignore[union-attr]
        and (a.at.hour, a.at.minute) == (8, 30)
    ]
    assert early and any(a.at.date() != a.at.astimezone(UTC).date() for a in early)
    client = hubspot_client(messy)
    starts = set()
    after = None
    while True:
        page = client.crm.objects.meetings.basic_api.get_page(
            limit=100, after=after, properties=["hs_meeting_start_time"]
        )
        starts.update(m.properties["hs_meeting_start_time"] for m in page.results)
        if page.paging is None or page.paging.next is None:
            break
        after = page.paging.next.after
    wanted = early[0].at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")
    assert any(s and s.startswith(wanted) for s in starts)
