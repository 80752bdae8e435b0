"""The advance-wording lint: the shipped playbook reads right for every deal shape, and
the review's broken patterns (item 10, 11) are caught in a custom playbook."""

from __future__ import annotations

from pathlib import Path

from nextadvance.core import Playbook
from nextadvance.core._wording_lint import commitment_warnings, grammar_warnings
from nextadvance.mappings import load_playbook

SHIPPED = Path(__file__).resolve().parents[3] / "mappings" / "defaults" / "playbook.yaml"


def test_the_shipped_playbook_lints_clean(playbook: Playbook) -> None:
    assert grammar_warnings(playbook) == []
    assert commitment_warnings(playbook) == []


def _edited(tmp_path: Path, old: str, new: str) -> Playbook:
    text = SHIPPED.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path = tmp_path / "pb.yaml"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return load_playbook(path)


def test_a_possessive_of_who_is_flagged_but_loads(tmp_path: Path) -> None:
    """'{who}'s' read "your contact at Harbor Bank's OK" on a deal with no contact: a
    warning, not a load error, so a custom playbook copied from an older default still runs."""
    pb = _edited(
        tmp_path, "Get {who} to agree to a pilot by {by}", "Get {who}'s OK for a pilot by {by}"
    )
    found = grammar_warnings(pb)
    assert any("possessive of a phrase" in w and "Harbor Bank's OK" in w for w in found), found


def test_broken_grammar_is_found_for_no_contact_and_one_person(tmp_path: Path) -> None:
    pb = _edited(
        tmp_path,
        'subject: "Get {who} to sign the order form by {by}"',
        'subject: "Get the order form signed with {who} by {by}"',
    )
    found = grammar_warnings(pb)
    assert any("signed with your contact at Harbor Bank" in w for w in found)
    assert any("(one contact in every role)" in w and "signed with Vera" in w for w in found)
    pb = _edited(
        tmp_path, "bring them to a 30-minute call with us", "bring them to 30 minutes with us"
    )
    assert any(
        "wording.find_stretch.ask" in w and "'to N minutes'" in w for w in grammar_warnings(pb)
    )


def test_a_conservative_that_is_the_stretch_made_shorter_is_flagged(tmp_path: Path) -> None:
    """The review's Granite Coast Care: the same meeting 15 minutes shorter, same date."""
    pb = _edited(
        tmp_path,
        '"{who} books a 30-minute follow-up call with you by {by}"',
        '"{who} brings the people who run the process to a 30-minute discovery call, by {by}"',
    )
    found = commitment_warnings(pb)
    assert any("'discovery_meeting_dm' (solo)" in w and "duration" in w for w in found)
    pb = _edited(tmp_path, "days: 3  # a smaller step, sooner", "days: 7  # same date")
    assert any(
        "is not dated before stretch 'discovery_meeting_dm'" in w for w in commitment_warnings(pb)
    )
