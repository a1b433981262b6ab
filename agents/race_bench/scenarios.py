"""The two scenarios of the race benchmark and what each one measures (:class:`ScenarioResult`).

1. ``field``: an 8-car all-AI race (the game's Watch mode), every car from its grid slot: the player's car at the
   difficulty's level, the seven rivals each with its character at that level (:mod:`game.sim.characters`).
2. ``slow_car``: the same race with the pole car (grid slot 0, car 0) held to ``SLOW_PACE`` of its own pace: its
   speed at each point of the track is held (it brakes when over, :func:`game.sim.pace.hold_speed`) to the share
   of the reference lap's speed that makes its lap ``1 / SLOW_PACE`` times its best lap in the field race (the same
   driver, level and grid slot; :func:`slow_car_hold`). It steers like the others, and is slow in corners as well as
   on straights, as a slow driver is. The other seven have to get past it. The lap it did is measured
   (``slow_car_pace``: its best lap against its field-race best) and printed, so the hold's calibration shows on
   every track. (Until the twenty-eighth session the car was held by the game's two pace levers at 0.8, which only
   lift: it lapped at 84-94% of its own pace, not 80%; docs/experiments/s28/RULE.md.)

:func:`run_levels` races the field race once at each difficulty (``--levels``).

Both use the driver the game would use on the track (:func:`game.drivers.catalogue.driver_for_track`: the
track's fine-tuned model, else the base model, else the scripted driver). The counters are defined in
:mod:`agents.race_bench.counting`.
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from agents.race_bench.counting import (
    CLEAN_WINDOW_S,
    count_bumps,
    find_passes,
    lap_ratios,
    mark_clean,
    rivals_ever_ahead,
    rivals_past,
)
from agents.race_bench.record import RaceRecord, make_race, record_race
from game.drivers.catalogue import driver_for_track
from game.drivers.racecraft import RacecraftSettings
from game.sim.physics import DEFAULT_CAR, CarParams
from game.sim.race import Driver, Race
from game.sim.reference import reference_lap
from game.sim.rules import DIFFICULTIES, MAX_CARS
from game.sim.track import Track

SLOW_PACE = 0.8  # the slow car's share of its own pace (its lap 1 / SLOW_PACE times its field-race best)
SLOW_CAR = 0  # the car on pole in the slow-car scenario
SLOW_CAR_KEYS = (
    "slow_car",
    "rivals_past",
    "rivals_ever_ahead",
    "slow_car_position",
    "slow_car_held_to",
    "slow_car_pace",
)


@dataclass
class ScenarioResult:
    """What one race measured (the JSON keys of ``python -m agents.race_bench --json``).

    Attributes:
        contacts: Bumps: one per pair of cars per touch.
        contact_events: Contact events as ``Race`` emits them (one per car per tick of a knock of 1 m/s or more).
        rescues: Cars put back on the road.
        passes: Overtakes while both cars raced.
        clean_passes: Passes with no contact for either car in the 2 s before.
        race_time_s: From the green until the race was over (or stopped).
        finished: Cars that took the flag.
        complete: The race ended by its rules (all in, or the flag timeout); False: stopped at the time limit.
        best_lap_ratios: Per car (index = grid slot), best lap over the reference lap; None without a lap.
        positions: Per car, its finishing position (1 = winner).
        names: Per car, its name in the race.
        pace: Per car, the straight-line pace it raced at.
        corner_pace: Per car, the cornering pace it raced at.
        contact_log: Every bump: race time [s], the two cars, and where (the first car's distance into its lap [m]).
        pass_log: Every pass: race time [s], the car that passed, the car passed, clean or not.
        rescue_log: Every rescue: race time [s], the car, where (its distance into its lap [m]), "off track" or
            "stuck", and whether the car had a contact in the ``CLEAN_WINDOW_S`` before (a knock, not its driving).
        slow_car: The held-back car (slow-car scenario only), else None.
        rivals_past: Rivals classified ahead of the slow car at the end (of 7), else None.
        rivals_ever_ahead: Rivals ever more than 2 m ahead of the slow car while racing, else None.
        slow_car_position: The slow car's finishing position (1-8), else None.
        slow_car_held_to: The share of the reference lap's speed the slow car was held to, else None.
        slow_car_pace: Its best lap in the field race over its best lap held (aimed at ``SLOW_PACE``), else None.
    """

    contacts: int
    contact_events: int
    rescues: int
    passes: int
    clean_passes: int
    race_time_s: float
    finished: int
    complete: bool
    best_lap_ratios: list[float | None]
    positions: list[int]
    names: list[str]
    pace: list[float]
    corner_pace: list[float]
    contact_log: list[dict[str, Any]] = field(default_factory=list)
    pass_log: list[dict[str, Any]] = field(default_factory=list)
    rescue_log: list[dict[str, Any]] = field(default_factory=list)
    slow_car: int | None = None
    rivals_past: int | None = None
    rivals_ever_ahead: int | None = None
    slow_car_position: int | None = None
    slow_car_held_to: float | None = None
    slow_car_pace: float | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (``slow_car`` fields only where there is a slow car)."""
        data = asdict(self)
        if self.slow_car is None:
            for key in SLOW_CAR_KEYS:
                del data[key]
        return data


def rescue_log(record: RaceRecord, track_length: float) -> list[dict[str, Any]]:
    """Every rescue of a race: when, which car, where on its lap, why, and whether a contact came just before."""
    log = []
    kinds = record.rescue_kinds or ["unknown"] * len(record.rescues)
    for (time, car), kind in zip(record.rescues, kinds, strict=True):
        tick = min(int(np.searchsorted(record.times, time)), len(record.times) - 1)
        knocked = any(c == car and time - CLEAN_WINDOW_S <= t <= time for t, c, _ in record.contacts)
        at = float(record.progress[tick, car]) % track_length  # a rescue keeps the car's progress
        log.append({"time_s": round(time, 3), "car": car, "at_m": round(at, 1), "kind": kind, "after_contact": knocked})
    return log


def measure(
    record: RaceRecord, reference_lap_s: float | None, track_length: float, slow_car: int | None = None
) -> ScenarioResult:
    """Count a recorded race (see :mod:`agents.race_bench.counting`).

    Args:
        record: The race.
        reference_lap_s: The reference lap [s], for the lap ratios (None: no ratios).
        track_length: [m], to say where on the lap each contact happened.
        slow_car: The held-back car, if any.
    """
    bumps = count_bumps(record.contacts, record.touches)
    passes = mark_clean(find_passes(record.times, record.progress, record.racing), record.contacts)
    positions = [0] * record.n_cars
    for place, car in enumerate(record.final_order, start=1):
        positions[car] = place
    contact_log = []
    for bump in bumps:
        tick = min(int(np.searchsorted(record.times, bump.time)), len(record.times) - 1)
        at = float(record.progress[tick, bump.a]) % track_length
        contact_log.append({"time_s": round(bump.time, 3), "cars": [bump.a, bump.b], "at_m": round(at, 1)})
    result = ScenarioResult(
        contacts=len(bumps),
        contact_events=len(record.contacts),
        rescues=len(record.rescues),
        passes=len(passes),
        clean_passes=sum(p.clean for p in passes),
        race_time_s=float(record.times[-1]) if len(record.times) else 0.0,
        finished=sum(record.finished),
        complete=record.done,
        best_lap_ratios=lap_ratios(record.best_laps(), reference_lap_s),
        positions=positions,
        names=list(record.names),
        pace=list(record.pace),
        corner_pace=list(record.corner_pace),
        contact_log=contact_log,
        pass_log=[{"time_s": round(p.time, 3), "car": p.car, "passed": p.passed, "clean": p.clean} for p in passes],
        rescue_log=rescue_log(record, track_length),
    )
    if slow_car is not None:
        result.slow_car = slow_car
        result.rivals_past = rivals_past(record.final_order, slow_car)
        result.rivals_ever_ahead = rivals_ever_ahead(record.progress, record.racing, slow_car)
        result.slow_car_position = positions[slow_car]
    return result


@dataclass
class BenchRun:
    """Both scenarios on one track, with their records (for the picture)."""

    field: ScenarioResult
    slow_car: ScenarioResult
    field_record: RaceRecord
    slow_car_record: RaceRecord
    driver: str
    model_path: Path | None

    @property
    def driver_name(self) -> str:
        """The model file's name, or the kind of driver where there is no model."""
        return self.model_path.name if self.model_path is not None else self.driver


def run_scenarios(
    track: Track,
    track_path: str | os.PathLike[str] | None,
    laps: int,
    difficulty: str,
    reference_lap_s: float | None,
    seed: int | None = None,
    params: CarParams = DEFAULT_CAR,
    models_dir: Path | None = None,
    racecraft: bool = True,
    settings: RacecraftSettings | None = None,
) -> BenchRun:
    """Race both scenarios on a track with the driver the game would use there.

    Args:
        track: Where.
        track_path: Its file (its stem picks the fine-tuned model).
        laps: Race distance.
        difficulty: "easy", "normal" or "hard".
        reference_lap_s: For the lap ratios.
        seed: None: the game's grid; else grid slots moved a little (see :func:`agents.race_bench.record.make_race`).
        params: The car.
        models_dir: Where models live (default: the game's).
        racecraft: The models race with :mod:`game.drivers.racecraft`, as in the game (False: the models alone).
        settings: The racecraft's settings (default: the track's own, else the game's; see
            :mod:`game.drivers.track_racecraft`).
    """
    choice = driver_for_track(track, track_path, params, models_dir, racecraft, settings)
    field_race = make_race(track, choice.driver, laps, difficulty, MAX_CARS, seed=seed, params=params)
    field_record = record_race(field_race)
    field_result = measure(field_record, reference_lap_s, track.length)
    choice = driver_for_track(track, track_path, params, models_dir, racecraft, settings)  # fresh each race
    slow_race = make_slow_car_race(track, choice.driver, laps, difficulty, field_record, seed, params)
    slow_record = record_race(slow_race)
    slow_result = measure(slow_record, reference_lap_s, track.length, SLOW_CAR)
    slow_result.slow_car_held_to = float(slow_race.held_to[SLOW_CAR])
    own, held = field_record.best_laps()[SLOW_CAR], slow_record.best_laps()[SLOW_CAR]
    slow_result.slow_car_pace = None if own is None or held is None else own / held
    return BenchRun(field_result, slow_result, field_record, slow_record, choice.kind, choice.model_path)


def make_slow_car_race(
    track: Track,
    driver: Driver,
    laps: int,
    difficulty: str,
    field: RaceRecord,
    seed: int | None = None,
    params: CarParams = DEFAULT_CAR,
) -> Race:
    """The slow-car race after ``field`` (the field race with the same settings, recorded), not yet run.

    Car ``SLOW_CAR`` is held by :func:`slow_car_hold` to ``SLOW_PACE`` of its pace in ``field``; ``driver`` must be
    a fresh one (the racecraft remembers the passes of the race it drove). The benchmark and its trace both race this.
    """
    hold = slow_car_hold(field, track, params)
    return make_race(track, driver, laps, difficulty, MAX_CARS, SLOW_CAR, hold, seed, params)


def slow_car_hold(field: RaceRecord, track: Track, params: CarParams = DEFAULT_CAR) -> float:
    """The share of the reference lap's speed that holds the slow car to ``SLOW_PACE`` of its own pace.

    Its own pace: car ``SLOW_CAR``'s best lap in the field race (the same driver, level and grid slot). Held to
    ``SLOW_PACE * reference / own`` of the reference lap's speed everywhere, it laps in ``own / SLOW_PACE`` where
    it keeps to the hold. Without a lap in the field race, its own pace is taken as the reference lap's.

    Args:
        field: The field race, recorded.
        track: Where.
        params: The car.
    """
    reference = reference_lap(track, params).lap_time_s
    own = field.best_laps()[SLOW_CAR]
    return SLOW_PACE * reference / (reference if own is None else own)


@dataclass
class LevelsRun:
    """The field race at each difficulty (``--levels``): results by difficulty, slowest first, and the driver."""

    results: dict[str, ScenarioResult]
    driver: str
    model_path: Path | None


def run_levels(
    track: Track,
    track_path: str | os.PathLike[str] | None,
    laps: int,
    reference_lap_s: float | None,
    seed: int | None = None,
    params: CarParams = DEFAULT_CAR,
    models_dir: Path | None = None,
    racecraft: bool = True,
    settings: RacecraftSettings | None = None,
) -> LevelsRun:
    """The field race once at each difficulty (the arguments as :func:`run_scenarios`'s)."""
    results = {}
    choice = None
    for difficulty in DIFFICULTIES:
        choice = driver_for_track(track, track_path, params, models_dir, racecraft, settings)  # fresh each race
        race = make_race(track, choice.driver, laps, difficulty, MAX_CARS, seed=seed, params=params)
        results[difficulty] = measure(record_race(race), reference_lap_s, track.length)
    assert choice is not None
    return LevelsRun(results, choice.kind, choice.model_path)
