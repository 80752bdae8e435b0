"""Public entry points of the language layer: one next-step text, one call-note sentence.

``classify_next_step`` is what the engine's next-step check does for a deal, without a
deal; ``read_note`` says which objectives a sentence of a call note informs and whether
the client committed to something.  Both exist for tools (corpus evaluation, ``explain
--text``) that look at text without a whole deal.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from nextadvance.core._compiled import normalise, split_words
from nextadvance.core._nextstep import StepResult
from nextadvance.core._playbook_model import Playbook
from nextadvance.core.models import Contact

__all__ = ["NoteReading", "classify_next_step", "read_note"]


@dataclass(frozen=True, slots=True)
class NoteReading:
    """What one note sentence tells: objective id -> "positive"/"negative", and commitment."""

    facts: dict[str, str] = field(default_factory=dict)
    commitment: bool = False


def classify_next_step(
    playbook: Playbook, text: str | None, stage: str, contacts: Sequence[Contact] = ()
) -> StepResult:
    """The verdict on one next-step text for a deal in ``stage`` with these contacts."""
    people = tuple((c.name, c.title or "", c.role or "") for c in contacts)
    return playbook.compiled.lexicon.classify(text, stage, people)


def read_note(playbook: Playbook, text: str, contacts: Sequence[Contact] = ()) -> NoteReading:
    """Objectives the sentence mentions (by the playbook's keyword rules) and commitment."""
    cp = playbook.compiled
    norm = normalise(text)
    words = frozenset(split_words(text))
    facts: dict[str, str] = {}
    for stage in playbook.stages:
        for obj in cp.objectives_for(stage.key, ()):
            for rule in obj.rules:
                if rule.keywords is not None and rule.keywords.find(norm, words):
                    facts.setdefault(obj.id, "positive")
    return NoteReading(facts, cp.commitment.find(norm, words) is not None)
