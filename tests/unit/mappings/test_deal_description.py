"""Item 1b, mapping side: the shipped mappings read the deal's description (Salesforce
``Description``, HubSpot ``description``) in the same deal query, ``mappings init`` keeps it
when the org lets us read it, and the card quotes it without a date."""

from __future__ import annotations

from datetime import UTC, datetime

from nextadvance.connectors import FieldInfo, StageInfo
from nextadvance.core import decide
from nextadvance.core.models import Deal
from nextadvance.mappings import Mapping, load_mapping_text, load_playbook, translate_deal
from nextadvance.mappings._coach import build_coach, evidence_line
from nextadvance.mappings._scaffold import scaffold_mapping

from .test_translate import hs_deal, sf_opportunity

_PAIN = "Pain: field teams double-key orders."


def test_shipped_mappings_read_the_description(sf_mapping: Mapping, hs_mapping: Mapping) -> None:
    assert "Description" in sf_mapping.deal_read_fields(include_account=True)
    assert "description" in hs_mapping.deal_read_fields()
    sf = translate_deal(sf_mapping, sf_opportunity(Description=f"  {_PAIN}  ")).value
    hs = translate_deal(hs_mapping, hs_deal(description=_PAIN)).value
    assert sf is not None and hs is not None
    assert sf.description == _PAIN and hs.description == _PAIN
    blank = translate_deal(hs_mapping, hs_deal(description="")).value
    assert blank is not None and blank.description is None


def test_card_quotes_the_description_undated() -> None:
    deal = Deal.model_validate(
        {
            "id": "D",
            "stage": "qualification",
            "created_at": "2026-11-01T09:00:00Z",
            "modified_at": "2026-12-05T09:00:00Z",
            "description": f"Met the ops lead. {_PAIN}\nNo budget allocated",
        }
    )
    decision = decide(deal, load_playbook(), datetime(2026, 12, 7, tzinfo=UTC))
    card = {o["title"]: o for o in build_coach(decision)["objectives"]}
    pain = card["Pain or goal stated in the client's words"]
    assert pain["status"] == "learned"
    assert pain["evidence"] == f"In the deal description: “{_PAIN}”"
    # the modification date moves with our own writes: a dated card would be rewritten
    # on every sync (echo loop), so description evidence carries no date
    assert pain["on"] is None
    budget = card["Budget exists or a path to it is known"]
    assert budget["status"] == "learned_negative"
    assert budget["evidence"] == "In the deal description: “No budget allocated”"


def test_evidence_line_of_a_description_with_quotes_inside() -> None:
    detail = "'pain' in the deal description of 2026-12-05: 'Pain: the team's 'manual' step.'"
    assert evidence_line(detail) == "In the deal description: “Pain: the team's 'manual' step.”"


def _stages() -> list[StageInfo]:
    return [
        StageInfo(pipeline="p1", id="new", label="New", order=0),
        StageInfo(pipeline="p1", id="won", label="Won", order=1, is_closed=True, is_won=True),
    ]


def test_init_keeps_the_description_the_org_lets_us_read() -> None:
    for crm, obj, field in (
        ("salesforce", "Opportunity", "Description"),
        ("hubspot", "deals", "description"),
    ):
        readable = {
            obj: [FieldInfo(name=field, label="Description", type="textarea", writable=True)]
        }
        text = scaffold_mapping(crm, _stages(), readable)
        assert load_mapping_text(text).deal.fields.description == field, crm
        other = {obj: [FieldInfo(name="Amount", label="Amount", type="currency", writable=True)]}
        hidden = scaffold_mapping(crm, _stages(), other)
        assert load_mapping_text(hidden).deal.fields.description is None, crm
        assert f"# description: {field}" in hidden, crm
