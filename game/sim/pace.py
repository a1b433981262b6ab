"""Pace: how much of its car a rival may use. It never touches the physics. No pygame here.

Two separate levers. A rival with straight-line pace ``p`` gets at most ``p**3`` of the throttle, hence ``p**3``
of the engine power and about ``p`` of its top speed on a straight (drag grows with speed cubed in power). A
rival with cornering pace ``c`` lifts off the throttle when faster than ``c`` times a reference speed for that
point of the track (:func:`reference_speed`: the grip-limited cornering speed of the centre line, with room for
a racing line, and the braking before each corner): a low ``c`` lifts early before corners (the model itself
brakes later than the reference, so below 1.0 this lever mostly moves the lift point and the speed reached at
the end of a straight; at 1.0 there is no limit at all); on a long straight the reference is ``TOP_SPEED``, so
``c`` also caps the speed at ``c * TOP_SPEED`` there. With ``p == c`` this is the single pace of before. Brakes
and steering are untouched, so the model still drives its own line, just slower. Who gets which paces is
:mod:`game.sim.characters` (each rival a character of its own) and the difficulty's level
(:data:`game.sim.rules.DIFFICULTY_PACE`).

A third hold, outside the game's rivals: :func:`hold_speed` keeps a car under a speed that varies along the track
and brakes when it is over (the race benchmark's slow car, held to a share of its own pace in corners as well as on
straights; the two levers above only lift, so a car held by them alone loses little in slow corners).
"""

from __future__ import annotations

import math

import numpy as np

from game.sim.physics import GRAVITY, CarParams
from game.sim.track import Track

TOP_SPEED = 90.0  # [m/s] about the car's top speed (game.sim.physics.CarParams: power against drag)
LINE_MARGIN = 1.15  # a racing line corners this much faster than the centre line's radius allows
BRAKE_SHARE = 0.8  # share of the grip used to brake in the reference speed
HOLD_BAND = 2.0  # [m/s] hold_speed: full throttle allowed this far under the cap, full brake this far over it


def reference_speed(track: Track, params: CarParams) -> np.ndarray:
    """(n_samples,) a fast but reachable speed at each point of the track [m/s], for the pace limit.

    The cornering speed ``sqrt(grip * g / |curvature|)`` of the centre line, times ``LINE_MARGIN`` (a racing
    line is straighter than the centre line), lowered before each corner so that braking at ``BRAKE_SHARE`` of
    the grip gets down to it.
    """
    curvature = np.abs(track.curvature)
    corner = LINE_MARGIN * np.sqrt(params.grip * GRAVITY / np.maximum(curvature, 1e-6))
    speed = np.minimum(corner, TOP_SPEED)
    decel = BRAKE_SHARE * params.grip * GRAVITY
    n = speed.shape[0]
    for _ in range(2):  # two laps backwards so the envelope wraps round the start/finish line
        for i in range(n - 1, -1, -1):
            after = speed[(i + 1) % n]
            speed[i] = min(speed[i], math.sqrt(after * after + 2.0 * decel * track.spacing))
    return speed


def apply_pace(
    controls: np.ndarray,
    pace: np.ndarray,
    speed: np.ndarray | None = None,
    limit: np.ndarray | None = None,
    corner_pace: np.ndarray | None = None,
) -> None:
    """Hold each car to its paces, in place: throttle at most ``pace**3``, none above ``corner_pace * limit``.

    Args:
        controls: (N, 2) [steer, throttle]; only positive throttle is changed.
        pace: (N,) straight-line pace; 1.0 leaves the throttle alone.
        speed: (N,) current speeds [m/s], with ``limit``.
        limit: (N,) reference speeds where each car is [m/s] (see :func:`reference_speed`).
        corner_pace: (N,) cornering pace, against ``limit``; 1.0 (or more) sets no limit. Default: ``pace``.
    """
    throttle = controls[:, 1]
    np.copyto(throttle, np.minimum(throttle, pace**3), where=throttle > 0.0)
    if speed is not None and limit is not None:
        corner = pace if corner_pace is None else corner_pace
        over = (corner < 1.0) & (speed > corner * limit)
        np.copyto(throttle, np.minimum(throttle, 0.0), where=over)


def hold_speed(controls: np.ndarray, speed: np.ndarray, cap: np.ndarray) -> None:
    """Hold each car under its speed cap, in place: throttle at most ``(cap - speed) / HOLD_BAND``.

    Under the cap by ``HOLD_BAND`` or more the throttle is the driver's; nearer it, less; over it, the car brakes
    (fully at ``HOLD_BAND`` over). Steering is untouched.

    Args:
        controls: (N, 2) [steer, throttle].
        speed: (N,) current speeds [m/s].
        cap: (N,) speed caps where each car is [m/s]; ``inf`` holds nothing.
    """
    throttle = controls[:, 1]
    np.minimum(throttle, (cap - speed) / HOLD_BAND, out=throttle)
