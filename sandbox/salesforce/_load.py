"""Projection of the neutral generated world into Salesforce records.

Deals become Opportunities (the neutral stage spread over the org's eight open stages),
companies Accounts, people Contacts and OpportunityContactRoles, calls/emails/notes/tasks
become Tasks (``TaskSubtype`` Call/Email/Task) and meetings Events (outcome in the custom
``Outcome__c`` picklist, as orgs commonly add one; no outcome logged = null).
"""

from __future__ import annotations

import zlib
from datetime import datetime
from typing import Any

from .._world import NEUTRAL_OPEN_STAGES, World
from ._schema import STAGES, SObject
from ._store import Store, make_id

__all__ = ["INTEGRATION_USER", "load_world"]

#: the API user the sandbox's credentials log in as (first User id)
INTEGRATION_USER = make_id("005", 1)

# neutral open stage -> candidate Salesforce stage indexes (spread by a hash of the deal key)
_SPREAD = ((0,), (1, 2), (3, 4), (5, 6), (7,))
_OUTCOME = {
    "completed": "Completed",
    "no_show": "No Show",
    "canceled": "Canceled",
    "rescheduled": "Rescheduled",
}
_DISPOSITION = {
    "connected": "Connected",
    "no_answer": "No Answer",
    "left_voicemail": "Left Voicemail",
    "busy": "Busy",
}


def _ms(at: datetime) -> int:
    return int(at.timestamp() * 1000)


_DAY_MS = 86_400_000


class _Rows:
    """Builds rows for one object: named values into a full-width list."""

    def __init__(self, obj: SObject) -> None:
        self.obj = obj
        self.width = len(obj.col)
        self.defaults: list[Any] = [None] * self.width
        for f in obj.fields.values():
            if f.default is not None:
                self.defaults[obj.col[f.name.lower()]] = f.default
            elif f.type == "boolean":
                self.defaults[obj.col[f.name.lower()]] = False
        self.rows: list[list[Any]] = []

    def col(self, name: str) -> int:
        """The column of ``name``; -1 for a field this org's schema lacks (ignored by add)."""
        return self.obj.col.get(name.lower(), -1)

    def add(self, rid: str, created: int, modified: int, user: str, values: dict[int, Any]) -> None:
        row = list(self.defaults)
        row[0], row[1], row[2], row[3], row[4], row[5], row[6] = (
            rid,
            False,
            created,
            user,
            modified,
            user,
            modified,
        )
        for col, value in values.items():
            if col >= 0:
                row[col] = value
        self.rows.append(row)


def load_world(store: Store, world: World, org: str = "stock") -> None:
    """Fill the store from ``world`` (ids derive from generation order, so they are stable);
    ``org="messy"`` reshapes the records as :mod:`._messy` describes."""
    s = store.schema
    users, accounts, contacts, opps = (
        _Rows(s["user"]),
        _Rows(s["account"]),
        _Rows(s["contact"]),
        _Rows(s["opportunity"]),
    )
    now = _ms(world.now)
    start = now - 400 * 86_400_000
    c = users.col
    users.add(
        INTEGRATION_USER,
        start,
        start,
        INTEGRATION_USER,
        {
            c("Username"): "integration@sandbox.example-seller.test",
            c("FirstName"): "Integration",
            c("LastName"): "User",
            c("Name"): "Integration User",
            c("Email"): "integration@example-seller.test",
            c("IsActive"): True,
        },
    )
    user_ids: dict[str, str] = {}
    for i, ow in enumerate(world.owners):
        uid = user_ids[ow.key] = make_id("005", i + 2)
        users.add(
            uid,
            start,
            start,
            INTEGRATION_USER,
            {
                c("Username"): ow.email,
                c("FirstName"): ow.first_name,
                c("LastName"): ow.last_name,
                c("Name"): f"{ow.first_name} {ow.last_name}",
                c("Email"): ow.email,
                c("IsActive"): True,
                c("TimeZoneSidKey"): ow.timezone,
            },
        )
    account_ids: dict[str, str] = {}
    a = accounts.col
    for i, co in enumerate(world.companies):
        aid = account_ids[co.key] = make_id("001", i + 1)
        accounts.add(
            aid,
            start,
            start,
            INTEGRATION_USER,
            {
                a("Name"): co.name,
                a("Industry"): co.industry,
                a("NumberOfEmployees"): co.employees,
                a("Website"): f"https://{co.domain}",
                a("Type"): "Prospect",
                a("OwnerId"): user_ids[co.owner_key],
            },
        )
    contact_ids: dict[str, str] = {}
    k = contacts.col
    for i, ct in enumerate(world.contacts):
        cid = contact_ids[ct.key] = make_id("003", i + 1)
        contacts.add(
            cid,
            start,
            start,
            INTEGRATION_USER,
            {
                k("AccountId"): account_ids[ct.company_key],
                k("FirstName"): ct.first_name,
                k("LastName"): ct.last_name,
                k("Name"): f"{ct.first_name} {ct.last_name}",
                k("Title"): ct.title,
                k("Email"): ct.email,
                k("OwnerId"): INTEGRATION_USER,
            },
        )
    deal_ids: dict[str, str] = {}
    deal_rows: dict[str, list[Any]] = {}
    ocr = _Rows(s["opportunitycontactrole"])
    o, r = opps.col, ocr.col
    n_ocr = 0
    for i, d in enumerate(world.deals):
        did = deal_ids[d.key] = make_id("006", i + 1)
        if d.stage_index >= NEUTRAL_OPEN_STAGES:
            stage = STAGES[8 if d.stage_index == NEUTRAL_OPEN_STAGES else 9]
        else:
            options = _SPREAD[d.stage_index]
            stage = STAGES[options[zlib.crc32(d.key.encode()) % len(options)]]
        owner = user_ids[d.owner_key]
        created, modified = _ms(d.created_at), _ms(d.modified_at)
        opps.add(
            did,
            created,
            modified,
            owner,
            {
                o("Name"): d.name,
                o("AccountId"): account_ids[d.company_key],
                o("OwnerId"): owner,
                o("StageName"): stage[0],
                o("Amount"): d.amount,
                o("CloseDate"): d.close_date.isoformat(),
                o("Probability"): float(stage[2]),
                o("NextStep"): d.next_step,
                o("ForecastCategoryName"): stage[3],
                o("IsClosed"): stage[4],
                o("IsWon"): stage[5],
                o("Type"): "Existing Business" if d.pipeline == "expansion" else "New Business",
                o("Description"): d.description,
                o("Budget_Confirmed__c"): bool(d.budget_confirmed),
                o("Decision_Date__c"): d.decision_date.isoformat() if d.decision_date else None,
                o("Pain__c"): d.pain,
            },
        )
        deal_rows[d.key] = opps.rows[-1]
        for j, (ckey, role) in enumerate(d.roles.items()):
            n_ocr += 1
            ocr.add(
                make_id("00K", n_ocr),
                created,
                created,
                owner,
                {
                    r("OpportunityId"): did,
                    r("ContactId"): contact_ids[ckey],
                    r("Role"): role,
                    r("IsPrimary"): j == 0,
                },
            )
    tasks, events = _load_activities(
        store, world, deal_ids, deal_rows, user_ids, contact_ids, o, now
    )
    extra: dict[str, list[list[Any]]] = {}
    if org == "messy":
        from ._messy import Loaded, messy_records

        loaded = Loaded(users, accounts, contacts, opps, ocr, tasks, events, _Rows)
        extra = messy_records(store, world, loaded, deal_ids, contact_ids, now)
    for name, rows in (
        ("user", users),
        ("account", accounts),
        ("contact", contacts),
        ("opportunity", opps),
        ("opportunitycontactrole", ocr),
        ("task", tasks),
        ("event", events),
    ):
        store.load(name, rows.rows)
    for name, extra_rows in extra.items():
        store.load(name, extra_rows)
    # The org's stages were set up with the org: a day before its first user or account.
    first = min((row[2] for row in (*users.rows, *accounts.rows)), default=now - 365 * _DAY_MS)
    _load_stages(store, first - _DAY_MS)
    if org == "messy":
        from ._messy import messy_stages

        messy_stages(store, first - _DAY_MS)


def _load_activities(
    store: Store,
    world: World,
    deal_ids: dict[str, str],
    deal_rows: dict[str, list[Any]],
    user_ids: dict[str, str],
    contact_ids: dict[str, str],
    o: Any,
    now: int,
) -> tuple[_Rows, _Rows]:
    """Tasks and Events, built straight into full-width rows (a million of them at scale)."""
    s = store.schema
    tasks, events = _Rows(s["task"]), _Rows(s["event"])
    tc, ec = s["task"].col, s["event"].col
    t_row, e_row = tasks.defaults, events.defaults
    o_last, o_open, o_acct = o("LastActivityDate"), o("HasOpenActivity"), o("AccountId")
    n_task = n_event = 0
    dates: dict[Any, str] = {}
    for act in world.activities:
        opp = deal_rows[act.deal_key]
        owner = user_ids[act.owner_key]
        at = _ms(act.at)
        created = min(at, now - 86_400_000) if at > now else at
        day_key = act.at.date()
        when = dates.get(day_key)
        if when is None:
            when = dates[day_key] = day_key.isoformat()  # shared: one string per day
        if at <= now and (opp[o_last] is None or opp[o_last] < when):
            opp[o_last] = when
        if act.kind == "meeting":
            n_event += 1
            minutes = act.duration_minutes or 30
            end = at + minutes * 60_000
            if at > now:
                opp[o_open] = True
            row = list(e_row)
            modified = max(created, min(end, now))
            row[0:7] = (make_id("00U", n_event), False, created, owner, modified, owner, modified)
            col = ec
        else:
            n_task += 1
            row = list(t_row)
            modified = at if at <= now else created
            row[0:7] = (make_id("00T", n_task), False, created, owner, modified, owner, modified)
            col = tc
            row[col["status"]], row[col["isclosed"]] = "Completed", True
            row[col["tasksubtype"]], row[col["activitydate"]] = "Task", when
            row[col["subject"]] = act.subject
            if act.kind == "call":
                row[col["tasksubtype"]] = "Call"
                row[col["calltype"]] = "Inbound" if act.direction == "inbound" else "Outbound"
                row[col["calldisposition"]] = _DISPOSITION.get(act.call_disposition or "")
                row[col["calldurationinseconds"]] = (act.duration_minutes or 0) * 60
            elif act.kind == "email":
                row[col["tasksubtype"]] = "Email"
                row[col["subject"]] = f"Email: {act.subject}"
            elif act.kind == "task" and act.task_status != "completed":
                row[col["status"]], row[col["isclosed"]] = "Not Started", False
                opp[o_open] = True
        row[col["whatid"]] = deal_ids[act.deal_key]
        row[col["whoid"]] = contact_ids[act.contact_keys[0]] if act.contact_keys else None
        row[col["description"]] = act.body or None
        row[col["ownerid"]] = owner
        row[col["accountid"]] = opp[o_acct]
        if col is ec:
            row[col["subject"]] = act.subject
            row[col["startdatetime"]] = row[col["activitydatetime"]] = at
            row[col["enddatetime"]] = end
            row[col["activitydate"]] = when
            row[col["durationinminutes"]] = minutes
            row[col["outcome__c"]] = _OUTCOME.get(act.outcome)
            events.rows.append(row)
        else:
            tasks.rows.append(row)
    return tasks, events


def _load_stages(store: Store, stamp: int) -> None:
    """The org's stages, stamped when the org was set up (never 1970: incremental readers
    filtering on SystemModstamp from a start date must see them)."""
    stages = _Rows(store.schema["opportunitystage"])
    c = stages.col
    for i, (label, order, prob, forecast, closed, won) in enumerate(STAGES):
        stages.add(
            make_id("01J", i + 1),
            stamp,
            stamp,
            INTEGRATION_USER,
            {
                c("ApiName"): label,
                c("MasterLabel"): label,
                c("IsActive"): True,
                c("SortOrder"): order,
                c("IsClosed"): closed,
                c("IsWon"): won,
                c("DefaultProbability"): float(prob),
                c("ForecastCategory"): forecast if forecast != "Commit" else "Forecast",
                c("ForecastCategoryName"): forecast,
                c("Description"): None,
            },
        )
    store.load("opportunitystage", stages.rows)
