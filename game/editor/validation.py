"""What is wrong with a draft track, where, and why: the editor marks each problem on the track.

Rules (errors stop the track being saved or driven; warnings are shown but allowed):

* **Too few points** (error): a closed spline needs :data:`game.sim.track.MIN_CONTROL_POINTS` control points, and no
  two consecutive points may lie on top of each other.
* **Too narrow** (error): left plus right width below :data:`game.sim.track.MIN_TRACK_WIDTH` (3 m; the car is
  1.9 m wide). Widths vary linearly between control points, so the narrowest places are control points.
  Below :data:`PASSING_WIDTH` (warning): two cars cannot pass side by side.
* **Too tight** (error): a corner whose centre-line radius (of the smoothed curvature the race uses) is below
  :data:`MIN_CORNER_RADIUS`. The car's own limit is its turning circle at walking pace, ``wheelbase /
  tan(max_steer)`` (:func:`car_turning_radius`, 4.2 m for :data:`game.sim.physics.DEFAULT_CAR`); at any speed it
  turns wider (``v**2 / (grip * g)``), and it needs room for its own length and width inside the kerbs. So a
  corner is required to have at least :data:`MIN_CORNER_RADIUS` = 10 m, the tightest corner the random track
  generator draws (``GeneratorSettings.min_radius``) and thus the tightest the AI drivers were trained on;
  every shipped track keeps it (Norisring's hairpin is the tightest at 10.7 m).
* **Surfaces overlap** (error): :func:`game.sim.track.overlap.surface_overlaps` finds where the tarmac runs into
  another part of the track, or where the inside edge of a corner folds over itself (inside width larger than
  the radius; marked "EDGE FOLDS", and not at all where the corner is already marked too tight). A track whose
  metadata says ``"crossing": true`` (a figure of eight on a bridge) may cross itself once, squarely (at
  :data:`game.sim.track.overlap.MIN_CROSSING_ANGLE` or more); that crossing is a note, not a problem.
* **Too short** (error): a lap shorter than :data:`game.sim.track.MIN_TRACK_LENGTH`; **too long** (error): longer
  than :data:`game.sim.track.MAX_TRACK_LENGTH`.

The same rules decide whether a saved track may be raced, driven or trained on (:func:`check_track`, used by
:func:`game.editor.track_files.load_race_track` for the game and for ``agents``): one validation, everywhere.

This module never imports pygame.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from game.editor.geometry import MIN_POINT_GAP, DraftGeometry
from game.sim.physics import DEFAULT_CAR, CarParams
from game.sim.track import MAX_TRACK_LENGTH, MIN_CONTROL_POINTS, MIN_TRACK_LENGTH, MIN_TRACK_WIDTH, Track
from game.sim.track.overlap import FOLD_ARC, crosses_squarely, surface_overlaps

MIN_CORNER_RADIUS = 10.0  # [m] tightest centre-line radius allowed (the track generator's minimum)
PASSING_WIDTH = 6.0  # [m] narrower than this, two cars cannot pass side by side (a warning)
ERROR, WARNING, NOTE = "error", "warning", "note"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a draft, where it is.

    Attributes:
        kind: "points", "narrow", "passing", "tight", "overlap", "fold", "crossing", "short" or "long".
        severity: "error" (the track cannot be saved or driven), "warning" or "note".
        label: A few words drawn beside the mark on the track, e.g. "TIGHT R7 M".
        reason: One sentence saying what is wrong and what is needed.
        position: (x, y) to mark [m], or None when the problem has no place (too few points).
        arc_length: Distance from the start/finish line [m], where known.
    """

    kind: str
    severity: str
    label: str
    reason: str
    position: tuple[float, float] | None = None
    arc_length: float | None = None


def car_turning_radius(params: CarParams = DEFAULT_CAR) -> float:
    """The car's tightest turn at low speed, of its rear axle: ``wheelbase / tan(max_steer)`` [m]."""
    return params.wheelbase / math.tan(params.max_steer)


def check_draft(
    points: np.ndarray,
    width_left: np.ndarray,
    width_right: np.ndarray,
    geometry: DraftGeometry | None,
    metadata: dict[str, Any] | None = None,
) -> list[Problem]:
    """Every problem of a draft, errors first.

    Args:
        points: (k, 2) control points [m].
        width_left: (k,) left widths [m].
        width_right: (k,) right widths [m].
        geometry: The draft's :func:`game.editor.geometry.build_geometry` (None when it has none).
        metadata: The track's metadata (``"crossing": true`` allows one bridge crossing).
    """
    points = np.asarray(points, dtype=np.float64).reshape(-1, 2)
    problems = _point_problems(points)
    problems += _width_problems(points, np.asarray(width_left, float), np.asarray(width_right, float))
    if geometry is not None and not any(p.kind == "points" for p in problems):
        corners = _corner_problems(geometry)
        problems += corners
        for overlap in _overlap_problems(geometry, bool((metadata or {}).get("crossing"))):
            if overlap.kind == "fold" and any(_near(overlap, corner) for corner in corners):
                continue  # the tight corner is the reason: mark it once
            problems.append(overlap)
        if geometry.length > MAX_TRACK_LENGTH:
            problems.append(
                Problem(
                    "long",
                    ERROR,
                    f"TOO LONG {geometry.length / 1000:.0f} KM",
                    f"The lap is {geometry.length / 1000:.1f} km long; a track may be at most "
                    f"{MAX_TRACK_LENGTH / 1000:.0f} km.",
                )
            )
        if geometry.length < MIN_TRACK_LENGTH:
            centre = geometry.centerline.mean(axis=0)
            problems.append(
                Problem(
                    "short",
                    ERROR,
                    f"TOO SHORT {geometry.length:.0f} M",
                    f"The lap is {geometry.length:.0f} m long; a track needs at least {MIN_TRACK_LENGTH:.0f} m.",
                    (float(centre[0]), float(centre[1])),
                )
            )
    order = {ERROR: 0, WARNING: 1, NOTE: 2}
    return sorted(problems, key=lambda p: order[p.severity])


def check_track(track: Track) -> list[Problem]:
    """Every problem of a built track (a loaded file), by the editor's rules; see :func:`check_draft`."""
    samples = np.zeros(len(track.control_points), dtype=np.intp)  # only the editor's point markers use these
    geometry = DraftGeometry(track.table, track.spacing, samples)
    return check_draft(
        track.control_points, track.control_width_left, track.control_width_right, geometry, track.metadata
    )


def errors(problems: Sequence[Problem]) -> list[Problem]:
    """The problems that stop a track being saved or driven."""
    return [p for p in problems if p.severity == ERROR]


def refusal(problems: Sequence[Problem]) -> str | None:
    """Why the track cannot be saved or driven (the first error, and how many more), or None when it can."""
    found = errors(problems)
    if not found:
        return None
    more = f" (and {len(found) - 1} more problem{'s' if len(found) > 2 else ''})" if len(found) > 1 else ""
    return found[0].reason + more


# -- the rules ------------------------------------------------------------------------------------------------------
def _point_problems(points: np.ndarray) -> list[Problem]:
    k = points.shape[0]
    if k < MIN_CONTROL_POINTS:
        return [
            Problem(
                "points",
                ERROR,
                "TOO FEW POINTS",
                f"Place at least {MIN_CONTROL_POINTS} points to close a lap ({k} so far).",
            )
        ]
    step = np.linalg.norm(np.diff(np.vstack([points, points[:1]]), axis=0), axis=1)
    return [
        Problem(
            "points",
            ERROR,
            "DOUBLE POINT",
            f"Points {i + 1} and {(i + 1) % k + 1} lie on top of each other: move or delete one.",
            (float(points[i, 0]), float(points[i, 1])),
        )
        for i in np.flatnonzero(step < MIN_POINT_GAP)
    ]


def _runs(mask: np.ndarray) -> list[np.ndarray]:
    """Index runs where ``mask`` is true, on a loop (a run through the end continues at the start)."""
    n = mask.shape[0]
    if not mask.any():
        return []
    if mask.all():
        return [np.arange(n)]
    shift = int(np.flatnonzero(~mask)[0])  # start the scan just after a false entry
    rolled = np.roll(mask, -shift)
    runs, current = [], []
    for j, flag in enumerate(rolled):
        if flag:
            current.append((j + shift) % n)
        elif current:
            runs.append(np.array(current))
            current = []
    if current:
        runs.append(np.array(current))
    return runs


def _width_problems(points: np.ndarray, width_left: np.ndarray, width_right: np.ndarray) -> list[Problem]:
    total = width_left + width_right
    problems = []
    too_narrow = total < MIN_TRACK_WIDTH
    for severity, kind, mask in (
        (ERROR, "narrow", too_narrow),
        (WARNING, "passing", (total < PASSING_WIDTH) & ~too_narrow),
    ):
        for run in _runs(mask):
            i = int(run[np.argmin(total[run])])
            if kind == "narrow":
                reason = f"Only {total[i]:.1f} m wide at point {i + 1}: the car needs at least {MIN_TRACK_WIDTH:.0f} m."
            else:
                reason = f"{total[i]:.1f} m wide at point {i + 1}: cars cannot pass below {PASSING_WIDTH:.0f} m."
            label = f"NARROW {total[i]:.1f} M" if kind == "narrow" else f"{total[i]:.1f} M: NO PASSING"
            problems.append(Problem(kind, severity, label, reason, (float(points[i, 0]), float(points[i, 1]))))
    return problems


def _corner_problems(geometry: DraftGeometry) -> list[Problem]:
    curvature = np.abs(geometry.curvature)
    problems = []
    for run in _runs(curvature > 1.0 / MIN_CORNER_RADIUS):
        i = int(run[np.argmax(curvature[run])])
        radius = 1.0 / curvature[i]
        x, y = geometry.centerline[i]
        problems.append(
            Problem(
                "tight",
                ERROR,
                f"TIGHT R{radius:.0f} M" if radius >= 1.0 else "TIGHT R<1 M",
                f"Corner too tight {i * geometry.spacing:.0f} m after the start: radius {radius:.1f} m, "
                f"at least {MIN_CORNER_RADIUS:.0f} m needed.",
                (float(x), float(y)),
                i * geometry.spacing,
            )
        )
    return problems


def _overlap_problems(geometry: DraftGeometry, crossing_allowed: bool) -> list[Problem]:
    problems = []
    for overlap in surface_overlaps(geometry):  # type: ignore[arg-type]  # duck-typed: the attributes it reads
        square = crosses_squarely(float(geometry.heading[overlap.index_a]), float(geometry.heading[overlap.index_b]))
        if crossing_allowed and square and not any(p.kind == "crossing" for p in problems):
            problems.append(
                Problem(
                    "crossing",
                    NOTE,
                    "BRIDGE",
                    "The track crosses itself here on a bridge (allowed once: the metadata says crossing).",
                    overlap.position,
                    overlap.arc_length_a,
                )
            )
            continue
        apart = abs(overlap.arc_length_b - overlap.arc_length_a)
        if min(apart, geometry.length - apart) <= FOLD_ARC:
            problem = Problem(
                "fold",
                ERROR,
                "EDGE FOLDS",
                f"The inside edge folds over itself {overlap.arc_length_a:.0f} m after the start: the corner is "
                "tighter than the track is wide there; open the corner or narrow the track.",
                overlap.position,
                overlap.arc_length_a,
            )
        else:
            problem = Problem(
                "overlap",
                ERROR,
                "OVERLAP",
                f"The track runs into itself {overlap.arc_length_a:.0f} m and {overlap.arc_length_b:.0f} m after "
                f"the start ({overlap.depth:.1f} m deep): move the parts apart or narrow them.",
                overlap.position,
                overlap.arc_length_a,
            )
        problems.append(problem)
    return problems


def _near(a: Problem, b: Problem) -> bool:
    if a.position is None or b.position is None:
        return False
    return math.hypot(a.position[0] - b.position[0], a.position[1] - b.position[1]) <= FOLD_ARC
