"""Diagnostic: one car alone, held to a share of the reference lap's speed, 2 laps: now a command.

    python docs/experiments/s28/held_solo.py [--shares 1.0 0.9 0.8 0.7] [--models DIR] [TRACK ...]

The twenty-eighth session's numbers came from this script; the race it ran is now ``python -m
agents.race_bench.held`` (``agents/race_bench/held.py``), which this calls. Two differences: there a share of 1 is a
free car, where this script held the car to the reference lap's speed (0 s off the road for every installed driver
either way); and there the car drives at the hard level's full pace, where this script's race (the default level,
normal) also held it at 0.93 on both pace levers (docs/RACING.md, twenty-ninth session).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from agents.race_bench.held import main as held_main


def main() -> int:
    """Run ``agents.race_bench.held --json`` with this script's arguments."""
    parser = argparse.ArgumentParser()
    parser.add_argument("tracks", nargs="*", type=Path)
    parser.add_argument("--shares", nargs="+", default=["1.0", "0.9", "0.8", "0.7"])
    parser.add_argument("--models")
    args = parser.parse_args()
    argv = [arg for track in args.tracks for arg in ("--track", str(track))]
    argv += ["--shares", *args.shares, "--json", *(["--models", args.models] if args.models else [])]
    return held_main(argv)


if __name__ == "__main__":
    sys.exit(main())
