"""Build ``mappings/defaults/verb_forms.yaml``: inflected verb form -> base form.

The language layer reads every verb in its base form ("sent" -> "send", "reviewing" ->
"review") so one lexicon pattern covers every tense, and it keeps which form it saw (an
``-ing`` form with no date is a status, not a commitment).  The table is generated here,
offline, from a list of base verbs (the verbs reps and clients use about deals) with
English's regular rules plus the irregular forms, and shipped as data; ``core`` never
guesses inflections at run time.  Re-run after editing the lists::

    .venv/bin/python scripts/build_verb_forms.py
"""

from __future__ import annotations

from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "mappings" / "defaults" / "verb_forms.yaml"

REGULAR = """
accept add agree align allocate answer approve arrange ask assess attend book brief call
check circle clarify close compare complete confirm connect consider contact countersign cover
create decide deliver demo demonstrate discuss draft email evaluate engage escalate execute
explain finalise finalize follow forward fill gather greenlight help highlight host include
introduce invite issue join kick look loop mark mention move need negotiate nudge onboard order
outline own pass phone pick pitch ping plan prepare present price process procure propose
provide push qualify raise reach receive recommend reconnect redline register remind
renew reply request require research resend reschedule respond return review revise rework sign
schedule scope secure select share ship source start submit suggest support touch trial try
turn update upload validate visit wait want walk work finish test loop escalate approve
confirm list identify map document outline shortlist sponsor champion budget estimate
fund purchase license contract object decline refuse postpone delay cancel hope plan expect
intend chase follow flag circulate distribute collect compile sync clear attach enter
pull export grab hand land lock nail pencil sort point revert loop mail text message rank
score shortlist trial pilot prep draft host join field screen vet benchmark compute calc
consolidate complete walk clean finish pitch position nominate name list outline rate
summarise summarize extend record recalculate calculate reconcile refresh verify define
investigate analyse analyze audit prioritise prioritize customise customize configure install
deploy migrate hate like love struggle juggle waste save cost commit promise defer decline
provision troubleshoot coach debug resolve enable pin multithread coordinate remediate
resubmit liaise
""".split()  # noqa: SIM905 - a word list reads best as text

IRREGULAR = {
    "send": ("sent",),
    "get": ("got", "gotten"),
    "give": ("gave", "given"),
    "take": ("took", "taken"),
    "bring": ("brought",),
    "make": ("made",),
    "go": ("went", "gone"),
    "do": ("did", "done"),
    "have": ("had",),
    "say": ("said",),
    "tell": ("told",),
    "meet": ("met",),
    "set": ("set",),
    "put": ("put",),
    "cut": ("cut",),
    "run": ("ran",),
    "write": ("wrote", "written"),
    "speak": ("spoke", "spoken"),
    "buy": ("bought",),
    "see": ("saw", "seen"),
    "come": ("came",),
    "think": ("thought",),
    "find": ("found",),
    "leave": ("left",),
    "hold": ("held",),
    "choose": ("chose", "chosen"),
    "begin": ("began", "begun"),
    "pay": ("paid",),
    "lead": ("led",),
    "know": ("knew", "known"),
    "show": ("showed", "shown"),
    "fly": ("flew", "flown"),
    "hear": ("heard",),
    "build": ("built",),
    "keep": ("kept",),
    "shoot": ("shot",),
    "sit": ("sat",),
    "win": ("won",),
    "forget": ("forgot", "forgotten"),
    "sell": ("sold",),
    "spend": ("spent",),
    "lose": ("lost",),
    "read": ("read",),
    "sign": (),
}

#: verbs whose final consonant doubles before -ed/-ing
DOUBLING = {
    "commit",
    "submit",
    "plan",
    "ship",
    "stop",
    "chat",
    "drop",
    "admit",
    "permit",
    "prep",
    "sit",
    "get",
    "set",
    "put",
    "run",
    "cut",
    "begin",
    "forget",
    "refer",
    "prefer",
    "transfer",
    "slip",
    "map",
    "tap",
    "shop",
    "swap",
    "win",
    "scan",
    "skip",
    "flag",
    "grab",
    "pin",
}

#: -ing words that are nouns in sales notes and keep their form ("the meeting")
ING_NOUNS = {
    "meeting",
    "briefing",
    "onboarding",
    "pricing",
    "funding",
    "training",
    "building",
    "planning",
    "booking",
    "offering",
    "licensing",
    "sourcing",
    "purchasing",
    "marketing",
    "engineering",
    "accounting",
    "ceiling",
    "wording",
    "thing",
    "nothing",
    "something",
    "anything",
    "everything",
    "morning",
    "evening",
    "spring",
    "during",
    "pending",
    "ongoing",
    "outstanding",
    "upcoming",
    "steering",
    "signing",
    "kickoff",
    "hiring",
    "contracting",
    "reporting",
    "invoicing",
}


def _ing(base: str) -> str:
    if base in DOUBLING:
        return base + base[-1] + "ing"
    if base.endswith("ie"):
        return base[:-2] + "ying"
    if base.endswith("e") and not base.endswith(("ee", "ye", "oe")):
        return base[:-1] + "ing"
    return base + "ing"


def _ed(base: str) -> str:
    if base in DOUBLING:
        return base + base[-1] + "ed"
    if base.endswith("e"):
        return base + "d"
    if base.endswith("y") and base[-2:-1] not in "aeiou":
        return base[:-1] + "ied"
    return base + "ed"


def _s(base: str) -> str:
    if base.endswith(("s", "sh", "ch", "x", "z", "o")):
        return base + "es"
    if base.endswith("y") and base[-2:-1] not in "aeiou":
        return base[:-1] + "ies"
    return base + "s"


def build() -> dict[str, dict[str, str]]:
    """``{form: {"base": base, "form": "ing"|"past"|"s"}}`` for every verb."""
    table: dict[str, dict[str, str]] = {}
    bases = sorted(set(REGULAR) | set(IRREGULAR))
    for base in bases:
        forms = {_s(base): "s", _ing(base): "ing"}
        irregular = IRREGULAR.get(base)
        if irregular:
            for f in irregular:
                forms[f] = "past"
        else:
            forms[_ed(base)] = "past"
        for form, kind in forms.items():
            if form == base or form in ING_NOUNS or form in bases:
                continue
            table.setdefault(form, {"base": base, "form": kind})
    return dict(sorted(table.items()))


def main() -> None:
    """Write the table as YAML (one flow mapping per line, stable order)."""
    lines = [
        "# Generated by scripts/build_verb_forms.py - edit the lists there, not this file.",
        "# inflected form: [base form, which form]  (ing = -ing, past = past/participle, s = 3rd person)",
    ]
    for form, entry in build().items():
        lines.append(f"{form}: [{entry['base']}, {entry['form']}]")
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {OUT} ({len(lines) - 2} forms)")


if __name__ == "__main__":
    main()
