"""A race: the grid, the countdown, every car's driver, laps, positions and results. No pygame here.

One :meth:`Race.step` is one physics tick of ``PHYSICS_DT``; the game calls it from a fixed-timestep loop, tests
call it directly. Everything that happens in a tick is deterministic: the same player inputs per tick give the
same race, whatever the frame rate.

The AI cars are driven by one :class:`Driver` for the whole field: it decides every
``game.sim.physics.FRAME_SKIP`` ticks (20 Hz, as in training), from the training observation, and each decision is held
until the next. The player's car (index :attr:`Race.human`, at the back of the grid) follows the player's
controls until the chequered flag, then the AI brings it home.

Racing rules: the race is ``laps`` laps from a standing start (lap 1 is timed from the green light). When the
leader finishes, the flag is out: every other car finishes the next time it crosses the line, with however many
laps it has done. A car that has not taken the flag ``FLAG_TIMEOUT`` seconds after the leader is out (DNF).
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from game.sim.characters import AUTOPILOT, Character, character_paces, line_up
from game.sim.grid import grid_slot
from game.sim.laps import LapTimer
from game.sim.pace import apply_pace, hold_speed, reference_speed
from game.sim.physics import (
    CAR_ARC_LENGTH,
    CAR_HEADING,
    CAR_OFF_TRACK,
    CAR_PROGRESS,
    CAR_SEGMENT,
    CAR_SLIDE,
    CAR_VX,
    CAR_VY,
    CAR_X,
    CAR_Y,
    CONTACT_EVENT_DV,
    CONTACT_HALF_LENGTH,
    CONTACT_RADIUS,
    CONTACT_RESTITUTION,
    DEFAULT_CAR,
    FRAME_SKIP,
    PHYSICS_DT,
    CarParams,
    new_cars,
)
from game.sim.reference import reference_lap
from game.sim.rules import MAX_RIVALS
from game.sim.simulation import advance_in_traffic, place_car
from game.sim.track import Track

N_LIGHTS = 4  # red lights of the start gantry
LIGHT_INTERVAL = 0.6  # [s] between two lights coming on
COUNTDOWN = (N_LIGHTS + 1) * LIGHT_INTERVAL  # [s] from the first light to the green
RESCUE_OFF_TRACK = 2.0  # [s] an AI car off the track this long is put back on it
RESCUE_STUCK = 4.0  # [s] an AI car that gains no ground this long is put back on the track
PLAYER_RESCUE_HOLD = 2.0  # [s] the player's car, put back on the track on request, waits this long: the price
STRANDED_OFF_TRACK = 1.0  # [s] off the track this long, the player is offered a rescue
STRANDED_STUCK = 2.5  # [s] gaining no ground this long, likewise
FLAG_TIMEOUT = 90.0  # [s] after the winner, cars still out are DNF
AFTER_FINISH_PACE = 0.75  # the AI brings finished cars home gently
WRONG_WAY_ANGLE = math.radians(110.0)  # heading error that counts as driving the wrong way
WRONG_WAY_TIME = 0.7  # [s] before the warning shows
SKID_SLIDE = 0.15  # tyre slide (share of demand over grip) that leaves marks
REAR_AXLE = 1.3  # [m] behind the car's centre
REAR_TRACK = 0.75  # [m] from the centre line of the car to a rear wheel
MAX_SKID_MARKS = 6000
PLAYER_NAME = "YOU"


class Driver(Protocol):
    """Anything that turns car states into controls."""

    def act(self, cars: np.ndarray) -> np.ndarray:
        """(N, N_CAR_COLUMNS) car states -> (N, 2) [steer, throttle] in [-1, 1]."""
        ...


@dataclass(frozen=True)
class RaceConfig:
    """What the player chose.

    Attributes:
        laps: Race distance.
        rivals: AI cars besides the player's (0..7).
        difficulty: "easy", "normal" or "hard": the level of the rivals' characters (game.sim.characters).
        watch: True: an AI-only race, the player's car is driven by the AI too (at the level's pace).
        seed: Which rival gets which character and grid slot (game.sim.characters.line_up); None: the
            characters in their listed order. The race itself has no randomness.
    """

    laps: int = 3
    rivals: int = 5
    difficulty: str = "normal"
    watch: bool = False
    seed: int | None = None


@dataclass(frozen=True)
class RaceEvent:
    """Something that happened in a tick, for sound and messages.

    ``kind`` is one of "light" (value: number of lights on), "go", "lap" (value: lap time), "best" (value: the
    race's new fastest lap), "finish" (value: position), "flag" (the leader finished), "contact" (value:
    velocity change, m/s), "rescue", "done".
    """

    kind: str
    car: int = -1
    value: float = 0.0


@dataclass(frozen=True)
class CarResult:
    """One line of the results table."""

    position: int
    car: int
    name: str
    laps: int
    total_time: float | None  # [s] when it took the flag; None: did not finish
    best_lap: float | None  # [s]
    gap: str  # "", "+1.234", "+1 LAP", "DNF"


class Race:
    """The state of one race and the rules that move it on, one physics tick at a time."""

    def __init__(
        self,
        track: Track,
        config: RaceConfig,
        driver: Driver,
        params: CarParams = DEFAULT_CAR,
        autopilot: bool = False,
    ) -> None:
        """Put the cars on the grid.

        Args:
            track: Where to race.
            config: Laps, rivals, difficulty, watch.
            driver: Drives the AI cars (all of them, from one batch of observations).
            params: The car, the same for everyone.
            autopilot: The AI drives the player's car as well (demos, screenshots, tests).
        """
        if not 0 <= config.rivals <= MAX_RIVALS:
            raise ValueError(f"rivals must be 0..7, got {config.rivals}")
        if config.laps < 1:
            raise ValueError(f"laps must be at least 1, got {config.laps}")
        self.track = track
        self.config = config
        self.driver = driver
        self.params = params
        self._params = params.as_array()
        self.n_cars = config.rivals + 1
        self.human: int | None = None if config.watch else 0
        self.autopilot = autopilot or config.watch
        n = self.n_cars
        # Characters: car 0 is the player's (in a watch race the AI drives it), the rivals from pole backwards.
        self.characters: list[Character | None] = [None if self.human == 0 else AUTOPILOT]
        self.characters += line_up(config.rivals, config.seed)
        self.names = [PLAYER_NAME if c is None else c.name for c in self.characters]
        self.cars = new_cars(n)
        self._place_grid()
        self.prev_cars = self.cars.copy()
        self.controls = np.zeros((n, 2))
        self._ai_controls = np.zeros((n, 2))
        self._contact_dv = np.zeros(n)
        self._rear_impact = np.zeros(n)
        # Paces, fixed for the race: each rival its character's at the difficulty's level; the player's car is
        # never held back (on autopilot, full pace). ``pace``: straight-line, ``corner_pace``: cornering.
        self.pace = np.ones(n)
        self.corner_pace = np.ones(n)
        driven = [i for i, c in enumerate(self.characters) if c is not None]
        if driven:
            paces = character_paces([c for c in self.characters if c is not None], config.difficulty)
            self.pace[driven], self.corner_pace[driven] = paces
        self._reference_speed = reference_speed(track, params)
        # Speed holds, outside the game's rivals (the race benchmark's slow car): each car at most this share of
        # the reference lap's speed where it is, braking when over (game.sim.pace.hold_speed); inf: no hold.
        self.held_to = np.full(n, np.inf)
        self._line_speed: np.ndarray | None = None
        self.tick = 0
        self.countdown_ticks = int(round(COUNTDOWN / PHYSICS_DT))
        self.timers = [LapTimer(track.length, float(self.cars[i, CAR_PROGRESS])) for i in range(n)]
        self.finish_time: list[float | None] = [None] * n
        self.finish_laps = [0] * n
        self.flag_time: float | None = None
        self.done = False
        self.fastest_lap: tuple[float, int] | None = None
        self.events: list[RaceEvent] = []
        self.skid_marks: deque[tuple[float, float, float, float, float]] = deque(maxlen=MAX_SKID_MARKS)
        self.skid_serial = 0  # total marks ever made (the renderer paints those it has not seen)
        self._off_time = np.zeros(n)
        self._best_progress = self.cars[:, CAR_PROGRESS].copy()
        self._best_progress_time = np.zeros(n)
        self._wrong_way_time = np.zeros(n)
        self.hold_ticks = np.zeros(n, dtype=np.int64)  # ticks a car put back on the track still waits

    # -- set-up ------------------------------------------------------------------------------------------------
    def grid_slot(self, slot: int) -> tuple[float, float]:
        """(arc length, lateral offset) of a grid slot; slot 0 is pole, odd slots on the other side."""
        return grid_slot(self.track, slot)

    def grid_order(self) -> list[int]:
        """Car indices from pole backwards: the rivals in order, the player's car at the back (first if AI-driven)."""
        return list(range(1, self.n_cars)) + [0] if self.human == 0 else list(range(self.n_cars))

    def _place_grid(self) -> None:
        for slot, car in enumerate(self.grid_order()):
            arc, lateral = self.grid_slot(slot)
            place_car(self.cars, car, self.track, arc, lateral)

    # -- time and phase ------------------------------------------------------------------------------------------
    @property
    def race_time(self) -> float:
        """[s] since the green light (0 during the countdown)."""
        return max(self.tick - self.countdown_ticks, 0) * PHYSICS_DT

    @property
    def started(self) -> bool:
        """The lights have gone out."""
        return self.tick >= self.countdown_ticks

    @property
    def lights_on(self) -> int:
        """Red lights lit on the gantry (0 before the first and after the green)."""
        if self.started:
            return 0
        return min(int(self.tick * PHYSICS_DT / LIGHT_INTERVAL), N_LIGHTS)

    def finished(self, car: int) -> bool:
        """Has this car taken the chequered flag?"""
        return self.finish_time[car] is not None

    def lap_of(self, car: int) -> int:
        """The lap the car is on (1-based), capped at the race distance."""
        return min(self.timers[car].laps + 1, self.config.laps)

    def speed(self, car: int) -> float:
        """[m/s]."""
        return math.hypot(self.cars[car, CAR_VX], self.cars[car, CAR_VY])

    def wrong_way(self, car: int) -> bool:
        """The car has been driving against the direction of the track for a moment."""
        return self._wrong_way_time[car] >= WRONG_WAY_TIME

    # -- the tick ------------------------------------------------------------------------------------------------
    def step(self, player_controls: tuple[float, float] = (0.0, 0.0)) -> None:
        """Advance one physics tick.

        Args:
            player_controls: [steer, throttle] of the player's car for this tick (ignored on autopilot, in a
                watch race and after the flag).
        """
        self.prev_cars[:] = self.cars
        if self.done:
            return
        if not self.started:
            before = self.lights_on
            self.tick += 1
            if self.started:
                self.events.append(RaceEvent("go"))
            elif self.lights_on != before:
                self.events.append(RaceEvent("light", value=self.lights_on))
            return
        cars = self.cars
        track = self.track
        racing_tick = self.tick - self.countdown_ticks
        if racing_tick % FRAME_SKIP == 0:
            actions = np.array(self.driver.act(cars), dtype=np.float64).reshape(self.n_cars, 2)
            pace = self.pace.copy()
            corner_pace = self.corner_pace.copy()
            for i in range(self.n_cars):
                if self.finished(i):
                    pace[i] = min(pace[i], AFTER_FINISH_PACE)
                    corner_pace[i] = min(corner_pace[i], AFTER_FINISH_PACE)
            speed = np.hypot(cars[:, CAR_VX], cars[:, CAR_VY])
            segment = cars[:, CAR_SEGMENT].astype(np.int64)
            apply_pace(actions, pace, speed, self._reference_speed[segment], corner_pace)
            if np.isfinite(self.held_to).any():
                if self._line_speed is None:
                    self._line_speed = reference_lap(track, self.params).speed
                hold_speed(actions, speed, self.held_to * self._line_speed[segment])
            self._ai_controls[:] = np.clip(actions, -1.0, 1.0)
        self.controls[:] = self._ai_controls
        human = self.human
        if human is not None and not self.autopilot and not self.finished(human):
            steer, throttle = player_controls
            self.controls[human, 0] = min(max(float(steer), -1.0), 1.0) if math.isfinite(steer) else 0.0
            self.controls[human, 1] = min(max(float(throttle), -1.0), 1.0) if math.isfinite(throttle) else 0.0

        held = self.hold_ticks > 0
        if held.any():
            self.controls[held] = 0.0
            cars[held, CAR_VX] = 0.0
            cars[held, CAR_VY] = 0.0
            self.hold_ticks[held] -= 1
        time_before = self.race_time
        progress_before = cars[:, CAR_PROGRESS].copy()
        advance_in_traffic(
            cars,
            self.controls,
            track.table,
            track.spacing,
            self._params,
            PHYSICS_DT,
            1,
            CONTACT_RADIUS,
            CONTACT_HALF_LENGTH,
            CONTACT_RESTITUTION,
            self._contact_dv,
            self._rear_impact,
        )  # the same kernel as training in traffic: contact is the same in the game and in training
        for i in np.flatnonzero(self._contact_dv >= CONTACT_EVENT_DV):
            self.events.append(RaceEvent("contact", int(i), float(self._contact_dv[i])))
        self.tick += 1
        now = self.race_time
        self._laps(progress_before, time_before, now)
        self._skids()
        self._watch_cars(now)
        if not self.done and self.flag_time is not None:
            everyone_in = all(self.finished(i) for i in range(self.n_cars))
            if everyone_in or now - self.flag_time > FLAG_TIMEOUT:
                self.done = True
                self.events.append(RaceEvent("done"))

    def _laps(self, progress_before: np.ndarray, time_before: float, now: float) -> None:
        for i, timer in enumerate(self.timers):
            completed = timer.update(float(progress_before[i]), float(self.cars[i, CAR_PROGRESS]), time_before, now)
            if not completed or self.finished(i):
                continue
            lap_time = timer.last_lap
            self.events.append(RaceEvent("lap", i, lap_time))
            if self.fastest_lap is None or lap_time < self.fastest_lap[0]:
                self.fastest_lap = (lap_time, i)
                self.events.append(RaceEvent("best", i, lap_time))
            if timer.laps >= self.config.laps or self.flag_time is not None:
                crossing = timer.lap_start_time
                self.finish_time[i] = crossing
                self.finish_laps[i] = timer.laps
                if self.flag_time is None:
                    self.flag_time = crossing
                    self.events.append(RaceEvent("flag", i))
                self.events.append(RaceEvent("finish", i, self.position_of(i)))

    def _skids(self) -> None:
        cars = self.cars
        prev = self.prev_cars
        for i in np.flatnonzero(cars[:, CAR_SLIDE] > SKID_SLIDE):
            if math.hypot(cars[i, CAR_VX], cars[i, CAR_VY]) < 3.0:
                continue
            strength = min(float(cars[i, CAR_SLIDE]) * 2.0, 1.0)
            for side in (-1.0, 1.0):
                x0, y0 = _wheel(prev[i], side)
                x1, y1 = _wheel(cars[i], side)
                self.skid_marks.append((x0, y0, x1, y1, strength))
                self.skid_serial += 1

    def _watch_cars(self, now: float) -> None:
        """Wrong-way timers, and rescue of AI cars that left the track or got stuck."""
        cars = self.cars
        dt = PHYSICS_DT
        heading_track = self.track.heading[cars[:, CAR_SEGMENT].astype(np.int64)]
        error = np.abs((cars[:, CAR_HEADING] - heading_track + np.pi) % (2.0 * np.pi) - np.pi)
        moving = np.hypot(cars[:, CAR_VX], cars[:, CAR_VY]) > 2.0
        wrong = (error > WRONG_WAY_ANGLE) & moving
        self._wrong_way_time = np.where(wrong, self._wrong_way_time + dt, 0.0)
        self._off_time = np.where(cars[:, CAR_OFF_TRACK] > 0.5, self._off_time + dt, 0.0)
        gained = cars[:, CAR_PROGRESS] > self._best_progress + 1.0
        self._best_progress = np.where(gained, cars[:, CAR_PROGRESS], self._best_progress)
        self._best_progress_time = np.where(gained, now, self._best_progress_time)
        for i in range(self.n_cars):
            if i == self.human and not (self.autopilot or self.finished(i)):
                continue
            if self._off_time[i] > RESCUE_OFF_TRACK or now - self._best_progress_time[i] > RESCUE_STUCK:
                self.rescue(i, now)

    def rescue(self, car: int, now: float | None = None) -> None:
        """Put a car back in the middle of the track where it is, standing still, keeping its progress."""
        progress = self.cars[car, CAR_PROGRESS]
        place_car(self.cars, car, self.track, float(self.cars[car, CAR_ARC_LENGTH]))
        self.cars[car, CAR_PROGRESS] = progress
        self.prev_cars[car] = self.cars[car]
        self._off_time[car] = 0.0
        self._best_progress[car] = progress
        self._best_progress_time[car] = self.race_time if now is None else now
        self.events.append(RaceEvent("rescue", car))

    def stranded(self, car: int) -> bool:
        """Off the track or gaining no ground for a while: the moment to offer the player a rescue."""
        if not self.can_put_back(car):
            return False
        return (
            self._off_time[car] > STRANDED_OFF_TRACK or self.race_time - self._best_progress_time[car] > STRANDED_STUCK
        )

    def can_put_back(self, car: int) -> bool:
        """May this car ask to be put back on the track now (racing, not finished, not already waiting)?"""
        return self.started and not self.done and not self.finished(car) and self.hold_ticks[car] == 0

    def put_back(self, car: int) -> bool:
        """The player's rescue: back in the middle of the track, standing, held ``PLAYER_RESCUE_HOLD`` seconds.

        Call it between ticks (the replay records the tick). Returns False, doing nothing, when not allowed.
        """
        if not self.can_put_back(car):
            return False
        self.rescue(car)
        self.hold_ticks[car] = int(round(PLAYER_RESCUE_HOLD / PHYSICS_DT))
        return True

    def pop_events(self) -> list[RaceEvent]:
        """The events since the last call (the caller plays sounds and shows messages for them)."""
        events, self.events = self.events, []
        return events

    # -- standings ----------------------------------------------------------------------------------------------
    def order(self) -> list[int]:
        """Car indices from first to last: finishers by laps then time, then the rest by distance driven."""

        def key(i: int) -> tuple[float, float, float]:
            finish = self.finish_time[i]
            if finish is not None:
                return (0.0, -self.finish_laps[i], finish)
            return (1.0, -float(self.cars[i, CAR_PROGRESS]), 0.0)

        return sorted(range(self.n_cars), key=key)

    def position_of(self, car: int) -> int:
        """1-based race position."""
        return self.order().index(car) + 1

    def results(self) -> list[CarResult]:
        """The classification; cars that have not taken the flag are DNF (e.g. when the player skips ahead)."""
        rows = []
        order = self.order()
        winner = order[0]
        for position, i in enumerate(order, start=1):
            total = self.finish_time[i]
            if total is None:
                gap = "DNF"
            elif i == winner:
                gap = ""
            elif self.finish_laps[i] < self.finish_laps[winner]:
                down = self.finish_laps[winner] - self.finish_laps[i]
                gap = f"+{down} LAP" + ("S" if down > 1 else "")
            else:
                gap = f"+{total - self.finish_time[winner]:.3f}"
            rows.append(CarResult(position, i, self.names[i], self.timers[i].laps, total, self.timers[i].best_lap, gap))
        return rows


def _wheel(car: np.ndarray, side: float) -> tuple[float, float]:
    """World position of a rear wheel (side +1 left, -1 right)."""
    c = math.cos(car[CAR_HEADING])
    s = math.sin(car[CAR_HEADING])
    return (
        car[CAR_X] - REAR_AXLE * c - side * REAR_TRACK * s,
        car[CAR_Y] - REAR_AXLE * s + side * REAR_TRACK * c,
    )
