#!/usr/bin/env bash
# Session 33: the addendum's soups across runs (P2, P2-kept, P3) of base runs' folders, evaluated on the 15 circuits.
# Usage, from the repository root: bash docs/experiments/s33/cross_soups.sh ROOT SEED SEED ...
#   ROOT holds hp-SEED/{base.zip,run/}; appends to runs/s33/cross.jsonl
set -euo pipefail
root=$1; shift
seeds=("$@")
last() { printf '%s/hp-%s/run/ckpt_%09d.zip' "$root" "$1" 1600000; }
kept() { printf '%s/hp-%s/base.zip' "$root" "$1"; }
specs=()
n=${#seeds[@]}
for ((i = 0; i < n; i++)); do for ((j = i + 1; j < n; j++)); do
  a=${seeds[i]} b=${seeds[j]}
  specs+=("P2-$a-$b=$(last "$a"),$(last "$b")" "P2kept-$a-$b=$(kept "$a"),$(kept "$b")")
done; done
for ((i = 0; i < n; i++)); do for ((j = i + 1; j < n; j++)); do for ((k = j + 1; k < n; k++)); do
  a=${seeds[i]} b=${seeds[j]} c=${seeds[k]}
  specs+=("P3-$a-$b-$c=$(last "$a"),$(last "$b"),$(last "$c")")
done; done; done
PYTHONPATH=. python docs/experiments/s33/circuit_eval.py "${specs[@]}" --out runs/s33/cross.jsonl
