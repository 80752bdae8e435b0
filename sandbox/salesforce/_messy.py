"""The messy org's records: the stock projection of the world, then reshaped as real orgs are.

Why: a connector that only ever met the stock org drops or miscounts what long-lived orgs
hold.  Deterministic (everything derives from the world and CRC32 of keys), and only ever
called for ``org="messy"``, so the stock org stays byte-for-byte what it was.

- record types ``New_Business`` and ``Renewal`` with their own sales processes; renewals
  (the world's expansion deals) use custom stage names (:data:`~._schema.MESSY_STAGES`);
- the stage ``Needs Analysis`` was relabelled ``Discovery Call`` after deals were in it
  (``OpportunityStage.ApiName`` keeps the value records hold, ``MasterLabel`` changed);
- multi-currency: about half the deals in EUR/GBP/JPY (amount in the deal's currency);
- Person Accounts: two deals belong to a person (``IsPersonAccount``, ``PersonContactId``);
- one closed-lost deal reopened (open stage again); one deal with 32,000-char Description;
- Shared Activities: tasks and events of deals with several contacts relate to two
  contacts through ``TaskRelation``/``EventRelation`` (``WhoId`` stays the primary one);
- Enhanced Email: every email Task has its ``EmailMessage`` (``ActivityId``, ``RelatedToId``);
- notes are Lightning notes (``ContentNote`` with HTML content, linked to the deal and its
  owner by ``ContentDocumentLink``), not Tasks;
- the first deal has :data:`BUSY_DEAL_TASKS` more logged calls (thousands of activities).
"""

from __future__ import annotations

import html
import re
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from .._world import NEUTRAL_OPEN_STAGES, World
from ._load import INTEGRATION_USER
from ._messy_schema import CURRENCIES
from ._schema import MESSY_STAGES
from ._store import Store, make_id

__all__ = ["BUSY_DEAL_TASKS", "RENAMED_STAGE", "Loaded", "messy_records", "messy_stages"]

#: extra Tasks on the first deal
BUSY_DEAL_TASKS = 2500
#: (ApiName, MasterLabel after the rename)
RENAMED_STAGE = ("Needs Analysis", "Discovery Call")
_RENEWAL_OPEN = (0, 0, 1, 2, 2)  # neutral open stage -> MESSY_STAGES index
_DAY_MS = 86_400_000
_RT = ((1, "New Business", "New_Business"), (2, "Renewal", "Renewal"))


@dataclass
class Loaded:
    """The stock projection's row builders, before they are stored."""

    users: Any
    accounts: Any
    contacts: Any
    opps: Any
    ocr: Any
    tasks: Any
    events: Any
    rows_class: Any


_TAG = re.compile(r"<[^>]+>")


def _preview(body: str) -> str:
    """Salesforce's TextPreview is plain text: markup stripped, entities decoded, 255 chars."""
    return " ".join(html.unescape(_TAG.sub(" ", body)).split())[:255]


def _crc(text: str) -> int:
    return zlib.crc32(text.encode())


def messy_records(
    store: Store,
    world: World,
    ld: Loaded,
    deal_ids: dict[str, str],
    contact_ids: dict[str, str],
    now: int,
) -> dict[str, list[list[Any]]]:
    """Reshape the rows in ``ld`` in place; return the rows of the messy-only objects."""
    start = now - 400 * _DAY_MS
    s = store.schema
    R = ld.rows_class
    extra = {n: R(s[n]) for n in ("recordtype", "businessprocess", "currencytype")}
    user = ld.users.rows[0][0]
    for n, label, dev in _RT:
        bp = make_id("019", n)
        b = extra["businessprocess"]
        b.add(
            bp,
            start,
            start,
            user,
            {b.col("Name"): f"{label} Process"}
            | {b.col("TableEnumOrId"): "Opportunity", b.col("IsActive"): True},
        )
        r = extra["recordtype"]
        r.add(
            make_id("012", n),
            start,
            start,
            user,
            {
                r.col("Name"): label,
                r.col("DeveloperName"): dev,
                r.col("SobjectType"): "Opportunity",
                r.col("BusinessProcessId"): bp,
                r.col("IsActive"): True,
            },
        )
    for i, (code, rate, places) in enumerate(CURRENCIES):
        c = extra["currencytype"]
        c.add(
            make_id("02B", i + 1),
            start,
            start,
            user,
            {
                c.col("IsoCode"): code,
                c.col("ConversionRate"): rate,
                c.col("DecimalPlaces"): places,
                c.col("IsActive"): True,
                c.col("IsCorporate"): code == "USD",
            },
        )
    _opportunities(world, ld)
    _person_accounts(world, ld, deal_ids)
    out = {name: rows.rows for name, rows in extra.items()}
    out.update(_notes_and_emails(store, world, ld, deal_ids))
    out.update(_relations(store, world, ld, deal_ids, contact_ids))
    _busy_deal(world, ld, now)
    return out


def _opportunities(world: World, ld: Loaded) -> None:
    o = ld.opps.col
    reopened = False
    for d, row in zip(world.deals, ld.opps.rows, strict=True):
        renewal = d.pipeline == "expansion"
        row[o("RecordTypeId")] = make_id("012", 2 if renewal else 1)
        if renewal:
            if d.stage_index < NEUTRAL_OPEN_STAGES:
                stage = MESSY_STAGES[_RENEWAL_OPEN[d.stage_index]]
            else:
                stage = MESSY_STAGES[3 if d.stage_index == NEUTRAL_OPEN_STAGES else 4]
            row[o("StageName")], row[o("Probability")] = stage[0], float(stage[2])
            row[o("ForecastCategoryName")] = stage[3]
            row[o("IsClosed")], row[o("IsWon")] = stage[4], stage[5]
        elif not reopened and d.stage_index == NEUTRAL_OPEN_STAGES + 1:
            reopened = True  # lost, then the buyer came back: open again
            row[o("StageName")], row[o("Probability")] = "Negotiation/Review", 90.0
            row[o("ForecastCategoryName")] = "Commit"
            row[o("IsClosed")] = row[o("IsWon")] = False
            row[o("Description")] = "Reopened: lost on price, the buyer came back. " + (
                row[o("Description")] or ""
            )
        code, rate, places = CURRENCIES[_crc(d.key) % len(CURRENCIES)]
        row[o("CurrencyIsoCode")] = code
        if row[o("Amount")] is not None:
            row[o("Amount")] = round(row[o("Amount")] * rate, places)
    if ld.opps.rows:
        first = ld.opps.rows[0]
        para = "Customer context, history and commitments, copied from the old CRM. "
        first[o("Description")] = (para * (32000 // len(para) + 1))[:32000]


def _person_accounts(world: World, ld: Loaded, deal_ids: dict[str, str]) -> None:
    """Two deals sold to a person: a Person Account and its Contact (one record pair)."""
    a, k, o, r = ld.accounts.col, ld.contacts.col, ld.opps.col, ld.ocr.col
    user = ld.users.rows[0][0]
    roles_by_deal: dict[str, list[list[Any]]] = {}
    for role in ld.ocr.rows:
        roles_by_deal.setdefault(role[r("OpportunityId")], []).append(role)
    for n, d in enumerate(world.deals[1:3]):
        did = deal_ids[d.key]
        roles = roles_by_deal.get(did)
        if not roles:
            continue
        person = roles[0][r("ContactId")]
        prow = next(c for c in ld.contacts.rows if c[0] == person)
        aid = make_id("001", len(world.companies) + n + 1)
        cid = make_id("003", len(world.contacts) + n + 1)
        created = prow[2]
        ld.accounts.add(
            aid,
            created,
            created,
            user,
            {
                a("Name"): prow[k("Name")],
                a("Type"): "Customer - Direct",
                a("OwnerId"): ld.opps.rows[world.deals.index(d)][o("OwnerId")],
                a("IsPersonAccount"): True,
                a("PersonContactId"): cid,
            },
        )
        ld.contacts.add(
            cid,
            created,
            created,
            user,
            {
                k("AccountId"): aid,
                k("FirstName"): prow[k("FirstName")],
                k("LastName"): prow[k("LastName")],
                k("Name"): prow[k("Name")],
                k("Email"): prow[k("Email")],
                k("OwnerId"): user,
                k("IsPersonAccount"): True,
            },
        )
        ld.opps.rows[world.deals.index(d)][o("AccountId")] = aid
        roles[0][r("ContactId")] = cid
        for role in roles[1:]:
            role[r("IsPrimary")] = False


def _task_acts(world: World) -> list[Any]:
    """The world activity behind each Task row, in row order (meetings are Events)."""
    return [a for a in world.activities if a.kind != "meeting"]


def _notes_and_emails(
    store: Store, world: World, ld: Loaded, deal_ids: dict[str, str]
) -> dict[str, list[list[Any]]]:
    s, R = store.schema, ld.rows_class
    notes, links, mails = R(s["contentnote"]), R(s["contentdocumentlink"]), R(s["emailmessage"])
    t = ld.tasks.col
    kept: list[list[Any]] = []
    n_mail = 0
    for act, row in zip(_task_acts(world), ld.tasks.rows, strict=True):
        owner, created = row[t("OwnerId")], row[2]
        if act.kind == "note":
            nid = make_id("069", len(notes.rows) + 1)
            body = act.body or ""
            if len(notes.rows) == 0:
                body = (body + " ") * (20000 // max(len(body) + 1, 1) + 1)
            # A body the messy world already wrote as HTML goes in as markup, not escaped text.
            inner = body if act.key in world.html_bodies else f"<p>{html.escape(body)}</p>"
            content = f"<p><b>{html.escape(act.subject)}</b></p>{inner}"
            notes.add(
                nid,
                created,
                created,
                owner,
                {
                    notes.col("Title"): act.subject,
                    notes.col("Content"): content,
                    notes.col("TextPreview"): _preview(body),
                    notes.col("FileType"): "SNOTE",
                    notes.col("OwnerId"): owner,
                },
            )
            for target in (deal_ids[act.deal_key], owner):
                links.add(
                    make_id("06A", len(links.rows) + 1),
                    created,
                    created,
                    owner,
                    {
                        links.col("ContentDocumentId"): nid,
                        links.col("LinkedEntityId"): target,
                        links.col("ShareType"): "V" if target != owner else "I",
                        links.col("Visibility"): "AllUsers",
                    },
                )
            continue
        kept.append(row)
        if act.kind == "email":
            n_mail += 1
            body = act.body or ""
            mails.add(
                make_id("02s", n_mail),
                created,
                created,
                owner,
                {
                    mails.col("Subject"): act.subject,
                    mails.col("TextBody"): body,
                    mails.col("HtmlBody"): "<html><body>"
                    + (body if act.key in world.html_bodies else f"<p>{html.escape(body)}</p>")
                    + "</body></html>",
                    mails.col("MessageDate"): created,
                    mails.col("Status"): "3",
                    mails.col("Incoming"): act.direction == "inbound",
                    mails.col("FromAddress"): "rep@example-seller.test",
                    mails.col("RelatedToId"): row[t("WhatId")],
                    mails.col("ActivityId"): row[0],
                },
            )
    ld.tasks.rows[:] = kept
    return {
        "contentnote": notes.rows,
        "contentdocumentlink": links.rows,
        "emailmessage": mails.rows,
    }


def _relations(
    store: Store, world: World, ld: Loaded, deal_ids: dict[str, str], contact_ids: dict[str, str]
) -> dict[str, list[list[Any]]]:
    """TaskRelation/EventRelation rows: the primary contact, a second one, and the What."""
    s, R = store.schema, ld.rows_class
    others: dict[str, list[str]] = {
        deal_ids[d.key]: [contact_ids[c] for c in d.roles] for d in world.deals
    }
    out = {}
    for table, rows, link, prefix in (
        ("taskrelation", ld.tasks, "TaskId", "0RT"),
        ("eventrelation", ld.events, "EventId", "0RE"),
    ):
        rel = R(s[table])
        c = rows.col
        for row in rows.rows:
            what, who = row[c("WhatId")], row[c("WhoId")]
            contacts = others.get(what, [])
            if who is None or len(contacts) < 2:
                continue
            second = next(x for x in contacts if x != who) if who in contacts else contacts[0]
            for target, is_what in ((who, False), (second, False), (what, True)):
                values = {
                    rel.col(link): row[0],
                    rel.col("RelationId"): target,
                    rel.col("IsWhat"): is_what,
                    rel.col("AccountId"): row[c("AccountId")],
                }
                if table == "eventrelation":
                    values[rel.col("IsInvitee")] = not is_what and target != who
                    values[rel.col("Status")] = "Accepted"
                rel.add(make_id(prefix, len(rel.rows) + 1), row[2], row[2], row[3], values)
        out[table] = rel.rows
    return out


def _busy_deal(world: World, ld: Loaded, now: int) -> None:
    if not world.deals:
        return
    t = ld.tasks.col
    deal = ld.opps.rows[0]
    owner = deal[ld.opps.col("OwnerId")]
    first_id = len([a for a in world.activities if a.kind != "meeting"])
    for n in range(BUSY_DEAL_TASKS):
        at = now - (BUSY_DEAL_TASKS - n) * 3 * 3_600_000
        day = _iso_day(at)
        ld.tasks.add(
            make_id("00T", first_id + n + 1),
            at,
            at,
            owner,
            {
                t("WhatId"): deal[0],
                t("OwnerId"): owner,
                t("AccountId"): deal[ld.opps.col("AccountId")],
                t("Subject"): f"Call: usage check-in {n + 1}",
                t("Status"): "Completed",
                t("IsClosed"): True,
                t("TaskSubtype"): "Call",
                t("CallType"): "Outbound",
                t("CallDisposition"): "No Answer",
                t("ActivityDate"): day,
                t("CallDurationInSeconds"): 0,
            },
        )


def _iso_day(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, UTC).date().isoformat()


def messy_stages(store: Store, stamp: int) -> None:
    """The renewal process's custom stages, and the relabelled stage."""
    obj = store.schema["opportunitystage"]
    c = obj.col
    rows = []
    for i, (label, order, prob, forecast, closed, won) in enumerate(MESSY_STAGES):
        row: list[Any] = [None] * len(c)
        row[0:7] = (
            make_id("01J", 20 + i),
            False,
            stamp,
            INTEGRATION_USER,
            stamp,
            INTEGRATION_USER,
            stamp,
        )
        for name, value in (
            ("ApiName", label),
            ("MasterLabel", label),
            ("IsActive", True),
            ("SortOrder", order),
            ("IsClosed", closed),
            ("IsWon", won),
            ("DefaultProbability", float(prob)),
            ("ForecastCategoryName", forecast),
            ("ForecastCategory", forecast if forecast != "Commit" else "Forecast"),
        ):
            row[c[name.lower()]] = value
        rows.append(row)
    store.load("opportunitystage", rows)
    for row in store.tables["opportunitystage"].values():
        if row[c["apiname"]] == RENAMED_STAGE[0]:
            row[c["masterlabel"]] = RENAMED_STAGE[1]
