"""The reference lap: the physical limit of our car on a track, the yardstick for AI lap times.

The racing line and its quasi-steady-state speed profile come from game.sim.racing_line (the line the AI drivers
see in their observation); this module times the flying lap on them.

Each segment is integrated with the forces taken where they are most favourable over it, so the profile errs
on the fast side and ``lap_time_s`` is a lower bound for a car driving that line in game.sim.physics (the scripted
driver of game.drivers.scripted gets within about 1 %). It is not a bound over every line: a driver that finds a line
faster than this one (the minimum-curvature line is close to, not at, the minimum-time line) could beat it by a
little, so a lap-time ratio slightly below 1 is possible, not a bug.

This module never imports pygame.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from game.sim.physics import DEFAULT_CAR, CarParams
from game.sim.racing_line import (
    LINE_OFFSET,
    default_margin,
    lap_time,
    line_geometry,
    line_table,
    offset_bounds,
    racing_line_offsets,
    speed_profile,
)
from game.sim.track import Track

__all__ = ["ReferenceLap", "line_geometry", "offset_bounds", "reference_lap", "speed_profile"]


@dataclass(frozen=True, eq=False)
class ReferenceLap:
    """The fastest flying lap of a car on a track, along a minimum-curvature line.

    Point ``i`` of every array belongs to track sample ``i`` (the racing line crosses the track's normal there).

    Attributes:
        line: (n, 2) racing line [m].
        lateral_offset: (n,) offset of the line from the centre line, positive to the left [m].
        arc_length: (n,) distance along the racing line from point 0 [m].
        segment_length: (n,) length of the line from point i to point i + 1 (wrapping) [m].
        curvature: (n,) signed curvature of the line, positive turning left [1/m].
        speed: (n,) the fastest speed at each point [m/s].
        lap_time_s: Time of a flying lap at that speed [s].
        margin: Distance kept between the line and each track edge [m].
    """

    line: np.ndarray
    lateral_offset: np.ndarray
    arc_length: np.ndarray
    segment_length: np.ndarray
    curvature: np.ndarray
    speed: np.ndarray
    lap_time_s: float
    margin: float

    @property
    def length(self) -> float:
        """Length of the racing line [m]."""
        return float(np.sum(self.segment_length))

    @property
    def average_speed(self) -> float:
        """Length over lap time [m/s]."""
        return self.length / self.lap_time_s


@functools.lru_cache(maxsize=16)
def reference_lap(track: Track, params: CarParams = DEFAULT_CAR, margin: float | None = None) -> ReferenceLap:
    """The reference lap of a car on a track (memoised: tracks are immutable and compare by identity).

    Args:
        track: The track.
        params: The car.
        margin: Distance from the line to each edge [m]; by default half the car width plus EDGE_CLEARANCE.

    Returns:
        The racing line, its speed profile and the lap time. Its arrays are read-only.
    """
    if margin is None:
        margin = default_margin(params)
    if params == DEFAULT_CAR and margin == default_margin():
        offsets = np.array(line_table(track)[:, LINE_OFFSET])  # the line the AI drivers see
    else:
        offsets = racing_line_offsets(track, margin, params)
    line = track.centerline + track.normals * offsets[:, None]
    segment_length, _, curvature = line_geometry(line)
    speed = speed_profile(segment_length, curvature, params)
    arc_length = np.concatenate([[0.0], np.cumsum(segment_length[:-1])])
    arrays = (line, offsets, arc_length, segment_length, curvature, speed)
    for array in arrays:
        array.setflags(write=False)
    return ReferenceLap(*arrays, lap_time_s=lap_time(segment_length, speed), margin=float(margin))
