"""The racing line: where on the road a fast driver puts the car, and how fast the car can drive it.

Two steps, both standard in lap-time simulation:

1. A *minimum-curvature racing line*: lateral offsets from the centre line, one per track sample, that keep the
   car ``margin`` metres inside each edge and make the line as straight as the track allows. It is a box-bounded
   least-squares problem, solved first as the convex "elastic band" (squared second differences of the points)
   and then re-linearised a few times around the current line on the true discrete curvature (Gauss-Newton).
   Of these lines the one with the fastest lap is kept (see :func:`racing_line_offsets`).
2. A *quasi-steady-state speed profile* along that line with the limits of game.sim.physics: lateral acceleration
   ``v**2 * curvature`` and the longitudinal tyre force share the friction circle ``grip * m * g``; the drive
   force is ``min(engine_force, engine_power / v)``; braking is ``brake_force``; drag ``0.5 rho A v**2`` and
   rolling resistance always act. A forward pass (acceleration) and a backward pass (braking) around the closed
   loop, repeated until the periodic profile converges, give the fastest flying lap on that line.

The AI drivers see the line (:func:`line_table`, read by game.sim.observation) and game.sim.reference times the
reference lap on it. This module never imports pygame.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterator

import numpy as np
from numba import njit
from scipy import sparse

from game.sim.cyclic_banded import CyclicBandedMatrix
from game.sim.observation_layout import LINE_CLEARANCE, checked_line_clearance
from game.sim.physics import DEFAULT_CAR, GRAVITY, CarParams
from game.sim.track import LOOKAHEAD_DISTANCES, Track, smooth_periodic, window_extreme

EDGE_CLEARANCE = LINE_CLEARANCE  # [m] kept between the car's side and the edge by the reference lap's line
MAX_INSIDE_FRACTION = 0.8  # an offset to the inside of a corner stays below this fraction of its radius
LINE_ITERATIONS = 6  # Gauss-Newton re-linearisations of the curvature after the elastic band
LINE_STEP_LIMIT = 1.0  # [m] largest change of an offset in one re-linearisation (trust region)
LINE_DAMPING = 1e-3  # [1/m^1.5] Levenberg-Marquardt damping of a re-linearised step
QP_MAX_ITERATIONS = 100
QP_TOLERANCE = 1e-9
SPEED_CAP = 150.0  # [m/s] stands in for "no limit" on a straight (the top speed is far lower)

# Columns of line_table(track), one row per track sample.
LINE_OFFSET = 0  # lateral offset of the racing line from the centre line, positive to the left [m]
LINE_HEADING = 1  # direction of the racing line, unwrapped [rad]
LINE_WINDOW_CURVATURE = 2  # first of len(LOOKAHEAD_DISTANCES) columns: signed max-|curvature| per window [1/m]
LINE_LIMIT_SPEED = LINE_WINDOW_CURVATURE + len(LOOKAHEAD_DISTANCES)  # the line's limit speed profile [m/s]
LINE_CURVATURE = LINE_LIMIT_SPEED + 1  # the line's signed curvature, smoothed [1/m], positive: to the left
N_LINE_COLUMNS = LINE_CURVATURE + 1


def default_margin(params: CarParams = DEFAULT_CAR, clearance: float = EDGE_CLEARANCE) -> float:
    """Distance the racing line keeps from each edge: half the car's width plus ``clearance`` [m]."""
    return 0.5 * params.width + clearance


def line_table(track: Track, clearance: float = EDGE_CLEARANCE) -> np.ndarray:
    """The racing line of the default car as a read-only (n, N_LINE_COLUMNS) table (see the ``LINE_*`` columns).

    The line keeps half the car's width plus ``clearance`` from each edge: the driver's own clearance
    (``Actor.line_clearance``); the default is the reference lap's line. Memoised per track and clearance (tracks
    are immutable and compare by identity); the first call on a track takes about 0.1-0.2 s (a 2-6 km track on
    the development machine).

    Raises:
        ValueError: A clearance below 0 or above MAX_LINE_CLEARANCE.
    """
    return _line_table(track, checked_line_clearance(clearance))


@functools.lru_cache(maxsize=64)
def _line_table(track: Track, clearance: float) -> np.ndarray:
    offsets = racing_line_offsets(track, default_margin(clearance=clearance))
    line = track.centerline + track.normals * offsets[:, None]
    segment_length, _, curvature = line_geometry(line)
    limit_speed = speed_profile(segment_length, curvature)  # as the reference lap's, on this line
    curvature = smooth_periodic(curvature, track.spacing)
    ahead = np.roll(line, -1, axis=0) - np.roll(line, 1, axis=0)
    table = np.zeros((track.n_samples, N_LINE_COLUMNS))
    table[:, LINE_OFFSET] = offsets
    table[:, LINE_HEADING] = np.unwrap(np.arctan2(ahead[:, 1], ahead[:, 0]))
    start = 0.0
    for w, end in enumerate(LOOKAHEAD_DISTANCES):
        table[:, LINE_WINDOW_CURVATURE + w] = window_extreme(curvature, track.spacing, start, end)
        start = end
    table[:, LINE_LIMIT_SPEED] = limit_speed
    table[:, LINE_CURVATURE] = curvature
    table.setflags(write=False)
    return table


# -- racing line ----------------------------------------------------------------------------------------------
def offset_bounds(track: Track, margin: float) -> tuple[np.ndarray, np.ndarray]:
    """Lowest and highest lateral offset of the line at each sample [m].

    ``margin`` from each edge, and never so far to the inside of a corner that the normals of neighbouring
    samples cross. Where the track is too narrow for both margins the line is pinned to the middle of the road.
    """
    lower = -(track.width_right - margin)
    upper = track.width_left - margin
    curvature = track.curvature
    with np.errstate(divide="ignore"):
        inside_limit = MAX_INSIDE_FRACTION / np.abs(curvature)
    upper = np.where(curvature > 0.0, np.minimum(upper, inside_limit), upper)
    lower = np.where(curvature < 0.0, np.maximum(lower, -inside_limit), lower)
    pinned = lower > upper
    middle = 0.5 * (lower + upper)
    return np.where(pinned, middle, lower), np.where(pinned, middle, upper)


def racing_line_offsets(track: Track, margin: float, params: CarParams = DEFAULT_CAR) -> np.ndarray:
    """Lateral offsets of the racing line inside ``margin`` of the edges, one per track sample [m].

    The minimum-curvature line is not quite the fastest one: it runs wide to open every corner, and a little
    length is worth trading for a little curvature. Each iterate on the way from the elastic band (shorter) to
    the minimum-curvature line is a smooth line inside the edges; the one with the fastest speed profile wins.
    """
    best_offsets = np.zeros(track.n_samples)
    best_time = math.inf
    for offsets in line_candidates(track, margin):
        line = track.centerline + track.normals * offsets[:, None]
        segment_length, _, curvature = line_geometry(line)
        time = lap_time(segment_length, speed_profile(segment_length, curvature, params))
        if time < best_time:
            best_offsets, best_time = offsets, time
    return best_offsets


def line_candidates(track: Track, margin: float) -> Iterator[np.ndarray]:
    """Offsets of the elastic-band line, then of each Gauss-Newton step towards the minimum-curvature line [m]."""
    lower, upper = offset_bounds(track, margin)
    centre = track.centerline
    normals = track.normals
    n = track.n_samples

    # Elastic band: minimise the squared second differences of the points (convex, linear in the offsets).
    second_difference = sparse.diags(
        [np.ones(n - 1), -2.0 * np.ones(n), np.ones(n - 1), [1.0], [1.0]], [-1, 0, 1, n - 1, -(n - 1)], format="csr"
    )
    band = sparse.vstack(
        [second_difference @ sparse.diags(normals[:, 0]), second_difference @ sparse.diags(normals[:, 1])]
    ).tocsr()
    target = -np.concatenate([second_difference @ centre[:, 0], second_difference @ centre[:, 1]])
    offsets = _bounded_least_squares(band, target, lower, upper)
    yield offsets

    # Gauss-Newton on the integral of curvature squared, re-linearised around the current line.
    for _ in range(LINE_ITERATIONS):
        residual, jacobian = _curvature_residual(centre, normals, offsets)
        step_lower = np.maximum(lower - offsets, -LINE_STEP_LIMIT)
        step_upper = np.minimum(upper - offsets, LINE_STEP_LIMIT)
        step = _bounded_least_squares(jacobian, -residual, step_lower, step_upper, LINE_DAMPING)
        offsets = np.clip(offsets + step, lower, upper)
        yield offsets


def _bounded_least_squares(
    matrix: sparse.csr_matrix, target: np.ndarray, lower: np.ndarray, upper: np.ndarray, damping: float = 0.0
) -> np.ndarray:
    """Minimise ``||matrix @ x - target||**2 + damping**2 * ||x||**2`` subject to ``lower <= x <= upper``.

    A primal-dual interior-point method on the normal equations: the Hessian is banded (plus the corners that
    close the loop), so each Newton step is one banded solve and the whole solve takes a few tens of them.
    """
    n = lower.shape[0]
    upper = np.maximum(upper, lower + 1e-6)  # a pinned offset becomes a tiny interval
    hessian = (matrix.T @ matrix + (damping**2 + 1e-12) * sparse.eye(n)).tocsr()
    banded = CyclicBandedMatrix(hessian, bandwidth=2)  # each residual couples neighbouring samples only
    gradient_offset = -(matrix.T @ target)
    x = np.clip(0.0, lower, upper)
    x = np.clip(x, lower + 0.01 * (upper - lower), upper - 0.01 * (upper - lower))
    z_lower = np.ones(n)
    z_upper = np.ones(n)
    for _ in range(QP_MAX_ITERATIONS):
        s_lower = x - lower
        s_upper = upper - x
        residual = hessian @ x + gradient_offset - z_lower + z_upper
        gap = (s_lower @ z_lower + s_upper @ z_upper) / (2 * n)
        if gap < QP_TOLERANCE and np.max(np.abs(residual)) < QP_TOLERANCE:
            break
        target_gap = 0.1 * gap
        rhs = -residual + target_gap / s_lower - z_lower - target_gap / s_upper + z_upper
        dx = banded.solve(rhs, extra_diagonal=z_lower / s_lower + z_upper / s_upper)
        dz_lower = (target_gap - s_lower * z_lower - z_lower * dx) / s_lower
        dz_upper = (target_gap - s_upper * z_upper + z_upper * dx) / s_upper
        step = min(
            1.0,
            0.99 * _max_step(s_lower, dx),
            0.99 * _max_step(s_upper, -dx),
            0.99 * _max_step(z_lower, dz_lower),
            0.99 * _max_step(z_upper, dz_upper),
        )
        x = x + step * dx
        z_lower = z_lower + step * dz_lower
        z_upper = z_upper + step * dz_upper
    return np.clip(x, lower, upper)


def _max_step(value: np.ndarray, change: np.ndarray) -> float:
    """Largest t with value + t * change >= 0 (value > 0)."""
    shrinking = change < 0.0
    if not np.any(shrinking):
        return math.inf
    return float(np.min(-value[shrinking] / change[shrinking]))


def _curvature_residual(
    centre: np.ndarray, normals: np.ndarray, offsets: np.ndarray
) -> tuple[np.ndarray, sparse.csr_matrix]:
    """Residuals whose squares sum to the integral of curvature squared along the line, and their Jacobian.

    Residual i is ``turn_i / sqrt(mean_length_i)``, where ``turn_i`` is the turning angle of the polyline at point
    i and ``mean_length_i`` the mean length of its two segments, so that ``turn_i / mean_length_i`` is the
    curvature there. Residual i depends on offsets i - 1, i and i + 1 only.
    """
    n = offsets.shape[0]
    points = centre + normals * offsets[:, None]
    edge = np.roll(points, -1, axis=0) - points  # edge i runs from point i to point i + 1
    length = np.hypot(edge[:, 0], edge[:, 1])
    direction = np.arctan2(edge[:, 1], edge[:, 0])
    turn = _wrap(direction - np.roll(direction, 1))
    mean_length = 0.5 * (length + np.roll(length, 1))
    residual = turn / np.sqrt(mean_length)

    # Derivatives of each edge's direction and length with respect to the offsets at its two ends.
    normals_next = np.roll(normals, -1, axis=0)
    cross_next = edge[:, 0] * normals_next[:, 1] - edge[:, 1] * normals_next[:, 0]
    cross_here = edge[:, 0] * normals[:, 1] - edge[:, 1] * normals[:, 0]
    d_direction_next = cross_next / length**2  # d direction_i / d offset_{i+1}
    d_direction_here = -cross_here / length**2  # d direction_i / d offset_i
    d_length_next = (edge[:, 0] * normals_next[:, 0] + edge[:, 1] * normals_next[:, 1]) / length
    d_length_here = -(edge[:, 0] * normals[:, 0] + edge[:, 1] * normals[:, 1]) / length

    # turn_i = direction_i - direction_{i-1}; mean_length_i = (length_i + length_{i-1}) / 2.
    previous = np.arange(n) - 1
    d_turn = {
        -1: -d_direction_here[previous],
        0: d_direction_here - d_direction_next[previous],
        1: d_direction_next,
    }
    d_mean = {
        -1: 0.5 * d_length_here[previous],
        0: 0.5 * (d_length_here + d_length_next[previous]),
        1: 0.5 * d_length_next,
    }
    rows, cols, values = [], [], []
    for shift in (-1, 0, 1):
        value = d_turn[shift] / np.sqrt(mean_length) - 0.5 * turn * d_mean[shift] / mean_length**1.5
        rows.append(np.arange(n))
        cols.append((np.arange(n) + shift) % n)
        values.append(value)
    jacobian = sparse.csr_matrix((np.concatenate(values), (np.concatenate(rows), np.concatenate(cols))), shape=(n, n))
    return residual, jacobian


def _wrap(angle: np.ndarray) -> np.ndarray:
    """Angles wrapped into [-pi, pi)."""
    return (angle + np.pi) % (2.0 * np.pi) - np.pi


def line_geometry(line: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Segment lengths, headings and curvatures of a closed polyline.

    Args:
        line: (n, 2) points in driving order; the last joins the first.

    Returns:
        (segment_length, heading, curvature): the length [m] and direction [rad, unwrapped] of the segment from
        point i to point i + 1, and the signed curvature at point i [1/m] (turning angle over the mean length of
        the two segments that meet there).
    """
    edge = np.roll(line, -1, axis=0) - line
    segment_length = np.hypot(edge[:, 0], edge[:, 1])
    direction = np.arctan2(edge[:, 1], edge[:, 0])
    turn = _wrap(direction - np.roll(direction, 1))
    curvature = turn / (0.5 * (segment_length + np.roll(segment_length, 1)))
    return segment_length, np.unwrap(direction), curvature


# -- speed profile --------------------------------------------------------------------------------------------
def speed_profile(segment_length: np.ndarray, curvature: np.ndarray, params: CarParams = DEFAULT_CAR) -> np.ndarray:
    """Quasi-steady-state speed profile of a closed line: the fastest periodic speed at each point [m/s].

    Lateral acceleration ``v**2 * |curvature|`` and the longitudinal tyre force share the friction circle. Over
    each segment the forces are taken at their most favourable: the lateral load at the lower speed and the
    smaller curvature of its two ends, engine force and drag at the lower speed when accelerating, drag at the
    higher speed when braking (solved exactly: drag is linear in ``v**2``). So the profile is never slower than
    the car can go, only (by a discretisation error) slightly faster.

    Args:
        segment_length: (n,) length from point i to point i + 1 (wrapping) [m].
        curvature: (n,) curvature at each point [1/m].
        params: The car.
    """
    grip_accel = params.grip * GRAVITY
    drag_per_mass = params.drag_coefficient / params.mass
    rolling_accel = params.rolling_resistance * GRAVITY
    engine_accel = params.engine_force / params.mass
    power_per_mass = params.engine_power / params.mass
    brake_accel = params.brake_force / params.mass

    abs_curvature = np.abs(curvature)
    with np.errstate(divide="ignore"):
        speed = np.minimum(np.sqrt(grip_accel / abs_curvature), SPEED_CAP)
    segment_curvature = np.minimum(abs_curvature, np.roll(abs_curvature, -1))
    accel = np.array([grip_accel, drag_per_mass, rolling_accel, engine_accel, power_per_mass, brake_accel])
    _accelerate_and_brake(speed, np.asarray(segment_length, dtype=np.float64), segment_curvature, accel)
    return speed


@njit(cache=True)
def _tyre_accel(speed, curvature, grip_accel):  # noqa: ANN001, ANN202
    """Longitudinal acceleration the tyres have left while cornering at ``speed`` on ``curvature``."""
    lateral = speed * speed * curvature
    return math.sqrt(max(grip_accel * grip_accel - lateral * lateral, 0.0))


@njit(cache=True)
def _accelerate_and_brake(v, lengths, segment_curvature, accel):  # noqa: ANN001, ANN202
    """Lower the cornering-limited speeds ``v`` in place to what acceleration and braking allow (see above)."""
    grip_accel, drag_per_mass, rolling_accel, engine_accel, power_per_mass, brake_accel = accel
    n = v.shape[0]
    start = int(np.argmin(v))

    # Forward pass: accelerate from each point to the next.
    changed = True
    while changed:
        changed = False
        for step in range(n):
            i = (start + step) % n
            j = (i + 1) % n
            vi = v[i]
            drive = min(engine_accel, power_per_mass / max(vi, 1.0), _tyre_accel(vi, segment_curvature[i], grip_accel))
            gain = drive - drag_per_mass * vi * vi - rolling_accel
            reachable = math.sqrt(max(vi * vi + 2.0 * gain * lengths[i], 0.0))
            if reachable < v[j] - 1e-9:
                v[j] = reachable
                changed = True

    # Backward pass: the fastest speed at each point from which the car can still brake for the next.
    changed = True
    while changed:
        changed = False
        for step in range(n):
            j = (start - step) % n
            i = (j - 1) % n
            vj = v[j]
            brake = min(brake_accel, _tyre_accel(vj, segment_curvature[i], grip_accel)) + rolling_accel
            ds = lengths[i]
            entry = math.sqrt((vj * vj + 2.0 * brake * ds) / max(1.0 - 2.0 * drag_per_mass * ds, 1e-6))
            if entry < v[i] - 1e-9:
                v[i] = entry
                changed = True


def lap_time(segment_length: np.ndarray, speed: np.ndarray) -> float:
    """Time to drive a closed line at a speed profile [s] (each segment at constant acceleration)."""
    mean_speed = 0.5 * (speed + np.roll(speed, -1))
    return float(np.sum(segment_length / mean_speed))
