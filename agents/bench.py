"""Simulation speed benchmark: ``python -m agents.bench``.

Prints the median (of several runs) time of one ``RetroRacerEnv.step`` (three physics ticks, projection,
observation, reward), of one step of the multi-car field per car (8 cars: physics with contact, each car's
observation of the others, rewards), of one physics tick per car when 64 cars step at once, and of generating a
random track.
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

from agents.env import FRAME_SKIP, RetroRacerEnv
from game.sim.physics import DEFAULT_CAR, PHYSICS_DT, new_cars
from game.sim.simulation import advance, place_car
from game.sim.track import Track

ENV_STEP_GOAL_US = 30.0
CAR_STEP_GOAL_US = 2.0
FIELD_STEP_GOAL_US = 2.0  # per car-step of an 8-car field
FIELD_CARS = 8


def bench_track() -> Track:
    """A 2.4 km test circuit (fixed, so numbers compare between runs)."""
    angles = np.linspace(0.0, 2.0 * np.pi, 24, endpoint=False)
    radius = 380.0 + 60.0 * np.sin(3 * angles) + 30.0 * np.cos(5 * angles)
    points = np.stack([radius * np.cos(angles), 0.7 * radius * np.sin(angles)], axis=1)
    return Track("bench", points, np.full(24, 6.0), np.full(24, 6.0))


def time_env_step(track: Track, steps: int, seed: int) -> float:
    """Mean wall time of one env.step [s], driving a gentle random policy (resets excluded)."""
    env = RetroRacerEnv(track=track, start="random", max_episode_steps=10**9)
    env.reset(seed=seed)
    rng = np.random.default_rng(seed)
    actions = np.clip(rng.normal([0.0, 0.5], 0.3, size=(steps, 2)), -1, 1).astype(np.float32)
    elapsed = 0.0
    for action in actions:
        t0 = time.perf_counter()
        _, _, terminated, truncated, _ = env.step(action)
        elapsed += time.perf_counter() - t0
        if terminated or truncated:
            env.reset()
    return elapsed / steps


def time_car_step(track: Track, n_cars: int, ticks: int, seed: int) -> float:
    """Wall time of one physics tick per car when ``n_cars`` step together [s]."""
    rng = np.random.default_rng(seed)
    cars = new_cars(n_cars)
    for i in range(n_cars):
        place_car(cars, i, track, float(rng.uniform(0, track.length)), 0.0, float(rng.uniform(5, 40)))
    controls = np.clip(rng.normal([0.0, 0.5], 0.3, size=(n_cars, 2)), -1, 1)
    params = DEFAULT_CAR.as_array()
    t0 = time.perf_counter()
    advance(cars, controls, track.table, track.spacing, params, PHYSICS_DT, ticks)
    return (time.perf_counter() - t0) / (ticks * n_cars)


def time_field_step(track: Track, n_cars: int, steps: int, seed: int) -> float:
    """Wall time of one step of an ``n_cars`` traffic field, per car [s] (grid start, gentle random policy)."""
    from agents.traffic.field import TrafficField

    field = TrafficField([track], n_learners=n_cars, n_opponents=0, scenario_weights={"pack": 1.0}, seed=seed)
    field.max_episode_steps = 10**9
    field.reset()
    rng = np.random.default_rng(seed)
    actions = np.clip(rng.normal([0.0, 0.5], 0.3, size=(steps, n_cars, 2)), -1, 1)
    elapsed = 0.0
    for action in actions:
        t0 = time.perf_counter()
        _, _, terminated, _ = field.step(action)
        elapsed += time.perf_counter() - t0
        for car in np.flatnonzero(terminated):
            field.respawn(int(car))
    return elapsed / (steps * n_cars)


def time_track_generation(seeds: range) -> float:
    """Mean wall time of ``generate_track`` (called at every reset of a randomised env) [s]."""
    from game.sim.track.generator import generate_track

    t0 = time.perf_counter()
    for seed in seeds:
        generate_track(seed)
    return (time.perf_counter() - t0) / len(seeds)


def time_racing_line(seeds: range) -> float:
    """Mean wall time of the racing line of a new random track (``game.sim.racing_line.line_table``) [s]."""
    from game.sim.racing_line import line_table
    from game.sim.track.generator import generate_track

    tracks = [generate_track(seed) for seed in seeds]
    t0 = time.perf_counter()
    for track in tracks:
        line_table(track)
    return (time.perf_counter() - t0) / len(seeds)


def main(argv: list[str] | None = None) -> None:
    """Run the benchmark and print medians."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="repetitions; the median is reported")
    parser.add_argument("--steps", type=int, default=20000, help="env steps per run")
    args = parser.parse_args(argv)
    if args.runs < 1 or args.steps < 1:
        parser.error("--runs and --steps must be positive")
    track = bench_track()
    time_env_step(track, 200, 0)  # compile / warm up
    time_car_step(track, 64, 10, 0)
    time_field_step(track, FIELD_CARS, 50, 0)
    env_us = [1e6 * time_env_step(track, args.steps, seed) for seed in range(args.runs)]
    field_us = [1e6 * time_field_step(track, FIELD_CARS, args.steps // 4, seed) for seed in range(args.runs)]
    car_us = [1e6 * time_car_step(track, 64, 2000, seed) for seed in range(args.runs)]
    gen_ms = [1e3 * time_track_generation(range(1000 + 20 * r, 1020 + 20 * r)) for r in range(args.runs)]
    line_ms = [1e3 * time_racing_line(range(2000 + 5 * r, 2005 + 5 * r)) for r in range(args.runs)]
    env_median = statistics.median(env_us)
    car_median = statistics.median(car_us)
    print(
        f"env.step (1 env, {FRAME_SKIP} physics ticks): median {env_median:.2f} us "
        f"(goal <= {ENV_STEP_GOAL_US:.0f} us, ratio {env_median / ENV_STEP_GOAL_US:.2f}); "
        f"{1e6 / env_median:,.0f} steps/s"
    )
    field_median = statistics.median(field_us)
    print(
        f"multi-car field step ({FIELD_CARS} cars, contact, observations of each other, rewards): median "
        f"{field_median:.2f} us per car-step (goal <= {FIELD_STEP_GOAL_US:.0f} us, ratio "
        f"{field_median / FIELD_STEP_GOAL_US:.2f})"
    )
    print(
        f"physics tick, 64 cars at once: median {car_median:.3f} us per car-step "
        f"(goal <= {CAR_STEP_GOAL_US:.0f} us, ratio {car_median / CAR_STEP_GOAL_US:.2f})"
    )
    print(f"random track generation (each new track with randomize_track): median {statistics.median(gen_ms):.1f} ms")
    print(f"racing line of a new track (game.sim.racing_line): median {statistics.median(line_ms):.0f} ms")
    print(f"runs: {args.runs}; env.step samples (us): {', '.join(f'{x:.2f}' for x in env_us)}")


if __name__ == "__main__":
    main()
