"""The HubSpot side of a messy world (``org="messy"``): what a real portal accumulates.

Why apart from ``_load.py``: the stock projection must stay byte-for-byte what it was; this
module only acts on a world whose ``org`` is ``messy``.  It adds the further pipelines
(with a stage renamed after deals were in it), custom deal properties in their own group (and the currency code of a multi-currency portal),
owners who were deactivated (archived: listed only with ``archived=true`` and no longer
assignable), and engagements associated with several deals.  HTML bodies, long text,
meeting time zones and the very busy deal come from the neutral world as they are.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from .._world import WDeal, World
from ._catalog import DEFAULT_ASSOC, MESSY_PIPELINES
from ._crm import Portal
from ._schema import PropDef

__all__ = ["CUSTOM_DEAL_PROPERTIES", "PIPELINE_IDS", "custom_values", "finish", "prepare"]

#: neutral pipeline -> HubSpot pipeline id in a messy portal
PIPELINE_IDS = {"renewal": "8800001", "partner": "8800101"}
#: the custom deal properties a messy portal has (group ``deal_qualification``)
CUSTOM_DEAL_PROPERTIES = ("budget_confirmed", "decision_date", "pain", "competitor")
_CURRENCIES = ("USD", "EUR", "GBP")
_COMPETITORS = (("incumbent", "Incumbent vendor"), ("inhouse", "Built in-house"), ("none", "None"))


def prepare(portal: Portal, world: World) -> None:
    """Pipelines and custom deal properties, before any deal is loaded."""
    if world.org != "messy":
        return
    for pid, (label, stages) in MESSY_PIPELINES.items():
        portal.add_pipeline(pid, label, list(stages))
    portal.add_group("deals", "deal_qualification", "Deal qualification")
    for name, label, typ, ftype in (
        ("budget_confirmed", "Budget confirmed", "bool", "booleancheckbox"),
        ("decision_date", "Decision date", "date", "date"),
        ("pain", "Pain", "string", "textarea"),
        ("competitor", "Competitor", "enumeration", "select"),
    ):
        portal.add_property(
            "deals",
            PropDef(
                name,
                label,
                typ,
                ftype,
                "deal_qualification",
                list(_COMPETITORS) if name == "competitor" else [],
                hubspot_defined=False,
                created_ms=1,
            ),
        )
    # a multi-currency portal: HubSpot adds the deal's currency code once currencies are on
    portal.add_property(
        "deals",
        PropDef(
            "deal_currency_code",
            "Currency",
            "enumeration",
            "select",
            "dealinformation",
            [(c, c) for c in _CURRENCIES],
            created_ms=1,
        ),
    )


def custom_values(world: World, deal: WDeal, index: int) -> dict[str, str | None]:
    """The deal's custom property values (empty for a stock world)."""
    if world.org != "messy":
        return {}
    budget = deal.budget_confirmed
    return {
        "budget_confirmed": None if budget is None else ("true" if budget else "false"),
        "decision_date": _day(deal.decision_date) if deal.decision_date else None,
        "pain": deal.pain,
        "competitor": _COMPETITORS[index % len(_COMPETITORS)][0] if index % 4 else None,
        "deal_currency_code": _CURRENCIES[index % 5] if index % 5 < len(_CURRENCIES) else "USD",
    }


def finish(portal: Portal, world: World, ids: dict[str, int]) -> None:
    """After loading: deactivate owners, link shared engagements to their further deals."""
    if world.org != "messy":
        return
    keys = {o.key: i for i, o in enumerate(world.owners)}
    for key in world.inactive_owners:
        if key in keys:
            portal.owners[keys[key]].archived = True
    kinds = {a.key: a.kind + "s" for a in world.activities if a.key in world.shared_activities}
    for act_key, deal_keys in world.shared_activities.items():
        rid, kind = ids.get(act_key), kinds.get(act_key)
        if rid is None or kind is None:
            continue
        for deal_key in deal_keys:
            deal = ids.get(deal_key)
            if deal is not None:
                portal.assoc.add(kind, rid, "deals", deal, DEFAULT_ASSOC[(kind, "deals")])


def _day(d: date) -> str:
    return str(int(datetime(d.year, d.month, d.day, tzinfo=UTC).timestamp() * 1000))
