#!/usr/bin/env bash
# A layout v4 base (sees the cars) from the installed stage 6 (blind): only the car block's first-layer weights learn
# (--keep-driving), so alone it drives exactly as stage 6. v4-j's setting of the twenty-third session, rebuilt from
# docs/RACING.md after the development machine's runs/ folder was lost (2026-12-05): not bit for bit v4-j's run.
# Usage: docs/experiments/s24/v4.sh NAME SEED [more agents.train flags]   (run from the repository root)
set -euo pipefail
name=$1 seed=$2
shift 2
dir=${RUNS:-runs/s24}/$name  # RUNS: another session's runs folder (docs/experiments/s25/v4.sh)
mkdir -p "$dir"
circuits=(BrandsHatch Budapest Catalunya Hockenheim IMS Melbourne Montreal Monza MoscowRaceway Norisring Silverstone
  Zandvoort)
exec python -m agents.train base --traffic --init-from assets/models/base.zip --keep-driving \
  --anchor-weight 5 --anchor-alone --anchor-alone-within 20 --anchor-alone-behind 3 --learning-rate 3e-4 \
  --line-clearance 0.15 --drive-line-clearance 1.0 --line-penalty 0.5 --limit-bonus 0.1 --off-track-penalty 30 \
  --overspeed-penalty 1.0 \
  --pass-bonus 0.05 --traffic-scenarios "solo=0.35,pack=0.2,slow_ahead=0.2,slow_pole=0.15,fast_behind=0.1" \
  --track-mix-spread 0.3 --wide-track-share 0.3 --circuit-corner-share 0.3 --track-width-zones 4 \
  --track-brake-zone-share 0.7 --linked-corner-share 0.2 --grid-slots 8 --standing-start-share 0.2 --seed "$seed" \
  --steps 1000000 --eval-every 100000 --eval-episodes 8 \
  --eval-tracks $(printf "tracks/circuits/%s.csv " "${circuits[@]}") \
  --final-eval-episodes 0 --checkpoint-every 100000 --keep-checkpoints 20 --opponent-snapshot-every 200000 \
  --run-dir "$dir/run" --out "$dir/base.zip" "$@"
