#!/usr/bin/env bash
# Race a v4 run's checkpoint by the rule's steps (docs/experiments/s25/RULE.md): export it on the drive line (1.0 m,
# stage 6's in the game; a checkpoint records the 0.15 m it trained on), then 12 circuits x the grids given, the base
# in all 8 cars, one JSON per race pair under runs/s25/sw/NAME.
# Usage: docs/experiments/s25/race.sh RUN_NAME STEPS SWEEP_NAME GRID...   (from the repository root)
# e.g.   docs/experiments/s25/race.sh v4-n 500000 v4n-500k game 1 2
set -euo pipefail
run=$1 steps=$2 name=$3
shift 3
ckpt=$(printf "runs/s25/%s/run/ckpt_%09d.zip" "$run" "$steps")
models=runs/s25/models/$name
[ -f "$models/base.npz" ] || python -m agents.export "$ckpt" --out "$models" --line-clearance 1.0
circuits=(BrandsHatch Budapest Catalunya Hockenheim IMS Melbourne Montreal Monza MoscowRaceway Norisring Silverstone
  Zandvoort)
exec python -m agents.race_bench.sweep --out "runs/s25/sw/$name" \
  --tracks $(printf "tracks/circuits/%s.csv " "${circuits[@]}") --grids "$@" --models "$models" --jobs 2
