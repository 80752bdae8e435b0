"""The tokeniser's per-piece memo gives the tokens the unmemoised tokeniser gives."""

from __future__ import annotations

import random

from nextadvance.core import _normalise
from nextadvance.mappings import load_playbook
from tests.unit.core._corpus import train_texts

#: a protected name no text holds: the tokeniser then reads every piece afresh (no memo)
_NO_NAME = frozenset({"\x00never"})


def test_piece_memo_same_as_reading_every_piece() -> None:
    norm = load_playbook().compiled.lexicon.parser.norm
    rng = random.Random(11)
    bits = ["SIG", "Lite", "MTG", "Ben", "Sat", "sat", "mtg", "w/", "Reveiw", "reveiw", "(SOW)"]
    bits += ["Rick's", "EA", "won't", "signed", "sending", "EOW", "...", "-", "“Q3”", "CFO"]
    texts = train_texts()
    texts += [" ".join(rng.choice(bits) for _ in range(rng.randrange(1, 8))) for _ in range(3000)]
    for text in texts:
        for s in (text, text.upper(), text.lower()):
            want = norm._tokenise(s, _NO_NAME)
            assert norm._tokenise(s, frozenset()) == want, s
            assert norm._tokenise(s, frozenset()) == want, s  # warm: from the memo
    assert 0 < len(norm._pieces) <= _normalise._PIECES_LIMIT
    # an all-capitals piece reads the piece after it: never memoised
    caps = [p for p, _ in norm._pieces if (c := p.strip(_normalise._EDGE)).isupper()]
    assert caps  # "EA", "Q3": too short or not all letters, memoised
    assert not [p for p in caps if len(c := p.strip(_normalise._EDGE)) >= 3 and c.isalpha()]
