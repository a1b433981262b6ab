"""What chosen cars do in one of the benchmark's races, decision by decision: how a pass fails, where a car leaves.

    python -m agents.race_bench.trace --track T --cars 0,2 --from 40 --to 60 [--slow-car] [--every 4]
        [--racecraft-set NAME=VALUE ...] [--seed S] [--controls]

Races the field race (or, with ``--slow-car``, the race with the pole car at 80% of its pace, after the field race
that sets its hold) exactly as the benchmark does, and from ``--from`` to ``--to`` seconds of race time prints one line
per ``--every`` ticks (60 a second): for each chosen car its distance round the lap [m], its offset from the middle of
the road [m] and where its racing line runs there, its speed [m/s] and its line's limit speed there, its racecraft
line shift [m] and the car it is passing (-1: none), and whether it is off the road; with ``--controls``, also what
the model asked for (steer, throttle) and the racecraft's throttle floor and cap (-1: brake, 0: lift, 1: free).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from agents.evaluate import load_track_file
from agents.race_bench.cli import DEFAULT_LAPS, settings_on_track
from agents.race_bench.record import make_race, record_race
from agents.race_bench.scenarios import make_slow_car_race
from game.drivers.catalogue import driver_for_track
from game.drivers.model import ActorDriver
from game.sim.physics import CAR_LATERAL, CAR_OFF_TRACK, CAR_PROGRESS, CAR_VX, CAR_VY, DEFAULT_CAR
from game.sim.race import Race
from game.sim.rules import MAX_CARS
from game.sim.track import TrackError


def trace(
    race: Race, driver: ActorDriver, cars: list[int], start: float, stop: float, every: int, controls: bool = False
) -> Iterator[str]:
    """Step ``race`` to ``stop`` seconds and yield a line per ``every`` ticks from ``start`` on.

    With ``controls``, each car's cell also gives the model's last steer and throttle (before the racecraft's bounds)
    and the racecraft's throttle floor and cap then.
    """
    racecraft = driver.racecraft
    assert racecraft is not None
    step = 0
    while not race.done and race.race_time < stop:
        race.step()
        step += 1
        if race.race_time < start or step % every or not racecraft.shift.size:
            continue
        state = race.cars
        cells = [f"t={race.race_time:7.2f}"]
        for car in cars:
            speed = float(np.hypot(state[car, CAR_VX], state[car, CAR_VY]))
            at = state[car, CAR_PROGRESS] % race.track.length
            line = float(racecraft.at(racecraft.line_offset, at))
            limit = float(racecraft.at(racecraft.limit_speed, at))
            cell = (
                f"car {car}: at {at:7.1f} m, lateral {state[car, CAR_LATERAL]:5.1f} (line {line:5.1f}), "
                f"{speed:4.1f} m/s (line's limit {limit:4.1f}), shift {racecraft.shift[car]:4.1f}, passing "
                f"{racecraft.passing[car]:2d}" + (" OFF" if state[car, CAR_OFF_TRACK] > 0.5 else "")
            )
            plan, asked = driver.last_plan, driver.last_model_actions
            if controls and plan is not None and car < asked.shape[0]:
                cell += (
                    f", model steer {asked[car, 0]:+.2f} throttle {asked[car, 1]:+.2f}"
                    f" (floor {plan.floor[car]:+.1f}, cap {plan.cap[car]:+.1f})"
                )
            cells.append(cell)
        yield " | ".join(cells)


def main(argv: list[str] | None = None) -> int:
    """Print the trace; 2 for bad input."""
    parser = argparse.ArgumentParser(prog="python -m agents.race_bench.trace", description=__doc__.split("\n")[0])
    parser.add_argument("--track", required=True, help="a track JSON or a circuit CSV")
    parser.add_argument("--cars", required=True, help="the cars to follow, by grid slot: 0,2,4")
    parser.add_argument("--from", dest="start", type=float, default=0.0, help="race time to start printing [s]")
    parser.add_argument("--to", dest="stop", type=float, required=True, help="race time to stop [s]")
    parser.add_argument("--every", type=int, default=4, help="print every this many ticks [default: 4]")
    parser.add_argument(
        "--controls", action="store_true", help="also the model's steer and throttle, and the racecraft's bounds"
    )
    parser.add_argument("--slow-car", action="store_true", help="the race with the pole car at 80%% of its pace")
    parser.add_argument("--seed", type=int, default=None, help="a moved grid, as race_bench's --seed")
    parser.add_argument("--racecraft-set", metavar="NAME=VALUE", action="append", default=[], help="as race_bench's")
    parser.add_argument("--models", type=Path, help="a models folder, as race_bench's [default: the game's]")
    args = parser.parse_args(argv)
    try:
        cars = [int(car) for car in args.cars.split(",")]
        track = load_track_file(args.track)
        settings = settings_on_track(args.track, args.models, args.racecraft_set)
    except (ValueError, TrackError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if not all(0 <= car < MAX_CARS for car in cars) or args.every < 1 or not 0 <= args.start < args.stop:
        print(f"error: cars are 0..{MAX_CARS - 1}, --every at least 1, 0 <= --from < --to", file=sys.stderr)
        return 2
    if args.models is not None and not args.models.is_dir():
        print(f"error: --models {args.models} is not a folder", file=sys.stderr)
        return 2
    choice = driver_for_track(track, args.track, DEFAULT_CAR, models_dir=args.models, settings=settings)
    driver = getattr(choice.driver, "primary", None)
    if not isinstance(driver, ActorDriver) or driver.racecraft is None:
        print(f"error: no model drives on {args.track} ({choice.message}): nothing to trace", file=sys.stderr)
        return 2
    race = make_race(track, choice.driver, DEFAULT_LAPS, "hard", MAX_CARS, seed=args.seed, params=DEFAULT_CAR)
    if args.slow_car:  # held to its pace in the field race, as the benchmark does: that race first
        field = record_race(race)
        choice = driver_for_track(track, args.track, DEFAULT_CAR, models_dir=args.models, settings=settings)
        driver = getattr(choice.driver, "primary", None)
        assert isinstance(driver, ActorDriver)  # the same file as above, read again
        race = make_slow_car_race(track, choice.driver, DEFAULT_LAPS, "hard", field, args.seed, DEFAULT_CAR)
    for line in trace(race, driver, cars, args.start, args.stop, args.every, args.controls):
        print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
