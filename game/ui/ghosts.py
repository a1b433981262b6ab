"""Where ghosts live on disk: the player's best lap and the AI's, per track, in the user's data folder.

``<data dir>/ghosts/<track file stem>.json`` holds the player's best time-trial lap on a track and
``<data dir>/ghosts/ai/<track file stem>.json`` the AI's, recorded on demand by the model that drives the rivals
there (:func:`ai_ghost`) and kept until the track or the model changes. Files are written atomically; a broken one
is set aside (``<name>.bak``, never overwriting an earlier one) and a message says so, never an exception.
"""

from __future__ import annotations

from pathlib import Path

from game.drivers.catalogue import driver_for_track
from game.paths import data_dir
from game.sim.files import set_aside
from game.sim.ghost import Ghost, GhostError, load_ghost, save_ghost
from game.sim.identity import file_sha256
from game.sim.physics import DEFAULT_CAR
from game.sim.time_trial import record_ai_ghost
from game.sim.track import Track

GHOSTS_FOLDER = "ghosts"
AI_FOLDER = "ai"


def player_ghost_path(track_key: str) -> Path:
    """The player's best-lap ghost of a track (``track_key``: the track file stem)."""
    return data_dir() / GHOSTS_FOLDER / f"{track_key}.json"


def ai_ghost_path(track_key: str) -> Path:
    """The AI's ghost of a track."""
    return data_dir() / GHOSTS_FOLDER / AI_FOLDER / f"{track_key}.json"


def read_ghost(path: Path, track_id: str, what: str) -> tuple[Ghost | None, str | None]:
    """(ghost or None, message or None): a missing file is quietly None; a broken one is set aside with a message.

    A ghost of another version of the track is not broken, only out of date: it is left alone (the next record
    replaces it) and a message says so.
    """
    try:
        return load_ghost(path, track_id), None
    except FileNotFoundError:
        return None, None
    except GhostError as exc:
        if "another version of the track" in str(exc):
            return None, f"{what} was set on an older version of this track"
        aside = set_aside(path)
        where = f"moved to {aside.name}" if aside is not None else "left in place"
        return None, f"{what} file is broken ({exc}); {where}"


def write_ghost(ghost: Ghost, path: Path) -> str | None:
    """Save atomically; returns an error message instead of raising."""
    try:
        save_ghost(ghost, path)
    except OSError as exc:
        return f"could not save the ghost: {exc}"
    return None


def ai_ghost(track: Track, track_path: Path | None, track_id: str) -> tuple[Ghost | None, str | None]:
    """The AI's ghost of a track: from the cache when it matches the track and the model, else recorded now.

    Recording drives the track's model (the one :func:`driver_for_track` picks) alone for a couple of laps,
    a few seconds of computing. Returns (ghost or None, message or None).
    """
    choice = driver_for_track(track, track_path, DEFAULT_CAR)
    try:
        label = f"model:{file_sha256(choice.model_path)}" if choice.model_path is not None else "scripted"
    except OSError:
        label = "scripted"
    key = track_path.stem if track_path is not None else track.name
    path = ai_ghost_path(key)
    cached, message = read_ghost(path, track_id, "the AI ghost")
    if cached is not None and cached.driver == label:
        return cached, None
    ghost = record_ai_ghost(track, track_id, choice.driver, label, DEFAULT_CAR)
    if ghost is None:
        return None, "the AI could not complete a lap here: no AI ghost"
    return ghost, write_ghost(ghost, path) or (message if message and "broken" in message else None)
