#!/usr/bin/env bash
# Session 33: the rule's soups (L4, L8, W4 windows) of one base run's checkpoints, evaluated on the 15 circuits.
# Usage, from the repository root: bash docs/experiments/s33/soups.sh RUN_DIR NAME   (appends to runs/s33/soups.jsonl)
set -euo pipefail
run=$1 name=$2
ck() { printf '%s/ckpt_%09d.zip' "$run" "$1"; }
join() { local IFS=,; echo "$*"; }
specs=()
specs+=("$name-L4=$(join $(ck 1300000) $(ck 1400000) $(ck 1500000) $(ck 1600000))")
l8=(); for k in 9 10 11 12 13 14 15 16; do l8+=("$(ck $((k * 100000)))"); done
specs+=("$name-L8=$(join "${l8[@]}")")
for end in 4 5 6 7 8 9 10 11 12 13 14 15 16; do
  w=(); for k in $(seq $((end - 3)) "$end"); do w+=("$(ck $((k * 100000)))"); done
  specs+=("$name-W4-$((end * 100))k=$(join "${w[@]}")")
done
PYTHONPATH=. python docs/experiments/s33/circuit_eval.py "${specs[@]}" --out runs/s33/soups.jsonl
