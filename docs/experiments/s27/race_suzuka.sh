#!/usr/bin/env bash
# Suzuka, raceable now that its bridge is imported (game/sim/track/csv_import.py): stage 6 and v4-o 500k x 6 grids,
# each model in all 8 cars, one JSON per race pair under runs/s27/sw/NAME-suzuka. Not part of the rule (RULE.md): a
# thirteenth circuit for issue 14's goals.   Usage: docs/experiments/s27/race_suzuka.sh   (from the repository root)
set -euo pipefail
mkdir -p runs/s27/models/stage6
# stage 6, the base.npz shipped before v4-o was installed (commit 5d6606a)
[ -f runs/s27/models/stage6/base.npz ] || git show 5d6606a^:assets/models/base.npz > runs/s27/models/stage6/base.npz
for model in stage6:runs/s27/models/stage6 v4o-500k:runs/s25/models/v4o-500k; do
  python -m agents.race_bench.sweep --out "runs/s27/sw/${model%%:*}-suzuka" --tracks tracks/circuits/Suzuka.csv \
    --grids game 1 2 3 4 5 --models "${model#*:}" --jobs 1
done
