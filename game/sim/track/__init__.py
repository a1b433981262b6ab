"""Track geometry: a closed centre line with widths, resampled for fast lookups.

A :class:`Track` is built from control points (the points a designer places or a circuit file lists). A periodic
cubic spline passes through them; the track is then resampled at a uniform spacing of about
:data:`SAMPLE_SPACING` metres, so that an arc length maps to a sample index by one division.

Everything the simulation needs per sample lives in one float64 table, :attr:`Track.table`, whose columns are
named by the ``COL_*`` constants. Numba kernels take that table and the spacing, nothing else.

Units: metres and radians. Lateral offsets are positive to the left of the driving direction.

This module never imports pygame.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numba import njit
from scipy.interpolate import CubicSpline

SAMPLE_SPACING = 2.0  # [m] target distance between resampled centre-line points
MIN_CONTROL_POINTS = 4
MIN_TRACK_WIDTH = 3.0  # [m] narrower than this (left + right) and a car (1.9 m wide) cannot race
MIN_TRACK_LENGTH = 200.0  # [m]
MAX_TRACK_LENGTH = 30_000.0  # [m] the longest real circuits are about 25 km (the Nordschleife 20.8 km)
MAX_CONTROL_POINTS = 10_000  # the racetrack-database circuits have 460 to 1200
CURVATURE_SMOOTHING = 4.0  # [m] standard deviation of the smoothing of curvature along the track
PROJECTION_WINDOW = 3  # samples searched either side of the previous one (a car moves < 2 m per step)

# Distances ahead [m] of the look-ahead windows of the racing line (game.sim.racing_line) that drivers see.
LOOKAHEAD_DISTANCES = (8.0, 16.0, 28.0, 44.0, 66.0, 96.0, 140.0, 200.0)

# Columns of Track.table.
COL_X, COL_Y, COL_HEADING, COL_CURVATURE, COL_WIDTH_LEFT, COL_WIDTH_RIGHT = range(6)
N_TABLE_COLUMNS = 6


class TrackError(ValueError):
    """A track that cannot be used, with the reason (and the file, where there is one)."""


class SampledCenterline:
    """Geometry read from a resampled table (``table`` and ``spacing``).

    Shared by :class:`Track` and by the editor's preview of a track that is not valid yet.
    """

    table: np.ndarray
    spacing: float

    @property
    def n_samples(self) -> int:
        """Number of resampled centre-line points."""
        return self.table.shape[0]

    @property
    def length(self) -> float:
        """Length of the centre line [m]."""
        return self.n_samples * self.spacing

    @property
    def arc_length(self) -> np.ndarray:
        """(n,) arc length of each sample from the start/finish line [m]."""
        return np.arange(self.n_samples) * self.spacing

    @property
    def centerline(self) -> np.ndarray:
        """(n, 2) resampled centre line [m]."""
        return self.table[:, COL_X : COL_Y + 1]

    @property
    def heading(self) -> np.ndarray:
        """(n,) direction of travel, unwrapped [rad]."""
        return self.table[:, COL_HEADING]

    @property
    def curvature(self) -> np.ndarray:
        """(n,) signed curvature, positive turning left [1/m]."""
        return self.table[:, COL_CURVATURE]

    @property
    def width_left(self) -> np.ndarray:
        """(n,) distance from the centre line to the left edge [m]."""
        return self.table[:, COL_WIDTH_LEFT]

    @property
    def width_right(self) -> np.ndarray:
        """(n,) distance from the centre line to the right edge [m]."""
        return self.table[:, COL_WIDTH_RIGHT]

    @property
    def normals(self) -> np.ndarray:
        """(n, 2) unit vectors pointing to the left of the driving direction."""
        h = self.heading
        return np.stack([-np.sin(h), np.cos(h)], axis=1)

    @property
    def left_edge(self) -> np.ndarray:
        """(n, 2) left edge, for drawing [m]."""
        return self.centerline + self.normals * self.width_left[:, None]

    @property
    def right_edge(self) -> np.ndarray:
        """(n, 2) right edge, for drawing [m]."""
        return self.centerline - self.normals * self.width_right[:, None]

    def nearest_index(self, x: float, y: float) -> int:
        """Global nearest sample to a point (O(n)); use once to start tracking a car, then :meth:`Track.project`."""
        d2 = np.sum((self.centerline - np.array([x, y])) ** 2, axis=1)
        return int(np.argmin(d2))


@dataclass(frozen=True, eq=False)
class Track(SampledCenterline):
    """A closed race track.

    Attributes:
        name: Display name.
        control_points: (k, 2) points the centre line passes through, in driving order [m].
        control_width_left: (k,) width from the centre line to the left edge at each control point [m].
        control_width_right: (k,) width to the right edge [m].
        metadata: Free-form information (source, licence, author, ...), saved with the track.
        table: (n, N_TABLE_COLUMNS) resampled data, see the ``COL_*`` constants.
        spacing: Arc length between two samples [m].
    """

    name: str
    control_points: np.ndarray
    control_width_left: np.ndarray
    control_width_right: np.ndarray
    metadata: dict[str, Any] = field(default_factory=dict)
    table: np.ndarray = field(init=False, repr=False)
    spacing: float = field(init=False)

    def __post_init__(self) -> None:
        validate_geometry(self.control_points, self.control_width_left, self.control_width_right)
        table, spacing = resample_centerline(self.control_points, self.control_width_left, self.control_width_right)
        table.setflags(write=False)
        object.__setattr__(self, "table", table)
        object.__setattr__(self, "spacing", spacing)
        check_length(self.length)
        if self.length < MIN_TRACK_LENGTH:
            raise TrackError(f"track is too short: {self.length:.0f} m (at least {MIN_TRACK_LENGTH:.0f} m)")
        narrowest = float(np.min(self.width_left + self.width_right))
        if narrowest < MIN_TRACK_WIDTH:
            raise TrackError(
                f"track is narrower than a car can race: {narrowest:.1f} m (at least {MIN_TRACK_WIDTH:.1f} m)"
            )

    def pose_at(self, arc_length: float, lateral_offset: float = 0.0) -> tuple[float, float, float]:
        """Position and heading of a point on the track.

        Args:
            arc_length: Distance along the centre line from the start/finish line [m]; wraps around.
            lateral_offset: Distance to the left of the centre line [m].

        Returns:
            (x, y, heading) in metres and radians.
        """
        x, y, heading = _pose_at(self.table, self.spacing, arc_length, lateral_offset)
        return x, y, heading

    def project(self, x: float, y: float, hint_index: int) -> tuple[int, float, float]:
        """Project a point onto the track, searching near a previous sample index.

        Returns:
            (segment index, arc length [m], lateral offset [m], positive to the left).
        """
        seg, s, lateral = project_point(self.table, self.spacing, x, y, hint_index)
        return seg, s, lateral


def validate_geometry(points: np.ndarray, width_left: np.ndarray, width_right: np.ndarray) -> None:
    """Check control points and widths before building a track.

    Raises:
        TrackError: naming the problem.
    """
    points = np.asarray(points)
    if points.ndim != 2 or points.shape[1] != 2:
        raise TrackError(f"centre line must be a list of [x, y] points, got shape {points.shape}")
    k = points.shape[0]
    if k < MIN_CONTROL_POINTS:
        raise TrackError(f"too few centre-line points: {k} (at least {MIN_CONTROL_POINTS})")
    if k > MAX_CONTROL_POINTS:
        raise TrackError(f"too many centre-line points: {k} (at most {MAX_CONTROL_POINTS})")
    for label, widths in (("width_left", width_left), ("width_right", width_right)):
        widths = np.asarray(widths)
        if widths.shape != (k,):
            raise TrackError(f"{label} must have one value per centre-line point ({k}), got {widths.shape}")
        if not np.all(np.isfinite(widths)):
            raise TrackError(f"{label} contains a non-finite number")
        if np.any(widths < 0.0):
            raise TrackError(f"{label} contains a negative width")
    if not np.all(np.isfinite(points)):
        raise TrackError("centre line contains a non-finite number")
    step = np.linalg.norm(np.diff(np.vstack([points, points[:1]]), axis=0), axis=1)
    if np.any(step < 1e-6):
        raise TrackError("centre line has two consecutive identical points")
    check_length(float(np.sum(step)))
    total = np.asarray(width_left) + np.asarray(width_right)
    if np.min(total) < MIN_TRACK_WIDTH:
        i = int(np.argmin(total))
        raise TrackError(
            f"track is narrower than a car can race at point {i}: {total[i]:.1f} m (at least {MIN_TRACK_WIDTH} m)"
        )


def check_length(length: float) -> None:
    """Refuse a lap longer than :data:`MAX_TRACK_LENGTH` (checked on the control polygon before anything is built).

    Raises:
        TrackError: naming the length and the limit.
    """
    if length > MAX_TRACK_LENGTH:
        raise TrackError(
            f"track is too long: {length / 1000:.0f} km (at most {MAX_TRACK_LENGTH / 1000:.0f} km; the longest real "
            "circuits are about 25 km)"
        )


def resample_centerline(
    points: np.ndarray, width_left: np.ndarray, width_right: np.ndarray
) -> tuple[np.ndarray, float]:
    """Fit a periodic spline through the control points and sample it uniformly in arc length.

    Returns:
        (table, spacing): the ``COL_*`` table and the arc length between samples [m]. Nothing is validated, so
        the editor can draw a track that is still wrong.
    """
    points = np.asarray(points, dtype=np.float64)
    closed = np.vstack([points, points[:1]])
    chord = np.linalg.norm(np.diff(closed, axis=0), axis=1)
    knots = np.concatenate([[0.0], np.cumsum(chord)])
    spline = CubicSpline(knots, closed, bc_type="periodic")
    # Dense sampling to measure arc length accurately.
    dense_u = np.linspace(0.0, knots[-1], max(2000, 8 * int(knots[-1] / SAMPLE_SPACING)), endpoint=False)
    dense = spline(dense_u)
    seg = np.linalg.norm(np.diff(np.vstack([dense, dense[:1]]), axis=0), axis=1)
    dense_s = np.concatenate([[0.0], np.cumsum(seg)])
    length = float(dense_s[-1])
    n = max(int(round(length / SAMPLE_SPACING)), 8)
    spacing = length / n
    target_s = np.arange(n) * spacing
    u = np.interp(target_s, dense_s, np.append(dense_u, knots[-1]))
    xy = spline(u)
    d1 = spline(u, 1)
    d2 = spline(u, 2)
    speed = np.hypot(d1[:, 0], d1[:, 1])
    curvature = smooth_periodic((d1[:, 0] * d2[:, 1] - d1[:, 1] * d2[:, 0]) / speed**3, spacing)
    heading = np.unwrap(np.arctan2(d1[:, 1], d1[:, 0]))
    # Widths vary linearly between control points (a spline could overshoot below zero).
    ctrl_s = np.interp(knots, np.append(dense_u, knots[-1]), dense_s)
    wl = np.interp(target_s, ctrl_s, np.append(width_left, width_left[0]))
    wr = np.interp(target_s, ctrl_s, np.append(width_right, width_right[0]))
    table = np.zeros((n, N_TABLE_COLUMNS))
    table[:, COL_X] = xy[:, 0]
    table[:, COL_Y] = xy[:, 1]
    table[:, COL_HEADING] = heading
    table[:, COL_CURVATURE] = curvature
    table[:, COL_WIDTH_LEFT] = wl
    table[:, COL_WIDTH_RIGHT] = wr
    return table, spacing


def smooth_periodic(values: np.ndarray, spacing: float) -> np.ndarray:
    """Gaussian smoothing around the loop over ~CURVATURE_SMOOTHING metres.

    A spline through surveyed points overshoots the curvature of real corners (a 12 m hairpin reads 9 m).
    """
    sigma = CURVATURE_SMOOTHING / spacing
    half = int(math.ceil(3 * sigma))
    kernel = np.exp(-0.5 * (np.arange(-half, half + 1) / sigma) ** 2)
    kernel /= kernel.sum()
    padded = np.concatenate([values[-half:], values, values[:half]])
    return np.convolve(padded, kernel, mode="valid")


def window_extreme(curvature: np.ndarray, spacing: float, start: float, end: float) -> np.ndarray:
    """For each sample, the signed curvature of largest magnitude between start and end metres ahead."""
    n = curvature.shape[0]
    first = int(math.floor(start / spacing))
    last = max(int(math.ceil(end / spacing)), first + 1)
    offsets = np.arange(first, last + 1)
    idx = (np.arange(n)[:, None] + offsets[None, :]) % n
    window = curvature[idx]
    pick = np.argmax(np.abs(window), axis=1)
    return window[np.arange(n), pick]


@njit(cache=True)
def wrap_angle(angle: float) -> float:
    """``angle`` wrapped into [-pi, pi).

    The same number as ``(angle + pi) % (2 pi) - pi``, without the division where the angle is in range already
    (nearly always: this is on the hot path of every observation).
    """
    x = angle + math.pi
    if not 0.0 <= x < 2.0 * math.pi:
        x %= 2.0 * math.pi
    return x - math.pi


@njit(cache=True)
def wrap_arc(arc_length: float, length: float) -> float:
    """``arc_length % length``, the same number, without the division where it is in [0, length) already."""
    if 0.0 <= arc_length < length:
        return arc_length
    return arc_length % length


@njit(cache=True)
def wrap_index(i: int, n: int) -> int:
    """``i % n``, without the division where ``i`` is in [0, n) already."""
    if 0 <= i < n:
        return i
    return i % n


@njit(cache=True, inline="always")  # numba-level inlining: on the physics tick's hot path
def samples_around(n: int, spacing: float, arc_length: float) -> tuple[int, int, float]:
    """(i, j, t): the samples either side of an arc length, round a lap of ``n`` samples.

    ``t`` (0 to 1) is how far the arc length lies from sample ``i`` towards ``j``. Every lookup that interpolates
    along the track starts here.
    """
    pos = wrap_arc(arc_length, n * spacing) / spacing
    i = wrap_index(int(pos), n)
    return i, wrap_index(i + 1, n), pos - int(pos)


@njit(cache=True)
def _pose_at(table: np.ndarray, spacing: float, arc_length: float, lateral_offset: float):
    i, j, t = samples_around(table.shape[0], spacing, arc_length)
    x = table[i, COL_X] + t * (table[j, COL_X] - table[i, COL_X])
    y = table[i, COL_Y] + t * (table[j, COL_Y] - table[i, COL_Y])
    h0 = table[i, COL_HEADING]
    dh = wrap_angle(table[j, COL_HEADING] - h0)
    h = h0 + t * dh
    return x - math.sin(h) * lateral_offset, y + math.cos(h) * lateral_offset, h


@njit(cache=True)
def project_point(table: np.ndarray, spacing: float, x: float, y: float, hint_index: int):
    """Project a point onto the centre line near a previous segment: O(1), never jumps across the track.

    Only segments within PROJECTION_WINDOW samples of ``hint_index`` are searched, so where the circuit passes
    close to itself (or crosses itself on a bridge) the car stays on the part of the track it was on.

    Returns:
        (segment index, arc length [m], lateral offset [m], positive to the left).
    """
    n = table.shape[0]
    best_d2 = 1e300
    best_seg = hint_index
    best_t = 0.0
    best_cross = 0.0
    for k in range(-PROJECTION_WINDOW, PROJECTION_WINDOW + 1):
        i = wrap_index(hint_index + k, n)
        j = wrap_index(i + 1, n)
        ax = table[i, COL_X]
        ay = table[i, COL_Y]
        dx = table[j, COL_X] - ax
        dy = table[j, COL_Y] - ay
        px = x - ax
        py = y - ay
        seg2 = dx * dx + dy * dy
        t = (px * dx + py * dy) / seg2
        if t < 0.0:
            t = 0.0
        elif t > 1.0:
            t = 1.0
        ex = px - t * dx
        ey = py - t * dy
        d2 = ex * ex + ey * ey
        if d2 < best_d2:
            best_d2 = d2
            best_seg = i
            best_t = t
            best_cross = (dx * py - dy * px) / math.sqrt(seg2)
    return best_seg, (best_seg + best_t) * spacing, best_cross


@njit(cache=True)
def widths_at(table: np.ndarray, spacing: float, arc_length: float):
    """(width_left, width_right) at an arc length, linearly interpolated [m]."""
    i, j, t = samples_around(table.shape[0], spacing, arc_length)
    wl = table[i, COL_WIDTH_LEFT] + t * (table[j, COL_WIDTH_LEFT] - table[i, COL_WIDTH_LEFT])
    wr = table[i, COL_WIDTH_RIGHT] + t * (table[j, COL_WIDTH_RIGHT] - table[i, COL_WIDTH_RIGHT])
    return wl, wr
