"""``nextadvance sync`` against the messy Salesforce org, through simple-salesforce (issue #22).

The messy org (``Sandbox(org="messy")``) has what long-lived orgs have: record types with their
own sales processes and custom stage names, a relabelled stage, multi-currency, Person
Accounts, Shared Activities, Enhanced Email, Lightning notes with HTML, a field hidden by
field-level security, a reopened deal, very long text and a deal with thousands of tasks.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from nextadvance.mappings import default_mapping_path
from nextadvance.sync import cli


def _cli(world: Any, *args: str) -> Any:
    result = CliRunner().invoke(cli.app, [*args, "--config", str(world.config)], env=world.env)
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result


def _use_mapping(world: Any, mapping: Path) -> None:
    text = world.config.read_text(encoding="utf-8")
    world.config.write_text(text + f"    mapping: {mapping}\n", encoding="utf-8")


def test_default_mapping_names_the_field_security_hides(make_world: Any) -> None:
    """The shipped mapping reads Pain__c, which FLS hides: the run fails naming the mapping
    key, the field and the permission to grant."""
    world = make_world("salesforce", deals=30, org="messy")
    code, report = world.sync()
    assert code == 4 and report["status"] == "failed"
    message = " ".join(report["message"].split())
    assert "salesforce.yaml:" in message and "deal.evidence.pain.field" in message
    assert "field-level security" in message
    assert "Read access to Opportunity.Pain__c" in message
    assert "Set Field-Level Security" in message


def test_init_scaffolds_the_messy_org_and_it_syncs_with_nothing_dropped(
    make_world: Any, tmp_path: Path
) -> None:
    """``mappings init`` finds the record types, currencies, Shared Activities and notes;
    with that mapping the org syncs ``ok`` and every activity is pulled.  Then a closed-lost
    deal moved back to an open stage is decided and gets a task again (one messy world for
    both: a full sync of it is among the slowest steps of the suite)."""
    world = make_world("salesforce", deals=60, org="messy")
    mapping = tmp_path / "messy.yaml"
    result = _cli(world, "mappings", "init", "-C", "salesforce", "-o", str(mapping))
    assert result.exit_code == 0, result.output
    text = mapping.read_text(encoding="utf-8")
    assert "pipeline: RecordType.DeveloperName" in text
    assert "  New_Business:" in text and "  Renewal:" in text
    assert "Renewal Negotiation:" in text and "# Discovery Call" in text
    assert "currency: CurrencyIsoCode" in text
    assert "contacts: [WhoId, TaskRelation.RelationId]" in text
    assert "deal: ContentDocumentLink.LinkedEntityId" in text
    assert "Pain__c" not in text  # hidden by field-level security: not scaffolded
    _use_mapping(world, mapping)
    result = _cli(world, "mappings", "validate", str(mapping), "--live", "-C", "salesforce")
    assert result.exit_code == 0, result.output

    snap = world.sb.snapshot()["salesforce"]
    code, report = world.sync()
    assert code == 0, report
    assert report["status"] == "ok", report
    opps = [o for o in snap["Opportunity"] if not o.get("IsDeleted")]
    assert report["deals"]["pulled"] == len(opps)
    assert report["deals"]["unmapped"] == 0 and report["unmapped"] == []
    open_deals = sum(1 for o in opps if not o["IsClosed"])
    assert report["deals"]["open"] == open_deals
    assert report["deals"]["decided"] + report["deals"]["parked"] == open_deals
    # every Task/Event on a deal and every note linked to one is pulled, each once
    on_deals = sum(
        1 for t in snap["Task"] + snap["Event"] if str(t.get("WhatId") or "").startswith("006")
    )
    notes = {link["ContentDocumentId"] for link in snap["ContentDocumentLink"]}
    assert report["activities_pulled"] == on_deals + len(notes)
    assert report["problems"] == []

    lost = [o["Id"] for o in opps if o["StageName"] == "Closed Lost"]
    assert lost and not world.state()[lost[0]]["tasks"]
    world.edit_deal(lost[0], {"StageName": "Negotiation/Review"})
    code, second = world.sync()
    assert code == 0 and second["status"] == "ok", second
    assert second["deals"]["open"] == report["deals"]["open"] + 1
    after = world.state()[lost[0]]
    assert after["open"] and [t for t in after["tasks"] if not t["completed"]]


def test_validate_live_flags_what_the_stock_mapping_leaves_out(make_world: Any) -> None:
    """The shipped mapping against the messy org: the hidden field is an error, the record
    types (pipelines) it does not map are flagged, each with the mapping file and key."""
    world = make_world("salesforce", deals=10, org="messy")
    shipped = str(default_mapping_path("salesforce"))
    result = _cli(world, "mappings", "validate", shipped, "--live", "-C", "salesforce")
    out = " ".join(result.output.split())
    assert result.exit_code != 0
    assert "deal.evidence.pain.field: unknown CRM field 'Pain__c' on Opportunity" in out
    assert "pipeline 'default' does not exist in the CRM" in out
    assert "CRM pipeline 'New_Business' is not mapped" in out
    assert "CRM pipeline 'Renewal' is not mapped" in out
