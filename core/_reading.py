"""Public entry points of the language layer: one next-step text, one call-note sentence.

``classify_next_step`` is what the engine's next-step check does for a deal, without a
deal; ``read_note`` says which objectives a sentence of a call note informs and whether
the client committed to something.  Both exist for tools (corpus evaluation, ``explain
--text``) that look at text without a whole deal.
"""

from __future__ import annotations

from collections.abc import Sequence

from nextadvance.core._nextstep import StepResult
from nextadvance.core._notes import NoteReading
from nextadvance.core._playbook_model import Playbook
from nextadvance.core.models import Contact

__all__ = ["NoteReading", "classify_next_step", "read_note"]


def classify_next_step(
    playbook: Playbook, text: str | None, stage: str, contacts: Sequence[Contact] = ()
) -> StepResult:
    """The verdict on one next-step text for a deal in ``stage`` with these contacts."""
    people = tuple((c.name, c.title or "", c.role or "") for c in contacts)
    return playbook.compiled.lexicon.classify(text, stage, people)


def read_note(playbook: Playbook, text: str, contacts: Sequence[Contact] = ()) -> NoteReading:
    """Objectives one call-note sentence informs (with their sign) and whether the client
    committed to something (see :mod:`nextadvance.core._notes`)."""
    lex = playbook.compiled.lexicon
    people = lex.people(tuple((c.name, c.title or "", c.role or "") for c in contacts))
    return lex.notes.read(text, people)
