"""Accuracy of the language layer on the labelled corpus, split by author.

Run from the repository root::

    .venv/bin/python -m benchmarks.corpus --split train            # tune on these
    .venv/bin/python -m benchmarks.corpus --split train --misses   # ... and list the misses
    .venv/bin/python -m benchmarks.corpus --split heldout5         # aggregate figures only
    .venv/bin/python -m benchmarks.corpus --split heldout8
    .venv/bin/python -m benchmarks.corpus --split heldout9         # the newest held-out authors
    .venv/bin/python -m benchmarks.corpus --split heldout          # every held-out split pooled

Earlier held-out splits (heldout … heldout4, heldout6, heldout7) joined ``train/`` after being
measured; their last untouched figures are in the corpus GUIDE.md.

The corpus (tests/unit/core/data/corpus/, format in its GUIDE.md) has one next-step file and
one note file per author; training and held-out authors sit in separate folders.  The
held-out split exists to measure how the rules generalise to people who never saw them, so
this tool never prints a held-out text or a per-text miss: only counts and rates.
``--json`` prints the same figures as one JSON object (the test reads that).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from nextadvance.core import Playbook
from nextadvance.core.models import Contact
from nextadvance.mappings import load_playbook

ROOT = Path(__file__).resolve().parent.parent / "tests" / "unit" / "core" / "data" / "corpus"
VERDICTS = ("advance", "vague", "seller_action", "unrealistic_for_stage", "empty")
STAGES = ("prospecting", "qualification", "discovery", "solution", "proposal", "negotiation")


def _rows(folder: Path | tuple[Path, ...], suffix: str) -> Iterator[tuple[str, dict[str, Any]]]:
    folders = folder if isinstance(folder, tuple) else (folder,)
    for path in sorted(p for f in folders for p in f.glob(f"*.{suffix}.jsonl")):
        author = path.name.split(".")[0]
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                yield author, json.loads(line)


def _contacts(row: dict[str, Any]) -> tuple[Contact, ...]:
    return tuple(
        Contact(id=f"c{i}", name=c.get("name") or "", title=c.get("title"), role=c.get("role"))
        for i, c in enumerate(row.get("contacts") or ())
    )


def _rate(right: int, total: int) -> float | None:
    return round(right / total, 4) if total else None


def next_steps(
    playbook: Playbook, folder: tuple[Path, ...], misses: list[str] | None
) -> dict[str, Any]:
    """Per-verdict, per-stage, per-author accuracy, confusion matrix, wrongly-advance rate."""
    from nextadvance.core import classify_next_step

    total: Counter[str] = Counter()
    right: Counter[str] = Counter()
    stage_total: Counter[str] = Counter()
    stage_right: Counter[str] = Counter()
    author_total: Counter[str] = Counter()
    author_right: Counter[str] = Counter()
    confusion: dict[str, Counter[str]] = {v: Counter() for v in VERDICTS}
    wrong_advance = 0
    for author, row in _rows(folder, "nextsteps"):
        gold, stage = row["verdict"], row["stage"]
        got = classify_next_step(playbook, row["text"], stage, _contacts(row)).verdict
        total[gold] += 1
        stage_total[stage] += 1
        author_total[author] += 1
        confusion.setdefault(gold, Counter())[got] += 1
        if got == gold:
            right[gold] += 1
            stage_right[stage] += 1
            author_right[author] += 1
        else:
            if got == "advance":
                wrong_advance += 1
            if misses is not None:
                misses.append(f"{gold:>21} -> {got:<21} [{stage}] {row['id']}: {row['text']!r}")
    n = sum(total.values())
    not_advance = n - total["advance"]
    return {
        "texts": n,
        "overall": _rate(sum(right.values()), n),
        "per_verdict": {v: _rate(right[v], total[v]) for v in VERDICTS if total[v]},
        "per_verdict_n": {v: total[v] for v in VERDICTS if total[v]},
        "per_stage": {s: _rate(stage_right[s], stage_total[s]) for s in STAGES if stage_total[s]},
        "per_author": {a: _rate(author_right[a], author_total[a]) for a in sorted(author_total)},
        "confusion": {g: dict(confusion[g]) for g in VERDICTS if g in confusion},
        "wrongly_advance": wrong_advance,
        "wrongly_advance_rate_of_non_advance": _rate(wrong_advance, not_advance),
        "wrongly_advance_rate_of_all": _rate(wrong_advance, n),
    }


def notes(playbook: Playbook, folder: tuple[Path, ...], misses: list[str] | None) -> dict[str, Any]:
    """Per-topic polarity accuracy, spurious facts and commitment accuracy of note sentences."""
    from nextadvance.core import read_note

    topic_total: Counter[str] = Counter()
    topic_right: Counter[str] = Counter()
    spurious = 0
    no_fact_total = no_fact_right = 0
    commit_right = 0
    commit_tp = commit_fp = commit_fn = 0
    n = 0
    for _author, row in _rows(folder, "notes"):
        n += 1
        reading = read_note(playbook, row["text"], _contacts(row))
        gold: dict[str, str] = row.get("facts") or {}
        got = reading.facts
        bad: list[str] = []
        for topic, sign in gold.items():
            topic_total[topic] += 1
            if got.get(topic) == sign:
                topic_right[topic] += 1
            else:
                bad.append(f"{topic}:{sign}->{got.get(topic)}")
        extra = [t for t in got if t not in gold]
        spurious += len(extra)
        bad += [f"+{t}:{got[t]}" for t in extra]
        if not gold:
            no_fact_total += 1
            no_fact_right += not got
        want = bool(row.get("commitment"))
        if reading.commitment == want:
            commit_right += 1
        else:
            bad.append(f"commitment {want}->{reading.commitment}")
        commit_tp += want and reading.commitment
        commit_fp += (not want) and reading.commitment
        commit_fn += want and not reading.commitment
        if bad and misses is not None:
            misses.append(f"{row['id']}: {', '.join(bad)} | {row['text']!r}")
    facts = sum(topic_total.values())
    return {
        "sentences": n,
        "facts": facts,
        "polarity_accuracy": _rate(sum(topic_right.values()), facts),
        "per_topic": {t: _rate(topic_right[t], topic_total[t]) for t in sorted(topic_total)},
        "per_topic_n": dict(sorted(topic_total.items())),
        "spurious_facts": spurious,
        "no_fact_sentences_read_as_none": _rate(no_fact_right, no_fact_total),
        "commitment_accuracy": _rate(commit_right, n),
        "commitment_precision": _rate(commit_tp, commit_tp + commit_fp),
        "commitment_recall": _rate(commit_tp, commit_tp + commit_fn),
    }


def evaluate(split: str, root: Path = ROOT, misses: list[str] | None = None) -> dict[str, Any]:
    """All figures for one split (``misses`` is filled only for the training split)."""
    if split != "train" and misses is not None:
        raise ValueError("per-text misses are only shown for the training split")
    # "heldout": every held-out split pooled (all authors never tuned on)
    folder = tuple(sorted(root.glob("heldout?*"))) if split == "heldout" else (root / split,)
    playbook = load_playbook()
    return {
        "split": split,
        "authors": sorted({p.name.split(".")[0] for f in folder for p in f.glob("*.jsonl")}),
        "next_steps": next_steps(playbook, folder, misses),
        "notes": notes(playbook, folder, misses),
    }


def _pct(x: float | None) -> str:
    return "   -  " if x is None else f"{x:6.1%}"


def render(res: dict[str, Any]) -> str:
    """The figures as readable text (aggregates only)."""
    ns, nt = res["next_steps"], res["notes"]
    out = [f"split {res['split']}: authors {', '.join(res['authors'])}", ""]
    out.append(f"NEXT STEPS  {ns['texts']} texts, overall {_pct(ns['overall'])}")
    for v, r in ns["per_verdict"].items():
        out.append(f"  {v:24}{_pct(r)}  (n={ns['per_verdict_n'][v]})")
    out.append("  per stage:")
    out += [f"  {s:24}{_pct(r)}" for s, r in ns["per_stage"].items()]
    out.append("  per author:")
    out += [f"  {a:24}{_pct(r)}" for a, r in ns["per_author"].items()]
    out.append(
        f"  wrongly called advance: {ns['wrongly_advance']}"
        f" = {_pct(ns['wrongly_advance_rate_of_non_advance'])} of non-advance texts"
        f" ({_pct(ns['wrongly_advance_rate_of_all'])} of all)"
    )
    abbrev = {
        "advance": "adv",
        "vague": "vague",
        "seller_action": "seller",
        "unrealistic_for_stage": "unreal",
        "empty": "empty",
    }
    out.append("  confusion (rows gold, columns predicted):")
    out.append("  " + " " * 10 + "".join(f"{abbrev[v]:>8}" for v in VERDICTS))
    for g, row in ns["confusion"].items():
        out.append(f"  {abbrev[g]:10}" + "".join(f"{row.get(v, 0):8}" for v in VERDICTS))
    out.append("")
    out.append(
        f"NOTES  {nt['sentences']} sentences, {nt['facts']} labelled facts,"
        f" polarity accuracy {_pct(nt['polarity_accuracy'])}, spurious facts {nt['spurious_facts']},"
        f" no-fact sentences read as none {_pct(nt['no_fact_sentences_read_as_none'])}"
    )
    out += [f"  {t:24}{_pct(r)}  (n={nt['per_topic_n'][t]})" for t, r in nt["per_topic"].items()]
    out.append(
        f"  commitment accuracy {_pct(nt['commitment_accuracy'])}"
        f" (precision {_pct(nt['commitment_precision'])}, recall {_pct(nt['commitment_recall'])})"
    )
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    """Command-line entry: ``--split train|heldout|heldout5|heldout8|heldout9`` [``--misses``] [``--json``]."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--split",
        choices=("train", "heldout", "heldout5", "heldout8", "heldout9"),
        required=True,
    )
    parser.add_argument("--root", type=Path, default=ROOT, help="corpus folder")
    parser.add_argument("--misses", action="store_true", help="list misses (train only)")
    parser.add_argument("--json", action="store_true", help="print JSON")
    args = parser.parse_args(argv)
    if args.misses and args.split != "train":
        parser.error("--misses is only allowed on the training split")
    misses: list[str] | None = [] if args.misses else None
    res = evaluate(args.split, args.root, misses)
    sys.stdout.write((json.dumps(res) if args.json else render(res)) + "\n")
    if misses:
        sys.stdout.write("\nMISSES\n" + "\n".join(misses) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
