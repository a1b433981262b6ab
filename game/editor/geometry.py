"""The shape of a draft: centre line, edges and curvature, built exactly as a :class:`game.sim.track.Track` is.

The editor has to draw and check a track while it is still wrong (too short, too narrow), when
:class:`game.sim.track.Track` refuses to exist. :func:`build_geometry` runs the same resampling as the track
(``game.sim.track.resample_centerline``: periodic cubic spline through the control points, uniform arc-length samples,
smoothed curvature, widths linear between points), so what the editor shows is what the race will drive, and
returns a :class:`DraftGeometry` that offers the attributes :func:`game.sim.track.overlap.surface_overlaps` reads.

This module never imports pygame.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from game.sim.track import MIN_CONTROL_POINTS, SampledCenterline, resample_centerline

MIN_POINT_GAP = 1e-3  # [m] consecutive control points closer than this cannot carry a spline


@dataclass(frozen=True, eq=False)
class DraftGeometry(SampledCenterline):
    """The resampled track of a draft (same columns as :attr:`game.sim.track.Track.table`).

    Attributes:
        table: (n, N_TABLE_COLUMNS) resampled data, see ``game.sim.track.COL_*``.
        spacing: Arc length between two samples [m].
        control_samples: (k,) index of the sample at each control point (non-decreasing).
    """

    table: np.ndarray
    spacing: float
    control_samples: np.ndarray

    def nearest_sample(self, x: float, y: float) -> tuple[int, float]:
        """(index, distance [m]) of the sample nearest to a point."""
        d2 = np.sum((self.centerline - np.array([x, y])) ** 2, axis=1)
        i = int(np.argmin(d2))
        return i, float(np.sqrt(d2[i]))

    def segment_of_sample(self, index: int) -> int:
        """The control segment a sample lies on: i for the stretch from control point i to point i + 1."""
        return int(np.searchsorted(self.control_samples, index, side="right") - 1) % len(self.control_samples)

    def segment_midpoint(self, segment: int) -> tuple[float, float]:
        """The centre-line point halfway (in arc length) between control point ``segment`` and the next."""
        k = len(self.control_samples)
        a = int(self.control_samples[segment % k])
        b = int(self.control_samples[(segment + 1) % k])
        if b <= a:
            b += self.n_samples
        x, y = self.centerline[((a + b) // 2) % self.n_samples]
        return float(x), float(y)


def can_build(points: np.ndarray) -> bool:
    """Enough points, all finite, no two consecutive ones on top of each other."""
    points = np.asarray(points, dtype=np.float64)
    if points.ndim != 2 or points.shape[0] < MIN_CONTROL_POINTS or not np.all(np.isfinite(points)):
        return False
    step = np.linalg.norm(np.diff(np.vstack([points, points[:1]]), axis=0), axis=1)
    return bool(np.all(step >= MIN_POINT_GAP))


def build_geometry(points: np.ndarray, width_left: np.ndarray, width_right: np.ndarray) -> DraftGeometry | None:
    """The resampled track through the control points, or None when there is no closed spline to draw yet.

    Widths are not checked here (a negative or zero width still gives a shape); see
    :func:`game.editor.validation.check_draft`.
    """
    if not can_build(points):
        return None
    points = np.asarray(points, dtype=np.float64)
    try:
        table, spacing = resample_centerline(points, np.asarray(width_left, float), np.asarray(width_right, float))
    except ValueError:
        return None
    table.setflags(write=False)
    return DraftGeometry(table, spacing, _control_samples(table[:, :2], spacing, points))


def _control_samples(centerline: np.ndarray, spacing: float, points: np.ndarray) -> np.ndarray:
    """The sample at each control point, searching forward from the previous one.

    The spline passes through every control point, so its sample lies within half a spacing of it; searching
    forward keeps a point where the track crosses itself on the right branch.
    """
    n = centerline.shape[0]
    out = np.zeros(len(points), dtype=np.intp)
    start = 0
    for i in range(1, len(points)):
        d = np.hypot(*(centerline[start:] - points[i]).T)
        close = np.flatnonzero(d < spacing)
        if close.size:
            run_end = close[0]
            while run_end + 1 < d.size and d[run_end + 1] <= d[run_end]:
                run_end += 1
            best = start + run_end
        else:  # not expected: fall back to the nearest sample ahead
            best = start + int(np.argmin(d))
        out[i] = min(best, n - 1)
        start = out[i]
    return out
