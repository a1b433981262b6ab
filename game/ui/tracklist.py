"""Finding the tracks: the shipped ones in ``tracks/`` and the player's own in the user data directory."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from game.paths import TRACKS_DIR, data_dir


def track_dirs() -> list[Path]:
    """Where tracks are looked for, shipped ones first."""
    return [TRACKS_DIR, data_dir() / "tracks"]


def track_files() -> list[Path]:
    """Every ``*.json`` track file, shipped ones first, each folder sorted by name."""
    files: list[Path] = []
    for folder in track_dirs():
        if folder.is_dir():
            files.extend(sorted(folder.glob("*.json")))
    return files


@dataclass
class TrackEntry:
    """A track file, loaded on first use; a broken file keeps its error message instead of a track."""

    path: Path
    _track: object | None = field(default=None, repr=False)
    error: str | None = None
    loaded: bool = False

    @property
    def key(self) -> str:
        """Name of the track's best-lap record and of its fine-tuned model: the file stem."""
        return self.path.stem

    def load(self):  # noqa: ANN201
        """The Track, or None when the file is broken (then :attr:`error` says why)."""
        if not self.loaded:
            self.loaded = True
            from game.sim.track import TrackError
            from game.sim.track.io import load_track

            try:
                self._track = load_track(self.path)
            except TrackError as exc:
                self.error = str(exc)
            except Exception as exc:  # never let a file end the game
                self.error = f"{self.path}: {exc}"
        return self._track
