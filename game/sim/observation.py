"""What a driver sees: the one observation function shared by the training environment and the in-game AI.

The layout's version, its history and the named index of every number are in :mod:`game.sim.observation_layout`.
Layout v4: 42 float32 numbers, each scaled to a small range (bounds in OBSERVATION_LOW / OBSERVATION_HIGH). The
first 22 describe the car and the road (all that layout v3 had):

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
22-41 the cars around, 5 slots of 4 numbers: the 3 nearest cars up to 60 m ahead (nearest first), then the 2
      nearest up to 30 m behind. Per slot: presence (1, or 0 for an empty slot, whose numbers are all 0), gap
      along the track / 60 m (+ ahead, - behind), its offset from the centre line minus ours / 4 m (+-2 at
      most; 1 is two car widths), our speed along the track minus its / 20 m/s (+-1; + closing in)
====  ==========================================================================================

Distances ahead are measured along the centre line. Every car is seen the same way, the player's included.
This module never imports pygame.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from game.sim.observation_layout import (
    CAR_BLOCK_SIZE,
    N_CAR_FEATURES,
    N_CARS_AHEAD,
    N_CARS_BEHIND,
    N_LOOKAHEAD,
    OBS_BRAKING_MARGIN,
    OBS_CARS,
    OBS_HEADING_ERROR,
    OBS_LINE_OFFSET,
    OBS_LOOKAHEAD_CURVATURES,
    OBS_LOOKAHEAD_HEADINGS,
    OBS_ROAD_OFFSET,
    OBS_SLIP,
    OBS_SPEED,
    OBS_YAW_RATE,
    OBSERVATION_SIZE,
    SLOT_CLOSING,
    SLOT_GAP,
    SLOT_LATERAL,
    SLOT_PRESENCE,
)
from game.sim.physics import (
    CAR_ARC_LENGTH,
    CAR_HEADING,
    CAR_LATERAL,
    CAR_SEGMENT,
    CAR_VX,
    CAR_VY,
    CAR_YAW_RATE,
    P_GRIP,
)
from game.sim.racing_line import LINE_HEADING, LINE_OFFSET, LINE_WINDOW_CURVATURE
from game.sim.track import COL_HEADING, LOOKAHEAD_DISTANCES, samples_around, widths_at, wrap_angle, wrap_index

SPEED_SCALE = 90.0  # [m/s]
SLIP_SCALE = 20.0  # [m/s]
YAW_RATE_SCALE = 2.0  # [rad/s]
HAIRPIN_RADIUS = 12.0  # [m] curvature feature reads 1 here
SENSE_AHEAD = 60.0  # [m] along the track: cars further ahead are not seen
SENSE_BEHIND = 30.0  # [m]
CAR_GAP_SCALE = 60.0  # [m]
CAR_LATERAL_SCALE = 4.0  # [m] scale of the offset between two cars (layout v4; two car widths)
CAR_CLOSING_SCALE = 20.0  # [m/s]
_LOOKAHEAD = np.array(LOOKAHEAD_DISTANCES)
assert len(LOOKAHEAD_DISTANCES) == N_LOOKAHEAD

OBSERVATION_HIGH = np.ones(OBSERVATION_SIZE, dtype=np.float32)
OBSERVATION_HIGH[OBS_ROAD_OFFSET] = 2.0
OBSERVATION_HIGH[OBS_LINE_OFFSET] = 2.0
OBSERVATION_HIGH[OBS_CARS + SLOT_LATERAL :: N_CAR_FEATURES] = 2.0
OBSERVATION_LOW = -OBSERVATION_HIGH
OBSERVATION_LOW[OBS_CARS + SLOT_PRESENCE :: N_CAR_FEATURES] = 0.0


@njit(cache=True)
def _clip(value: float, bound: float) -> float:
    return min(max(value, -bound), bound)


@njit(cache=True)
def line_at(line: np.ndarray, spacing: float, arc_length: float, column: int, is_angle: bool) -> float:
    """One column of a line table (game.sim.racing_line.line_table) at an arc length, linearly interpolated."""
    i, j, t = samples_around(line.shape[0], spacing, arc_length)
    change = line[j, column] - line[i, column]
    if is_angle:
        change = wrap_angle(change)
    return line[i, column] + t * change


@njit(cache=True)
def _braking_margin(u: float, line: np.ndarray, spacing: float, arc: float, grip: float) -> float:
    """Speed over the speed from which braking at the grip limit just makes the corners ahead, minus 1."""
    n = line.shape[0]
    here = wrap_index(int(arc / spacing), n)
    limit = grip * 9.81
    allowed = 1e9
    start = 0.0
    for k in range(N_LOOKAHEAD):
        kappa = max(abs(line[here, LINE_WINDOW_CURVATURE + k]), 1e-6)
        allowed = min(allowed, math.sqrt(limit / kappa + 2.0 * limit * start))
        start = _LOOKAHEAD[k]
    return min(max(u / allowed, 0.0), 2.0) - 1.0


@njit(cache=True)
def _line_offset(lateral: float, line: np.ndarray, spacing: float, arc: float, half: float, shift: float) -> float:
    """Feature 6: the offset from the racing line, moved sideways by ``shift`` [m], in half widths (+-2 at most)."""
    return _clip((lateral - (line_at(line, spacing, arc, LINE_OFFSET, False) + shift)) / half, 2.0)


@njit(cache=True)
def observe_car(
    car: np.ndarray, table: np.ndarray, line: np.ndarray, spacing: float, params: np.ndarray, out: np.ndarray
) -> None:
    """Write one car's car-and-road numbers (the first 22) into ``out``; the cars-around block is left alone.

    Args:
        car: One row of the car state array.
        table: Track.table.
        line: game.sim.racing_line.line_table(track).
        spacing: Track.spacing.
        params: CarParams.as_array().
        out: Written in place (float32, at least DRIVING_SIZE long).
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
    out[OBS_HEADING_ERROR] = wrap_angle(heading - line_at(line, spacing, arc, LINE_HEADING, True)) / math.pi
    width_left, width_right = widths_at(table, spacing, arc)
    half = 0.5 * (width_left + width_right)
    middle = 0.5 * (width_left - width_right)
    out[OBS_ROAD_OFFSET] = _clip((car[CAR_LATERAL] - middle) / half, 2.0)
    out[OBS_LINE_OFFSET] = _line_offset(car[CAR_LATERAL], line, spacing, arc, half, 0.0)
    n = line.shape[0]
    here = wrap_index(int(arc / spacing), n)
    for k in range(N_LOOKAHEAD):
        if k > 0:
            ahead = line_at(line, spacing, arc + _LOOKAHEAD[k], LINE_HEADING, True)
            out[OBS_LOOKAHEAD_HEADINGS + k - 1] = wrap_angle(ahead - heading) / math.pi
        kappa = line[here, LINE_WINDOW_CURVATURE + k]
        magnitude = math.sqrt(min(abs(kappa) * HAIRPIN_RADIUS, 1.0))
        out[OBS_LOOKAHEAD_CURVATURES + k] = magnitude if kappa >= 0.0 else -magnitude


@njit(cache=True)
def observe_line_shift(
    cars: np.ndarray, table: np.ndarray, line: np.ndarray, spacing: float, shift: np.ndarray, out: np.ndarray
) -> None:
    """Rewrite each car's offset from the racing line (feature 6) as if its line were moved sideways by ``shift``.

    The rest of the observation is left as :func:`observe_cars` wrote it: the line's directions and corners
    are those of the line itself. This is how a rival drives a passing line (:mod:`game.drivers.racecraft`), and how
    training's line-shift practice moves it; a shift of zero writes what :func:`observe_car` wrote.

    Args:
        cars: (N, N_CAR_COLUMNS) car states.
        table: Track.table.
        line: game.sim.racing_line.line_table(track), the line the driver reads.
        spacing: Track.spacing.
        shift: (N,) how far each car's line is moved, positive to the left [m].
        out: (N, size) observations, changed in place.
    """
    for i in range(cars.shape[0]):
        arc = cars[i, CAR_ARC_LENGTH]
        width_left, width_right = widths_at(table, spacing, arc)
        out[i, OBS_LINE_OFFSET] = _line_offset(
            cars[i, CAR_LATERAL], line, spacing, arc, 0.5 * (width_left + width_right), shift[i]
        )


@njit(cache=True)
def _speed_along_track(car: np.ndarray, table: np.ndarray) -> float:
    heading = table[int(car[CAR_SEGMENT]), COL_HEADING]
    return car[CAR_VX] * math.cos(heading) + car[CAR_VY] * math.sin(heading)


@njit(cache=True)
def observe_traffic(
    cars: np.ndarray,
    me: int,
    table: np.ndarray,
    spacing: float,
    out: np.ndarray,
    nearest: np.ndarray,
    nearest_gap: np.ndarray,
) -> None:
    """Write the cars-around block of car ``me`` (``CAR_BLOCK_SIZE`` numbers) into ``out``.

    Args:
        cars: Every car's state (N, N_CAR_COLUMNS); the player's car is one of them like any other.
        me: The observing car's row.
        table: Track.table.
        spacing: Track.spacing.
        out: Written in place (float32, length CAR_BLOCK_SIZE).
        nearest: Scratch (int64, one per slot): the cars kept, ahead then behind.
        nearest_gap: Scratch (float64, one per slot): their distances along the track.
    """
    out[:] = 0.0
    length = table.shape[0] * spacing
    nearest[:] = -1
    nearest_gap[:] = 1e9
    ahead = nearest[:N_CARS_AHEAD]
    ahead_gap = nearest_gap[:N_CARS_AHEAD]
    behind = nearest[N_CARS_AHEAD:]
    behind_gap = nearest_gap[N_CARS_AHEAD:]
    here = cars[me, CAR_ARC_LENGTH]
    for j in range(cars.shape[0]):
        if j == me:
            continue
        gap = cars[j, CAR_ARC_LENGTH] - here
        gap -= length * math.floor(gap / length + 0.5)  # wrap into [-L/2, L/2)
        if 0.0 <= gap <= SENSE_AHEAD:
            _insert(ahead, ahead_gap, j, gap)
        elif -SENSE_BEHIND <= gap < 0.0:
            _insert(behind, behind_gap, j, -gap)
    my_speed = _speed_along_track(cars[me], table)
    for k in range(N_CARS_AHEAD + N_CARS_BEHIND):
        j = ahead[k] if k < N_CARS_AHEAD else behind[k - N_CARS_AHEAD]
        if j < 0:
            continue
        gap = ahead_gap[k] if k < N_CARS_AHEAD else -behind_gap[k - N_CARS_AHEAD]
        base = k * N_CAR_FEATURES
        out[base + SLOT_PRESENCE] = 1.0
        out[base + SLOT_GAP] = gap / CAR_GAP_SCALE
        out[base + SLOT_LATERAL] = _clip((cars[j, CAR_LATERAL] - cars[me, CAR_LATERAL]) / CAR_LATERAL_SCALE, 2.0)
        closing = my_speed - _speed_along_track(cars[j], table)
        out[base + SLOT_CLOSING] = _clip(closing / CAR_CLOSING_SCALE, 1.0)


@njit(cache=True)
def _insert(slots: np.ndarray, gaps: np.ndarray, car: int, gap: float) -> None:
    """Keep the nearest cars, nearest first: put ``car`` in its place if it is nearer than the last one kept."""
    k = slots.shape[0] - 1
    if gap >= gaps[k]:
        return
    while k > 0 and gaps[k - 1] > gap:
        slots[k] = slots[k - 1]
        gaps[k] = gaps[k - 1]
        k -= 1
    slots[k] = car
    gaps[k] = gap


@njit(cache=True)
def observe_cars(
    cars: np.ndarray, table: np.ndarray, line: np.ndarray, spacing: float, params: np.ndarray, out: np.ndarray
) -> None:
    """Observations of every car, each seeing the others: ``out`` has shape (N, 42), float32.

    ``out`` of width 22 (layout v3) gets the car and road numbers only.
    """
    nearest = np.empty(N_CARS_AHEAD + N_CARS_BEHIND, np.int64)
    nearest_gap = np.empty(N_CARS_AHEAD + N_CARS_BEHIND)
    for i in range(cars.shape[0]):
        observe_car(cars[i], table, line, spacing, params, out[i])
        if out.shape[1] >= OBS_CARS + CAR_BLOCK_SIZE:
            observe_traffic(cars, i, table, spacing, out[i, OBS_CARS : OBS_CARS + CAR_BLOCK_SIZE], nearest, nearest_gap)
