"""A kept write-back comes back from JSON as the plan it was, and is re-stamped with ``now``."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from benchmarks._gen import deals
from nextadvance.core import decide
from nextadvance.mappings import (
    WritebackPlan,
    default_mapping_path,
    load_mapping,
    load_playbook,
    plan_from_json,
    plan_json,
    render_writeback,
    restamp,
)

NOW = datetime(2026, 11, 23, 15, 30, tzinfo=UTC)


@pytest.mark.parametrize("crm", ["salesforce", "hubspot"])
def test_rendered_plans_round_trip_through_json(crm: str) -> None:
    playbook = load_playbook()
    mapping = load_mapping(default_mapping_path(crm))
    now = NOW.astimezone(ZoneInfo("America/Los_Angeles"))
    seen_task = seen_date = False
    for deal in deals(60, seed=3, now=NOW):
        plan = render_writeback(mapping, deal, decide(deal, playbook, now), now)
        text = json.dumps(plan_json(plan))  # what the store holds: plain JSON
        back = plan_from_json(json.loads(text))
        assert back == plan
        seen_task = seen_task or plan.task is not None
        seen_date = seen_date or any(
            isinstance(v, date)
            for v in (*plan.deal_fields.values(), *(plan.task.fields.values() if plan.task else ()))
        )
    assert seen_task and seen_date  # the round trip met tasks and dated values


def test_values_keep_their_types() -> None:
    when = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    plan = WritebackPlan(
        "d1",
        "Opportunity",
        {"a": "2026-01-02", "b": date(2026, 1, 2), "c": when, "d": True, "e": None},
        None,
    )
    back = plan_from_json(json.loads(json.dumps(plan_json(plan))))
    assert back.deal_fields == plan.deal_fields
    assert [type(v) for v in back.deal_fields.values()] == [str, date, datetime, bool, type(None)]


def test_an_unknown_value_type_is_refused() -> None:
    with pytest.raises(TypeError, match="not 3"):
        plan_json(WritebackPlan("d1", "Opportunity", {"n": 3}, None))  # type: ignore[dict-item]


@pytest.mark.parametrize("crm", ["salesforce", "hubspot"])
def test_restamp_renders_last_evaluated_at_the_new_now(crm: str) -> None:
    playbook = load_playbook()
    mapping = load_mapping(default_mapping_path(crm))
    deal = next(deals(1, seed=5, now=NOW))
    plan = render_writeback(mapping, deal, decide(deal, playbook, NOW), NOW)
    later = NOW + timedelta(minutes=15)
    fresh = render_writeback(mapping, deal, decide(deal, playbook, later), later)
    stamped = restamp(plan, mapping, later)
    assert stamped == fresh
    assert mapping.writeback.deal.last_evaluated is not None
    assert stamped.deal_fields != plan.deal_fields  # the stamp moved, nothing else


def test_a_restamped_coach_keeps_the_signature_the_planner_compares() -> None:
    """``restamp`` notes the new text's signature from the kept one; it is the parsed one."""
    from nextadvance.mappings import _coach_text as ct

    playbook = load_playbook()
    mapping = load_mapping(default_mapping_path("salesforce"))
    field = mapping.writeback.deal.coach
    assert field is not None
    deal = next(deals(1, seed=8, now=NOW))
    plan = plan_from_json(
        plan_json(render_writeback(mapping, deal, decide(deal, playbook, NOW), NOW))
    )
    later = restamp(plan, mapping, NOW + timedelta(hours=2))
    text = later.deal_fields[field.field]
    assert isinstance(text, str) and '"decided_at":"2026-11-23T17:30:00Z"' in text
    noted = ct.coach_signature(text)
    ct._RECENT.clear()
    assert (
        noted == ct.coach_signature(text) == ct.coach_signature(str(plan.deal_fields[field.field]))
    )


def test_texts_differing_only_in_decided_at_share_one_signature() -> None:
    """The planner's look-up by shape: yesterday's copy of the same advice finds today's
    signature; any other difference is parsed on its own."""
    from nextadvance.mappings import _coach_text as ct

    base = '{"v":1,"stage":"Discovery","decided_at":"2026-11-23T15:30:00Z","gap":["a"]}'
    same = base.replace("15:30:00Z", "09:00:00Z")
    other = base.replace('["a"]', '["b"]')
    ct._RECENT.clear()
    first = ct.coach_signature(base)
    assert first == '{"gap":["a"],"stage":"Discovery","v":1}'
    assert ct.coach_signature(same) == first
    assert ct.coach_signature(other) == '{"gap":["b"],"stage":"Discovery","v":1}'
    assert ct._shape(base) == ct._shape(same) != ct._shape(other)
    quoted = '{"v":1,"stage":"x \\"decided_at\\":\\"y\\"","decided_at":"2026-11-23T15:30:00Z"}'
    assert ct._shape(quoted).endswith('"decided_at":""}')  # the key, not the quoted text


def test_only_a_top_level_plain_decided_at_is_left_out_of_the_shape() -> None:
    from nextadvance.mappings import _coach_text as ct

    nested = '{"v":1,"x":{"decided_at":"a"},"decided_at":"2026-11-23T15:30:00Z"}'
    assert ct._shape(nested) == nested  # a nested key first: the text is its own shape
    assert ct.coach_signature(nested) != ct.coach_signature(nested.replace('"a"', '"b"'))
    escaped = '{"v":1,"decided_at":"x\\\\","s":1}'  # a backslash in the value
    assert ct._shape(escaped) == escaped


def test_brackets_in_a_stage_title_do_not_hide_the_top_level_decided_at() -> None:
    """A playbook may title a stage "Qualification [EU]"; the title comes before
    ``decided_at`` in the payload, and a bracket inside a string opens nothing, so the kept
    text is re-stamped and shares its shape with the fresh one (it once kept the old time)."""
    from nextadvance.mappings import _coach_text as ct

    playbook = load_playbook()
    mapping = load_mapping(default_mapping_path("salesforce"))
    field = mapping.writeback.deal.coach
    assert field is not None
    titles = {s.key: f'{s.key.title()} [EU] {{x}} \\ "q"' for s in playbook.stages}
    later = NOW + timedelta(minutes=30)
    for deal in deals(20, seed=9, now=NOW):
        kept = render_writeback(mapping, deal, decide(deal, playbook, NOW), NOW, titles)
        fresh = render_writeback(mapping, deal, decide(deal, playbook, later), later, titles)
        text = kept.deal_fields[field.field]
        assert isinstance(text, str) and "[EU]" in text
        assert restamp(kept, mapping, later) == fresh
        assert ct._shape(text) == ct._shape(str(fresh.deal_fields[field.field]))
    nested = '{"v":1,"stage":"[a]","x":{"decided_at":"a"},"decided_at":"2026-11-23T15:30:00Z"}'
    assert ct._shape(nested) == nested  # a real nested key still makes the text its own shape
