"""Which driver races the rivals on a track, loaded with a fallback and a message. No pygame here.

Which model drives (:func:`model_path_for_track`): ``assets/models/tracks/<track file stem>.npz`` (fine-tuned
for that track) if it exists, else ``assets/models/base.npz``, else none (paths from :mod:`game.paths`). A model
is read with :func:`game.drivers.actor.load_actor` (weights only, numpy, no torch) and sees exactly what it saw in
training (:class:`game.drivers.model.ActorDriver`).

When there is no model, or it cannot be loaded, rivals fall back to the scripted driver
(:class:`game.drivers.scripted.ScriptedDriver`, or :class:`game.drivers.centerline.CenterlineDriver` where that
cannot be built) and :attr:`DriverChoice.message` says so for the screen.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

import game.paths
from game.drivers.actor import load_actor
from game.drivers.centerline import CenterlineDriver
from game.drivers.model import ActorDriver
from game.drivers.racecraft import RacecraftSettings
from game.drivers.scripted import ScriptedDriver
from game.drivers.track_racecraft import track_racecraft
from game.sim.physics import CarParams
from game.sim.race import Driver
from game.sim.track import Track

NO_MODEL_MESSAGE = "No trained model found: rivals use a scripted driver"


def model_path_for_track(track_path: str | Path | None, models_dir: Path | None = None) -> Path | None:
    """The model that drives on a track: the fine-tuned one, else the base one, else None.

    Args:
        track_path: The track file; its stem names the fine-tuned model.
        models_dir: Where models live (default :data:`game.paths.MODELS_DIR`).
    """
    if track_path is not None:
        tuned = game.paths.track_model(Path(track_path).stem, models_dir)
        if tuned.is_file():
            return tuned
    base = game.paths.base_model(models_dir)
    return base if base.is_file() else None


class SafeDriver:
    """Wraps a driver: if it raises or returns nonsense, the fallback drives from then on, with a message."""

    def __init__(self, primary: Driver, fallback: Driver) -> None:
        self.primary: Driver | None = primary
        self.fallback = fallback
        self.message: str | None = None

    def act(self, cars: np.ndarray) -> np.ndarray:
        """Controls from the primary driver, or from the fallback once the primary has failed."""
        if self.primary is not None:
            try:
                return self.primary.act(cars)
            except Exception as exc:  # a broken model must not end the race
                self.primary = None
                self.message = f"AI model failed ({exc}); rivals use a scripted driver"
        return self.fallback.act(cars)


@dataclass
class DriverChoice:
    """The driver that rivals get, and why.

    Attributes:
        driver: Drives every AI car.
        kind: "model" or "scripted".
        model_path: The model file, when one was loaded.
        message: Shown on screen when the rivals do not drive a trained model, or the track's racecraft file could
            not be used; None when all is well.
    """

    driver: Driver
    kind: str
    model_path: Path | None
    message: str | None


def scripted_driver(track: Track, params: CarParams) -> Driver:
    """The scripted driver of :mod:`game.drivers.scripted`, or the centre-line one where that cannot be built."""
    try:
        return ScriptedDriver(track)
    except Exception:  # a track whose reference lap cannot be computed: the centre line always works
        return CenterlineDriver(track, params)


def driver_for_track(
    track: Track,
    track_path: str | Path | None,
    params: CarParams,
    models_dir: Path | None = None,
    racecraft: bool = True,
    settings: RacecraftSettings | None = None,
) -> DriverChoice:
    """The rivals' driver for a track; never raises because of a missing or broken model file.

    ``racecraft``: the model races the other cars (:mod:`game.drivers.racecraft`, the game's way); False: the
    model drives alone as it was trained (for measuring the model itself). ``settings``: the racecraft's (default:
    the track's own, :mod:`game.drivers.track_racecraft`, else the game's).
    """
    fallback = scripted_driver(track, params)
    path = model_path_for_track(track_path, models_dir)
    if path is None:
        return DriverChoice(fallback, "scripted", None, NO_MODEL_MESSAGE)
    try:
        actor = load_actor(path)
    except Exception as exc:  # ModelError (a ValueError) for a bad file; anything else must not crash the game
        return DriverChoice(fallback, "scripted", None, f"Model {path.name} unusable ({exc}); scripted rivals")
    message = None
    if racecraft and settings is None:
        settings, message = track_racecraft(track_path, models_dir)
    return DriverChoice(
        SafeDriver(ActorDriver(actor, track, params, racecraft, settings), fallback), "model", path, message
    )
