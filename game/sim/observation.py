"""What a driver sees: the one observation function shared by the training environment and the in-game AI.

The layout's version, its history and the named index of every number are in :mod:`game.sim.observation_layout`.
22 float32 numbers, each scaled to a small range (bounds in OBSERVATION_LOW / OBSERVATION_HIGH):

Every direction and corner is read along the racing line (game.sim.racing_line), so the driver learns to drive
the line, not the middle of the road; the road's edges come in through feature 5.

====  ==========================================================================================
0     longitudinal speed / 90 m/s (negative when reversing)
1     sideways (slip) speed / 20 m/s, positive to the left
2     yaw rate / 2 rad/s
3     braking look-ahead: speed / the fastest speed from which the car can still brake down to the speed
      that the sharpest corner of the racing line within 200 m allows, minus 1 (0 = brake now, > 0 too fast,
      -1 standing)
4     heading error: car heading minus the racing line's direction here, / pi
5     road position: offset from the middle of the road, 0 in the middle, +1 / -1 at the left / right edge
      (up to +-2 beyond the edge)
6     offset from the racing line, in the same units (+-2 at most)
7-13  look-ahead headings: the racing line's direction 16, 28, 44, 66, 96, 140 and 200 m ahead minus car
      heading, / pi
14-21 look-ahead curvatures: the sharpest corner of the racing line in each window between 0, 8, 16, ...
      200 m ahead, as sign * sqrt(|curvature| * 12 m), so a 12 m hairpin reads +-1, a 48 m corner +-0.5, a
      straight 0
====  ==========================================================================================

Distances ahead are measured along the centre line. This module never imports pygame.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from game.sim.observation_layout import (
    N_LOOKAHEAD,
    OBS_BRAKING_MARGIN,
    OBS_HEADING_ERROR,
    OBS_LINE_OFFSET,
    OBS_LOOKAHEAD_CURVATURES,
    OBS_LOOKAHEAD_HEADINGS,
    OBS_ROAD_OFFSET,
    OBS_SLIP,
    OBS_SPEED,
    OBS_YAW_RATE,
    OBSERVATION_SIZE,
)
from game.sim.physics import (
    CAR_ARC_LENGTH,
    CAR_HEADING,
    CAR_LATERAL,
    CAR_VX,
    CAR_VY,
    CAR_YAW_RATE,
    P_GRIP,
)
from game.sim.racing_line import LINE_HEADING, LINE_OFFSET, LINE_WINDOW_CURVATURE
from game.sim.track import LOOKAHEAD_DISTANCES, widths_at

SPEED_SCALE = 90.0  # [m/s]
SLIP_SCALE = 20.0  # [m/s]
YAW_RATE_SCALE = 2.0  # [rad/s]
HAIRPIN_RADIUS = 12.0  # [m] curvature feature reads 1 here
_LOOKAHEAD = np.array(LOOKAHEAD_DISTANCES)
assert len(LOOKAHEAD_DISTANCES) == N_LOOKAHEAD

OBSERVATION_HIGH = np.ones(OBSERVATION_SIZE, dtype=np.float32)
OBSERVATION_HIGH[OBS_ROAD_OFFSET] = 2.0
OBSERVATION_HIGH[OBS_LINE_OFFSET] = 2.0
OBSERVATION_LOW = -OBSERVATION_HIGH


@njit(cache=True)
def _clip(value: float, bound: float) -> float:
    return min(max(value, -bound), bound)


@njit(cache=True)
def _wrap_angle(angle: float) -> float:
    return (angle + math.pi) % (2.0 * math.pi) - math.pi


@njit(cache=True)
def _interpolate(line: np.ndarray, spacing: float, arc_length: float, column: int, is_angle: bool) -> float:
    n = line.shape[0]
    pos = (arc_length % (n * spacing)) / spacing
    i = int(pos) % n
    j = (i + 1) % n
    change = line[j, column] - line[i, column]
    if is_angle:
        change = _wrap_angle(change)
    return line[i, column] + (pos - int(pos)) * change


@njit(cache=True)
def _braking_margin(u: float, line: np.ndarray, spacing: float, arc: float, grip: float) -> float:
    """Speed over the speed from which braking at the grip limit just makes the corners ahead, minus 1."""
    n = line.shape[0]
    here = int(arc / spacing) % n
    limit = grip * 9.81
    allowed = 1e9
    start = 0.0
    for k in range(N_LOOKAHEAD):
        kappa = max(abs(line[here, LINE_WINDOW_CURVATURE + k]), 1e-6)
        allowed = min(allowed, math.sqrt(limit / kappa + 2.0 * limit * start))
        start = _LOOKAHEAD[k]
    return min(max(u / allowed, 0.0), 2.0) - 1.0


@njit(cache=True)
def observe_car(
    car: np.ndarray, table: np.ndarray, line: np.ndarray, spacing: float, params: np.ndarray, out: np.ndarray
) -> None:
    """Write one car's 22-number observation into ``out`` (float32, length 22).

    Args:
        car: One row of the car state array.
        table: Track.table.
        line: game.sim.racing_line.line_table(track).
        spacing: Track.spacing.
        params: CarParams.as_array().
        out: Written in place.
    """
    heading = car[CAR_HEADING]
    c = math.cos(heading)
    s = math.sin(heading)
    u = car[CAR_VX] * c + car[CAR_VY] * s
    v = -car[CAR_VX] * s + car[CAR_VY] * c
    arc = car[CAR_ARC_LENGTH]
    out[OBS_SPEED] = _clip(u / SPEED_SCALE, 1.0)
    out[OBS_SLIP] = _clip(v / SLIP_SCALE, 1.0)
    out[OBS_YAW_RATE] = _clip(car[CAR_YAW_RATE] / YAW_RATE_SCALE, 1.0)
    out[OBS_BRAKING_MARGIN] = _braking_margin(u, line, spacing, arc, params[P_GRIP])
    out[OBS_HEADING_ERROR] = _wrap_angle(heading - _interpolate(line, spacing, arc, LINE_HEADING, True)) / math.pi
    width_left, width_right = widths_at(table, spacing, arc)
    half = 0.5 * (width_left + width_right)
    middle = 0.5 * (width_left - width_right)
    out[OBS_ROAD_OFFSET] = _clip((car[CAR_LATERAL] - middle) / half, 2.0)
    out[OBS_LINE_OFFSET] = _clip((car[CAR_LATERAL] - _interpolate(line, spacing, arc, LINE_OFFSET, False)) / half, 2.0)
    n = line.shape[0]
    here = int(arc / spacing) % n
    for k in range(N_LOOKAHEAD):
        if k > 0:
            ahead = _interpolate(line, spacing, arc + _LOOKAHEAD[k], LINE_HEADING, True)
            out[OBS_LOOKAHEAD_HEADINGS + k - 1] = _wrap_angle(ahead - heading) / math.pi
        kappa = line[here, LINE_WINDOW_CURVATURE + k]
        magnitude = math.sqrt(min(abs(kappa) * HAIRPIN_RADIUS, 1.0))
        out[OBS_LOOKAHEAD_CURVATURES + k] = magnitude if kappa >= 0.0 else -magnitude


@njit(cache=True)
def observe_cars(
    cars: np.ndarray, table: np.ndarray, line: np.ndarray, spacing: float, params: np.ndarray, out: np.ndarray
) -> None:
    """Observations of every car: ``out`` has shape (N, 22), float32."""
    for i in range(cars.shape[0]):
        observe_car(cars[i], table, line, spacing, params, out[i])
