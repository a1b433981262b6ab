"""The editor's view of the world: zoom, pan, grid snapping; metres to screen pixels and back.

World coordinates are metres with y up; screen pixels have y down. The view keeps the world point at the centre
of its screen area and a zoom in pixels per metre.

This module never imports pygame.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

MIN_ZOOM = 0.02  # [px/m] a 20 km track fits the screen
MAX_ZOOM = 8.0  # [px/m]
ZOOM_STEP = 1.25  # one wheel notch or key press
GRID_STEP = 10.0  # [m] snapping step
MIN_GRID_PIXELS = 8  # [px] grid lines closer than this are thinned out (x5 at a time)


@dataclass
class EditorView:
    """Where the editor looks.

    Attributes:
        centre_x: World x at the centre of the view [m].
        centre_y: World y at the centre of the view [m].
        zoom: Screen pixels per metre [px/m].
        width: Width of the view's screen area [px].
        height: Height of the view's screen area [px].
        top: Screen y of the area's top edge [px] (the toolbar is above it).
    """

    centre_x: float = 0.0
    centre_y: float = 0.0
    zoom: float = 0.25
    width: int = 480
    height: int = 270
    top: int = 0

    def to_screen(self, x: float, y: float) -> tuple[float, float]:
        """Screen pixel of a world point."""
        return (
            self.width / 2 + (x - self.centre_x) * self.zoom,
            self.top + self.height / 2 - (y - self.centre_y) * self.zoom,
        )

    def to_screen_array(self, xy: np.ndarray) -> np.ndarray:
        """(k, 2) screen pixels of (k, 2) world points."""
        out = np.empty_like(xy, dtype=np.float64)
        out[:, 0] = self.width / 2 + (xy[:, 0] - self.centre_x) * self.zoom
        out[:, 1] = self.top + self.height / 2 - (xy[:, 1] - self.centre_y) * self.zoom
        return out

    def to_world(self, sx: float, sy: float) -> tuple[float, float]:
        """World point under a screen pixel."""
        return (
            self.centre_x + (sx - self.width / 2) / self.zoom,
            self.centre_y - (sy - self.top - self.height / 2) / self.zoom,
        )

    def zoom_at(self, factor: float, sx: float, sy: float) -> None:
        """Zoom by ``factor`` keeping the world point under screen pixel (sx, sy) where it is."""
        wx, wy = self.to_world(sx, sy)
        self.zoom = min(max(self.zoom * factor, MIN_ZOOM), MAX_ZOOM)
        nx, ny = self.to_world(sx, sy)
        self.centre_x += wx - nx
        self.centre_y += wy - ny

    def pan_pixels(self, dx: float, dy: float) -> None:
        """Move the view so that the world moves by (dx, dy) screen pixels."""
        self.centre_x -= dx / self.zoom
        self.centre_y += dy / self.zoom

    def fit(self, points: np.ndarray, margin: float = 20.0) -> None:
        """Centre on the points and zoom so that they fill the view, ``margin`` pixels inside its edges."""
        points = np.asarray(points, dtype=np.float64).reshape(-1, 2)
        if points.shape[0] == 0:
            self.centre_x = self.centre_y = 0.0
            self.zoom = 0.5
            return
        lo, hi = points.min(axis=0), points.max(axis=0)
        self.centre_x, self.centre_y = (float(v) for v in (lo + hi) / 2)
        span = np.maximum(hi - lo, 1.0)
        zoom = min((self.width - 2 * margin) / span[0], (self.height - 2 * margin) / span[1])
        self.zoom = min(max(float(zoom), MIN_ZOOM), MAX_ZOOM)

    def grid_step(self) -> float:
        """Spacing of the drawn grid lines [m]: the snapping step, times 5 until lines are far enough apart."""
        step = GRID_STEP
        while step * self.zoom < MIN_GRID_PIXELS:
            step *= 5.0
        return step


def snap(x: float, y: float, step: float = GRID_STEP) -> tuple[float, float]:
    """The grid point nearest to (x, y)."""
    return float(round(x / step) * step), float(round(y / step) * step)


def screen_distance(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Distance between two screen points [px]."""
    return math.hypot(a[0] - b[0], a[1] - b[1])
