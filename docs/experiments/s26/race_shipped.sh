#!/usr/bin/env bash
# Race a part 2 per-track driver (runs/s26/p2-RUN/TRACK.npz; RUN is TRACK or TRACK-sN for another seed) on its track
# x 6 grids, every car that driver, v4-n 500k as the base (used on no shipped track), one JSON per race pair under
# runs/s26/sw/p2-RUN. Usage: docs/experiments/s26/race_shipped.sh RUN...   (from the repository root)
set -euo pipefail
for run in "$@"; do
  track=${run%-s[0-9]*}
  models=runs/s26/models/p2-$run
  mkdir -p "$models/tracks"
  cp runs/s25/models/v4n-500k/base.npz "$models/"
  cp "runs/s26/p2-$run/$track.npz" "$models/tracks/"
  blind=runs/s26/blind/$track.npz  # the blind driver shipped before the install (576618c^)
  mkdir -p runs/s26/blind
  [ -f "$blind" ] || git show "576618c^:assets/models/tracks/$track.npz" > "$blind"
  PYTHONPATH=. python "$(dirname "$0")/check_alone.py" "$blind" "$models/tracks/$track.npz"
  python -m agents.race_bench.sweep --out "runs/s26/sw/p2-$run" --tracks "tracks/$track.json" \
    --grids game 1 2 3 4 5 --models "$models" --jobs 1
done
