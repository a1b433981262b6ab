"""A track's own racecraft: settings measured on that track, beside its fine-tuned driver. No pygame here.

``assets/models/tracks/<track file stem>.racecraft.json`` (paths from :mod:`game.paths`) holds the racecraft settings
(:class:`game.drivers.racecraft.RacecraftSettings`) that differ from the game's on that track, and where they were
measured::

    {"format": "retroracer-racecraft", "version": 1, "track": "harbour_hairpins",
     "settings": {"open_side": 80.0, "lane_look": 1.5}, "measured": "...", "command": "..."}

Every other track, a player's own included, races the game's settings. A file that cannot be used never stops a race:
the game's settings race instead, and the message says why.
"""

from __future__ import annotations

import json
import math
from dataclasses import fields, replace
from pathlib import Path

import game.paths
from game.drivers.racecraft import RacecraftSettings

RACECRAFT_SUFFIX = ".racecraft.json"
RACECRAFT_FORMAT = "retroracer-racecraft"
RACECRAFT_VERSION = 1


SETTING_NAMES = frozenset(f.name for f in fields(RacecraftSettings))


class RacecraftFileError(ValueError):
    """A track's racecraft file that cannot be used, with the reason."""


def setting_change(name: str, value: object) -> float:
    """``value`` as a change of the racecraft setting ``name`` (a racecraft file's, or ``--racecraft-set``'s).

    Raises:
        ValueError: A name the settings do not have, or not a finite number, said in a few words.
    """
    if name not in SETTING_NAMES:
        raise ValueError(f"unknown setting {name!r}")
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number, got {value!r}")
    return float(value)


def racecraft_path(track_path: str | Path, models_dir: Path | None = None) -> Path:
    """Where the racecraft of the track in ``track_path`` lives (it may not exist)."""
    return game.paths.track_model(Path(track_path).stem, models_dir, RACECRAFT_SUFFIX)


def read_racecraft_file(path: Path) -> dict[str, float]:
    """The settings a racecraft file changes, by name; raises :class:`RacecraftFileError` for a file unusable."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise RacecraftFileError(f"{path.name}: cannot be read ({exc})") from None
    if not isinstance(data, dict) or data.get("format") != RACECRAFT_FORMAT:
        raise RacecraftFileError(f"{path.name}: not a racecraft file (format {RACECRAFT_FORMAT!r} expected)")
    if data.get("version") != RACECRAFT_VERSION:
        raise RacecraftFileError(f"{path.name}: version {data.get('version')!r}, {RACECRAFT_VERSION} expected")
    settings = data.get("settings")
    if not isinstance(settings, dict):
        raise RacecraftFileError(f"{path.name}: 'settings' must be an object of setting names and numbers")
    changes: dict[str, float] = {}
    for name, value in settings.items():
        try:
            changes[name] = setting_change(name, value)
        except ValueError as exc:
            raise RacecraftFileError(f"{path.name}: {exc}") from None
    return changes


def track_racecraft(
    track_path: str | Path | None, models_dir: Path | None = None
) -> tuple[RacecraftSettings, str | None]:
    """(the racecraft settings on a track, a message when its racecraft file could not be used, else None)."""
    if track_path is None:
        return RacecraftSettings(), None
    path = racecraft_path(track_path, models_dir)
    if not path.is_file():
        return RacecraftSettings(), None
    try:
        return replace(RacecraftSettings(), **read_racecraft_file(path)), None
    except RacecraftFileError as exc:
        return RacecraftSettings(), f"Racecraft {exc}; the game's racecraft"
