"""The environment's ``rgb_array`` picture: the whole track from above with the car. Imports pygame."""

from __future__ import annotations

import math

import numpy as np
import pygame

from game.sim.physics import CAR_HEADING, CAR_OFF_TRACK, CAR_X, CAR_Y
from game.sim.track import Track

SIZE = 480  # [px] square picture
MARGIN = 16  # [px]
GRASS = (46, 120, 56)
TARMAC = (72, 72, 80)
LINE = (236, 236, 236)
CAR_COLOURS = ((230, 57, 70), (255, 183, 3), (33, 158, 188), (142, 202, 230))


def pixel_mapping(track: Track) -> tuple[np.ndarray, float, np.ndarray]:
    """(world corner ``lo`` [m], scale [px/m], pixel offset) that fits the whole track in the picture."""
    both = np.vstack([track.left_edge, track.right_edge])
    lo, hi = both.min(axis=0), both.max(axis=0)
    scale = (SIZE - 2 * MARGIN) / max(float(np.max(hi - lo)), 1.0)
    return lo, scale, (np.array([SIZE, SIZE]) - (hi - lo) * scale) / 2.0


def world_to_pixels(track: Track, points: np.ndarray) -> np.ndarray:
    """World points [m], (..., 2), to picture pixels (x right, y down)."""
    lo, scale, offset = pixel_mapping(track)
    px = (np.asarray(points, dtype=np.float64) - lo) * scale + offset
    px[..., 1] = SIZE - px[..., 1]  # y up in the world, down on screen
    return px


def render_topdown(track: Track, cars: np.ndarray) -> np.ndarray:
    """Draw the track and the cars; returns an (SIZE, SIZE, 3) uint8 array."""
    surface = pygame.Surface((SIZE, SIZE))
    surface.fill(GRASS)
    left, right = track.left_edge, track.right_edge
    _, scale, _ = pixel_mapping(track)

    def to_px(points: np.ndarray) -> np.ndarray:
        return world_to_pixels(track, points)

    lpx, rpx = to_px(left), to_px(right)
    n = len(lpx)
    for i in range(n):  # one quad per segment fills the road, even where it crosses itself
        j = (i + 1) % n
        pygame.draw.polygon(surface, TARMAC, [lpx[i], lpx[j], rpx[j], rpx[i]])
    pygame.draw.line(surface, LINE, lpx[0], rpx[0], 2)
    for k, car in enumerate(cars):
        cx, cy = to_px(np.array([car[CAR_X], car[CAR_Y]]))
        h = car[CAR_HEADING]
        half_len, half_wid = max(4.4 * scale / 2, 4.0), max(1.9 * scale / 2, 2.0)
        c, s = math.cos(h), -math.sin(h)
        corners = [
            (cx + c * dx - s * dy, cy + s * dx + c * dy)
            for dx, dy in ((half_len, half_wid), (half_len, -half_wid), (-half_len, -half_wid), (-half_len, half_wid))
        ]
        colour = (255, 255, 255) if car[CAR_OFF_TRACK] > 0.5 else CAR_COLOURS[k % len(CAR_COLOURS)]
        pygame.draw.polygon(surface, colour, corners)
    return np.ascontiguousarray(pygame.surfarray.pixels3d(surface).transpose(1, 0, 2))
