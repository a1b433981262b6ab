#!/usr/bin/env bash
# Part 2 (docs/experiments/s25/part2.sh, 200k steps, seed 1) on the shipped fine-tunes named, one after another, each
# started from its driver file (--init-from assets/models/tracks/TRACK.npz: its actor on stage 6's critics, the base
# it was fine-tuned from), the car weights and opponents v4-n 500k's. Output under runs/s26/p2-TRACK/.
# (Viaduct Eight, Harbour Hairpins and Norisring ran from a .zip made of the same weights by part1_from_npz.py, before
# --init-from took a driver file: the same start.)
# Usage: docs/experiments/s26/part2_shipped.sh TRACK...   (from the repository root)
set -euo pipefail
# The blind drivers are those shipped before the install (576618c^): assets/models/tracks/ holds part 2's since.
mkdir -p runs/s26/blind
for track in "$@"; do
  blind=runs/s26/blind/$track.npz
  [ -f "$blind" ] || git show "576618c^:assets/models/tracks/$track.npz" > "$blind"
  [ -f "runs/s26/p2-$track/$track.npz" ] || "$(dirname "$0")/../s25/part2.sh" "runs/s26/p2-$track" 1 \
    "$blind" runs/s25/v4n-500k.zip "tracks/$track.json" 200000 > "runs/s26/p2-$track.log" 2>&1
done
