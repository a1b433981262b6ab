"""Where the field gets past the slow car, and where it queues: the benchmark's slow-car race, car by car.

    PYTHONPATH=. python docs/experiments/s30/hh_queue.py TRACK [--seed S] [--racecraft-set NAME=VALUE ...]

Prints every contact and rescue (where, and the cars near), for each rival the race time and the distance round the
lap where it got past the slow car (pole, car 0), and a histogram of where rivals spent their time within 40 m behind
it (queued), by 50 m of lap.
"""

from __future__ import annotations

import argparse

import numpy as np

from agents.evaluate import load_track_file
from agents.race_bench.cli import DEFAULT_LAPS, racecraft_settings
from agents.race_bench.record import make_race, record_race
from agents.race_bench.scenarios import make_slow_car_race
from game.drivers.catalogue import driver_for_track
from game.sim.physics import CAR_LATERAL, CAR_PROGRESS, DEFAULT_CAR
from game.sim.rules import MAX_CARS


def main() -> None:
    """Race the benchmark's two races on the track (the field race sets the slow car's hold) and print."""
    parser = argparse.ArgumentParser()
    parser.add_argument("track")
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--racecraft-set", action="append", default=[])
    args = parser.parse_args()
    settings = racecraft_settings(args.racecraft_set)
    track = load_track_file(args.track)
    choice = driver_for_track(track, args.track, DEFAULT_CAR, settings=settings)
    race = make_race(track, choice.driver, DEFAULT_LAPS, "hard", MAX_CARS, seed=args.seed, params=DEFAULT_CAR)
    field = record_race(race)
    choice = driver_for_track(track, args.track, DEFAULT_CAR, settings=settings)
    race = make_slow_car_race(track, choice.driver, DEFAULT_LAPS, "hard", field, args.seed, DEFAULT_CAR)
    length = track.length
    queued = np.zeros(int(length // 50) + 1)
    past = {}
    contacts = []
    while not race.done:
        race.step()
        p = race.cars[:, CAR_PROGRESS]
        for event in race.pop_events():
            if event.kind == "rescue":
                contacts.append(f"t={race.race_time:6.1f} car {event.car} RESCUED at {p[event.car] % length:6.0f} m")
            if event.kind == "contact":
                car = event.car
                near = [k for k in range(p.shape[0]) if k != car and abs(p[k] - p[car]) < 8.0]
                contacts.append(
                    f"t={race.race_time:6.1f} car {car} at {p[car] % length:6.0f} m lat "
                    f"{race.cars[car, CAR_LATERAL]:+.1f} dv {event.value:.1f}, near: "
                    + ", ".join(f"{k} ({p[k] - p[car]:+.1f} m, lat {race.cars[k, CAR_LATERAL]:+.1f})" for k in near)
                )
        for car in range(1, p.shape[0]):
            behind = p[0] - p[car]
            if car not in past and behind < 0:
                past[car] = (race.race_time, p[0] % length)
            if 0 < behind < 40 and car not in past:
                queued[int((p[car] % length) // 50)] += 1 / 60
    print("\n".join(contacts))
    for car, (t, at) in sorted(past.items(), key=lambda kv: kv[1][0]):
        print(f"car {car} past at t={t:6.1f} s, {at:6.0f} m round the lap")
    print(f"{len(past)} of {race.cars.shape[0] - 1} past")
    print("queued [car-seconds] by 50 m of lap:")
    for k, q in enumerate(queued):
        if q > 0.5:
            print(f"  {k * 50:5d}-{k * 50 + 50:5d} m: {q:5.1f}")


if __name__ == "__main__":
    main()
