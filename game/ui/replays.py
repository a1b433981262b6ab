"""Replays on disk and on screen: making one from a race, saving it to the data folder, opening one to watch.

Replays are saved as ``<data dir>/replays/<track stem>-<date>-<time>.json`` (:mod:`game.sim.replay` has the
format). Opening one checks that its track and AI model are the ones it was recorded with; if not, or if the file
is broken, a message says so instead of showing a different race.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING

from game.drivers.catalogue import driver_for_track
from game.paths import data_dir, portable_path, resolve_portable
from game.sim.identity import file_sha256
from game.sim.physics import DEFAULT_CAR
from game.sim.replay import Replay, build_replay, replay_mismatch
from game.sim.replay_file import ReplayError, load_replay, save_replay
from game.sim.track import TrackError
from game.sim.track.io import load_track

if TYPE_CHECKING:
    from game.ui.scenes.base import Context, Scene
    from game.ui.scenes.race_scene import RaceScene

REPLAYS_FOLDER = "replays"


def model_identity(model_path: Path | None) -> str | None:
    """SHA-256 of the model file, or None for the scripted driver (or an unreadable file)."""
    if model_path is None:
        return None
    try:
        return file_sha256(model_path)
    except OSError:
        return None


def replay_of(scene: RaceScene) -> Replay | None:
    """The replay of a race scene's race as it stands; None when the track has no file."""
    if scene.track_path is None:
        return None
    choice = scene.choice
    return build_replay(
        scene.race,
        scene.recorder,
        portable_path(scene.track_path),
        choice.kind,
        portable_path(choice.model_path) if choice.model_path is not None else None,
        model_identity(choice.model_path),
    )


def save_to_data_dir(replay: Replay) -> tuple[Path | None, str]:
    """Save a replay in the data folder; returns (path or None, message for the screen)."""
    stem = Path(replay.track_path).stem
    path = data_dir() / REPLAYS_FOLDER / f"{stem}-{time.strftime('%Y%m%d-%H%M%S')}.json"
    try:
        save_replay(replay, path)
    except OSError as exc:
        return None, f"could not save the replay: {exc}"
    return path, f"replay saved: {path.name}"


def open_replay(ctx: Context, source: Path | Replay, back: bool = False) -> Scene:
    """The scene that shows a replay (a file or one in memory), or a message saying why it cannot.

    Args:
        ctx: The shared context.
        source: A replay file, or a replay in memory.
        back: Opened over a results screen: its end goes back there instead of to results of its own.
    """
    from game.ui.scenes.message import MessageScene
    from game.ui.scenes.replay_scene import ReplayScene

    try:
        replay = load_replay(source) if isinstance(source, Path) else source
    except ReplayError as exc:
        return MessageScene(ctx, "CANNOT SHOW THE REPLAY", str(exc))
    track_path = resolve_portable(replay.track_path)
    try:
        track = load_track(track_path)
    except TrackError as exc:
        return MessageScene(ctx, "CANNOT SHOW THE REPLAY", f"Its track cannot be loaded: {exc}")
    choice = driver_for_track(track, track_path, DEFAULT_CAR)
    mismatch = replay_mismatch(replay, track, choice.kind, model_identity(choice.model_path))
    if mismatch is not None:
        return MessageScene(ctx, "REPLAY OUT OF DATE", mismatch + " It would not show the same race.")
    return ReplayScene(ctx, replay, track, track_path, choice, back)
