#!/usr/bin/env bash
# A layout v4 base (sees the cars) from the installed stage 6 (blind): v4-m's setting (docs/experiments/s24/v4.sh) with
# one change: the anchor holds a car in a queue too (--anchor-alone-closing 3: a car ahead frees the learner only while
# it closes on it faster than 3 m/s). Run folders under runs/s25/.
# Usage: docs/experiments/s25/v4.sh NAME SEED [more agents.train flags]   (run from the repository root)
RUNS=runs/s25 exec "$(dirname "$0")/../s24/v4.sh" "$@" --anchor-alone-closing 3
