"""Ghosts: one lap of one car, recorded tick by tick, saved as versioned JSON and played back. No pygame here.

A ghost keeps the car's pose (x, y, heading) every ``SAMPLE_TICKS`` physics ticks of the lap, with the time into
the lap and the distance driven along the track since the line, so it can be drawn at any time of the lap
(:meth:`Ghost.pose_at`) and compared with another car at any point of the lap (:meth:`Ghost.time_at_distance`).

File format (version 1)::

    {
      "format": "retroracer-ghost",
      "version": 1,
      "track": "<track fingerprint>",     # game.sim.identity.track_fingerprint
      "driver": "player",                # or "model:<sha256 of the model file>", "scripted"
      "lap_time": 61.234,                # [s]
      "samples": [[t, x, y, heading, distance], ...]   # [s], [m], [m], [rad], [m] from the line
    }
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass
from typing import Any

import numpy as np

from game.sim.files import atomic_write_text, read_json_file
from game.sim.physics import CAR_HEADING, CAR_PROGRESS, CAR_X, CAR_Y, PHYSICS_DT

GHOST_FORMAT = "retroracer-ghost"
GHOST_VERSION = 1
SAMPLE_TICKS = 2  # a ghost keeps every second physics tick (30 Hz), drawn in between by interpolation
MIN_SAMPLES = 4
MAX_SAMPLES = 200_000  # a lap of almost two hours: more is a broken file


class GhostError(ValueError):
    """A ghost file that cannot be used (unreadable, broken, another version, another track)."""


@dataclass(frozen=True, eq=False)
class Ghost:
    """One recorded lap.

    Attributes:
        track: Fingerprint of the track it was driven on.
        driver: Who drove it ("player", "model:<sha256>", "scripted").
        lap_time: [s].
        samples: (k, 5) rows of [time into the lap s, x m, y m, heading rad, distance from the line m].
    """

    track: str
    driver: str
    lap_time: float
    samples: np.ndarray

    def __post_init__(self) -> None:
        # Distance as a running maximum: a wobble backwards never makes a point of the lap reached twice.
        object.__setattr__(self, "_reach", np.maximum.accumulate(self.samples[:, 4]))

    @property
    def times(self) -> np.ndarray:
        """[s] into the lap of each sample."""
        return self.samples[:, 0]

    def pose_at(self, t: float) -> tuple[float, float, float]:
        """(x, y, heading) ``t`` seconds into the lap, between samples; held at the ends."""
        times = self.samples[:, 0]
        k = int(np.searchsorted(times, t, side="right"))
        if k <= 0:
            row = self.samples[0]
            return float(row[1]), float(row[2]), float(row[3])
        if k >= len(times):
            row = self.samples[-1]
            return float(row[1]), float(row[2]), float(row[3])
        a, b = self.samples[k - 1], self.samples[k]
        span = b[0] - a[0]
        f = (t - a[0]) / span if span > 0.0 else 0.0
        turn = (b[3] - a[3] + math.pi) % (2.0 * math.pi) - math.pi
        return float(a[1] + f * (b[1] - a[1])), float(a[2] + f * (b[2] - a[2])), float(a[3] + f * turn)

    def time_at_distance(self, distance: float) -> float | None:
        """[s] into the lap when the ghost had driven ``distance`` metres from the line; None outside its lap."""
        reach = self._reach  # type: ignore[attr-defined]
        if distance < reach[0] or distance > reach[-1]:
            return None
        return float(np.interp(distance, reach, self.samples[:, 0]))

    # -- files --------------------------------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """The JSON-ready form (times to the millisecond, positions to the centimetre)."""
        rows = [
            [round(float(t), 4), round(float(x), 3), round(float(y), 3), round(float(h), 4), round(float(d), 3)]
            for t, x, y, h, d in self.samples
        ]
        return {
            "format": GHOST_FORMAT,
            "version": GHOST_VERSION,
            "track": self.track,
            "driver": self.driver,
            "lap_time": round(float(self.lap_time), 6),
            "samples": rows,
        }


def ghost_from_dict(data: Any, track: str | None = None) -> Ghost:
    """Check a ghost's JSON form and build it.

    Args:
        data: Parsed JSON.
        track: The fingerprint of the track it must belong to (None: any).

    Raises:
        GhostError: Saying what is wrong.
    """
    if not isinstance(data, dict) or data.get("format") != GHOST_FORMAT:
        raise GhostError("not a ghost file")
    if data.get("version") != GHOST_VERSION:
        raise GhostError(f"ghost version {data.get('version')!r}, this game reads version {GHOST_VERSION}")
    if not isinstance(data.get("track"), str) or not isinstance(data.get("driver"), str):
        raise GhostError("ghost without a track or driver")
    if track is not None and data["track"] != track:
        raise GhostError("ghost recorded on another version of the track")
    lap_time = data.get("lap_time")
    if isinstance(lap_time, bool) or not isinstance(lap_time, int | float) or not 0.0 < lap_time < 1e5:
        raise GhostError(f"bad lap time {lap_time!r}")
    rows = data.get("samples")
    if not isinstance(rows, list) or not MIN_SAMPLES <= len(rows) <= MAX_SAMPLES:
        raise GhostError("ghost samples missing or of a strange count")
    try:
        samples = np.array(rows, dtype=np.float64)
    except (TypeError, ValueError):
        raise GhostError("ghost samples are not numbers") from None
    if samples.ndim != 2 or samples.shape[1] != 5 or not np.all(np.isfinite(samples)):
        raise GhostError("ghost samples must be rows of 5 finite numbers")
    if np.any(np.diff(samples[:, 0]) <= 0.0):
        raise GhostError("ghost sample times must increase")
    return Ghost(data["track"], data["driver"], float(lap_time), samples)


def save_ghost(ghost: Ghost, path: str | os.PathLike[str]) -> None:
    """Write a ghost file atomically (raises OSError)."""
    atomic_write_text(path, json.dumps(ghost.to_dict(), separators=(",", ":")) + "\n")


def load_ghost(path: str | os.PathLike[str], track: str | None = None) -> Ghost:
    """Read and check a ghost file (see :func:`ghost_from_dict`); raises GhostError, FileNotFoundError."""
    if not os.path.exists(path):
        raise FileNotFoundError(path)
    return ghost_from_dict(read_json_file(path, "ghost file", GhostError), track)


class LapRecorder:
    """Samples one car every tick and turns each lap it completes into a :class:`Ghost`.

    Args:
        track: Fingerprint of the track.
        track_length: [m].
        driver: Who drives ("player", "model:<sha256>", ...).
    """

    def __init__(self, track: str, track_length: float, driver: str) -> None:
        self.track = track
        self.track_length = track_length
        self.driver = driver
        self._rows: list[tuple[float, float, float, float, float]] = []

    def record(self, time: float, car: np.ndarray) -> None:
        """One tick: ``time`` [s] since the green light and the car's state row."""
        self._rows.append(
            (time, float(car[CAR_X]), float(car[CAR_Y]), float(car[CAR_HEADING]), float(car[CAR_PROGRESS]))
        )

    def finish_lap(self, lap_start: float, lap_time: float, laps_before: int) -> Ghost:
        """The lap just completed, from ``lap_start`` [s] for ``lap_time`` [s], after ``laps_before`` laps.

        The lap keeps one sample either side of its ends (so it can be drawn at 0 s and at ``lap_time``); what
        lies beyond its end stays for the next lap.
        """
        end = lap_start + lap_time
        margin = 1.5 * PHYSICS_DT
        rows = np.array(self._rows, dtype=np.float64).reshape(-1, 5)
        inside = rows[(rows[:, 0] >= lap_start - margin) & (rows[:, 0] <= end + margin)]
        picked = inside[::SAMPLE_TICKS]
        if len(inside) and picked[-1, 0] < inside[-1, 0]:
            picked = np.concatenate([picked, inside[-1:]])
        line = laps_before * self.track_length
        samples = np.column_stack([picked[:, 0] - lap_start, picked[:, 1:4], picked[:, 4] - line])
        self._rows = [tuple(row) for row in rows[rows[:, 0] >= end - margin]]
        return Ghost(self.track, self.driver, float(lap_time), samples)
