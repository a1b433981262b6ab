"""A field of cars on one track, stepped together: the core of training in traffic.

The first ``n_learners`` cars take their actions from the caller (the policy being trained); the others are
opponents, earlier drivers held to a pace (:class:`agents.traffic.opponents.Opponents`). One numba kernel moves
every car for :data:`FRAME_SKIP` physics ticks with contact, observes every car (each seeing the others: layout
v4) and scores every car with :func:`agents.reward.car_reward`. Every episode starts from a scenario
(:mod:`agents.traffic.scenarios`); a learner that leaves the track or gets stuck ends its episode and is put back
on the road where it was, standing, for its next one; the whole field starts again after ``max_episode_steps``.

With ``retry_share``, that share of the learners that leave the track are put back :data:`RETRY_BACK` metres
before the place instead, on the racing line at about the pace speed there, to drive the corner that beat them
again: a random track shows each hard corner once, and the base left the road on the circuits at corners of kinds
it had met and not mastered. Measured once (seed 31 from 3.4M steps, share 0.5), it made the driver worse within
500k steps (docs/RACING.md); it stays off by default.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from numba import njit

from agents.reward import RewardConfig, car_reward, pass_reward
from agents.traffic.opponents import Opponents
from agents.traffic.scenarios import DEFAULT_SCENARIO_WEIGHTS, Lineup, lineup
from game.sim.observation import observe_cars
from game.sim.observation_layout import LINE_CLEARANCE, OBSERVATION_SIZE
from game.sim.pace import apply_pace, reference_speed
from game.sim.physics import (
    CAR_OFF_TRACK,
    CAR_PROGRESS,
    CAR_SEGMENT,
    CAR_VX,
    CAR_VY,
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
from game.sim.racing_line import LINE_HEADING, LINE_OFFSET, line_table
from game.sim.simulation import advance_in_traffic, place_car
from game.sim.track import COL_HEADING, Track

# Columns of the field's scratch array, one row per car.
S_CONTACT, S_REAR_IMPACT, S_BEFORE, S_BEST_PROGRESS, S_BEST_TIME, S_REWARD, S_DONE, S_LAST_CONTACT = range(8)
N_SCRATCH = 8
NEVER = -1e9  # [s] the last contact of a car that has had none
RETRY_BACK = (80.0, 250.0)  # [m] how far before the place it left the track a retrying learner starts
RETRY_PACE = (0.8, 1.0)  # its speed, as a share of the pace speed there
RETRY_CLEARANCE = 15.0  # [m] no other car this near along the track, or it restarts where it stopped


@njit(cache=True)
def _step(actions, cars, controls, table, line, spacing, params, obs, scratch, cfg, now, ended, done):  # noqa: ANN001, ANN202
    """Move, observe and score every car. Returns -1 for a non-finite action, else the opponents that crashed.

    ``scratch[i, S_DONE]``: 1 off track, 2 stuck, else 0. ``done`` (2, n_learners) bool: terminated, truncated
    (``ended``: the field's episode is over).
    """
    n_learners = done.shape[1]
    for i in range(n_learners):
        for k in range(2):
            value = actions[i, k]
            if not math.isfinite(value):
                return -1
            controls[i, k] = min(max(value, -1.0), 1.0)
    for i in range(cars.shape[0]):
        scratch[i, S_BEFORE] = cars[i, CAR_PROGRESS]
    advance_in_traffic(
        cars,
        controls,
        table,
        spacing,
        params,
        PHYSICS_DT,
        FRAME_SKIP,
        CONTACT_RADIUS,
        CONTACT_HALF_LENGTH,
        CONTACT_RESTITUTION,
        scratch[:, S_CONTACT],
        scratch[:, S_REAR_IMPACT],
    )
    observe_cars(cars, table, line, spacing, params, obs)
    for i in range(cars.shape[0]):
        if scratch[i, S_CONTACT] >= CONTACT_EVENT_DV:
            scratch[i, S_LAST_CONTACT] = now
    crashed = 0
    progress = cars[:, CAR_PROGRESS]
    for i in range(cars.shape[0]):
        reward, off_track, stuck = car_reward(
            cars[i],
            obs[i],
            line,
            spacing,
            scratch[i, S_BEFORE],
            scratch[i, S_CONTACT],
            scratch[i, S_REAR_IMPACT],
            cfg,
            now,
            scratch[i, S_BEST_PROGRESS : S_BEST_TIME + 1],
        )
        if i < n_learners:
            reward += pass_reward(i, progress, scratch[:, S_BEFORE], scratch[:, S_LAST_CONTACT], cfg, now)
        scratch[i, S_REWARD] = reward
        scratch[i, S_DONE] = 1.0 if off_track else (2.0 if stuck else 0.0)
        if i >= n_learners and (off_track or stuck):
            crashed += 1
        elif i < n_learners:
            done[0, i] = off_track or stuck
            done[1, i] = ended and not done[0, i]
    return crashed


class TrafficField:
    """Cars on one track; see the module docstring.

    Args:
        tracks: Tracks to draw from, one per episode; None generates a random track (``generator`` settings)
            every ``episodes_per_track`` episodes.
        n_learners: Cars driven by the caller (the first rows).
        n_opponents: Cars driven by ``opponents`` in the scenarios that have them (none without ``opponents``).
        opponents: The drivers of the other cars.
        scenario_weights: How often each scenario starts an episode.
        reward: Reward terms.
        car: The car, the same for every one.
        max_episode_steps: Actions before the whole field starts again.
        standing_start_prob: Share of moving-start learners that start from a standstill instead.
        generator: Random track settings (``game.sim.track.generator.GeneratorSettings``).
        episodes_per_track: Episodes on one random track before the next.
        seed: Seeds the field's random generator.
        retry_share: Share of the learners that leave the track that retry the corner (see the module docstring).
        line_clearance: The racing line every car reads its observation along keeps half the car's width plus
            this from each edge [m].
    """

    def __init__(
        self,
        tracks: Sequence[Track] | None = None,
        n_learners: int = 4,
        n_opponents: int = 4,
        opponents: Opponents | None = None,
        scenario_weights: Mapping[str, float] | None = None,
        reward: RewardConfig | None = None,
        car: CarParams = DEFAULT_CAR,
        max_episode_steps: int = 1000,
        standing_start_prob: float = 0.2,
        generator: Any = None,
        episodes_per_track: int = 1,
        seed: int | None = None,
        retry_share: float = 0.0,
        line_clearance: float = LINE_CLEARANCE,
    ) -> None:
        if n_learners < 1:
            raise ValueError(f"n_learners must be at least 1, got {n_learners}")
        if n_opponents < 0:
            raise ValueError(f"n_opponents must not be negative, got {n_opponents}")
        weights = dict(DEFAULT_SCENARIO_WEIGHTS if scenario_weights is None else scenario_weights)
        total = sum(weights.values())
        if total <= 0.0 or any(w < 0.0 for w in weights.values()):
            raise ValueError(f"scenario weights must be >= 0 and not all 0, got {weights}")
        self.tracks = list(tracks or [])
        self.n_learners = n_learners
        self.n_opponents = n_opponents if opponents is not None and len(opponents) > 0 else 0
        self.opponents = opponents
        self.scenarios = list(weights)
        self.scenario_p = np.array([weights[s] / total for s in self.scenarios])
        self.reward_config = reward or RewardConfig()
        self._cfg = self.reward_config.as_array()
        self.car = car
        self._params = car.as_array()
        self.max_episode_steps = max_episode_steps
        self.standing_start_prob = standing_start_prob
        self.generator = generator
        self.episodes_per_track = episodes_per_track
        if not 0.0 <= retry_share <= 1.0:
            raise ValueError(f"retry_share must be in [0, 1], got {retry_share}")
        self.retry_share = retry_share
        self.line_clearance = float(line_clearance)
        self.rng = np.random.default_rng(seed)
        self.track: Track | None = None
        self._line_of: Track | None = None  # the track whose racing line and reference speed are in hand
        self._episodes_on_track = 0
        self._allocate(n_learners)
        self._done = np.zeros((2, n_learners), dtype=bool)  # terminated, truncated: written by the kernel
        self.lineup: Lineup | None = None
        self.time = 0.0
        self.steps = 0

    @property
    def n_cars(self) -> int:
        """Cars in this episode: the learners, and the opponents its scenario put on the track."""
        return self.cars.shape[0]

    def _allocate(self, n: int) -> None:
        self.cars = new_cars(n)
        self.controls = np.zeros((n, 2))
        self.obs = np.zeros((n, OBSERVATION_SIZE), np.float32)
        self._scratch = np.zeros((n, N_SCRATCH))
        self._rewards = self._scratch[: self.n_learners, S_REWARD]  # a view: the kernel writes the rewards
        self.paces = np.ones(n)

    # -- episodes -----------------------------------------------------------------------------------------------
    def reset(self, seed: int | None = None) -> np.ndarray:
        """Start an episode of every car: a track, a scenario, the lineup. Returns the learners' observations."""
        if seed is not None:
            self.rng = np.random.default_rng(seed)
        self._next_track(force=seed is not None)
        scenario = str(self.rng.choice(self.scenarios, p=self.scenario_p))
        self.lineup = lineup(
            scenario,
            self.track,
            self.n_learners,
            self.n_opponents,
            self.rng,
            self.car.grip,
            self.standing_start_prob,
        )
        if len(self.lineup.placements) != self.n_cars:
            self._allocate(len(self.lineup.placements))
        for i, place in enumerate(self.lineup.placements):
            place_car(self.cars, i, self.track, place.arc, place.lateral, place.speed, place.heading)
        self.paces[:] = 1.0
        self.paces[self.n_learners :] = self.lineup.paces
        if self.n_cars > self.n_learners:
            self._assignment = self.opponents.assign(self.n_cars - self.n_learners, self.rng)
        self.time = 0.0
        self.steps = 0
        self._scratch[:] = 0.0
        self._scratch[:, S_BEST_PROGRESS] = self.cars[:, CAR_PROGRESS]
        self._scratch[:, S_LAST_CONTACT] = NEVER
        self._observe()
        return self.obs[: self.n_learners]

    def _next_track(self, force: bool) -> None:
        if self.tracks:
            self.track = self.tracks[int(self.rng.integers(len(self.tracks)))]
        elif force or self.track is None or self._episodes_on_track >= self.episodes_per_track:
            from game.sim.track.generator import generate_track

            self.track = generate_track(int(self.rng.integers(2**31)), self.generator)
            self._episodes_on_track = 0
        self._episodes_on_track += 1
        if self._line_of is not self.track:
            self._line = line_table(self.track, self.line_clearance)
            self._reference = reference_speed(self.track, self.car)
            self._line_of = self.track

    def respawn(self, car: int) -> None:
        """Put a car back on the road where it is, standing, pointing along the track (a new episode for it).

        A learner that left the track retries the corner instead, with probability ``retry_share``, when the road
        before it is clear (:meth:`_retry_start`).
        """
        track = self.track
        arc = float(self.cars[car, CAR_SEGMENT]) * track.spacing
        progress = self.cars[car, CAR_PROGRESS]
        retry = None
        if car < self.n_learners and self.cars[car, CAR_OFF_TRACK] > 0.5 and self.retry_share > 0.0:
            if self.rng.random() < self.retry_share:
                retry = self._retry_start(car, arc)
        if retry is None:
            place_car(self.cars, car, track, arc, 0.0, 0.0, 0.0)
        else:
            back, segment, speed = retry
            line_heading = self._line[segment, LINE_HEADING]
            heading = math.remainder(line_heading - track.table[segment, COL_HEADING], 2.0 * math.pi)
            place_car(self.cars, car, track, arc - back, self._line[segment, LINE_OFFSET], speed, heading)
            progress -= back
        self.cars[car, CAR_PROGRESS] = progress  # its race goes on from where it was (or from before it)
        self._scratch[car, S_BEST_PROGRESS] = progress
        self._scratch[car, S_BEST_TIME] = self.time
        self._observe()

    def _retry_start(self, car: int, arc: float) -> tuple[float, int, float] | None:
        """(metres back, segment, speed) of a retry before ``arc``, or None when another car is near there."""
        track = self.track
        back = float(self.rng.uniform(*RETRY_BACK))
        start = (arc - back) % track.length
        for other in range(self.n_cars):
            gap = float(self.cars[other, CAR_SEGMENT]) * track.spacing - start
            gap -= track.length * math.floor(gap / track.length + 0.5)
            if other != car and abs(gap) < RETRY_CLEARANCE:
                return None
        segment = int(start / track.spacing) % track.n_samples
        return back, segment, float(self._reference[segment] * self.rng.uniform(*RETRY_PACE))

    # -- steps --------------------------------------------------------------------------------------------------
    def step(self, actions: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Drive one action step.

        Args:
            actions: (n_learners, 2) [steer, throttle] of the learners, clipped to [-1, 1]; NaN is refused.

        Returns:
            The learners' (observations, rewards, terminated, truncated), arrays that the next step overwrites. A
            terminated learner left the track or got stuck; call :meth:`respawn` before its next step.
            Truncated: the field's episode is over.
        """
        learners = self.n_learners
        actions = np.asarray(actions, dtype=np.float64)
        if actions.shape != (learners, 2):
            actions = actions.reshape(learners, 2)
        if self.n_cars > learners:
            self.controls[learners:] = self._opponent_controls()
        self.time += FRAME_SKIP * PHYSICS_DT
        self.steps += 1
        track = self.track
        crashed = _step(
            actions,
            self.cars,
            self.controls,
            track.table,
            self._line,
            track.spacing,
            self._params,
            self.obs,
            self._scratch,
            self._cfg,
            self.time,
            self.steps >= self.max_episode_steps,
            self._done,
        )
        if crashed < 0:
            raise ValueError(f"actions must be finite, got {actions.tolist()}")
        if crashed:  # opponents that crash are put back quietly
            for i in np.flatnonzero(self._scratch[learners:, S_DONE]):
                self.respawn(learners + int(i))
        return self.obs[:learners], self._rewards, self._done[0], self._done[1]

    def _opponent_controls(self) -> np.ndarray:
        rows = slice(self.n_learners, self.n_cars)
        controls = self.opponents.act(self.obs[rows], self._assignment)
        cars = self.cars[rows]
        speed = np.hypot(cars[:, CAR_VX], cars[:, CAR_VY])
        limit = self._reference[cars[:, CAR_SEGMENT].astype(np.int64)]
        apply_pace(controls, self.paces[rows], speed, limit)
        return controls

    def _observe(self) -> None:
        observe_cars(self.cars, self.track.table, self._line, self.track.spacing, self._params, self.obs)

    def car_info(self, car: int) -> dict[str, Any]:
        """What happened to a car in the last step, for logs and tests."""
        return {
            "progress": float(self.cars[car, CAR_PROGRESS]),
            "off_track": bool(self.cars[car, CAR_OFF_TRACK] > 0.5),
            "stuck": bool(self._scratch[car, S_DONE] == 2.0),
            "contact": bool(self._scratch[car, S_CONTACT] >= CONTACT_EVENT_DV),
            "rear_end": bool(self._scratch[car, S_REAR_IMPACT] >= CONTACT_EVENT_DV),
            "speed": float(np.hypot(self.cars[car, CAR_VX], self.cars[car, CAR_VY])),
            "scenario": self.lineup.scenario if self.lineup is not None else None,
        }
