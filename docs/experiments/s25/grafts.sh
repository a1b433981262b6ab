#!/usr/bin/env bash
# The per-track drivers made from a v4 base by the graft (docs/experiments/s25/graft.py): each blind fine-tune's
# driving with the base's car weights. Models folders under runs/s25/models/: NAME-shipped (the 7 shipped tracks'
# installed fine-tunes) and NAME-melN (the twenty-fourth session's Melbourne part 1, seeds 1 and 2, if present).
# Usage: docs/experiments/s25/grafts.sh NAME   (after race.sh made runs/s25/models/NAME/base.npz)
set -euo pipefail
name=$1
base=runs/s25/models/$name/base.npz
graft() { PYTHONPATH=. python docs/experiments/s25/graft.py "$1" "$base" "$2"; }
out=runs/s25/models/$name-shipped
mkdir -p "$out/tracks"
cp "$base" "$out/base.npz"
for blind in assets/models/tracks/*.npz; do graft "$blind" "$out/tracks/$(basename "$blind")"; done
for seed in 1 2; do
  part1=runs/s24/ft-s6$([ "$seed" = 1 ] || echo "-s$seed")/Melbourne.npz
  [ -f "$part1" ] || continue
  out=runs/s25/models/$name-mel$seed
  mkdir -p "$out/tracks"
  cp "$base" "$out/base.npz"
  graft "$part1" "$out/tracks/Melbourne.npz"
done
