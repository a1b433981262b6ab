"""Shared set-up for the game's tests: no window, no sound device, a private data folder, a small track."""

from __future__ import annotations

import os

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ["SDL_AUDIODRIVER"] = "dummy"
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import pytest  # noqa: E402

# A ~1.2 km circuit with fast and slow corners, small enough for quick races.
RING_POINTS = (
    np.array(
        [
            [0, 0],
            [120, 0],
            [200, 10],
            [240, 60],
            [220, 120],
            [160, 140],
            [120, 110],
            [80, 140],
            [20, 150],
            [-40, 120],
            [-60, 60],
            [-40, 10],
        ],
        dtype=float,
    )
    * 1.5
)


@pytest.fixture(scope="session")
def ring_track():
    """The small test circuit."""
    from game.sim.track import Track

    k = len(RING_POINTS)
    return Track("Test Ring", RING_POINTS, np.full(k, 6.0), np.full(k, 6.0))


@pytest.fixture()
def ring_file(tmp_path: Path, ring_track) -> Path:
    """The test circuit saved as a track file."""
    from game.sim.track.io import save_track

    path = tmp_path / "test_ring.json"
    save_track(ring_track, path)
    return path


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own settings and best-lap folder."""
    folder = tmp_path / "userdata"
    monkeypatch.setenv("RETRORACER_DATA_DIR", str(folder))
    return folder


@pytest.fixture()
def no_models(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point the model lookup at an empty folder (rivals use the scripted driver)."""
    import game.paths

    folder = tmp_path / "models"
    folder.mkdir()
    monkeypatch.setattr(game.paths, "MODELS_DIR", folder)
    return folder
