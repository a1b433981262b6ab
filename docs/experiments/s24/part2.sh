#!/usr/bin/env bash
# Part 2 of the editor's fine-tune from a v4 base: part 1 (PART1.zip, a blind fine-tune of stage 6, the editor's
# default) widened to layout v4 with the v4 base's car weights (--car-weights-from), then STEPS in traffic on the
# track with only the car weights learning (--keep-driving). STEPS below the warm-up (5000) make the graft: no update.
# Usage: docs/experiments/s24/part2.sh OUT_DIR SEED PART1.zip V4BASE.zip TRACK STEPS [more agents.train flags]
# (The session's two part-2 runs ran with --drive-line-clearance 1.0 as well, a slip: the driver then drove the 1.0 m
# line where part 1 drives 0.15 m. Their .npz were exported again with --line-clearance 0.15 before any race.)
set -euo pipefail
out=$1 seed=$2 part1=$3 v4=$4 track=$5 steps=$6
shift 6
mkdir -p "$out"
exec python -m agents.train finetune --track "$track" --traffic --init-from "$part1" --car-weights-from "$v4" \
  --opponents "${v4%.zip}.npz" --keep-driving --anchor-weight 5 --anchor-alone --anchor-alone-within 20 \
  --anchor-alone-behind 3 --learning-rate 3e-4 --pass-bonus 0.05 --practice-share 0 \
  --traffic-scenarios "solo=0.35,pack=0.2,slow_ahead=0.2,slow_pole=0.15,fast_behind=0.1" \
  --line-clearance 0.15 --steps "$steps" --eval-every 0 --no-keep-best \
  --final-eval-episodes 0 --checkpoint-every 0 --seed "$seed" --run-dir "$out/run" \
  --out "$out/$(basename "${track%.*}").zip" "$@"
