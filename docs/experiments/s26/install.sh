#!/usr/bin/env bash
# Install the seeing per-track drivers (part 2) by the session's rule (docs/experiments/s26/RULE.md): for each RUN
# (runs/s26/p2-RUN, RUN = TRACK or TRACK-sN) the blind driver's sidecar and curve go to tracks/history/TRACK-stageN.*
# (N the next free stage; its .npz stays in git history), and the part 2 .npz and sidecar take its place. Part 2 keeps
# no learning curve (no periodic evaluation): its sidecar's evaluation is empty, docs/RESULTS.md measures it.
# Usage: docs/experiments/s26/install.sh RUN...   (from the repository root)
set -euo pipefail
shipped=assets/models/tracks
for run in "$@"; do
  track=${run%-s[0-9]*}
  n=1
  while [ -e "$shipped/history/$track-stage$n.json" ]; do n=$((n + 1)); done
  git mv "$shipped/$track.json" "$shipped/history/$track-stage$n.json"
  git mv "$shipped/$track.curve.csv" "$shipped/history/$track-stage$n.curve.csv"
  cp "runs/s26/p2-$run/$track.npz" "runs/s26/p2-$run/$track.json" "$shipped/"
  echo "$track: part 2 $run installed; the blind driver's sidecar is history/$track-stage$n.json"
done
