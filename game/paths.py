"""Where the project's files are: one home for every path, resolved against the repository, never the working directory.

Cheap to import (standard library only; ``platformdirs`` is imported when :func:`data_dir` is first called), so the
game, the background jobs and the training code all take their paths from here. A run started from another folder
writes where the game looks.
"""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
TRACKS_DIR = REPO_ROOT / "tracks"  # the shipped tracks
CIRCUITS_DIR = TRACKS_DIR / "circuits"  # racetrack-database circuits that the report measures (LGPL-3.0)
MODELS_DIR = REPO_ROOT / "assets" / "models"  # the shipped drivers
BASE_MODEL_NAME = "base"  # base.npz (the game), base.zip (fine-tuning starts here), base.json (its record)
TRACK_MODELS_FOLDER = "tracks"  # in MODELS_DIR: <track file stem>.npz, one fine-tuned driver per track
RUNS_DIR = REPO_ROOT / "runs"  # training writes here unless told otherwise
MODEL_BACKUP_FOLDER = "backup"  # in MODELS_DIR: the files each install replaced, a folder per install

APP_NAME = "RetroRacer"
DATA_DIR_ENV = "RETRORACER_DATA_DIR"  # overrides the per-user data folder (the tests use it)


def base_model(models_dir: Path | None = None, suffix: str = ".npz") -> Path:
    """The base driver's file (``.npz`` weights for the game, ``.zip`` SB3 model for fine-tuning)."""
    return (MODELS_DIR if models_dir is None else Path(models_dir)) / f"{BASE_MODEL_NAME}{suffix}"


def track_model(track_stem: str, models_dir: Path | None = None, suffix: str = ".npz") -> Path:
    """The fine-tuned driver of the track whose file stem is ``track_stem``."""
    return (MODELS_DIR if models_dir is None else Path(models_dir)) / TRACK_MODELS_FOLDER / f"{track_stem}{suffix}"


def in_models_dir(path: str | Path) -> bool:
    """Whether ``path`` is the shipped models folder or inside it (where only installing may write)."""
    return Path(path).resolve().is_relative_to(MODELS_DIR.resolve())


def model_backup_dir(name: str, models_dir: Path | None = None) -> Path:
    """A new folder name for the files that installing model ``name`` replaces: ``backup/<date-time>-<name>``."""
    import time

    root = (MODELS_DIR if models_dir is None else Path(models_dir)) / MODEL_BACKUP_FOLDER
    stamp = time.strftime("%Y%m%d-%H%M%S")
    folder = root / f"{stamp}-{name}"
    n = 1
    while folder.exists():
        n += 1
        folder = root / f"{stamp}-{name}-{n}"
    return folder


def data_dir() -> Path:
    """The player's own folder: settings, best laps, own tracks, background jobs (``$RETRORACER_DATA_DIR`` wins)."""
    override = os.environ.get(DATA_DIR_ENV)
    if override:
        return Path(override)
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, appauthor=False))


def portable_path(path: Path) -> str:
    """A path as a saved file keeps it (a replay, a season): relative to the game's folder when inside it."""
    resolved = Path(path).resolve()
    try:
        return resolved.relative_to(REPO_ROOT).as_posix()
    except ValueError:
        return str(resolved)


def resolve_portable(stored: str) -> Path:
    """A path kept by :func:`portable_path` back to a file path (relative ones are in the game's folder)."""
    path = Path(stored)
    return path if path.is_absolute() else REPO_ROOT / path
