"""Leave-one-author-out cross-validation of the call-note reader, and the model's trainer.

Run from the repository root::

    .venv/bin/python -m benchmarks.notes_cv            # LOAO figures: rules vs learned
    .venv/bin/python -m benchmarks.notes_cv --write    # train on all train authors, write
                                                       # mappings/defaults/note_model.json

The rules were tuned on the training authors, so their per-author score is optimistic
except for the authors never tuned on (``FRESH``).  A learned model is honest only when
scored on an author it did not train on: each fold trains on all training authors but one and
scores that one; macro figures average the folds.  Only ``train/`` is read; never a held-out split.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
from collections import Counter
from dataclasses import dataclass
from typing import Any

from benchmarks._weights import write_table
from benchmarks.corpus import ROOT, _contacts, _rows
from nextadvance.core._note_model import NoteModel, note_features
from nextadvance.core._notes import NoteReader
from nextadvance.core._parse import People
from nextadvance.mappings import load_playbook
from nextadvance.mappings.playbook import DEFAULT_NOTE_MODEL

#: features seen in fewer training sentences are dropped (names, typos)
MIN_COUNT = 3
#: training authors the lexicon's cues were never tuned on (moved to train untouched)
FRESH = ("expansion", "publicsector", "smb", "latam", "medical", "payments", "staffing")
TOPICS = (
    "pain",
    "budget",
    "timeline",
    "decision_maker",
    "decision_process",
    "impact",
    "current_solution",
    "compelling_event",
    "success_criteria",
    "technical_fit",
    "security_review",
    "procurement_steps",
    "legal_reviewer",
    "signing_process",
    "start_date",
)


@dataclass
class Row:
    """One labelled note sentence."""

    author: str
    text: str
    people: People
    gold: dict[str, str]


def load(people_of: Any) -> list[Row]:
    """Every training note sentence with its people."""
    rows = []
    for author, row in _rows(ROOT / "train", "notes"):
        contacts = _contacts(row)
        people = people_of(tuple((c.name, c.title or "", c.role or "") for c in contacts))
        rows.append(Row(author, row["text"], people, row.get("facts") or {}))
    return rows


def train(
    feats: list[tuple[str, ...]],
    labels: dict[str, list[int]],
    epochs: int = 12,
    l2: float = 1e-3,
    rate: float = 0.3,
    min_count: int = 2,
    seed: int = 7,
    l1: float = 0.0,
    prior: bool = True,
) -> tuple[dict[str, dict[str, float]], dict[str, float]]:
    """Per-topic L2 logistic regression by AdaGrad SGD (pure Python): weights and bias.

    Features seen in fewer than ``min_count`` sentences are dropped (a name, a typo)."""
    counts = Counter(f for fs in feats for f in fs)
    vocab = {f: i for i, f in enumerate(sorted(f for f, c in counts.items() if c >= min_count))}
    xs = [[vocab[f] for f in fs if f in vocab] for fs in feats]
    weights: dict[str, dict[str, float]] = {}
    bias: dict[str, float] = {}
    names = sorted(vocab, key=vocab.__getitem__)
    order = list(range(len(xs)))
    for topic, ys in labels.items():
        w = [0.0] * len(vocab)
        g2 = [1e-8] * len(vocab)
        pos = sum(ys)
        # the bias starts at the topic's base rate: AdaGrad barely moves one busy weight,
        # and a bias left near 0 reads a topic into any sentence of unknown words
        b = math.log(max(pos, 1) / max(len(ys) - pos, 1)) if prior else 0.0
        gb = 1e-8
        rng = random.Random(seed)
        for _ in range(epochs):
            rng.shuffle(order)
            for i in order:
                x = xs[i]
                z = b + sum(w[j] for j in x)
                p = 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))
                err = p - ys[i]
                gb += err * err
                b -= rate * err / math.sqrt(gb)
                for j in x:
                    g = err + l2 * w[j]
                    g2[j] += g * g
                    step = rate / math.sqrt(g2[j])
                    v = w[j] - step * g
                    # L1 by truncation: a weight the data does not keep pushing is zero
                    w[j] = (
                        v - step * l1 if v > step * l1 else v + step * l1 if v < -step * l1 else 0.0
                    )
        weights[topic] = {names[j]: v for j, v in enumerate(w) if v}
        bias[topic] = b
    return weights, bias


def score(reader: NoteReader, rows: list[Row], model: NoteModel | None) -> dict[str, Any]:
    """Polarity accuracy (right sign / labelled facts), spurious facts, per topic misses."""
    reader.model = model
    reader._memo.clear()
    right = facts = spurious = 0
    missed = wrong_sign = 0
    for r in rows:
        got = reader.read(r.text, r.people).facts
        for t, s in r.gold.items():
            facts += 1
            g = got.get(t)
            right += g == s
            missed += g is None
            wrong_sign += g is not None and g != s
        spurious += sum(t not in r.gold for t in got)
    return {
        "acc": right / facts if facts else 0.0,
        "spurious": spurious,
        "missed": missed,
        "wrong_sign": wrong_sign,
        "sentences": len(rows),
    }


def _xy(rows: list[Row]) -> tuple[list[tuple[str, ...]], dict[str, list[int]]]:
    feats = [note_features(r.text, r.people.names) for r in rows]
    labels = {t: [int(t in r.gold) for r in rows] for t in TOPICS}
    return feats, labels


def crossval(
    reader: NoteReader, rows: list[Row], configs: list[tuple[float, bool]]
) -> dict[str, dict[str, dict[str, Any]]]:
    """Per approach, per held-out author: the rules' figures, and those of the rules with
    a model trained on the other authors.  A config is (threshold, keep every rule fact:
    the model only adds topics; else it decides alone)."""
    authors = sorted({r.author for r in rows})
    out: dict[str, dict[str, dict[str, Any]]] = {"rules": {}}
    for a in authors:
        test = [r for r in rows if r.author == a]
        out["rules"][a] = score(reader, test, None)
        w, b = train(*_xy([r for r in rows if r.author != a]), min_count=MIN_COUNT)
        for thr, keep in configs:
            name = f"{'rules + model' if keep else 'model alone'}, threshold {thr}"
            out.setdefault(name, {})[a] = score(reader, test, NoteModel.of(w, b, thr, keep))
        sys.stderr.write(f"fold {a} done\n")
    return out


def render(res: dict[str, dict[str, dict[str, Any]]]) -> str:
    """One line per approach: macro accuracy over all folds, over the fresh authors,
    spurious facts in all, then each author's accuracy."""
    lines = []
    for name, per in res.items():
        authors = sorted(per)
        macro = sum(per[a]["acc"] for a in authors) / len(authors)
        fresh = [per[a]["acc"] for a in authors if a in FRESH]
        spur = sum(per[a]["spurious"] for a in authors)
        missed = sum(per[a]["missed"] for a in authors)
        sign = sum(per[a]["wrong_sign"] for a in authors)
        lines.append(
            f"{name:45} macro {macro:6.1%}  fresh {sum(fresh) / max(1, len(fresh)):6.1%}"
            f"  spurious {spur:4}  missed {missed:4}  wrong sign {sign:3}"
        )
        lines.append("    " + "  ".join(f"{a} {per[a]['acc']:.1%}" for a in authors))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """``--write``: train on every training author and write the shipped table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="write the shipped model table")
    parser.add_argument("--threshold", type=float, default=0.5)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    lex = load_playbook().compiled.lexicon
    reader = lex.notes
    rows = load(lex.people)
    if args.write:
        w, b = train(*_xy(rows), min_count=MIN_COUNT)
        feats = sorted({f for ws in w.values() for f in ws})
        table = {
            "threshold": args.threshold,
            "keep_rules": True,
            "features": feats,
            "bias": {t: round(v, 3) for t, v in b.items()},
            "weights": {t: [round(ws.get(f, 0.0), 2) for f in feats] for t, ws in w.items()},
        }
        sys.stdout.write(write_table(DEFAULT_NOTE_MODEL, table) + "\n")
        return 0
    configs = [(thr, True) for thr in (0.4, 0.5, 0.6)] + [(0.5, False)]
    res = crossval(reader, rows, configs)
    sys.stdout.write((json.dumps(res) if args.json else render(res)) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
