"""Diagnostic: one car alone, held to a share of the reference lap's speed (game.sim.pace.hold_speed), 2 laps.

    python docs/experiments/s28/held_solo.py [--shares 1.0 0.9 0.8 0.7] [--models DIR] [TRACK ...]

For each track (default: the race benchmark's 20) and share, the game's driver for the track (racecraft on, as in
a race; alone it changes nothing) drives from pole; printed: seconds with a wheel off the road, rescues, and the
best lap against the reference. A driver that can only drive at its own speed shows here as time off the road at
low shares: held slower in a corner than it learnt, it turns in too tightly (the steering asks for a share of the
grip, whatever the speed).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from agents.evaluate import load_track_file
from agents.race_bench.sweep import default_tracks
from game.drivers.catalogue import driver_for_track
from game.sim.physics import CAR_OFF_TRACK, DEFAULT_CAR, PHYSICS_DT
from game.sim.race import Race, RaceConfig
from game.sim.reference import reference_lap


def held_lap(track_path: Path, share: float, models: Path | None) -> dict:
    """One car alone on the track, held to ``share`` (inf: free), two laps: time off the road, rescues, best lap."""
    track = load_track_file(track_path)
    choice = driver_for_track(track, track_path, DEFAULT_CAR, models)
    race = Race(track, RaceConfig(laps=2, rivals=0, watch=True), choice.driver, DEFAULT_CAR)
    race.held_to[0] = share
    off = 0.0
    rescues = 0
    limit = 2 * track.length / 5.0 + 60.0
    while not race.done and race.race_time < limit:
        race.step()
        if race.started and race.cars[0, CAR_OFF_TRACK] > 0.5:
            off += PHYSICS_DT
        rescues += sum(e.kind == "rescue" for e in race.pop_events())
    best = race.timers[0].best_lap
    ref = reference_lap(track, DEFAULT_CAR).lap_time_s
    return {
        "track": track.name,
        "share": share,
        "off_s": round(off, 2),
        "rescues": rescues,
        "lap_ratio": None if best is None else round(best / ref, 3),
        "driver": choice.kind,
    }


def main() -> int:
    """Print one JSON line per track and share."""
    parser = argparse.ArgumentParser()
    parser.add_argument("tracks", nargs="*", type=Path)
    parser.add_argument("--shares", nargs="+", type=float, default=[1.0, 0.9, 0.8, 0.7])
    parser.add_argument("--models", type=Path)
    args = parser.parse_args()
    for path in args.tracks or default_tracks():
        for share in args.shares:
            print(json.dumps(held_lap(path, share, args.models)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
