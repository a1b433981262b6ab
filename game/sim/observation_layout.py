"""The observation's layout: what each number a driver sees means, by name, and the layout's version. No imports.

Cheap to import (no numpy, no numba), so the model loader (:mod:`game.drivers.actor`) and the training code check a
model's layout without pulling in the simulation. :mod:`game.sim.observation` writes the numbers; everything that
reads one names it with these indices, never a bare position.

Version history (written into every driver ``.npz`` and every sidecar, checked when a model loads):

* v1: 22 numbers along the centre line, the steering angle among them.
* v2: the braking look-ahead (speed over the speed the corners ahead allow) replaced the steering angle.
* v3: directions and corners read along the racing line, and the offset from that line (feature 6). Driver files
  written before versions were stored (driver format 1) are v3.
"""

from __future__ import annotations

OBSERVATION_VERSION = 3  # the layout this code writes
OBSERVATION_SIZES = {1: 22, 2: 22, 3: 22}  # length of each layout version
UNVERSIONED_OBSERVATION_VERSION = 3  # driver files from before versions were stored
N_LOOKAHEAD = 8  # look-ahead windows (game.sim.track.LOOKAHEAD_DISTANCES)

# Indices into the observation (layout v3).
OBS_SPEED = 0  # longitudinal speed / 90 m/s
OBS_SLIP = 1  # sideways speed / 20 m/s, positive to the left
OBS_YAW_RATE = 2  # yaw rate / 2 rad/s
OBS_BRAKING_MARGIN = 3  # speed over the speed from which braking just makes the corners ahead, minus 1
OBS_HEADING_ERROR = 4  # heading minus the racing line's direction, / pi
OBS_ROAD_OFFSET = 5  # offset from the middle of the road, +-1 at the edges
OBS_LINE_OFFSET = 6  # offset from the racing line, same units
OBS_LOOKAHEAD_HEADINGS = 7  # first of N_LOOKAHEAD - 1 look-ahead headings (the nearest window has none)
OBS_LOOKAHEAD_CURVATURES = OBS_LOOKAHEAD_HEADINGS + N_LOOKAHEAD - 1  # first of N_LOOKAHEAD window curvatures
OBSERVATION_SIZE = OBS_LOOKAHEAD_CURVATURES + N_LOOKAHEAD

assert OBSERVATION_SIZE == OBSERVATION_SIZES[OBSERVATION_VERSION]


def observation_size(version: int) -> int:
    """Length of the observation of a layout version.

    Raises:
        ValueError: A version this code does not know.
    """
    if version not in OBSERVATION_SIZES:
        known = ", ".join(f"v{v}" for v in OBSERVATION_SIZES)
        raise ValueError(f"unknown observation layout v{version} (this code knows {known})")
    return OBSERVATION_SIZES[version]
