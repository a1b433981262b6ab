"""Can a rival drive slowly? One car alone, held to a share of the reference lap's speed, for the race's laps.

    python -m agents.race_bench.held [--track T ...] [--shares 1 0.9 0.8 0.7] [--laps 2] [--models DIR] [--json]

In a race a rival is often slower than it learnt to be: queued behind a slow car, or behind a pack through a corner.
A driver that learnt its corners only at its own speed then turns in too tightly (the steering asks for a share of
the grip, whatever the speed), cuts inside and leaves the road. For each track (default: the race benchmark's, the
shipped tracks and the raceable circuits) and share, the game's driver for the track drives alone from pole, its
speed held to that share of the reference lap's (``game.sim.pace.hold_speed``, braking when over; 1 is free), and
prints the seconds it had a wheel off the road, its rescues, and its best lap against the reference. Speed-held
practice (``agents.train --held-speed-share``) is what trains a driver to pass this.

``--json`` prints one JSON object per track and share, one a line. A missing or broken track, a share out of (0, 1],
``--laps`` out of 1..20 or a missing models folder prints an ``error:`` line and exits with status 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from agents.evaluate import load_track_file
from agents.race_bench.cli import DEFAULT_LAPS
from agents.race_bench.record import MIN_AVERAGE_SPEED, make_race
from agents.race_bench.sweep import default_tracks
from game.drivers.catalogue import driver_for_track
from game.sim.physics import CAR_OFF_TRACK, DEFAULT_CAR, PHYSICS_DT
from game.sim.reference import reference_lap
from game.sim.track import Track, TrackError

DEFAULT_SHARES = (1.0, 0.9, 0.8, 0.7)
SPARE_TIME = 60.0  # [s] allowed beyond the laps at the benchmark's MIN_AVERAGE_SPEED


def held_drive(
    track: Track, track_path: Path, share: float, laps: int = DEFAULT_LAPS, models: Path | None = None
) -> dict:
    """The driver alone, held to ``share`` of the reference lap's speed (1: free): off-road time, rescues, lap."""
    choice = driver_for_track(track, track_path, DEFAULT_CAR, models)
    held = share < 1.0  # one car at the hard level: on autopilot at full pace, as the benchmark's pole car
    race = make_race(track, choice.driver, laps, "hard", 1, 0 if held else None, share, params=DEFAULT_CAR)
    off_road_s = 0.0
    rescues = 0
    limit = laps * track.length / MIN_AVERAGE_SPEED + SPARE_TIME
    while not race.done and race.race_time < limit:
        race.step()
        if race.started and race.cars[0, CAR_OFF_TRACK] > 0.5:
            off_road_s += PHYSICS_DT
        rescues += sum(event.kind == "rescue" for event in race.pop_events())
    best = race.timers[0].best_lap
    reference = reference_lap(track, DEFAULT_CAR).lap_time_s
    return {
        "track": track.name,
        "driver": choice.kind,
        "share": share,
        "finished": bool(race.done),
        "off_road_s": round(off_road_s, 2),
        "rescues": rescues,
        "best_lap_ratio": None if best is None else round(best / reference, 3),
    }


def row(result: dict) -> str:
    """One result as a line of text."""
    ratio = "-" if result["best_lap_ratio"] is None else f"{result['best_lap_ratio']:.3f}"
    share = "free" if result["share"] >= 1.0 else f"{result['share']:.2f}"
    return (
        f"{result['track']:<28} {result['driver']:<10} held to {share:>4}: off the road {result['off_road_s']:5.2f} s, "
        f"{result['rescues']} rescue(s), best lap {ratio}" + ("" if result["finished"] else " (did not finish)")
    )


def main(argv: list[str] | None = None) -> int:
    """Print one result per track and share; 2 for bad input."""
    parser = argparse.ArgumentParser(prog="python -m agents.race_bench.held", description=__doc__.split("\n")[0])
    parser.add_argument("--track", action="append", type=Path, help="a track JSON or a circuit CSV (repeatable)")
    parser.add_argument("--shares", nargs="+", type=float, default=list(DEFAULT_SHARES), help="of the reference speed")
    parser.add_argument("--laps", type=int, default=DEFAULT_LAPS, help=f"[default: {DEFAULT_LAPS}]")
    parser.add_argument("--models", type=Path, help="a models folder, as race_bench's [default: the game's]")
    parser.add_argument("--json", action="store_true", help="one JSON object per track and share, one a line")
    args = parser.parse_args(argv)
    if not all(0.0 < share <= 1.0 for share in args.shares) or not 1 <= args.laps <= 20:
        print("error: shares are in (0, 1] and --laps in 1..20", file=sys.stderr)
        return 2
    if args.models is not None and not args.models.is_dir():
        print(f"error: --models {args.models} is not a folder", file=sys.stderr)
        return 2
    paths = args.track or default_tracks()
    try:
        tracks = [(path, load_track_file(path)) for path in paths]
    except TrackError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for path, track in tracks:
        for share in args.shares:
            result = held_drive(track, path, share, args.laps, args.models)
            print(json.dumps(result) if args.json else row(result), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
