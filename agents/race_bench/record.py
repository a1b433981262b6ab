"""Run one race headless on the project's :class:`game.sim.race.Race` and record what the counters need.

:func:`record_race` steps a :class:`Race` tick by tick until it is done and keeps, per tick after the green light:
the race time, every car's progress, its race position and whether it is still racing (has not taken the flag);
and the events the race emitted (contacts, rescues, laps), plus which pairs of cars were touching. The counting
itself (:mod:`agents.race_bench.counting`) works on this record only, so it can be tested on records made by hand.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from game.sim.physics import (
    CAR_OFF_TRACK,
    CAR_PROGRESS,
    CAR_X,
    CAR_Y,
    CONTACT_HALF_LENGTH,
    DEFAULT_CAR,
    CarParams,
    car_gap,
)
from game.sim.race import CONTACT_RADIUS, FLAG_TIMEOUT, Driver, Race, RaceConfig
from game.sim.track import Track, widths_at

TOUCH_TOLERANCE = 0.05  # [m] two cars this close beyond touching still touch (contacts leave them at it)
MIN_AVERAGE_SPEED = 5.0  # [m/s] a race whose leader is slower than this on average is stopped (a broken driver)
GRID_JITTER_ARC = 0.5  # [m] with a seed, each grid slot moves up to this far along the track...
GRID_JITTER_LATERAL = 0.1  # ... and up to this share of the half-width across it (``make_race``)


@dataclass
class RaceRecord:
    """A race, tick by tick from the green light. ``T`` ticks, ``N`` cars; times in seconds since the green.

    Attributes:
        names: The cars' names.
        times: (T,) race time after each recorded tick.
        progress: (T, N) distance driven since the start/finish line [m] (negative on the grid).
        positions: (T, N) race position 1..N of each car.
        racing: (T, N) the car has not taken the chequered flag yet.
        contacts: (time, car, velocity change [m/s]) of every contact event the race emitted (one per car).
        touches: (time, car a, car b), a < b, for every tick at which the two cars touched (any speed).
        rescues: (time, car) of every rescue.
        rescue_kinds: Per rescue, "off track" (the car was off the track the tick before) or "stuck".
        laps: (time, car, lap time) of every lap completed before the car's flag.
        final_order: Car indices from first to last when the race ended.
        finished: Whether each car took the flag.
        pace: The straight-line pace each car raced at (``Race.pace``).
        corner_pace: The cornering pace each car raced at (``Race.corner_pace``).
        done: The race ended by its own rules (every car in, or the flag timeout), not by the time limit.
    """

    names: list[str]
    times: np.ndarray
    progress: np.ndarray
    positions: np.ndarray
    racing: np.ndarray
    contacts: list[tuple[float, int, float]] = field(default_factory=list)
    touches: list[tuple[float, int, int]] = field(default_factory=list)
    rescues: list[tuple[float, int]] = field(default_factory=list)
    rescue_kinds: list[str] = field(default_factory=list)
    laps: list[tuple[float, int, float]] = field(default_factory=list)
    final_order: list[int] = field(default_factory=list)
    finished: list[bool] = field(default_factory=list)
    pace: list[float] = field(default_factory=list)
    corner_pace: list[float] = field(default_factory=list)
    done: bool = False

    @property
    def n_cars(self) -> int:
        """Cars in the race."""
        return len(self.names)

    def best_laps(self) -> list[float | None]:
        """Each car's fastest lap [s] (lap 1 from the standing start included), or None without a lap."""
        best: list[float | None] = [None] * self.n_cars
        for _, car, lap in self.laps:
            current = best[car]
            best[car] = lap if current is None else min(current, lap)
        return best


class _SeededGridRace(Race):
    """A race whose grid slots are moved a little, the same way for the same seed (see :func:`make_race`)."""

    def __init__(self, track: Track, config: RaceConfig, driver: Driver, params: CarParams, seed: int) -> None:
        self.seed = seed  # set first: Race.__init__ places the grid
        super().__init__(track, config, driver, params)

    def grid_slot(self, slot: int) -> tuple[float, float]:
        """The game's grid slot, moved by an amount that depends on the seed and the slot only."""
        arc, lateral = super().grid_slot(slot)
        jitter = np.random.default_rng([self.seed, slot]).uniform(-1.0, 1.0, size=2)
        width_left, width_right = widths_at(self.track.table, self.track.spacing, arc)
        half = 0.5 * (width_left + width_right)
        return arc + GRID_JITTER_ARC * float(jitter[0]), lateral + GRID_JITTER_LATERAL * half * float(jitter[1])


def make_race(
    track: Track,
    driver: Driver,
    laps: int,
    difficulty: str,
    n_cars: int,
    slow_car: int | None = None,
    slow_hold: float = math.inf,
    seed: int | None = None,
    params: CarParams = DEFAULT_CAR,
) -> Race:
    """An all-AI (watch) race, as the game's Watch mode starts it.

    Args:
        track: Where.
        driver: Drives every car.
        laps: Race distance.
        difficulty: Sets the level of the cars' characters (``game.sim.characters``); car 0, the player's car
            driven by the AI, at the level's pace, the others the characters in their listed order.
        n_cars: Field size (1..8); car ``i`` starts from grid slot ``i``.
        slow_car: A car held to ``slow_hold`` of the reference lap's speed where it is (``Race.held_to``: it
            brakes when over), or None. Its pace levers stay at the level, as car 0's in a field race.
        slow_hold: The slow car's share of the reference lap's speed (see
            :func:`agents.race_bench.scenarios.slow_car_hold`).
        seed: None: the game's grid exactly; a number: every grid slot moved a little (up to
            ``GRID_JITTER_ARC`` along and ``GRID_JITTER_LATERAL`` of the half-width across), to see the spread of
            the numbers (the race itself has no randomness).
        params: The car.
    """
    config = RaceConfig(laps=laps, rivals=n_cars - 1, difficulty=difficulty, watch=True)
    if seed is None:
        race = Race(track, config, driver, params)
    else:
        race = _SeededGridRace(track, config, driver, params, seed)
    if slow_car is not None:
        race.held_to[slow_car] = slow_hold
    return race


def record_race(race: Race, max_time: float | None = None) -> RaceRecord:
    """Run a race to its end (or ``max_time`` seconds after the green) and record it.

    Args:
        race: A race on the grid, not yet stepped.
        max_time: [s] stop here if the race is not over; default: enough for the laps at ``MIN_AVERAGE_SPEED``
            plus the flag timeout.
    """
    if max_time is None:
        max_time = race.config.laps * race.track.length / MIN_AVERAGE_SPEED + FLAG_TIMEOUT
    n = race.n_cars
    touch_distance = 2.0 * CONTACT_RADIUS + TOUCH_TOLERANCE
    reach = touch_distance + 2.0 * CONTACT_HALF_LENGTH  # centres further apart cannot touch
    upper = np.triu(np.ones((n, n), dtype=bool), k=1)
    times: list[float] = []
    progress: list[np.ndarray] = []
    positions: list[np.ndarray] = []
    racing: list[list[bool]] = []
    contacts: list[tuple[float, int, float]] = []
    touches: list[tuple[float, int, int]] = []
    rescues: list[tuple[float, int]] = []
    rescue_kinds: list[str] = []
    laps: list[tuple[float, int, float]] = []
    while not race.done and race.race_time < max_time:
        off_track = race.cars[:, CAR_OFF_TRACK] > 0.5  # before the tick: a rescue puts the car back on the road
        race.step()
        events = race.pop_events()
        if not race.started:
            continue
        now = race.race_time
        for event in events:
            if event.kind == "contact":
                contacts.append((now, event.car, event.value))
            elif event.kind == "rescue":
                rescues.append((now, event.car))
                rescue_kinds.append("off track" if off_track[event.car] else "stuck")
            elif event.kind == "lap":
                laps.append((now, event.car, event.value))
        xy = race.cars[:, CAR_X : CAR_Y + 1]
        distance = np.hypot(xy[:, None, 0] - xy[None, :, 0], xy[:, None, 1] - xy[None, :, 1])
        for a, b in zip(*np.nonzero((distance <= reach) & upper), strict=True):
            if car_gap(race.cars, int(a), int(b), CONTACT_HALF_LENGTH)[0] <= touch_distance:
                touches.append((now, int(a), int(b)))
        position = np.empty(n, dtype=np.int64)
        position[race.order()] = np.arange(1, n + 1)
        times.append(now)
        progress.append(race.cars[:, CAR_PROGRESS].copy())
        positions.append(position)
        racing.append([not race.finished(i) for i in range(n)])
    return RaceRecord(
        names=list(race.names),
        times=np.asarray(times, dtype=np.float64),
        progress=np.asarray(progress, dtype=np.float64).reshape(-1, n),
        positions=np.asarray(positions, dtype=np.int64).reshape(-1, n),
        racing=np.asarray(racing, dtype=bool).reshape(-1, n),
        contacts=contacts,
        touches=touches,
        rescues=rescues,
        rescue_kinds=rescue_kinds,
        laps=laps,
        final_order=race.order(),
        finished=[race.finished(i) for i in range(n)],
        pace=[float(p) for p in race.pace],
        corner_pace=[float(p) for p in race.corner_pace],
        done=race.done,
    )
