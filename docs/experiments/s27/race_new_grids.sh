#!/usr/bin/env bash
# The twenty-seventh session's rule (RULE.md): stage 6 (installed, blind) and v4-o 500k (sees the cars) on the 12
# raceable circuits x grids 6, 7 and 8, each model in all 8 cars, both sweeps at once (one race each at a time), one
# JSON per race pair under runs/s27/sw/NAME.
# Usage: docs/experiments/s27/race_new_grids.sh   (from the repository root)
set -euo pipefail
circuits=(BrandsHatch Budapest Catalunya Hockenheim IMS Melbourne Montreal Monza MoscowRaceway Norisring Silverstone
  Zandvoort)
tracks=$(printf "tracks/circuits/%s.csv " "${circuits[@]}")
mkdir -p runs/s27/models/stage6
# stage 6, the base.npz shipped before v4-o was installed (commit 5d6606a)
[ -f runs/s27/models/stage6/base.npz ] || git show 5d6606a^:assets/models/base.npz > runs/s27/models/stage6/base.npz
# shellcheck disable=SC2086
python -m agents.race_bench.sweep --out runs/s27/sw/stage6-678 --tracks $tracks --grids 6 7 8 \
  --models runs/s27/models/stage6 --jobs 1 &
# shellcheck disable=SC2086
python -m agents.race_bench.sweep --out runs/s27/sw/v4o-500k-678 --tracks $tracks --grids 6 7 8 \
  --models runs/s25/models/v4o-500k --jobs 1 &
wait
