"""``nextadvance explain --text "..." --stage S``: how the engine reads one piece of text.

For ops people editing the lexicon: the text is read as a next step (verdict, reason and
the parse behind it, clause by clause: who · action · object · when · polarity) and as a
call-note sentence (the objectives it informs with their sign, and whether it records a
client commitment).  No deal, no CRM: edit lexicon.yaml, re-run, compare.
"""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from nextadvance.core import Playbook, classify_next_step, read_note
from nextadvance.core.models import Contact

__all__ = ["explain_text", "parse_contact"]


def parse_contact(value: str, index: int) -> Contact:
    """``"Name|Title|role"`` (title and role optional) as a :class:`Contact`."""
    name, _, rest = value.partition("|")
    title, _, role = rest.partition("|")
    return Contact(
        id=f"c{index}", name=name.strip(), title=title.strip() or None, role=role.strip() or None
    )


def explain_text(
    book: Playbook, text: str, stage: str, contacts: tuple[Contact, ...], console: Console
) -> None:
    """Print the next-step verdict with its parse, then the call-note reading."""
    book.compiled.stage(stage)  # an unknown stage fails with the known keys listed
    res = classify_next_step(book, text, stage, contacts)
    console.print(f"[bold]As a next step[/] (stage {stage}): [bold]{res.verdict}[/]")
    console.print(f"  why: {res.reason}", markup=False)
    table = Table(show_header=True, header_style="bold")
    for col in ("clause", "who", "action", "object", "when", "polarity"):
        table.add_column(col, overflow="fold")
    for c in res.clauses:
        d = c.as_dict()
        who = str(d["who"]) + (" (seller goal)" if c.goal else "")
        table.add_row(c.text, who, c.action or "-", c.object or "-", c.when or "-", c.polarity)
    if res.clauses:
        console.print(table)
    note = read_note(book, text, contacts)
    console.print("[bold]As a call-note sentence[/]")
    if note.facts:
        for topic, sign in note.facts.items():
            meaning = (
                "learned" if sign == "positive" else "learned_negative (bad news, not missing)"
            )
            console.print(
                f"  {topic}: {meaning} - from '{note.where.get(topic, '')}'", markup=False
            )
            if topic in note.why:
                console.print(f"    why: {note.why[topic]}", markup=False)
    else:
        console.print("  no objective informed")
    console.print(
        "  client commitment (an advance for momentum): " + ("yes" if note.commitment else "no")
    )
