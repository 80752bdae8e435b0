"""Setup planning: required fields from the shipped mappings and the Salesforce package."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from nextadvance.connectors import (
    FieldInfo,
    missing_fields,
    required_fields,
)
from nextadvance.connectors.salesforce import write_salesforce_package
from nextadvance.mappings import default_mapping_path, load_mapping

NS = {"md": "http://soap.sforce.com/2006/04/metadata"}


def test_required_fields_cover_every_enabled_output_and_the_task_key():
    """Each enabled deal output and the unique task key of the mapping is required."""
    mapping = load_mapping(default_mapping_path("salesforce"))
    specs = {(s.object, s.name): s for s in required_fields(mapping)}
    assert ("Task", "NA_Key__c") in specs and specs[("Task", "NA_Key__c")].unique
    assert ("Opportunity", "NA_Next_Advance__c") in specs
    assert specs[("Opportunity", "NA_Stalled__c")].type == "boolean"


def test_missing_fields_compares_with_describe_case_insensitively():
    """Fields present in describe (any case) are not reported missing."""
    mapping = load_mapping(default_mapping_path("hubspot"))
    required = required_fields(mapping)
    described = {"deals": [FieldInfo("NA_NEXT_ADVANCE", "x", "string", True)], "tasks": []}
    missing = {s.name for s in missing_fields(required, described)}
    assert "na_next_advance" not in missing
    assert "na_task_key" in missing


def test_salesforce_package_is_deployable_metadata(tmp_path):
    """The package lists every missing field in package.xml and declares it on its object."""
    mapping = load_mapping(default_mapping_path("salesforce"))
    files = write_salesforce_package(required_fields(mapping), tmp_path / "pkg")
    package = ET.parse(tmp_path / "pkg" / "package.xml").getroot()
    members = {m.text for m in package.findall(".//md:members", NS)}
    assert "Opportunity.NA_Next_Advance__c" in members
    assert "Activity.NA_Key__c" in members  # Task fields are declared on Activity
    activity = ET.parse(tmp_path / "pkg" / "objects" / "Activity.object").getroot()
    key = next(
        f
        for f in activity.findall("md:fields", NS)
        if f.findtext("md:fullName", namespaces=NS) == "NA_Key__c"
    )
    assert key.findtext("md:externalId", namespaces=NS) == "true"
    assert key.findtext("md:unique", namespaces=NS) == "true"
    assert len(files) == 3
