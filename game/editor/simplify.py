"""Thinning dense control points (an imported circuit has one every 5 m) to a number a person can edit.

:func:`simplify_track` keeps the first point (the start/finish line), then:

1. Douglas-Peucker on the closed polyline of (x, y, width left, width right), so that changes of width are kept
   like bends are;
2. refinement against the real shape: the spline through the kept points can bulge where a long straight meets a
   tight corner, so wherever an original point lies further than the tolerance from the new centre line, the
   worst such point of that stretch is put back, until none does.

The tolerance starts at :data:`START_TOLERANCE` and grows until at most ``max_points`` remain. The four real
circuits shipped (460 to 876 points) come down to 60 to 143 points, within about 2 m of their original centre
line, with the same length and tightest corner (measured by tests/game/test_editor_model.py).

This module never imports pygame.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.spatial import cKDTree

from game.editor.geometry import build_geometry

SIMPLIFY_ABOVE = 200  # tracks with more control points than this are thinned when opened in the editor
MAX_EDIT_POINTS = 150  # at most this many points after thinning
START_TOLERANCE = 0.75  # [m] first Douglas-Peucker tolerance tried; grows by TOLERANCE_GROWTH
TOLERANCE_GROWTH = 1.4
MAX_REFINE_ROUNDS = 20


@dataclass(frozen=True)
class Simplified:
    """The thinned control points.

    Attributes:
        points: (m, 2) kept control points [m].
        width_left: (m,) their left widths [m].
        width_right: (m,) their right widths [m].
        kept: (m,) indices of the kept points in the original list (the first is 0).
        deviation: Largest distance from an original control point to the new centre line [m].
    """

    points: np.ndarray
    width_left: np.ndarray
    width_right: np.ndarray
    kept: np.ndarray
    deviation: float


def douglas_peucker_closed(values: np.ndarray, tolerance: float) -> np.ndarray:
    """Indices kept by Douglas-Peucker on a closed polyline (any dimension), always 0 and the farthest from it."""
    k = values.shape[0]
    if k <= 3:
        return np.arange(k)
    far = int(np.argmax(np.linalg.norm(values - values[0], axis=1)))
    keep = np.zeros(k, dtype=bool)
    keep[[0, far]] = True
    stack = [(0, far), (far, k)]
    while stack:
        a, b = stack.pop()
        if b - a < 2:
            continue
        inner = np.arange(a + 1, b)
        p0, p1 = values[a], values[b % k]
        seg = p1 - p0
        t = np.clip((values[inner] - p0) @ seg / max(float(seg @ seg), 1e-12), 0.0, 1.0)
        distance = np.linalg.norm(values[inner] - (p0 + t[:, None] * seg), axis=1)
        j = int(np.argmax(distance))
        if distance[j] > tolerance:
            m = int(inner[j])
            keep[m] = True
            stack += [(a, m), (m, b)]
    return np.flatnonzero(keep)


def distance_to_polyline(points: np.ndarray, polyline: np.ndarray) -> np.ndarray:
    """Distance from each point to a closed, densely sampled polyline [m]."""
    n = polyline.shape[0]
    _, nearest = cKDTree(polyline).query(points)
    best = np.full(points.shape[0], np.inf)
    for a_off, b_off in ((-1, 0), (0, 1)):
        a = polyline[(nearest + a_off) % n]
        b = polyline[(nearest + b_off) % n]
        seg = b - a
        t = np.clip(np.sum((points - a) * seg, axis=1) / np.maximum(np.sum(seg * seg, axis=1), 1e-12), 0.0, 1.0)
        best = np.minimum(best, np.linalg.norm(points - (a + t[:, None] * seg), axis=1))
    return best


def _refine(values: np.ndarray, keep: np.ndarray, tolerance: float, cap: int) -> tuple[np.ndarray, float]:
    """Put original points back where the spline through ``keep`` strays more than ``tolerance`` from them."""
    kept = set(int(i) for i in keep)
    deviation = np.inf
    for _ in range(MAX_REFINE_ROUNDS):
        index = np.array(sorted(kept))
        geometry = build_geometry(values[index, :2], values[index, 2], values[index, 3])
        if geometry is None:
            break
        distance = distance_to_polyline(values[:, :2], geometry.centerline)
        distance[index] = 0.0
        deviation = float(distance.max())
        bad = distance > tolerance
        if not bad.any() or len(kept) > cap:
            break
        stretch = np.searchsorted(index, np.arange(values.shape[0]), side="right") - 1
        for s in np.unique(stretch[bad]):
            members = np.flatnonzero(bad & (stretch == s))
            kept.add(int(members[np.argmax(distance[members])]))
    return np.array(sorted(kept)), deviation


def simplify_track(
    points: np.ndarray,
    width_left: np.ndarray,
    width_right: np.ndarray,
    max_points: int = MAX_EDIT_POINTS,
) -> Simplified:
    """Thin control points to at most ``max_points`` (about), keeping the shape and the widths.

    Args:
        points: (k, 2) control points [m].
        width_left: (k,) left widths [m].
        width_right: (k,) right widths [m].
        max_points: The most points to keep.

    Returns:
        The kept points and how far the new centre line strays from the original points.
    """
    values = np.column_stack([points, width_left, width_right]).astype(np.float64)
    k = values.shape[0]
    if k <= max_points:
        return Simplified(values[:, :2], values[:, 2], values[:, 3], np.arange(k), 0.0)
    tolerance = START_TOLERANCE
    while True:
        keep = douglas_peucker_closed(values, tolerance)
        keep, deviation = _refine(values, keep, 2.0 * tolerance, cap=max_points)
        if len(keep) <= max_points or tolerance > 1e4:
            break
        tolerance *= TOLERANCE_GROWTH
    return Simplified(values[keep, :2], values[keep, 2], values[keep, 3], keep, deviation)
