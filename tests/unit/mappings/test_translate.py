"""Translating Salesforce and HubSpot record shapes into the canonical model."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from nextadvance.core.models import ActivityKind, Outcome
from nextadvance.mappings import (
    Mapping,
    activity_deal_id,
    default_mapping_path,
    load_mapping_text,
    translate_activity,
    translate_contact,
    translate_deal,
)

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def sf_opportunity(**over: Any) -> dict[str, Any]:
    """A SOQL Opportunity record as simple-salesforce returns it."""
    record: dict[str, Any] = {
        "attributes": {
            "type": "Opportunity",
            "url": "/services/data/v59.0/sobjects/Opportunity/006A",
        },
        "Id": "006000000000001AAA",
        "Name": "Grünwald Kliniken – Pilot 東京",
        "StageName": "Needs Analysis",
        "Amount": 48000.0,
        "CloseDate": "2026-12-31",
        "CreatedDate": "2026-09-01T08:30:00.000+0000",
        "SystemModstamp": "2026-11-20T10:00:00.000+0000",
        "OwnerId": "005000000000001AAA",
        "NextStep": "Maria books the CFO demo for 3 Dec",
        "NA_Parked_Until__c": None,
        "NA_Parked_Reason__c": None,
        "Budget_Confirmed__c": True,
        "Decision_Date__c": "2027-01-15",
        "Pain__c": "  Manual rostering takes two days a week  ",
        "Account": {
            "attributes": {"type": "Account"},
            "Name": "Grünwald Kliniken GmbH",
            "Industry": "Healthcare",
            "NumberOfEmployees": 1200,
            "BillingCountry": "Germany",
        },
    }
    record.update(over)
    return record


def hs_deal(**over: Any) -> dict[str, Any]:
    """A HubSpot deal's properties (all strings) with the company's under 'company'."""
    record: dict[str, Any] = {
        "hs_object_id": "9001",
        "dealname": "Fjordline Logistikk — renewal",
        "dealstage": "presentationscheduled",
        "pipeline": "default",
        "amount": "12500.50",
        "closedate": "2026-12-15T00:00:00Z",
        "createdate": "2026-08-01T09:00:00.000Z",
        "hs_lastmodifieddate": "1795000000000",
        "hubspot_owner_id": "77",
        "hs_next_step": None,
        "budget_confirmed": "false",
        "decision_date": "1797292800000",
        "pain": "",
        "company": {
            "name": "Fjordline AS",
            "industry": "BANKING",
            "numberofemployees": "45",
            "country": "Norway",
        },
    }
    record.update(over)
    return record


def test_salesforce_opportunity_translates(sf_mapping: Mapping) -> None:
    """A full SOQL record becomes a canonical deal with stage, account and evidence."""
    result = translate_deal(sf_mapping, sf_opportunity())
    deal = result.value
    assert result.problems == () and deal is not None
    assert (deal.id, deal.system, deal.pipeline, deal.stage) == (
        "006000000000001AAA",
        "salesforce",
        "default",
        "discovery",
    )
    assert deal.name == "Grünwald Kliniken – Pilot 東京"
    assert deal.amount == 48000.0 and deal.close_date == date(2026, 12, 31)
    assert deal.created_at == datetime(2026, 9, 1, 8, 30, tzinfo=UTC)
    assert deal.account.industry == "healthcare" and deal.account.employees == 1200
    assert deal.fields == {
        "budget_confirmed": True,
        "decision_date": date(2027, 1, 15),
        "pain": "Manual rostering takes two days a week",
    }


def _with_evidence(mapping: Mapping) -> Mapping:
    """The HubSpot mapping plus the evidence properties a team typically creates."""
    text = (
        default_mapping_path("hubspot")
        .read_text()
        .replace(
            "  evidence: {}\n",
            "  evidence:\n"
            "    budget_confirmed: {field: budget_confirmed, transform: boolean}\n"
            "    decision_date: {field: decision_date, transform: date}\n"
            "    pain: {field: pain, transform: text}\n",
        )
    )
    assert text != default_mapping_path("hubspot").read_text()
    return load_mapping_text(text)


def test_hubspot_deal_translates_string_values(hs_mapping: Mapping) -> None:
    """HubSpot's string properties, epoch-ms dates and the company dict are read correctly."""
    result = translate_deal(_with_evidence(hs_mapping), hs_deal())
    deal = result.value
    assert result.problems == () and deal is not None
    assert (deal.stage, deal.amount, deal.close_date) == ("solution", 12500.5, date(2026, 12, 15))
    assert deal.modified_at == datetime.fromtimestamp(1795000000, tz=UTC)
    assert deal.fields == {"budget_confirmed": False, "decision_date": date(2026, 12, 15)}
    assert deal.account.name == "Fjordline AS" and deal.account.industry == "banking"
    assert deal.account.employees == 45 and deal.next_step is None


def test_hubspot_company_as_flat_prefixed_keys(hs_mapping: Mapping) -> None:
    """Company properties may also come as flat 'company.x' keys."""
    record = hs_deal(company=None, **{"company.name": "Flat Co", "company.numberofemployees": "7"})
    deal = translate_deal(hs_mapping, record).value
    assert deal is not None and (deal.account.name, deal.account.employees) == ("Flat Co", 7)


def test_null_and_missing_values_leave_fields_empty(sf_mapping: Mapping) -> None:
    """None values, a null Account and absent keys give empty canonical fields, no problems."""
    record = sf_opportunity(Amount=None, CloseDate=None, Account=None, Pain__c=None, NextStep="  ")
    del record["Budget_Confirmed__c"]
    result = translate_deal(sf_mapping, record)
    deal = result.value
    assert result.problems == () and deal is not None
    assert deal.amount is None and deal.close_date is None and deal.next_step is None
    assert deal.account.name == "" and deal.account.industry is None
    assert deal.fields == {"decision_date": date(2027, 1, 15)}


def test_unmapped_stage_skips_the_record_with_a_problem(sf_mapping: Mapping) -> None:
    """A stage the mapping does not know skips that record and names record, field and value."""
    result = translate_deal(sf_mapping, sf_opportunity(StageName="Pilot Running"))
    assert result.value is None and not result.ok
    (problem,) = result.problems
    assert problem.skipped and problem.field == "StageName"
    assert str(problem) == (
        "Opportunity 006000000000001AAA field StageName: stage 'Pilot Running' of pipeline "
        "'default' is not mapped in salesforce.yaml; add it under pipelines.default.stages "
        "(record skipped)"
    )


def test_stage_match_ignores_case_and_spacing(sf_mapping: Mapping) -> None:
    """'closed   won' finds the 'Closed Won' entry."""
    deal = translate_deal(sf_mapping, sf_opportunity(StageName="closed   won")).value
    assert deal is not None and deal.stage == "closed_won"


def test_unmapped_pipeline_skips_the_record(hs_mapping: Mapping) -> None:
    """A deal in a pipeline the mapping lacks is skipped with the pipeline named."""
    result = translate_deal(hs_mapping, hs_deal(pipeline="7654321", dealstage="7654322"))
    assert result.value is None
    assert "pipeline '7654321' is not mapped in" in result.problems[0].message


def test_bad_values_are_per_record_problems(sf_mapping: Mapping) -> None:
    """Unreadable dates and numbers are reported by record and field; the deal still comes out."""
    record = sf_opportunity(CloseDate="31/12/2026", Amount="lots", Decision_Date__c="soon")
    record["Account"]["NumberOfEmployees"] = "many"
    result = translate_deal(sf_mapping, record)
    assert result.value is not None
    assert result.value.close_date is None and "decision_date" not in result.value.fields
    assert {p.field for p in result.problems} == {
        "CloseDate",
        "Amount",
        "Decision_Date__c",
        "Account.NumberOfEmployees",
    }
    assert all(p.record_id == "006000000000001AAA" and not p.skipped for p in result.problems)


def test_bad_created_date_or_missing_id_skips(sf_mapping: Mapping) -> None:
    """A deal without a readable created date or without an id cannot be used."""
    bad_created = translate_deal(sf_mapping, sf_opportunity(CreatedDate="yesterday"))
    assert bad_created.value is None and bad_created.problems[0].skipped
    no_id = translate_deal(sf_mapping, sf_opportunity(Id=None))
    assert no_id.value is None and "no id" in no_id.problems[0].message


def test_contacts_are_passed_through(sf_mapping: Mapping) -> None:
    """Contacts translated separately are attached to the deal."""
    contact = translate_contact(
        sf_mapping,
        {
            "ContactId": "003A",
            "Role": "Economic Decision Maker",
            "Contact": {"Name": "Åsa Lindqvist", "Title": "CFO"},
        },
    ).value
    assert contact is not None and contact.role == "economic_buyer"
    deal = translate_deal(sf_mapping, sf_opportunity(), contacts=[contact]).value
    assert deal is not None and deal.contacts == (contact,)


def test_salesforce_contact_roles(sf_mapping: Mapping) -> None:
    """OpportunityContactRole values map to canonical roles; blank roles get the default."""

    def role(value: Any) -> str | None:
        c = translate_contact(
            sf_mapping, {"ContactId": "003B", "Role": value, "Contact": None}
        ).value
        assert c is not None
        return c.role

    assert role("Decision Maker") == "decision_maker"
    assert role("Business User") == "user"
    assert role("Technical Buyer") == "technical_buyer"
    assert role(None) == "other"
    assert role("Chief Wizard") == "other"


def test_hubspot_contact_roles_from_association_labels(hs_mapping: Mapping) -> None:
    """The first mapped association label is the role; the name joins first and last name."""
    contact = translate_contact(
        hs_mapping,
        {
            "hs_object_id": "55",
            "firstname": "Zoë",
            "lastname": "Okafor",
            "jobtitle": None,
            "association_labels": ["Unrelated", "Technical Buyer"],
        },
    ).value
    assert contact is not None
    assert (contact.id, contact.name, contact.role) == ("55", "Zoë Okafor", "technical_buyer")


def test_salesforce_task_kinds_and_outcomes(sf_mapping: Mapping) -> None:
    """Task subtype, call disposition and status decide kind and outcome."""
    call = translate_activity(
        sf_mapping,
        "Task",
        {
            "Id": "00T1",
            "ActivityDate": "2026-11-02",
            "TaskSubtype": "Call",
            "CallDisposition": "left voicemail",
            "Status": "Completed",
            "WhoId": "003A",
            "WhatId": "006A",
            "CallType": "Outbound",
            "Subject": "Call",
        },
    )
    assert call.value is not None
    assert (call.value.kind, call.value.outcome) == (ActivityKind.call, Outcome.no_show)
    assert call.value.direction == "outbound" and call.value.contact_ids == ("003A",)
    assert activity_deal_id(sf_mapping, "Task", {"WhatId": "006A"}) == "006A"
    email = translate_activity(
        sf_mapping,
        "Task",
        {
            "Id": "00T2",
            "ActivityDate": None,
            "CreatedDate": "2026-11-01T10:00:00.000+0000",
            "TaskSubtype": "Email",
            "Status": "Completed",
        },
    ).value
    assert email is not None and (email.kind, email.outcome) == (
        ActivityKind.email,
        Outcome.completed,
    )
    assert email.at == datetime(2026, 11, 1, 10, tzinfo=UTC)
    todo = translate_activity(
        sf_mapping, "Task", {"Id": "00T3", "ActivityDate": "2026-12-01", "Status": "Not Started"}
    ).value
    assert todo is not None and (todo.kind, todo.outcome) == (ActivityKind.task, Outcome.scheduled)


def test_salesforce_event_outcome_depends_on_time(sf_mapping: Mapping) -> None:
    """Events ahead of now are scheduled; past events without an outcome field are unknown."""
    ahead = translate_activity(
        sf_mapping,
        "Event",
        {"Id": "00U1", "StartDateTime": "2026-12-01T10:00:00.000+0000"},
        now=NOW,
    )
    past = translate_activity(
        sf_mapping,
        "Event",
        {"Id": "00U2", "StartDateTime": "2026-11-01T10:00:00.000+0000"},
        now=NOW,
    )
    assert ahead.value is not None and ahead.value.outcome == Outcome.scheduled
    assert past.value is not None and past.value.kind == ActivityKind.meeting
    assert past.value.outcome == Outcome.unknown


def test_an_event_in_a_zone_is_ahead_or_past_by_its_instant(sf_mapping: Mapping) -> None:
    """A record handed in as zoned datetimes (an API caller's, not a CRM's text): 01:40 EDT
    (05:40 UTC) is past at 01:10 EST (06:10 UTC), though its wall clock reads later."""
    ny = ZoneInfo("America/New_York")
    now = datetime(2026, 11, 1, 1, 10, fold=1, tzinfo=ny)
    start = datetime(2026, 11, 1, 1, 40, tzinfo=ny)
    event = translate_activity(sf_mapping, "Event", {"Id": "00U3", "StartDateTime": start}, now=now)
    assert event.value is not None and event.value.outcome == Outcome.unknown  # held, not ahead
    at = event.value.at  # (an ambiguous time never compares == across zones: PEP 495)
    assert at.astimezone(UTC) == start.astimezone(UTC) and at.utcoffset() == timedelta(hours=-4)


def test_hubspot_engagements(hs_mapping: Mapping) -> None:
    """Calls, meetings, emails, notes and tasks map to canonical kinds and outcomes."""

    def one(obj: str, props: dict[str, Any]) -> Any:
        result = translate_activity(
            hs_mapping, obj, {"hs_object_id": "1", **props}, contact_ids=["55"], now=NOW
        )
        assert result.value is not None, result.problems
        return result.value

    call = one(
        "calls",
        {
            "hs_timestamp": "1795000000000",
            "hs_call_disposition": "f240bbac-87c9-4f6e-bf70-924b57d47db7",
            "hs_call_direction": "INBOUND",
        },
    )
    assert (call.kind, call.outcome, call.direction, call.contact_ids) == (
        ActivityKind.call,
        Outcome.completed,
        "inbound",
        ("55",),
    )
    assert (
        one(
            "calls", {"hs_timestamp": "2026-11-01T10:00:00Z", "hs_call_status": "NO_ANSWER"}
        ).outcome
        == Outcome.no_show
    )
    meeting = one(
        "meetings",
        {"hs_meeting_start_time": "2026-11-20T10:00:00Z", "hs_meeting_outcome": "NO_SHOW"},
    )
    assert (meeting.kind, meeting.outcome) == (ActivityKind.meeting, Outcome.no_show)
    future = one("meetings", {"hs_timestamp": "2026-12-20T10:00:00Z", "hs_meeting_outcome": None})
    assert future.outcome == Outcome.scheduled
    email = one(
        "emails", {"hs_timestamp": "2026-11-01T10:00:00Z", "hs_email_direction": "INCOMING_EMAIL"}
    )
    assert (email.kind, email.outcome, email.direction) == (
        ActivityKind.email,
        Outcome.completed,
        "inbound",
    )
    note = one(
        "notes", {"hs_createdate": "2026-11-01T10:00:00Z", "hs_note_body": "Budget is ~€40k ✔"}
    )
    assert (note.kind, note.body) == (ActivityKind.note, "Budget is ~€40k ✔")
    task = one(
        "tasks",
        {
            "hs_timestamp": "2026-11-01T10:00:00Z",
            "hs_task_type": "CALL",
            "hs_task_status": "COMPLETED",
        },
    )
    assert (task.kind, task.outcome) == (ActivityKind.call, Outcome.completed)


def test_activity_without_timestamp_is_skipped(hs_mapping: Mapping) -> None:
    """An engagement with no readable timestamp is skipped with a problem naming the fields."""
    result = translate_activity(
        hs_mapping, "notes", {"hs_object_id": "8", "hs_timestamp": "not a date"}
    )
    assert result.value is None
    assert {p.field for p in result.problems} == {"hs_timestamp", "hs_timestamp, hs_createdate"}
    assert result.problems[-1].skipped


def test_read_plans_cover_exactly_the_mapped_fields(
    sf_mapping: Mapping, hs_mapping: Mapping
) -> None:
    """Read plans list what the mapping reads, once each, and nothing the mapping ignores."""
    sf = sf_mapping.deal_read_fields(include_account=True)
    assert sf[:3] == ("Id", "StageName", "CreatedDate")
    assert "Account.Industry" in sf and "Budget_Confirmed__c" in sf and len(sf) == len(set(sf))
    assert "Account.Industry" not in sf_mapping.deal_read_fields()
    assert sf_mapping.account_read_fields() == (
        "Name",
        "Industry",
        "NumberOfEmployees",
    )
    assert sf_mapping.contact_read_fields() == (
        "ContactId",
        "Contact.Name",
        "Contact.Title",
        "Role",
    )
    assert set(hs_mapping.activity_object_types()) == {
        "calls",
        "meetings",
        "emails",
        "notes",
        "tasks",
    }
    assert hs_mapping.activity_read_fields("meetings") == (
        "hs_object_id",
        "hs_meeting_start_time",
        "hs_timestamp",
        "hs_createdate",
        "hs_meeting_title",
        "hs_meeting_body",
        "hubspot_owner_id",
        "hs_meeting_outcome",
    )


def test_salesforce_event_outcome_field_wins(sf_mapping: Mapping) -> None:
    """An Event with the Outcome__c picklist set takes its outcome from it, even in the future."""
    record = {
        "Id": "00U3",
        "StartDateTime": "2026-12-01T10:00:00.000+0000",
        "Outcome__c": "No Show",
    }
    result = translate_activity(sf_mapping, "Event", record, now=NOW)
    assert result.value is not None and result.value.outcome == Outcome.no_show
