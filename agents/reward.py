"""The reward of a driver, per action step: one definition for the single-car env and the race in traffic.

Progress along the track pays; leaving the racing line, driving near the edge of the road (off by default), being too
fast for the corners ahead, leaving the track and getting stuck cost. In traffic two terms join, after GT Sophy's lesson
(Wurman et al., Nature 2022) that fine-grained fault rules get exploited: a light penalty for any contact, and a larger
one for running into a car ahead. A push earns no progress (the simulation relocates a pushed car without progress), so
shoving a car out of the way never pays. A third, GT Sophy's passing bonus (:func:`pass_reward`, off by default), pays
for ground gained on the cars close around, and charges for ground lost to them, while neither car has touched another
lately.
"""

from __future__ import annotations

import math
from dataclasses import astuple, dataclass

import numpy as np
from numba import njit

from game.sim.observation import line_at
from game.sim.observation_layout import OBS_BRAKING_MARGIN, OBS_LINE_OFFSET, OBS_ROAD_OFFSET
from game.sim.physics import CAR_ARC_LENGTH, CAR_OFF_TRACK, CAR_PROGRESS, CAR_VX, CAR_VY, CONTACT_EVENT_DV
from game.sim.racing_line import LINE_CURVATURE, LINE_LIMIT_SPEED


@dataclass(frozen=True)
class RewardConfig:
    """Reward terms, per action step."""

    progress: float = 0.1  # per metre driven along the track
    line_penalty: float = 0.01  # times (offset from the racing line / half width)^2
    overspeed_penalty: float = 0.0  # times the braking look-ahead above 0 (too fast to make the corners ahead)
    off_track_penalty: float = 5.0  # once, when the car leaves the track (the episode ends)
    stuck_penalty: float = 5.0  # once, when the car makes no progress for stuck_time (the episode ends)
    stuck_time: float = 3.0  # [s] without beating its best progress by stuck_distance
    stuck_distance: float = 1.0  # [m]
    contact_penalty: float = 0.5  # per step with a contact of CONTACT_EVENT_DV or more, whoever caused it
    rear_end_penalty: float = 2.0  # more, per step in which the car ran into a car ahead of it
    pass_bonus: float = 0.0  # per metre gained on (or lost to) a car within the window, both clean (see pass_reward)
    pass_window_behind: float = 20.0  # [m] a car this far behind or less counts for the passing bonus
    pass_window_ahead: float = 40.0  # [m] a car this far ahead or less counts
    pass_clean_time: float = 2.0  # [s] a car that touched another this recently earns and gives no bonus
    edge_penalty: float = 0.0  # per step, times ((|road position| - edge_zone) / (1 - edge_zone))^2 in the zone
    edge_zone: float = 0.8  # road position (half widths from the middle) where the edge zone starts
    limit_bonus: float = 0.0  # per step, times max(0, 1 - |speed / the line's limit speed - 1| / limit_zone)
    limit_zone: float = 0.2  # how far from the limit speed (as a share of it) the limit bonus reaches

    def __post_init__(self) -> None:
        if not 0.0 <= self.edge_zone < 1.0:  # the zone's penalty divides by 1 - edge_zone
            raise ValueError(f"edge_zone must be in [0, 1), got {self.edge_zone}")
        if not self.limit_zone > 0.0:  # the bonus divides by limit_zone
            raise ValueError(f"limit_zone must be above 0, got {self.limit_zone}")

    def as_array(self) -> np.ndarray:
        """The terms as a float64 vector, in field order, for the kernel (see ``R_*``)."""
        return np.array(astuple(self), dtype=np.float64)


# Indices into RewardConfig.as_array().
(
    R_PROGRESS,
    R_LINE,
    R_OVERSPEED,
    R_OFF_TRACK,
    R_STUCK,
    R_STUCK_TIME,
    R_STUCK_DISTANCE,
    R_CONTACT,
    R_REAR_END,
    R_PASS,
    R_PASS_BEHIND,
    R_PASS_AHEAD,
    R_PASS_CLEAN_TIME,
    R_EDGE,
    R_EDGE_ZONE,
    R_LIMIT,
    R_LIMIT_ZONE,
) = range(17)


@njit(cache=True)
def limit_speed_share(car: np.ndarray, line: np.ndarray, spacing: float, shift: float = 0.0) -> float:
    """The car's speed over the limit speed of its line where it is (the reference lap's profile), minus 1.

    A line moved ``shift`` metres sideways (positive: left; :mod:`agents.line_shift`) is tighter where it moves
    towards the inside of a corner: its limit is the line's times ``sqrt(1 - curvature x shift)`` there (as
    :class:`game.drivers.racecraft.Racecraft` brakes for it), and no higher where it moves out.
    """
    arc = car[CAR_ARC_LENGTH]
    limit = line_at(line, spacing, arc, LINE_LIMIT_SPEED, False)
    if shift != 0.0:
        tighter = 1.0 - line_at(line, spacing, arc, LINE_CURVATURE, False) * shift
        limit *= math.sqrt(min(max(tighter, 0.05), 1.0))
    return math.hypot(car[CAR_VX], car[CAR_VY]) / max(limit, 1.0) - 1.0


@njit(cache=True)
def car_reward(
    car: np.ndarray,
    obs: np.ndarray,
    line: np.ndarray,
    spacing: float,
    progress_before: float,
    contact_dv: float,
    rear_impact: float,
    cfg: np.ndarray,
    now: float,
    best: np.ndarray,
    line_shift: float = 0.0,
) -> tuple[float, bool, bool]:
    """One car's reward for the step just driven, and whether it left the track or got stuck.

    Args:
        car: The car's state after the step.
        obs: Its observation after the step.
        line: The racing line it follows (game.sim.racing_line.line_table).
        spacing: Track.spacing.
        progress_before: Its progress before the step [m].
        contact_dv: Its largest velocity change from a contact in the step [m/s] (0 alone).
        rear_impact: The largest closing speed at which it ran into a car ahead [m/s] (0 alone).
        cfg: RewardConfig.as_array().
        now: Time after the step [s].
        best: [best progress [m], when it was reached [s]], updated in place (the stuck rule).
        line_shift: How far its line is moved sideways [m] (:mod:`agents.line_shift`; ``obs`` already reads the
            moved line): the limit bonus is that of the moved line.

    Returns:
        (reward, off track, stuck).
    """
    progress = car[CAR_PROGRESS]
    offset = obs[OBS_LINE_OFFSET]
    reward = cfg[R_PROGRESS] * (progress - progress_before) - cfg[R_LINE] * offset * offset
    if cfg[R_OVERSPEED] > 0.0:
        reward -= cfg[R_OVERSPEED] * max(obs[OBS_BRAKING_MARGIN], 0.0)
    if cfg[R_EDGE] > 0.0:
        into_zone = (abs(obs[OBS_ROAD_OFFSET]) - cfg[R_EDGE_ZONE]) / (1.0 - cfg[R_EDGE_ZONE])
        if into_zone > 0.0:
            reward -= cfg[R_EDGE] * min(into_zone, 1.0) ** 2
    if cfg[R_LIMIT] > 0.0:
        reward += cfg[R_LIMIT] * max(
            1.0 - abs(limit_speed_share(car, line, spacing, line_shift)) / cfg[R_LIMIT_ZONE], 0.0
        )
    if contact_dv >= CONTACT_EVENT_DV:
        reward -= cfg[R_CONTACT]
    if rear_impact >= CONTACT_EVENT_DV:
        reward -= cfg[R_REAR_END]
    if progress > best[0] + cfg[R_STUCK_DISTANCE]:
        best[0] = progress
        best[1] = now
    off_track = car[CAR_OFF_TRACK] > 0.5
    stuck = now - best[1] > cfg[R_STUCK_TIME]
    if off_track:
        reward -= cfg[R_OFF_TRACK]
    elif stuck:
        reward -= cfg[R_STUCK]
    return reward, off_track, stuck


@njit(cache=True)
def pass_reward(
    car: int, progress: np.ndarray, before: np.ndarray, last_contact: np.ndarray, cfg: np.ndarray, now: float
) -> float:
    """GT Sophy's passing bonus for one car: ``pass_bonus`` per metre it gained on each car close around it.

    A car counts when it was between ``pass_window_behind`` behind and ``pass_window_ahead`` ahead before the
    step; ground lost to it costs the same. Contact earns nothing: while the car itself, or the other one, has
    touched a car in the last ``pass_clean_time`` seconds, that pair scores nothing, so a shove that slows a rival
    down never pays. Alone it is 0, as it is with ``pass_bonus`` 0.

    Args:
        car: The car's row.
        progress: Every car's progress after the step [m].
        before: Every car's progress before it [m].
        last_contact: When each car last had a contact event [s] (at or before ``now``).
        cfg: RewardConfig.as_array().
        now: Time after the step [s].
    """
    if cfg[R_PASS] == 0.0 or now - last_contact[car] < cfg[R_PASS_CLEAN_TIME]:
        return 0.0
    gained = 0.0
    driven = progress[car] - before[car]
    for other in range(progress.shape[0]):
        if other == car or now - last_contact[other] < cfg[R_PASS_CLEAN_TIME]:
            continue
        lead = before[other] - before[car]
        if -cfg[R_PASS_BEHIND] <= lead <= cfg[R_PASS_AHEAD]:
            gained += driven - (progress[other] - before[other])
    return cfg[R_PASS] * gained
