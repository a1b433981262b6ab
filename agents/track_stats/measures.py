"""What one track is made of: its corners, straights, braking into corners, direction changes and widths.

Definitions (the constants below):

* A **corner** is a stretch where the centre line's radius is under :data:`CORNER_MAX_RADIUS` (curvature as
  ``Track.curvature``: the spline's, smoothed over 4 m), turning one way, that turns at least
  :data:`MIN_CORNER_TURN` in all; two stretches the same way less than :data:`MERGE_GAP` apart are one corner. Its
  radius is the apex radius (the smallest along it).
* A **straight** is what lies between two corners (it may hold gentle bends).
* The **speed drop** into a corner is the reference lap's (``game.sim.reference``) highest speed on the straight
  before it minus its lowest speed in the corner.
* A **direction change** is a corner that turns the other way from the one before, less than
  :data:`QUICK_CHANGE_GAP` after it (chicanes, esses).
* The **width** is the total width (left + right); a **narrowing** is a stretch where the road becomes at least
  :data:`NARROWING_DROP` narrower within :data:`NARROWING_DISTANCE`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from game.sim.reference import reference_lap
from game.sim.track import Track

CORNER_MAX_RADIUS = 250.0  # [m]
MIN_CORNER_TURN = math.radians(10.0)  # [rad]
MERGE_GAP = 10.0  # [m]
QUICK_CHANGE_GAP = 50.0  # [m]
NARROWING_DROP = 2.0  # [m]
NARROWING_DISTANCE = 100.0  # [m]
RADIUS_BANDS = (0.0, 20.0, 35.0, 60.0, 100.0, CORNER_MAX_RADIUS)  # [m] edges of the apex-radius bands


@dataclass(frozen=True)
class Corner:
    """One corner.

    Attributes:
        start: Arc length where it starts [m].
        length: Its length along the centre line [m].
        sign: +1 turning left, -1 right.
        apex_radius: Smallest radius along it [m].
        turn: How far it turns [rad], positive.
        entry_speed: The reference lap's top speed on the straight before it [m/s].
        apex_speed: The reference lap's lowest speed in it [m/s].
        gap_before: Length of the straight before it [m].
        quick_change: It turns the other way from the corner before, less than QUICK_CHANGE_GAP after it.
    """

    start: float
    length: float
    sign: int
    apex_radius: float
    turn: float
    entry_speed: float
    apex_speed: float
    gap_before: float
    quick_change: bool

    @property
    def speed_drop(self) -> float:
        """Entry speed minus apex speed [m/s]."""
        return self.entry_speed - self.apex_speed


@dataclass(frozen=True)
class TrackStats:
    """The measures of one track.

    Attributes:
        name: Track name.
        length: Centre-line length [m].
        corners: Its corners, in driving order from the first after the start line.
        straights: Length of each straight [m] (one before each corner).
        band_length: Length [m] of centre line whose local radius lies in each RADIUS_BANDS band; the last entry
            is the length with a radius of CORNER_MAX_RADIUS or more.
        width: (n,) total width at each sample [m] (samples are equally spaced).
        narrowings: Number of narrowings.
    """

    name: str
    length: float
    corners: tuple[Corner, ...]
    straights: tuple[float, ...]
    band_length: tuple[float, ...]
    width: np.ndarray
    narrowings: int


def corner_runs(curvature: np.ndarray, spacing: float) -> list[tuple[int, int]]:
    """``(first, last)`` sample indices of each corner (``last`` may pass the end of the lap: wrap it).

    Raises:
        ValueError: A track that is a corner all the way round (no sample straighter than CORNER_MAX_RADIUS).
    """
    n = curvature.shape[0]
    cornering = np.abs(curvature) > 1.0 / CORNER_MAX_RADIUS
    if cornering.all():
        raise ValueError("the track curves all the way round: no straight to start from")
    shift = int(np.argmin(cornering))  # start the scan on a straight sample
    sign = np.sign(curvature)
    runs: list[list[int]] = []
    i = 0
    while i < n:
        k = (i + shift) % n
        if not cornering[k]:
            i += 1
            continue
        j = i
        while j + 1 < n and cornering[(j + 1 + shift) % n] and sign[(j + 1 + shift) % n] == sign[k]:
            j += 1
        if runs and sign[(runs[-1][0] + shift) % n] == sign[k] and (i - runs[-1][1] - 1) * spacing < MERGE_GAP:
            runs[-1][1] = j
        else:
            runs.append([i, j])
        i = j + 1
    turns = [abs(float(np.sum(curvature[(np.arange(a, b + 1) + shift) % n]))) * spacing for a, b in runs]
    return [(a + shift, b + shift) for (a, b), turn in zip(runs, turns, strict=True) if turn >= MIN_CORNER_TURN]


def measure(track: Track, speed: np.ndarray | None = None) -> TrackStats:
    """The measures of a track (``speed``: the speed at each sample [m/s]; default the reference lap's)."""
    n, spacing = track.n_samples, track.spacing
    curvature = np.asarray(track.curvature)
    if speed is None:
        speed = np.asarray(reference_lap(track).speed)
    runs = corner_runs(curvature, spacing)
    corners: list[Corner] = []
    straights: list[float] = []
    for k, (first, last) in enumerate(runs):
        previous_last = runs[k - 1][1] - (n if k == 0 else 0)
        gap = np.arange(previous_last + 1, first + 1) % n  # the straight before, and the corner's first sample
        idx = np.arange(first, last + 1) % n
        kappa = curvature[idx]
        sign = int(np.sign(np.sum(kappa)))
        gap_length = (first - previous_last - 1) * spacing
        previous_sign = int(np.sign(np.sum(curvature[np.arange(runs[k - 1][0], runs[k - 1][1] + 1) % n])))
        corners.append(
            Corner(
                start=first % n * spacing,
                length=(last - first + 1) * spacing,
                sign=sign,
                apex_radius=float(1.0 / np.max(np.abs(kappa))),
                turn=float(abs(np.sum(kappa)) * spacing),
                entry_speed=float(np.max(speed[gap])),
                apex_speed=float(np.min(speed[idx])),
                gap_before=gap_length,
                quick_change=len(runs) > 1 and sign != previous_sign and gap_length < QUICK_CHANGE_GAP,
            )
        )
        straights.append(gap_length)
    radius = 1.0 / np.maximum(np.abs(curvature), 1e-12)
    band = np.digitize(radius, RADIUS_BANDS[1:])  # 0 .. len(RADIUS_BANDS) - 1 (the last: straighter than corners)
    band_length = tuple(float(np.sum(band == b) * spacing) for b in range(len(RADIUS_BANDS)))
    width = np.asarray(track.width_left + track.width_right)
    order = sorted(range(len(corners)), key=lambda c: corners[c].start)
    return TrackStats(
        name=track.name,
        length=float(track.length),
        corners=tuple(corners[c] for c in order),
        straights=tuple(straights[c] for c in order),
        band_length=band_length,
        width=width,
        narrowings=count_narrowings(width, spacing),
    )


def count_narrowings(width: np.ndarray, spacing: float) -> int:
    """Stretches where the road becomes NARROWING_DROP narrower within NARROWING_DISTANCE (driving on)."""
    n = width.shape[0]
    ahead = max(1, int(round(NARROWING_DISTANCE / spacing)))
    idx = (np.arange(n)[:, None] + np.arange(1, ahead + 1)[None, :]) % n
    narrowing = (width - np.min(width[idx], axis=1)) >= NARROWING_DROP
    if narrowing.all():
        return 1
    return int(np.sum(narrowing & ~np.roll(narrowing, 1)))  # starts of runs, around the loop
