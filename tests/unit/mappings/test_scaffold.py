"""Proposing canonical stage keys for a CRM's stages (``mappings init``)."""

from __future__ import annotations

from nextadvance.connectors import FieldInfo, StageInfo
from nextadvance.mappings import load_mapping_text
from nextadvance.mappings._scaffold import propose_stage_keys, scaffold_mapping


def _stage(sid: str, label: str, order: int, closed: bool = False, won: bool = False) -> StageInfo:
    return StageInfo(pipeline="p1", id=sid, label=label, order=order, is_closed=closed, is_won=won)


def test_names_win_then_position_spreads_the_rest() -> None:
    """Stage names with a telling word get that key; the others spread first-to-last open key."""
    stages = [
        _stage("s1", "Intro call", 0),
        _stage("s2", "Qualified", 1),
        _stage("s3", "Workshop", 2),
        _stage("s4", "Business case", 3),
        _stage("s5", "Final review", 4),
        _stage("s6", "Signed", 5, closed=True, won=True),
        _stage("s7", "Dropped", 6, closed=True),
    ]
    assert propose_stage_keys(stages) == {
        "s1": "prospecting",
        "s2": "qualification",
        "s3": "discovery",
        "s4": "proposal",
        "s5": "negotiation",
        "s6": "closed_won",
        "s7": "closed_lost",
    }


def test_scaffold_loads_and_lists_fields_to_create() -> None:
    """A scaffold from bare metadata loads and names our write-back fields still missing."""
    stages = [_stage("new", "New", 0), _stage("won", "Won", 1, closed=True, won=True)]
    fields = {
        "deals": [FieldInfo(name="pain_points", label="Pain", type="string", writable=True)],
        "tasks": [
            FieldInfo(name="na_task_key", label="Key", type="string", writable=True, unique=True)
        ],
    }
    text = scaffold_mapping("hubspot", stages, fields)
    mapping = load_mapping_text(text)
    assert mapping.pipelines["p1"].stages == {"new": "prospecting", "won": "closed_won"}
    assert "deals.na_next_advance" in text and "tasks.na_task_key" not in text
    assert mapping.deal.evidence == {}


def test_a_multi_currency_org_gets_its_currency_field_mapped_once() -> None:
    """Either CRM's currency field is mapped right after amount, once, and the mapping loads."""
    stages = [_stage("new", "New", 0), _stage("won", "Won", 1, closed=True, won=True)]
    for crm, deal_object, field in (
        ("hubspot", "deals", "deal_currency_code"),
        ("salesforce", "Opportunity", "CurrencyIsoCode"),
    ):
        fields = {
            deal_object: [FieldInfo(name=field, label="Currency", type="string", writable=True)]
        }
        text = scaffold_mapping(crm, stages, fields)
        assert text.count(f"currency: {field}") == 1, crm
        assert load_mapping_text(text).deal.fields.currency == field, crm
        without = scaffold_mapping(crm, stages, {deal_object: []})
        assert "currency:" not in without, crm
