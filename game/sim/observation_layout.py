"""The observation's layout: what each number a driver sees means, by name, and the layout's version. No imports.

Cheap to import (no numpy, no numba), so the model loader (:mod:`game.drivers.actor`) and the training code check a
model's layout without pulling in the simulation. :mod:`game.sim.observation` writes the numbers; everything that
reads one names it with these indices, never a bare position.

Version history (written into every driver ``.npz`` and every sidecar, checked when a model loads):

* v1: 22 numbers along the centre line, the steering angle among them.
* v2: the braking look-ahead (speed over the speed the corners ahead allow) replaced the steering angle.
* v3: directions and corners read along the racing line, and the offset from that line (feature 6). Driver files
  written before versions were stored (driver format 1) are v3.
* v4: v3's 22 numbers, then the cars around: :data:`N_CARS_AHEAD` nearest ahead and :data:`N_CARS_BEHIND` nearest
  behind, :data:`N_CAR_FEATURES` numbers each (presence, gap along the track, lateral offset, closing speed), zero
  where no car is. v3 is a prefix of v4, so a v3 driver still reads the first 22 numbers (blind to other cars).
"""

from __future__ import annotations

OBSERVATION_VERSION = 4  # the layout this code writes
N_CARS_AHEAD = 3  # nearest cars ahead that a driver sees
N_CARS_BEHIND = 2  # nearest cars behind
N_CAR_FEATURES = 4  # per car: presence, gap, lateral offset, closing speed
CAR_BLOCK_SIZE = (N_CARS_AHEAD + N_CARS_BEHIND) * N_CAR_FEATURES
OBSERVATION_SIZES = {1: 22, 2: 22, 3: 22, 4: 22 + CAR_BLOCK_SIZE}  # length of each layout version
READABLE_VERSIONS = (3, 4)  # layouts whose numbers are a prefix of this one: drivers made for them still drive
UNVERSIONED_OBSERVATION_VERSION = 3  # driver files from before versions were stored
N_LOOKAHEAD = 8  # look-ahead windows (game.sim.track.LOOKAHEAD_DISTANCES)

# The racing line a driver reads its directions, corners and offset along (game.sim.racing_line.line_table) keeps
# half the car's width plus a clearance from each edge. The clearance is the driver's own (its file says, within
# MAX_LINE_CLEARANCE); a driver file that does not say drives on LINE_CLEARANCE, the line the reference lap uses.
LINE_CLEARANCE = 0.15  # [m]
MAX_LINE_CLEARANCE = 3.0  # [m]

# Indices into the observation (v3, and the first 22 numbers of v4).
OBS_SPEED = 0  # longitudinal speed / 90 m/s
OBS_SLIP = 1  # sideways speed / 20 m/s, positive to the left
OBS_YAW_RATE = 2  # yaw rate / 2 rad/s
OBS_BRAKING_MARGIN = 3  # speed over the speed from which braking just makes the corners ahead, minus 1
OBS_HEADING_ERROR = 4  # heading minus the racing line's direction, / pi
OBS_ROAD_OFFSET = 5  # offset from the middle of the road, +-1 at the edges
OBS_LINE_OFFSET = 6  # offset from the racing line, same units
OBS_LOOKAHEAD_HEADINGS = 7  # first of N_LOOKAHEAD - 1 look-ahead headings (the nearest window has none)
OBS_LOOKAHEAD_CURVATURES = OBS_LOOKAHEAD_HEADINGS + N_LOOKAHEAD - 1  # first of N_LOOKAHEAD window curvatures
DRIVING_SIZE = OBS_LOOKAHEAD_CURVATURES + N_LOOKAHEAD  # the car and the road: 22 numbers

# The cars around (v4): slot k at OBS_CARS + k * N_CAR_FEATURES, ahead slots first (nearest first), then behind.
# Scales and ranges are in game.sim.observation.
OBS_CARS = DRIVING_SIZE
SLOT_PRESENCE = 0  # 1 where a car is in the slot, else 0 (and the slot's other numbers are 0)
SLOT_GAP = 1  # its arc length minus ours, along the track, / CAR_GAP_SCALE (+ ahead, - behind)
SLOT_LATERAL = 2  # its offset from the centre line minus ours / CAR_LATERAL_SCALE (+ it is to our left)
SLOT_CLOSING = 3  # our speed along the track minus its / CAR_CLOSING_SCALE (+ we are closing in on it)
OBSERVATION_SIZE = OBS_CARS + CAR_BLOCK_SIZE

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


def readable(model_version: int, reader_version: int = OBSERVATION_VERSION) -> bool:
    """Can a driver trained on layout ``model_version`` drive from observations of layout ``reader_version``?

    Yes when they are the same, or when the model's layout is a prefix of the reader's (v3 of v4): the model then
    reads the first :func:`observation_size` numbers.
    """
    if model_version == reader_version:
        return True
    return model_version in READABLE_VERSIONS and reader_version in READABLE_VERSIONS and model_version < reader_version


def version_for_size(size: int) -> int:
    """The readable layout of an input size (22: v3, 42: v4), for models that do not say which they are.

    Raises:
        ValueError: No readable layout has that size.
    """
    for version in READABLE_VERSIONS:
        if OBSERVATION_SIZES[version] == size:
            return version
    raise ValueError(f"no observation layout this code reads has {size} numbers")


def checked_line_clearance(value: float, name: str = "line clearance") -> float:
    """``value`` as a line clearance [m], checked to be 0 to :data:`MAX_LINE_CLEARANCE` (NaN is not).

    Raises:
        ValueError: Naming ``name``.
    """
    if not 0.0 <= value <= MAX_LINE_CLEARANCE:
        raise ValueError(f"{name} must be 0 to {MAX_LINE_CLEARANCE} m, got {value}")
    return float(value)
