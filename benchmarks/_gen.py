"""Seeded generator of canonical deals for the engine benchmark (~10 activities each).

Deterministic for a given seed so runs are comparable; deals are produced lazily in
chunks so generating 100k deals never holds them all in memory.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

from nextadvance.core.models import Deal

STAGES = ["prospecting", "qualification", "discovery", "solution", "proposal", "negotiation"]
INDUSTRIES = ["Healthcare", "Banking", "Retail", "Government", "Software", "Logistics", None]
ROLES = ["decision_maker", "economic_buyer", "champion", "technical_buyer", "user", "legal", None]
NOTES = [
    "They are struggling with manual reporting; budget is set aside for next quarter.",
    "Quick check-in, nothing new. Will follow up.",
    "Met the CFO, approval process goes through the steering committee.",
    "Integration works with their warehouse; security questionnaire pending.",
    "Friendly call, asked to reconnect after the holidays.",
    "Timeline: go live before the audit in March. Impact: losing 20 hours a week.",
    "Procurement needs a supplier form; legal reviewer is their counsel.",
    "Pricing feedback: within budget if we include onboarding.",
]
NEXT_STEPS = [
    "{name} to sign order form by {date}",
    "touch base",
    "Send proposal to {name}",
    "{name} (CFO) to review pricing {date}",
    "",
    "Hopefully {name} decides {date}",
    "{name} to intro us to the CFO {date}",
    "walk {name} through the deck",
    "follow up w/ {name}",
    "Call with {name} and her VP {date}",
]
NAMES = ["Jane", "Raj", "Dana", "Marco", "Ines", "Tom", "Yuki", "Olga", "Ben", "Fatima"]
DATES = ["11/30", "next Tue", "EOW", "Dec 3", "by Friday", "in 2 weeks", "12/15", "tomorrow"]
KINDS = ["call", "meeting", "email", "note", "task"]
OUTCOMES = ["completed", "completed", "completed", "no_show", "canceled", "unknown"]


def _next_step(rng: random.Random, unique: int | None) -> str:
    text = rng.choice(NEXT_STEPS).format(name=rng.choice(NAMES), date=rng.choice(DATES))
    return f"{text} re {_tag(unique)}" if unique is not None and text else text


def _tag(i: int) -> str:
    """A letters-only word unique to ``i`` (no digits, so no date or amount is read into it)."""
    out = ""
    while True:
        i, r = divmod(i, 26)
        out += chr(ord("a") + r)
        if not i:
            return "zq" + out


def deals(
    n: int, seed: int = 7, now: datetime | None = None, unique_texts: bool = False
) -> Iterator[Deal]:
    """Yield ``n`` varied open deals, reproducibly.

    The texts come from small pools (8 notes, ~400 next steps), so an org-wide memo of the
    language layer hits nearly every time.  ``unique_texts`` appends a word unique to the
    deal and activity to every note and next step, so no two texts repeat: the figure a
    text-keyed cache cannot help (real notes rarely repeat; next steps repeat more).
    """
    rng = random.Random(seed)
    now = now or datetime(2026, 11, 23, tzinfo=UTC)
    for i in range(n):
        created = now - timedelta(days=rng.randint(5, 300))
        entered = created + timedelta(days=rng.randint(0, max(0, (now - created).days)))
        contacts = [
            {"id": f"c{i}-{j}", "name": f"Person {j}", "role": rng.choice(ROLES)}
            for j in range(rng.randint(0, 4))
        ]
        cids = [c["id"] for c in contacts]
        acts = []
        for k in range(rng.randint(8, 12)):
            acts.append(
                {
                    "id": f"a{i}-{k}",
                    "kind": rng.choice(KINDS),
                    "at": created + timedelta(hours=rng.randint(1, 24 * 200)),
                    "subject": "Call notes",
                    "body": rng.choice(NOTES)
                    + (f" Re {_tag(i * 16 + k)}." if unique_texts else ""),
                    "outcome": rng.choice(OUTCOMES),
                    "contact_ids": rng.sample(cids, k=min(len(cids), rng.randint(0, 2))),
                }
            )
        fields = {}
        if rng.random() < 0.5:
            fields["pain"] = "manual work"
        if rng.random() < 0.4:
            fields["budget_confirmed"] = rng.choice([True, "yes", "no"])
        if rng.random() < 0.3:
            fields["decision_date"] = "2027-01-31"
        yield Deal.model_validate(
            {
                "id": f"D{i}",
                "name": f"Deal {i}",
                "stage": rng.choice(STAGES),
                "amount": rng.choice([None, 5_000, 25_000, 80_000, 250_000]),
                "close_date": (now + timedelta(days=rng.randint(-20, 180))).date(),
                "created_at": created,
                "stage_entered_at": entered,
                "account": {
                    "name": f"Account {i % 997}",
                    "industry": rng.choice(INDUSTRIES),
                    "employees": rng.choice([None, 12, 150, 800, 5000]),
                },
                "next_step": _next_step(rng, i if unique_texts else None),
                "fields": fields,
                "contacts": contacts,
                "activities": acts,
                "parked_until": (now + timedelta(days=30)).date() if rng.random() < 0.05 else None,
            }
        )
