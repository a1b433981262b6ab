#!/usr/bin/env bash
# Install a per-track driver trained with speed-held practice (docs/experiments/s29/RULE.md): for each RUN and TRACK
# (RUN = NAME or NAME-sN; part 1 in runs/s28/NAME-recipe-hs or runs/s29/p1-NAME, part 2 in runs/s29/p2-RUN), the
# installed driver's sidecar goes to tracks/history/TRACK-stageN.json (N the next free stage; its .npz stays in git
# history), part 1's sidecar and curve to TRACK-stage(N+1).*, and part 2's .npz and sidecar take its place.
# Usage: docs/experiments/s29/install.sh RUN:TRACK[:PART1_DIR]...   (from the repository root)
set -euo pipefail
shipped=assets/models/tracks
for pair in "$@"; do
  IFS=: read -r run track part1 <<<"$pair"
  name=${run%-s[0-9]*}
  if [ -z "$part1" ]; then
    part1=runs/s29/p1-$name
    [ -e "$part1/$track.json" ] || part1=runs/s28/$name-recipe-hs
  fi
  for file in "$part1/$track.json" "$part1/$track.curve.csv" "runs/s29/p2-$run/$track.npz"; do
    [ -e "$file" ] || { echo "error: $file is missing; nothing installed for $track" >&2; exit 1; }
  done
  n=1
  while [ -e "$shipped/history/$track-stage$n.json" ]; do n=$((n + 1)); done
  git mv "$shipped/$track.json" "$shipped/history/$track-stage$n.json"
  cp "$part1/$track.json" "$shipped/history/$track-stage$((n + 1)).json"
  cp "$part1/$track.curve.csv" "$shipped/history/$track-stage$((n + 1)).curve.csv"
  cp "runs/s29/p2-$run/$track.npz" "runs/s29/p2-$run/$track.json" "$shipped/"
  git add "$shipped/history/$track-stage$((n + 1)).json" "$shipped/history/$track-stage$((n + 1)).curve.csv" \
    "$shipped/$track.npz" "$shipped/$track.json"
  echo "$track: installed runs/s29/p2-$run (part 1 $part1); history/$track-stage$n.json the driver it replaces"
done
