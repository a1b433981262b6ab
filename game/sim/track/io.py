"""Reading and writing tracks: the versioned JSON format, with validation that names the file and the problem.

Format (version 1)::

    {
      "format": "retroracer-track",
      "version": 1,
      "name": "Seaside Sprint",
      "centerline": [[x, y], ...],      # control points in metres, driving order, closed loop
      "width_left": [w, ...],           # metres, one per control point
      "width_right": [w, ...],
      "metadata": {...}                 # optional: author, source, licence, ...
    }

The first control point lies on the start/finish line.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import numpy as np

from game.sim.files import atomic_write_text, read_text_file
from game.sim.track import Track, TrackError

TRACK_FORMAT = "retroracer-track"
TRACK_VERSION = 1
REQUIRED_FIELDS = ("version", "name", "centerline", "width_left", "width_right")


def track_to_dict(track: Track) -> dict[str, Any]:
    """The JSON-ready form of a track."""
    return {
        "format": TRACK_FORMAT,
        "version": TRACK_VERSION,
        "name": track.name,
        "centerline": [[round(float(x), 4), round(float(y), 4)] for x, y in track.control_points],
        "width_left": [round(float(w), 4) for w in track.control_width_left],
        "width_right": [round(float(w), 4) for w in track.control_width_right],
        "metadata": track.metadata,
    }


def track_from_dict(data: Any) -> Track:
    """Build a track from its JSON form.

    Raises:
        TrackError: A missing field, a wrong type, a non-finite number, or geometry that cannot be raced.
    """
    if not isinstance(data, dict):
        raise TrackError("top level must be a JSON object")
    missing = [name for name in REQUIRED_FIELDS if name not in data]
    if missing:
        raise TrackError(f"missing field(s): {', '.join(missing)}")
    if data.get("format", TRACK_FORMAT) != TRACK_FORMAT:
        raise TrackError(f"not a RetroRacer track (format {data.get('format')!r})")
    version = data["version"]
    if not isinstance(version, int) or version < 1:
        raise TrackError(f"version must be a positive integer, got {version!r}")
    if version > TRACK_VERSION:
        raise TrackError(f"track format version {version} is newer than this game understands ({TRACK_VERSION})")
    if not isinstance(data["name"], str) or not data["name"].strip():
        raise TrackError("name must be a non-empty string")
    points = _number_array(data["centerline"], "centerline", ndim=2)
    width_left = _number_array(data["width_left"], "width_left", ndim=1)
    width_right = _number_array(data["width_right"], "width_right", ndim=1)
    metadata = data.get("metadata", {})
    if not isinstance(metadata, dict):
        raise TrackError("metadata must be a JSON object")
    return Track(data["name"].strip(), points, width_left, width_right, dict(metadata))


def _number_array(value: Any, label: str, ndim: int) -> np.ndarray:
    if not isinstance(value, list):
        raise TrackError(f"{label} must be a list")
    try:
        array = np.array(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise TrackError(f"{label} must contain only numbers") from None
    if array.ndim != ndim or (ndim == 2 and array.shape[1] != 2):
        shape = "a list of [x, y] pairs" if ndim == 2 else "a list of numbers"
        raise TrackError(f"{label} must be {shape}")
    if not np.all(np.isfinite(array)):
        raise TrackError(f"{label} contains a non-finite number")
    return array


def load_track(path: str | os.PathLike[str]) -> Track:
    """Load and validate a track file.

    Raises:
        TrackError: The message names the file and the problem.
    """
    path = Path(path)
    text = read_text_file(path, "track file", TrackError)
    try:
        data = json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        raise TrackError(f"{path}: broken JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}") from None
    except ValueError as exc:
        raise TrackError(f"{path}: {exc}") from None
    try:
        return track_from_dict(data)
    except TrackError as exc:
        raise TrackError(f"{path}: {exc}") from None


def _reject_constant(name: str) -> float:
    raise ValueError(f"non-finite number {name} in the file")


def save_track(track: Track, path: str | os.PathLike[str]) -> None:
    """Write a track atomically (temp file, then rename); an interrupted save leaves the old file intact."""
    text = json.dumps(track_to_dict(track), indent=1, allow_nan=False)
    atomic_write_text(path, text + "\n")
