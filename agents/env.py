"""RetroRacer-v1: one car on one track, the headless Gymnasium environment that trains the AI drivers."""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import gymnasium as gym
import numpy as np
from numba import njit

from agents.line_shift import LineShift, LineShiftSettings
from agents.practice import CornerPractice
from agents.reward import RewardConfig, car_reward
from agents.traffic.scenarios import random_placement
from game.sim.grid import GRID_BEHIND_LINE, GRID_SLOTS, grid_slot
from game.sim.laps import LapTimer
from game.sim.observation import OBSERVATION_HIGH, OBSERVATION_LOW, observe_car, observe_line_shift
from game.sim.observation_layout import (
    LINE_CLEARANCE,
    OBSERVATION_VERSION,
    READABLE_VERSIONS,
    checked_line_clearance,
    observation_size,
)
from game.sim.pace import apply_pace, hold_speed, reference_speed
from game.sim.physics import (
    CAR_ARC_LENGTH,
    CAR_OFF_TRACK,
    CAR_PROGRESS,
    CAR_SEGMENT,
    CAR_VX,
    CAR_VY,
    DEFAULT_CAR,
    FRAME_SKIP,
    PHYSICS_DT,
    CarParams,
    new_cars,
)
from game.sim.racing_line import LINE_LIMIT_SPEED, line_table
from game.sim.simulation import advance, place_car
from game.sim.track import Track, widths_at
from game.sim.track.io import load_track

if TYPE_CHECKING:
    from game.sim.track.generator import GeneratorSettings

TrackSource = str | os.PathLike[str] | Track
HELD_PACE = (0.65, 0.98)  # a held episode's pace, drawn uniformly: the game's easy slow car (0.64) to nearly free
HELD_SPEED = (0.6, 0.95)  # a speed-held episode's share of the reference lap's speed, drawn uniformly


@njit(cache=True)
def _advance_and_observe(cars, controls, table, line, spacing, params, dt, n_steps, obs):  # noqa: ANN001, ANN202
    advance(cars, controls, table, spacing, params, dt, n_steps)
    observe_car(cars[0], table, line, spacing, params, obs)


class RetroRacerEnv(gym.Env):
    """Drive one car around a track as fast as possible without leaving it.

    The car is the game's car (``game.sim.physics``), so a driver trained here drives the same car in the game.

    ## Track Selection
    ``track`` (a file path or a :class:`game.sim.track.Track`) races one track; ``tracks`` a list, one drawn at random
    each episode; ``randomize_track=True`` (the default when neither is given) generates a new random track every
    episode (domain randomisation, ``game.sim.track.generator``, drawn with the ``generator`` settings), or every
    ``episodes_per_track`` episodes: each new track costs about 0.1-0.2 s for its racing line.

    ## Action Space
    ``Box(-1, 1, (2,), float32)``: ``[steer, throttle]``. Steer -1 is full lock right, +1 full lock left (the lock
    shrinks with speed). Throttle > 0 drives, < 0 brakes and, once stopped, reverses. Out-of-range values are
    clipped; a non-finite value raises ``ValueError``. Each action is held for 3 physics ticks of 1/60 s
    (the driver decides at 20 Hz).

    ## Observation Space
    ``Box(low, high, (42,), float32)`` from ``game.sim.observation``, the same function the in-game AI uses
    (layout v4; the index of each number is named in ``game.sim.observation_layout``). The first 22: speed, slip
    speed, yaw rate, braking look-ahead (speed over the speed the corners ahead allow),
    heading error, road position (+-1 at the edges, up to +-2 beyond), offset from the racing line, 7 look-ahead
    headings of the racing line (16 to 200 m ahead, relative to the car) and 8 look-ahead curvatures of the
    racing line (the sharpest corner in each window). Then the cars around (3 ahead, 2 behind: presence, gap,
    lateral offset, closing speed), all 0 here since this env has one car (``agents.traffic`` races many). See
    that module for the exact scaling. ``observation_version=3`` gives the first 22 numbers only (layout v3), for
    fine-tuning a model made for that layout.

    ## Rewards
    Per step (see :class:`RewardConfig`): ``0.1`` per metre of progress along the track (negative when going backwards;
    cutting across the grass earns only what the car really drove), minus ``0.01 * offset^2`` for leaving the racing
    line (offset in half widths of the road, game.sim.racing_line), minus ``overspeed_penalty`` (default 0) times the
    braking look-ahead above 0 (observation 3: too fast to brake for the corners ahead), minus ``edge_penalty`` (default
    0) times ((|road position| - 0.8) / 0.2)^2 with the car in the outer tenth of the road (observation 5 past
    ``edge_zone``), plus ``limit_bonus`` (default 0) times max(0, 1 - |speed / limit speed - 1| / ``limit_zone``) where
    the limit speed is the reference lap's speed profile of the car's line at its place, minus 5 once if the car
    leaves the track or gets stuck. The same function
    (``agents.reward.car_reward``) scores cars in traffic, where a contact costs ``contact_penalty`` and running into a
    car ahead ``rear_end_penalty`` more; alone, neither can happen.

    ## Starting State
    ``start="grid"``: standing start in the middle of the road at pole position, just behind the start/finish
    line; with ``grid_slots`` > 0, from one of the game's first ``grid_slots`` grid slots (``game.sim.grid``), drawn at
    random, so the driver practises every place the game may start it. ``start="random"``: a random point of the
    track, a random offset and heading error, and a random speed below what the next corner allows, or a
    standstill with probability ``standing_start_prob``. ``start="mixed"`` (default): random with probability
    ``random_start_prob``, else grid. Override per episode with ``reset(options={"start": "grid"})``;
    ``options={"slot": k}`` starts from the game's grid slot ``k``; ``options={"perturb": True}`` adds small random
    perturbations to a grid start (for evaluation). With ``practice_share`` > 0 (:mod:`agents.practice`), an
    episode after the car left the road or got stuck may instead restart from its state 1-4 s before, on the same
    track; never when ``reset`` is given options.

    ## Racing line
    The racing line the observation is read along keeps half the car's width plus ``line_clearance`` from each
    edge (default 0.15 m, the reference lap's line); a driver file records the clearance it drives with. With
    ``line_shift_share`` > 0 (:mod:`agents.line_shift`), that share of the episodes moves the line sideways as the
    game's racecraft does in a race: feature 6 and the reward's line and limit terms then read the moved line, whose
    shift ``info["line_shift"]`` gives [m, positive to the left]. Never when ``reset`` is given options.

    ## Pace
    With ``held_pace_share`` > 0, that share of the episodes holds the car to a pace drawn from ``HELD_PACE`` on both
    levers of :mod:`game.sim.pace`, as the game holds a rival of a slower character or level, or the race
    benchmark's slow car: the throttle capped and lifted over the pace's share of the reference speed, the brakes
    the driver's own (``info["pace"]``; 1 when free). With ``held_speed_share`` > 0, that share of the episodes
    (others than those) holds the car's speed to a share drawn from ``HELD_SPEED`` of its line's limit speed (the
    reference lap's) where it is, braking when over (:func:`game.sim.pace.hold_speed`), as the race benchmark's slow
    car is held and as the cars queued behind it drive: slower in corners than the driver would go, where a driver
    that only knows its own speed turns in too tightly (``info["speed_hold"]``; None when free). Never when
    ``reset`` is given options.

    ## Episode End
    Terminated when the car's centre leaves the track (beyond an edge), or when it is stuck: no new best progress
    (by 1 m) for 3 s. Truncated after ``max_episode_steps`` actions.

    ## Info
    ``laps`` (completed timed laps), ``lap_times`` [s], ``progress`` [m along the track since the line],
    ``lap_fraction``, ``off_track``, ``stuck``, ``speed`` [m/s], ``time`` [s], ``track`` (name).

    ## Version History
    The observation layout has a version (:data:`game.sim.observation_layout.OBSERVATION_VERSION`), written into
    every driver ``.npz`` and sidecar and checked when a model loads; a new layout gets a new env id.

    * v0, observation v1: 22 numbers along the centre line, the steering angle among them.
    * v0, observation v2: the braking look-ahead replaced the steering angle (same size, same id: the reason
      versions are now stored).
    * v0, observation v3: everything read along the racing line, plus the offset from that line.
    * v1, observation v4 (this one): v3 plus the cars around (20 numbers, 0 for a car alone). ``RetroRacer-v0`` is
      gone: it would be this env with ``observation_version=3``.
    """

    metadata = {"render_modes": ["rgb_array"], "render_fps": int(round(1.0 / (FRAME_SKIP * PHYSICS_DT)))}

    def __init__(
        self,
        track: TrackSource | None = None,
        tracks: Sequence[TrackSource] | None = None,
        randomize_track: bool | None = None,
        start: str = "mixed",
        random_start_prob: float = 0.75,
        standing_start_prob: float = 0.0,
        max_episode_steps: int = 2000,
        reward: RewardConfig | None = None,
        car: CarParams = DEFAULT_CAR,
        render_mode: str | None = None,
        episodes_per_track: int = 1,
        generator: GeneratorSettings | None = None,
        grid_slots: int = 0,
        observation_version: int = OBSERVATION_VERSION,
        line_clearance: float = LINE_CLEARANCE,
        practice_share: float = 0.0,
        line_shift_share: float = 0.0,
        held_pace_share: float = 0.0,
        held_speed_share: float = 0.0,
    ) -> None:
        if observation_version not in READABLE_VERSIONS:
            raise ValueError(f"observation_version must be one of {READABLE_VERSIONS}, got {observation_version}")
        if start not in ("grid", "random", "mixed"):
            raise ValueError(f"start must be 'grid', 'random' or 'mixed', got {start!r}")
        if render_mode is not None and render_mode not in self.metadata["render_modes"]:
            raise ValueError(f"render_mode must be one of {self.metadata['render_modes']}, got {render_mode!r}")
        if max_episode_steps < 1:
            raise ValueError(f"max_episode_steps must be at least 1, got {max_episode_steps}")
        if not 0 <= grid_slots <= GRID_SLOTS:
            raise ValueError(f"grid_slots must be in [0, {GRID_SLOTS}], got {grid_slots}")
        if not 0.0 <= standing_start_prob <= 1.0:
            raise ValueError(f"standing_start_prob must be in [0, 1], got {standing_start_prob}")
        if not 0.0 <= held_pace_share <= 1.0:
            raise ValueError(f"held_pace_share must be in [0, 1], got {held_pace_share}")
        if not 0.0 <= held_speed_share <= 1.0 - held_pace_share:
            raise ValueError(
                f"held_speed_share must be in [0, 1 - held_pace_share = {1.0 - held_pace_share:g}], "
                f"got {held_speed_share}"
            )
        if episodes_per_track < 1:
            raise ValueError(f"episodes_per_track must be at least 1, got {episodes_per_track}")
        sources = ([track] if track is not None else []) + list(tracks or [])
        if randomize_track is None:
            randomize_track = not sources
        if randomize_track and sources:
            raise ValueError("give either track/tracks or randomize_track=True, not both")
        if not randomize_track and not sources:
            raise ValueError("no track: give track, tracks, or randomize_track=True")
        self.tracks = [src if isinstance(src, Track) else load_track(src) for src in sources]
        self.randomize_track = randomize_track
        self.episodes_per_track = episodes_per_track
        self.generator = generator
        self.grid_slots = grid_slots
        self._episodes_on_track = 0
        self.start = start
        self.random_start_prob = random_start_prob
        self.standing_start_prob = standing_start_prob
        self.max_episode_steps = max_episode_steps
        self.reward_config = reward or RewardConfig()
        self._reward_array = self.reward_config.as_array()
        self.car = car
        self.render_mode = render_mode
        self.observation_version = observation_version
        self.line_clearance = checked_line_clearance(line_clearance, "line_clearance")
        size = observation_size(observation_version)
        self.observation_space = gym.spaces.Box(OBSERVATION_LOW[:size], OBSERVATION_HIGH[:size], dtype=np.float32)
        self.action_space = gym.spaces.Box(-1.0, 1.0, shape=(2,), dtype=np.float32)
        self._params = car.as_array()
        self._cars = new_cars(1)
        self._controls = np.zeros((1, 2))
        self._obs = np.zeros(size, dtype=np.float32)  # one car alone: the cars-around block stays 0
        self._dt = PHYSICS_DT
        self.track: Track = self.tracks[0] if self.tracks else None  # type: ignore[assignment]
        self._practice = CornerPractice(practice_share)
        self._line_shift = LineShift(LineShiftSettings(share=line_shift_share))
        self._shift = np.zeros(1)  # the line shift of the last decision [m], for observe_line_shift
        self._obs_rows = self._obs.reshape(1, -1)  # a view: observe_line_shift writes self._obs
        self.held_pace_share = held_pace_share
        self.pace = 1.0  # this episode's pace on both levers of game.sim.pace (1: the car's all)
        self.held_speed_share = held_speed_share
        self.speed_hold: float | None = None  # this episode's share of the reference lap's speed (None: free)
        self._reference: tuple[Track | None, np.ndarray] = (None, np.zeros(0))  # the pace limit's speeds, per track

    # -- gymnasium API ------------------------------------------------------------------------------------------
    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None):  # noqa: ANN201
        """Start an episode; see the class docstring for the options."""
        super().reset(seed=seed)
        options = options or {}
        rng = self.np_random
        if self.randomize_track:
            from game.sim.track.generator import generate_track

            if seed is not None or self.track is None or self._episodes_on_track >= self.episodes_per_track:
                self.track = generate_track(int(rng.integers(2**31)), self.generator)
                self._episodes_on_track = 0
            self._episodes_on_track += 1
        elif len(self.tracks) > 1:
            self.track = self.tracks[int(rng.integers(len(self.tracks)))]
        else:
            self.track = self.tracks[0]
        start = options.get("start", self.start)
        if start == "mixed":
            start = "random" if rng.random() < self.random_start_prob else "grid"
        restart = self._practice.restart(self.track, rng)  # offered once, taken unless the start was asked for
        self._practice.clear()
        if restart is not None and not options:
            self._cars[0] = restart
            start = "practice"
        elif start == "random":
            self._place_random(rng)
        elif start == "grid":
            self._place_grid(rng, perturb=bool(options.get("perturb", False)), slot=options.get("slot"))
        else:
            raise ValueError(f"options['start'] must be 'grid', 'random' or 'mixed', got {start!r}")
        car = self._cars[0]
        self._time = 0.0
        self._steps = 0
        self._best = np.array([car[CAR_PROGRESS], 0.0])  # best progress [m] and when [s]: the stuck rule
        self._lap_timer = LapTimer(self.track.length, car[CAR_PROGRESS], standing_start=start == "grid")
        self._line = line_table(self.track, self.line_clearance)
        self._line_shift.reset(self.track, self._line, rng, allowed=not options)  # evaluations: the own line
        self._shift[0] = 0.0
        self.pace = 1.0
        self.speed_hold = None
        if self.held_pace_share > 0.0 and not options and rng.random() < self.held_pace_share:
            self.pace = float(rng.uniform(*HELD_PACE))
        elif self.held_speed_share > 0.0 and not options:  # of the episodes the pace hold left
            if rng.random() * (1.0 - self.held_pace_share) < self.held_speed_share:
                self.speed_hold = float(rng.uniform(*HELD_SPEED))
        observe_car(car, self.track.table, self._line, self.track.spacing, self._params, self._obs)
        return self._obs.copy(), self._info(stuck=False)

    def step(self, action: np.ndarray):  # noqa: ANN201
        """Hold ``[steer, throttle]`` for 3 physics ticks; returns (obs, reward, terminated, truncated, info)."""
        steer = float(action[0])
        throttle = float(action[1])
        if not (math.isfinite(steer) and math.isfinite(throttle)):
            raise ValueError(f"action must be finite, got {np.asarray(action).tolist()}")
        self._controls[0, 0] = min(max(steer, -1.0), 1.0)
        self._controls[0, 1] = min(max(throttle, -1.0), 1.0)
        car = self._cars[0]
        track = self.track
        if self.pace < 1.0:
            self._hold_pace(car)
        if self.speed_hold is not None:
            self._hold_speed(car)
        progress_before = car[CAR_PROGRESS]
        time_before = self._time
        _advance_and_observe(
            self._cars,
            self._controls,
            track.table,
            self._line,
            track.spacing,
            self._params,
            self._dt,
            FRAME_SKIP,
            self._obs,
        )
        self._time += FRAME_SKIP * self._dt
        self._steps += 1
        progress = car[CAR_PROGRESS]
        self._lap_timer.update(progress_before, progress, time_before, self._time)
        shifted = self._line_shift.active
        if shifted:  # scored against the line the driver was following
            observe_line_shift(self._cars, track.table, self._line, track.spacing, self._shift, self._obs_rows)

        reward, off_track, stuck = car_reward(
            car,
            self._obs,
            self._line,
            track.spacing,
            progress_before,
            0.0,
            0.0,
            self._reward_array,
            self._time,
            self._best,
            self._shift[0],
        )
        if shifted:  # and the next decision reads where the line moves on to
            self._shift[0] = self._line_shift.step(
                car[CAR_ARC_LENGTH], math.hypot(car[CAR_VX], car[CAR_VY]), self.np_random
            )
            observe_line_shift(self._cars, track.table, self._line, track.spacing, self._shift, self._obs_rows)
        terminated = off_track or stuck
        self._practice.record(car)
        if terminated:
            self._practice.failed(track, self.np_random)
        truncated = self._steps >= self.max_episode_steps and not terminated
        return self._obs.copy(), float(reward), terminated, truncated, self._info(stuck)

    def render(self) -> np.ndarray | None:
        """A top-down picture of the whole track and the car, as an (H, W, 3) uint8 array."""
        if self.render_mode != "rgb_array":
            return None
        from agents.env_render import render_topdown  # pygame is imported only here

        return render_topdown(self.track, self._cars)

    def close(self) -> None:
        """Nothing to release: rendering keeps no window."""

    # -- helpers ------------------------------------------------------------------------------------------------
    @property
    def cars(self) -> np.ndarray:
        """The car state array (read it, do not write it)."""
        return self._cars

    def _hold_pace(self, car: np.ndarray) -> None:
        """The throttle held as the game holds a rival's or the slow car's (game.sim.pace); brakes are the driver's."""
        if self._reference[0] is not self.track:
            self._reference = (self.track, reference_speed(self.track, self.car))
        limit = self._reference[1][int(car[CAR_SEGMENT])]
        pace = np.array([self.pace])
        apply_pace(self._controls, pace, np.array([math.hypot(car[CAR_VX], car[CAR_VY])]), np.array([limit]), pace)

    def _hold_speed(self, car: np.ndarray) -> None:
        """The throttle held (braking when over) to this episode's share of the line's limit speed here."""
        assert self.speed_hold is not None
        cap = np.array([self.speed_hold * self._line[int(car[CAR_SEGMENT]), LINE_LIMIT_SPEED]])
        hold_speed(self._controls, np.array([math.hypot(car[CAR_VX], car[CAR_VY])]), cap)

    def _info(self, stuck: bool) -> dict[str, Any]:
        car = self._cars[0]
        progress = float(car[CAR_PROGRESS])
        return {
            "laps": self._lap_timer.laps,
            "lap_times": list(self._lap_timer.lap_times),
            "progress": progress,
            "lap_fraction": (progress % self.track.length) / self.track.length,
            "off_track": bool(car[CAR_OFF_TRACK] > 0.5),
            "stuck": bool(stuck),
            "speed": math.hypot(car[CAR_VX], car[CAR_VY]),
            "time": self._time,
            "track": self.track.name,
            "line_shift": float(self._shift[0]),
            "pace": self.pace,
            "speed_hold": self.speed_hold,
        }

    def _place_grid(self, rng: np.random.Generator, perturb: bool, slot: int | None = None) -> None:
        track = self.track
        arc, lateral, heading = track.length - GRID_BEHIND_LINE, 0.0, 0.0
        if slot is not None:
            if not (isinstance(slot, int | np.integer) and 0 <= slot < GRID_SLOTS):
                raise ValueError(f"options['slot'] must be a grid slot 0..{GRID_SLOTS - 1}, got {slot!r}")
            arc, lateral = grid_slot(track, int(slot))
        elif self.grid_slots > 0:
            arc, lateral = grid_slot(track, int(rng.integers(self.grid_slots)))
        if perturb:
            width_left, width_right = widths_at(track.table, track.spacing, arc)
            arc += float(rng.uniform(-1.0, 1.0))
            lateral += float(rng.uniform(-0.2, 0.2)) * min(width_left, width_right)
            heading = float(rng.uniform(-0.03, 0.03))
        place_car(self._cars, 0, track, arc, lateral, 0.0, heading)

    def _place_random(self, rng: np.random.Generator) -> None:
        arc = float(rng.uniform(0.0, self.track.length))
        start = random_placement(self.track, arc, rng, self.car.grip, self.standing_start_prob)
        place_car(self._cars, 0, self.track, start.arc, start.lateral, start.speed, start.heading)
