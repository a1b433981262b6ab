#!/usr/bin/env bash
# Session 32: seeds of the held-pace base recipe (stage 6's command, assets/models/base.json), from stage 4.
# Usage, from the repository root: bash docs/experiments/s32/base_seeds.sh SEED [SEED ...]   (one run each, at once)
set -euo pipefail
root=${BASE_SEEDS_ROOT:-runs/s32/base}  # session 33 runs it with runs/s33/base
mkdir -p "$root"
[ -f "$root/base-stage4.zip" ] || git show 42fe21b^:assets/models/base.zip > "$root/base-stage4.zip"
CIRCUITS=(tracks/circuits/{BrandsHatch,Budapest,Catalunya,Hockenheim,IMS,Melbourne,Montreal,Monza,MoscowRaceway,Norisring,Shanghai,Silverstone,Suzuka,YasMarina,Zandvoort}.csv)
for seed in "$@"; do
  out=$root/hp-$seed
  mkdir -p "$out"
  nohup python -m agents.train finetune --base "$root/base-stage4.zip" --line-penalty 0.5 \
    --off-track-penalty 30 --overspeed-penalty 1.0 --limit-bonus 0.1 --track-mix-spread 0.3 --wide-track-share 0.3 \
    --circuit-corner-share 0.3 --track-width-zones 4 --track-brake-zone-share 0.7 --linked-corner-share 0.2 \
    --grid-slots 8 --standing-start-share 0.2 --steps 1600000 --eval-every 100000 --eval-tracks "${CIRCUITS[@]}" \
    --eval-episodes 8 --drive-line-clearance 1.0 --final-eval-episodes 8 --checkpoint-every 100000 \
    --keep-checkpoints 20 --practice-share 0 --seed "$seed" --line-shift-share 0.5 --held-pace-share 0.3 \
    --no-progress --run-dir "$out/run" --out "$out/base.zip" > "$out/train.log" 2>&1 &
done
