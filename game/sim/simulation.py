"""One physics tick for N cars on a track: move, then locate each car on the track and track its progress.

Shared by the game (1 to 8 cars, one tick per fixed timestep) and training (several sub-steps per action).
This module never imports pygame.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from game.sim.physics import (
    CAR_ARC_LENGTH,
    CAR_HEADING,
    CAR_LATERAL,
    CAR_OFF_TRACK,
    CAR_PROGRESS,
    CAR_SEGMENT,
    CAR_STEER,
    CAR_VX,
    CAR_VY,
    CAR_X,
    CAR_Y,
    collide,
    step_car,
)
from game.sim.track import COL_CURVATURE, Track, project_point, widths_at


@njit(cache=True)
def locate_car(car: np.ndarray, table: np.ndarray, spacing: float, dt: float) -> None:
    """Project a car onto the track near its last segment; update arc length, offset, progress and off-track.

    Progress is the distance driven along the track since the start/finish line (negative behind it). Each
    step it changes by the projected arc-length change, but never by more than the car actually moved, so
    cutting across the grass gains nothing. Off-track means the car's centre is beyond an edge.
    """
    length = table.shape[0] * spacing
    seg, s, lateral = project_point(table, spacing, car[CAR_X], car[CAR_Y], int(car[CAR_SEGMENT]))
    ds = s - car[CAR_ARC_LENGTH]
    ds -= length * math.floor(ds / length + 0.5)  # wrap into [-L/2, L/2)
    # What the car really drove, mapped onto the centre line: on the inside of a corner a metre driven is more
    # than a metre of centre line, and the polyline projection jumps ahead at each vertex by |lateral * turn|.
    kappa_lateral = table[seg, COL_CURVATURE] * lateral
    moved = math.hypot(car[CAR_VX], car[CAR_VY]) * dt / max(1.0 - kappa_lateral, 0.1)
    moved += abs(kappa_lateral) * spacing + 1e-3
    ds = min(max(ds, -moved), moved)
    car[CAR_SEGMENT] = seg
    car[CAR_ARC_LENGTH] = s
    car[CAR_LATERAL] = lateral
    car[CAR_PROGRESS] += ds
    width_left, width_right = widths_at(table, spacing, s)
    car[CAR_OFF_TRACK] = 1.0 if (lateral > width_left or lateral < -width_right) else 0.0


@njit(cache=True)
def advance(
    cars: np.ndarray,
    controls: np.ndarray,
    table: np.ndarray,
    spacing: float,
    params: np.ndarray,
    dt: float,
    n_steps: int,
) -> None:
    """Step every car ``n_steps`` physics ticks with fixed controls, in place.

    Args:
        cars: (N, N_CAR_COLUMNS) car states.
        controls: (N, 2) [steer, throttle] per car, each in [-1, 1].
        table: Track.table.
        spacing: Track.spacing [m].
        params: CarParams.as_array().
        dt: Physics timestep [s].
        n_steps: Ticks to run.
    """
    for _ in range(n_steps):
        for i in range(cars.shape[0]):
            car = cars[i]
            step_car(car, controls[i, 0], controls[i, 1], car[CAR_OFF_TRACK] > 0.5, params, dt)
            locate_car(car, table, spacing, dt)


def place_car(
    cars: np.ndarray,
    index: int,
    track: Track,
    arc_length: float,
    lateral_offset: float = 0.0,
    speed: float = 0.0,
    heading_offset: float = 0.0,
) -> None:
    """Put a car on the track, pointing along it (plus ``heading_offset``), moving at ``speed``.

    Progress starts at the arc length wrapped into [-L/2, L/2): a car placed just behind the start/finish
    line (on the grid) has slightly negative progress.
    """
    x, y, track_heading = track.pose_at(arc_length, lateral_offset)
    heading = track_heading + heading_offset
    car = cars[index]
    car[:] = 0.0
    car[CAR_X] = x
    car[CAR_Y] = y
    car[CAR_HEADING] = heading
    car[CAR_VX] = speed * math.cos(heading)
    car[CAR_VY] = speed * math.sin(heading)
    car[CAR_STEER] = 0.0
    length = track.length
    s = arc_length % length
    car[CAR_SEGMENT] = int(s / track.spacing) % track.n_samples
    car[CAR_ARC_LENGTH] = s
    car[CAR_PROGRESS] = s - length if s >= 0.5 * length else s
    locate_car(car, track.table, track.spacing, 0.0)
    car[CAR_PROGRESS] = s - length if s >= 0.5 * length else s


@njit(cache=True)
def advance_in_traffic(
    cars: np.ndarray,
    controls: np.ndarray,
    table: np.ndarray,
    spacing: float,
    params: np.ndarray,
    dt: float,
    n_steps: int,
    radius: float,
    half_length: float,
    restitution: float,
    contact_dv: np.ndarray,
    rear_impact: np.ndarray,
) -> None:
    """:func:`advance` with contact: after every tick touching cars are pushed apart, as in a race.

    Args:
        cars: (N, N_CAR_COLUMNS) car states, changed in place.
        controls: (N, 2) [steer, throttle] per car, held for every tick.
        table: Track.table.
        spacing: Track.spacing.
        params: CarParams.as_array().
        dt: Physics timestep [s].
        n_steps: Ticks to run.
        radius: [m] cars collide as capsules of this radius (game.sim.physics.CONTACT_RADIUS) ...
        half_length: [m] ... round a core this long either side of the centre (CONTACT_HALF_LENGTH).
        restitution: Share of the closing speed given back (CONTACT_RESTITUTION).
        contact_dv: (N,) set to each car's largest velocity change from a contact over the ticks [m/s].
        rear_impact: (N,) set to the largest closing speed at which each car ran into a car ahead [m/s].
    """
    n = cars.shape[0]
    contact_dv[:] = 0.0
    rear_impact[:] = 0.0
    before = np.empty((n, 4))
    for _ in range(n_steps):
        advance(cars, controls, table, spacing, params, dt, 1)
        for i in range(n):
            before[i, 0] = cars[i, CAR_X]
            before[i, 1] = cars[i, CAR_Y]
            before[i, 2] = cars[i, CAR_VX]
            before[i, 3] = cars[i, CAR_VY]
        collide(cars, radius, half_length, restitution, rear_impact, table.shape[0] * spacing)
        for i in range(n):
            if cars[i, CAR_X] != before[i, 0] or cars[i, CAR_Y] != before[i, 1]:
                locate_car(cars[i], table, spacing, 0.0)  # a push earns no progress
                dv = math.hypot(cars[i, CAR_VX] - before[i, 2], cars[i, CAR_VY] - before[i, 3])
                contact_dv[i] = max(contact_dv[i], dv)
