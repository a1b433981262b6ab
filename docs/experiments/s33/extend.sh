#!/usr/bin/env bash
# Session 33, recipe E: go on with base runs from their 1.6M checkpoint to 2.4M steps (one run each, at once).
# Usage, from the repository root: bash docs/experiments/s33/extend.sh RUN_ROOT SEED [SEED ...]
#   RUN_ROOT holds hp-SEED/run (e.g. runs/s32/base); the extension's model and curve go to runs/s33/ext/hp-SEED/
set -euo pipefail
root=$1; shift
for seed in "$@"; do
  out=runs/s33/ext/hp-$seed
  mkdir -p "$out"
  nohup python -m agents.train finetune --resume --run-dir "$root/hp-$seed/run" --steps 2400000 --no-progress \
    --out "$out/base.zip" > "$out/train.log" 2>&1 &
done
