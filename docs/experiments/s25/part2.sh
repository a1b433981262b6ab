#!/usr/bin/env bash
# The twenty-fourth session's part 2 (docs/experiments/s24/part2.sh) with the anchor held in queues, as v4-n's
# (--anchor-alone-closing 3). Opponents: V4BASE's .npz beside it.
# Usage: docs/experiments/s25/part2.sh OUT_DIR SEED PART1.zip V4BASE.zip TRACK STEPS [more agents.train flags]
exec "$(dirname "$0")/../s24/part2.sh" "$@" --anchor-alone-closing 3
