"""Room on the road for a moved racing line: how far it may move to each side and how far a straight goes on. No pygame.

Shared by the racecraft (:mod:`game.drivers.racecraft`, which moves each rival's line in a race) and by training's
line-shift practice (:mod:`agents.line_shift`, which moves it the same way), so both keep a moved line on the road
by the same bounds.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from game.sim.racing_line import LINE_OFFSET
from game.sim.track import COL_WIDTH_LEFT, COL_WIDTH_RIGHT, Track


def edge_room(track: Track, line: np.ndarray, edge_margin: float) -> tuple[np.ndarray, np.ndarray]:
    """(right, left) [m]: how far the line ``line`` may move to either side and keep ``edge_margin`` from the edge.

    One per track sample, contiguous, as :func:`shift_bounds` reads them.
    """
    offset = line[:, LINE_OFFSET]
    room_right = track.table[:, COL_WIDTH_RIGHT] - edge_margin + offset
    room_left = track.table[:, COL_WIDTH_LEFT] - edge_margin - offset
    return np.ascontiguousarray(room_right), np.ascontiguousarray(room_left)


@njit(cache=True)
def shift_bounds(
    room_right: np.ndarray, room_left: np.ndarray, spacing: float, arc: float, ahead: float
) -> tuple[float, float]:
    """(lowest, highest) shift with the least room to each side over 9 points from ``arc`` to ``ahead`` metres on.

    ``room_right``, ``room_left``: one per track sample (:func:`edge_room`), linearly interpolated round the lap
    at the points ``np.linspace(arc, arc + ahead, 9)`` gives. 0 is always allowed. Compiled: training calls it
    every step (``agents.line_shift``), where numpy's 40 us would cost 5%.
    """
    n = room_left.shape[0]
    length = n * spacing
    step = ahead / 8.0
    right = np.inf
    left = np.inf
    for k in range(9):
        along = ahead if k == 8 else k * step  # as np.linspace places them
        pos = ((arc + along) % length) / spacing
        i = int(pos) % n
        j = (i + 1) % n
        t = pos - math.floor(pos)
        left = min(left, room_left[i] + t * (room_left[j] - room_left[i]))
        right = min(right, room_right[i] + t * (room_right[j] - room_right[i]))
    return min(-right, 0.0), max(left, 0.0)


def run_left(flag: np.ndarray, spacing: float) -> np.ndarray:
    """[m] from each sample to the first sample round the lap where ``flag`` is false (0 there; a lap: never false)."""
    n = flag.shape[0]
    stops = np.flatnonzero(~flag)
    if stops.size == 0:
        return np.full(n, n * spacing)
    ahead = np.concatenate([stops, stops + n])  # the next stop at or after each sample, wrapping round
    nxt = ahead[np.searchsorted(ahead, np.arange(n))]
    return (nxt - np.arange(n)) * spacing
