"""Loading a track to race, drive or train on: one function and one set of rules for the game and ``agents``.

:func:`load_race_track` reads a track file (JSON, :mod:`game.sim.track.io`) or a racetrack-database circuit CSV
(:mod:`game.sim.track.csv_import`), then checks it by the editor's rules (:func:`game.editor.validation
.check_track`: width, corner radius, a surface that runs into itself or folds, one bridge crossing only where the
metadata says ``"crossing": true``, length). A track the editor would refuse to save is refused here too, with
the same reason.

This module never imports pygame.
"""

from __future__ import annotations

import os
from pathlib import Path

from game.sim.track import Track, TrackError


def read_track_file(path: str | os.PathLike[str]) -> Track:
    """A track JSON or a circuit CSV (by its ``.csv`` suffix), as it is: no race rules applied.

    Raises:
        TrackError: Unreadable file or invalid geometry (the message names the file).
    """
    path = Path(path)
    if path.suffix.lower() == ".csv":
        from game.sim.track.csv_import import import_circuit_csv

        return import_circuit_csv(path)
    from game.sim.track.io import load_track

    return load_track(path)


def load_race_track(path: str | os.PathLike[str]) -> Track:
    """A track JSON or circuit CSV that may be raced: :func:`read_track_file`, then the editor's rules.

    Raises:
        TrackError: The message names the file and the (first) problem.
    """
    from game.editor.validation import check_track, refusal

    track = read_track_file(path)
    why = refusal(check_track(track))
    if why is not None:
        raise TrackError(f"{path}: {why}")
    return track
