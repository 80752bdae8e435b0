#!/usr/bin/env bash
# Instructions per `decide` (deterministic, unlike CPU seconds on a shared machine):
# cachegrind counts the instructions of deciding the first B generated deals and of the
# first A, and prints the difference per deal (so start-up and warm-up cancel out).
#
#   bash benchmarks/engine_instructions.sh 2000 6000          # pooled texts, ~3 min
#   bash benchmarks/engine_instructions.sh 300 1500 unique    # no text repeats
#
# Run from the repository root; needs valgrind.  Compare two trees with the same A, B.
set -euo pipefail
a=${1:-2000}
b=${2:-6000}
mode=${3:-pooled}
py=${PYTHON:-.venv/bin/python}
script='
import sys
from datetime import UTC, datetime
from benchmarks._gen import deals
from nextadvance.core import batch_gc, decide
from nextadvance.mappings import load_playbook
n, total, unique = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3] == "unique"
playbook = load_playbook()
now = datetime(2026, 11, 23, tzinfo=UTC)
batch = list(deals(total, seed=7, now=now, unique_texts=unique))
with batch_gc():
    for deal in batch[:n]:
        decide(deal, playbook, now)
'
count() {
  PYTHONPATH=. valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file=/dev/null \
    "$py" -c "$script" "$1" "$b" "$mode" 2>&1 | sed -n 's/.*I *refs: *//p' | tr -d ,
}
ia=$(count "$a")
ib=$(count "$b")
echo "{\"mode\": \"$mode\", \"deals\": [$a, $b], \"instructions_per_decide\": $(( (ib - ia) / (b - a) ))}"
