"""Reps at work: changes people make in the org between (or during) our syncs.

``mutate_opportunities`` works open deals (a meeting held and logged as a completed Event,
the stage moved forward, the next step rewritten); ``human_edit`` is the concurrent-edit
fault: a rep changes the record we are about to update.  Both bump SystemModstamp like any
write, with the record owner as the modifier.
"""

from __future__ import annotations

import random

from ._schema import STAGES
from ._store import ID, IS_DELETED, Store, fmt_datetime
from ._writes import create, update

__all__ = ["human_edit", "mutate_opportunities"]

_OPEN = [s[0] for s in STAGES if not s[4]]
_REP_STEPS = (
    "Rep: call back Tuesday",
    "Rep: waiting on legal",
    "Priya (VP Finance) to confirm budget by 12/12",
    "Send revised proposal",
)


def human_edit(store: Store, obj_name: str, record_id: str, rng: random.Random) -> None:
    """A rep edits the record first: NextStep or Amount of a deal, Status of a task."""
    obj = store.schema[obj_name]
    row = store.get(obj_name, record_id)
    if row is None or row[IS_DELETED]:
        return
    owner = row[obj.col["ownerid"]]
    if obj_name == "opportunity":
        if rng.random() < 0.5:
            changes: dict[str, object] = {"NextStep": rng.choice(_REP_STEPS)}
        else:
            amount = row[obj.col["amount"]] or 10_000.0
            changes = {"Amount": round(amount * 1.1, 2)}
    else:
        changes = {
            "Status": "Completed" if row[obj.col["status"]] != "Completed" else "In Progress"
        }
    update(store, obj, record_id, changes, owner)


def mutate_opportunities(store: Store, count: int, seed: int) -> list[str]:
    """Change ``count`` open opportunities (chosen by ``seed``); return their ids."""
    rng = random.Random(seed)
    opp = store.schema["opportunity"]
    c = opp.col
    open_rows = [r for r in store.rows("opportunity") if not r[IS_DELETED] and not r[c["isclosed"]]]
    open_rows.sort(key=lambda r: r[ID])
    chosen = rng.sample(open_rows, min(count, len(open_rows)))
    event = store.schema["event"]
    changed: list[str] = []
    for row in chosen:
        owner = row[c["ownerid"]]
        what = rng.random()
        if what < 0.4:
            start = store.now_ms() - 3_600_000
            create(
                store,
                event,
                {
                    "WhatId": row[ID],
                    "Subject": rng.choice(("Discovery meeting", "Product demo", "Proposal review")),
                    "StartDateTime": fmt_datetime(start),
                    "DurationInMinutes": 45,
                    "Outcome__c": "Completed",
                    "Description": "Met with the buying group; asked about budget and timeline.",
                },
                owner,
            )
            update(store, opp, row[ID], {}, owner)
        elif what < 0.7:
            stage = row[c["stagename"]]
            nxt = _OPEN[min(len(_OPEN) - 1, _OPEN.index(stage) + 1)] if stage in _OPEN else stage
            update(store, opp, row[ID], {"StageName": nxt}, owner)
        else:
            update(store, opp, row[ID], {"NextStep": rng.choice(_REP_STEPS)}, owner)
        changed.append(row[ID])
    return changed
