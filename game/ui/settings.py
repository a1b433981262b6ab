"""Persisted player settings and best laps: JSON files in the per-user data directory, written atomically.

Two files live in :func:`data_dir` (``platformdirs.user_data_dir("RetroRacer")``, or ``$RETRORACER_DATA_DIR``
when set, which tests use):

* ``settings.json``: sound, window, race defaults and key bindings (:class:`Settings`).
* ``best_laps.json``: the player's best lap per track (:class:`BestLaps`).

A missing file gives the defaults; a broken one gives the defaults plus a message for the screen, never an
exception, and is set aside as ``<name>.bak`` first (:func:`game.sim.files.set_aside`), so that the next save
never writes over what could not be read. A file that cannot be set aside is never written.

This module never imports pygame: key bindings are stored as pygame key *names* ("left", "a").
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from game.paths import data_dir
from game.sim.files import atomic_write_text, set_aside
from game.sim.rules import DIFFICULTIES, MAX_LAPS, MAX_RIVALS

SETTINGS_FILE = "settings.json"
BEST_LAPS_FILE = "best_laps.json"

DRIVING_ACTIONS = ("steer_left", "steer_right", "accelerate", "brake")
DEFAULT_BINDINGS: dict[str, list[str]] = {
    "steer_left": ["left", "a"],
    "steer_right": ["right", "d"],
    "accelerate": ["up", "w"],
    "brake": ["down", "s"],
}


def default_bindings() -> dict[str, list[str]]:
    """A fresh copy of the default key bindings."""
    return {action: list(keys) for action, keys in DEFAULT_BINDINGS.items()}


@dataclass
class Settings:
    """Everything the player can change, with safe defaults."""

    muted: bool = False  # all sound off
    volume: float = 0.7  # master volume, 0..1
    window_scale: int = 0  # whole-number upscale of the 480x270 picture; 0 picks the largest that fits
    rivals: int = 5  # last chosen number of rivals, 0..MAX_RIVALS
    difficulty: str = "normal"  # one of DIFFICULTIES
    laps: int = 3  # 1..MAX_LAPS
    last_track: str = ""  # file path of the last raced track
    key_bindings: dict[str, list[str]] = field(
        default_factory=lambda: {k: list(v) for k, v in DEFAULT_BINDINGS.items()}
    )

    def sanitized(self) -> Settings:
        """A copy with every value forced into its valid range (a hand-edited file cannot break the game)."""
        bindings = {}
        for action in DRIVING_ACTIONS:
            keys = self.key_bindings.get(action) if isinstance(self.key_bindings, dict) else None
            if isinstance(keys, list) and keys and all(isinstance(k, str) and k for k in keys):
                bindings[action] = list(keys[:3])
            else:
                bindings[action] = list(DEFAULT_BINDINGS[action])
        return Settings(
            muted=bool(self.muted),
            volume=min(max(_as_float(self.volume, 0.7), 0.0), 1.0),
            window_scale=min(max(_as_int(self.window_scale, 0), 0), 8),
            rivals=min(max(_as_int(self.rivals, 5), 0), MAX_RIVALS),
            difficulty=self.difficulty if self.difficulty in DIFFICULTIES else "normal",
            laps=min(max(_as_int(self.laps, 3), 1), MAX_LAPS),
            last_track=self.last_track if isinstance(self.last_track, str) else "",
            key_bindings=bindings,
        )


def _as_float(value: Any, default: float) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):
        return default
    return number if math.isfinite(number) else default


def _as_int(value: Any, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError, OverflowError):  # int(inf) overflows, int(nan) is a ValueError
        return default


def _read_json(path: Path) -> tuple[Any, str | None]:
    """(data or None, message or None); a missing file is not an error. A broken file is set aside."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None, None
    except (OSError, UnicodeDecodeError) as exc:
        return None, _aside(path, f"cannot read ({exc})")
    try:
        return json.loads(text), None
    except json.JSONDecodeError as exc:
        return None, _aside(path, f"broken JSON at line {exc.lineno}")


def _aside(path: Path, problem: str) -> str:
    """Set a file that could not be used aside; the message says what happened and where it went."""
    backup = set_aside(path)
    if backup is None:
        return f"{path.name}: {problem}; using defaults (not saved: the file could not be set aside)"
    return f"{path.name}: {problem}; kept as {backup.name}, using defaults"


def _unreadable_in_the_way(path: Path) -> str | None:
    """None when ``path`` may be written (missing, or JSON); else sets it aside, or says why it cannot."""
    try:
        json.loads(path.read_text(encoding="utf-8"))
        return None
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError, ValueError):
        pass
    if set_aside(path) is None:
        return f"{path.name} could not be read nor set aside, so it is not written over"
    return None


def load_settings(directory: Path | None = None) -> tuple[Settings, str | None]:
    """Read the settings; returns (settings, message for the screen or None)."""
    path = (directory or data_dir()) / SETTINGS_FILE
    data, message = _read_json(path)
    if data is None:
        return Settings(), message
    if not isinstance(data, dict):
        return Settings(), _aside(path, "not a JSON object")
    known = {f.name for f in fields(Settings)}
    settings = Settings(**{k: v for k, v in data.items() if k in known})
    return settings.sanitized(), None


def save_settings(settings: Settings, directory: Path | None = None) -> str | None:
    """Write the settings atomically; returns an error message instead of raising."""
    path = (directory or data_dir()) / SETTINGS_FILE
    blocked = _unreadable_in_the_way(path)
    if blocked:
        return f"could not save settings: {blocked}"
    try:
        atomic_write_text(path, json.dumps(asdict(settings), indent=1, sort_keys=True) + "\n")
    except OSError as exc:
        return f"could not save settings: {exc}"
    return None


class BestLaps:
    """The player's best lap per track, keyed by the track file's stem.

    The track length is stored with each time: when a track's shape changes (the editor), its old record no
    longer counts.
    """

    LENGTH_TOLERANCE = 1.0  # [m]

    def __init__(self, directory: Path | None = None) -> None:
        self.path = (directory or data_dir()) / BEST_LAPS_FILE
        self.records: dict[str, dict[str, float]] = {}
        data, self.message = _read_json(self.path)
        if isinstance(data, dict):
            for key, value in data.items():
                if isinstance(value, dict):
                    time = _as_float(value.get("time"), -1.0)
                    length = _as_float(value.get("length"), -1.0)
                    if time > 0.0 and length > 0.0:
                        self.records[str(key)] = {"time": time, "length": length}
        elif data is not None:
            self.message = _aside(self.path, "not a JSON object")

    def get(self, track_key: str, track_length: float) -> float | None:
        """Best lap [s] on a track, or None."""
        record = self.records.get(track_key)
        if record is None or abs(record["length"] - track_length) > self.LENGTH_TOLERANCE:
            return None
        return record["time"]

    def submit(self, track_key: str, track_length: float, lap_time: float) -> bool:
        """Record a lap; returns True (and saves) when it is a new best."""
        best = self.get(track_key, track_length)
        if best is not None and lap_time >= best:
            return False
        self.records[track_key] = {"time": float(lap_time), "length": float(track_length)}
        self.save()
        return True

    def save(self) -> str | None:
        """Write atomically; returns an error message instead of raising."""
        blocked = _unreadable_in_the_way(self.path)
        if blocked:
            return f"could not save best laps: {blocked}"
        try:
            atomic_write_text(self.path, json.dumps(self.records, indent=1, sort_keys=True) + "\n")
        except OSError as exc:
            return f"could not save best laps: {exc}"
        return None
