"""AI rival drivers: the trained model for a track, or a scripted fallback, plus difficulty.

Which model drives (:func:`model_path_for_track`): ``assets/models/tracks/<track file stem>.npz`` (fine-tuned
for that track) if it exists, else ``assets/models/base.npz``, else none. A model is read with
``agents.actor.load_actor`` (weights only, numpy, no torch) and sees exactly what it saw in training: the cars'
observations come from ``game.observation.observe_cars`` and each decision is held for ``FRAME_SKIP`` physics
ticks (see :class:`game.race.Race`).

When there is no model, or it cannot be loaded, rivals fall back to a scripted driver (``agents.scripted`` when
present, else :class:`CenterlineDriver` here) and :attr:`DriverChoice.message` says so for the screen.

Difficulty (:data:`DIFFICULTY_PACE`) never touches the physics; it only limits what a rival asks of its car.
A rival with pace ``p`` gets at most ``p**3`` of the throttle, hence ``p**3`` of the engine power and about ``p``
of its top speed on a straight (drag grows with speed cubed in power), and it lifts off the throttle when faster
than ``p`` times a reference speed for that point of the track (:func:`reference_speed`: the grip-limited
cornering speed of the centre line, with room for a racing line, and the braking before each corner). Brakes
and steering are untouched, so the model still drives its own line, just slower. Rivals in one race get paces
spread just below the difficulty's value (:data:`PACE_SPREAD`), so the field strings out instead of driving
nose to tail.

This module never imports pygame.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np

from game.observation import OBSERVATION_SIZE, observe_cars
from game.physics import (
    CAR_ARC_LENGTH,
    CAR_HEADING,
    CAR_SEGMENT,
    CAR_VX,
    CAR_VY,
    CAR_X,
    CAR_Y,
    GRAVITY,
    CarParams,
)
from game.racing_line import line_table
from game.track import Track

MODELS_DIR = Path(__file__).resolve().parent.parent / "assets" / "models"
BASE_MODEL = "base.npz"
DIFFICULTY_PACE = {"easy": 0.85, "normal": 0.93, "hard": 1.0}  # share of a rival's top speed
PACE_SPREAD = 0.03  # the slowest rival of a full field drives this much below the difficulty's pace
TOP_SPEED = 90.0  # [m/s] about the car's top speed (game.physics.CarParams: power against drag)
LINE_MARGIN = 1.15  # a racing line corners this much faster than the centre line's radius allows
BRAKE_SHARE = 0.8  # share of the grip used to brake in the reference speed
NO_MODEL_MESSAGE = "No trained model found: rivals use a scripted driver"


class Driver(Protocol):
    """Anything that turns car states into controls."""

    def act(self, cars: np.ndarray) -> np.ndarray:
        """(N, N_CAR_COLUMNS) car states -> (N, 2) [steer, throttle] in [-1, 1]."""
        ...


def model_path_for_track(track_path: str | Path | None, models_dir: Path | None = None) -> Path | None:
    """The model that drives on a track: the fine-tuned one, else the base one, else None.

    Args:
        track_path: The track file; its stem names the fine-tuned model.
        models_dir: Where models live (default :data:`MODELS_DIR`).
    """
    models_dir = MODELS_DIR if models_dir is None else models_dir
    if track_path is not None:
        tuned = Path(models_dir) / "tracks" / f"{Path(track_path).stem}.npz"
        if tuned.is_file():
            return tuned
    base = Path(models_dir) / BASE_MODEL
    return base if base.is_file() else None


def rival_paces(difficulty: str, n: int) -> np.ndarray:
    """Pace of each of ``n`` rivals: the first at the difficulty's pace, the last ``PACE_SPREAD`` slower."""
    top = DIFFICULTY_PACE[difficulty]
    if n <= 1:
        return np.full(n, top)
    return top * (1.0 - PACE_SPREAD * np.arange(n) / (n - 1))


def reference_speed(track: Track, params: CarParams) -> np.ndarray:
    """(n_samples,) a fast but reachable speed at each point of the track [m/s], for the pace limit.

    The cornering speed ``sqrt(grip * g / |curvature|)`` of the centre line, times ``LINE_MARGIN`` (a racing
    line is straighter than the centre line), lowered before each corner so that braking at ``BRAKE_SHARE`` of
    the grip gets down to it.
    """
    curvature = np.abs(track.curvature)
    corner = LINE_MARGIN * np.sqrt(params.grip * GRAVITY / np.maximum(curvature, 1e-6))
    speed = np.minimum(corner, TOP_SPEED)
    decel = BRAKE_SHARE * params.grip * GRAVITY
    n = speed.shape[0]
    for _ in range(2):  # two laps backwards so the envelope wraps round the start/finish line
        for i in range(n - 1, -1, -1):
            after = speed[(i + 1) % n]
            speed[i] = min(speed[i], math.sqrt(after * after + 2.0 * decel * track.spacing))
    return speed


def apply_pace(
    controls: np.ndarray, pace: np.ndarray, speed: np.ndarray | None = None, limit: np.ndarray | None = None
) -> None:
    """Hold each car to its pace, in place: throttle at most ``pace**3``, and no throttle above ``pace * limit``.

    Args:
        controls: (N, 2) [steer, throttle]; only positive throttle is changed.
        pace: (N,) 1.0 leaves a car alone.
        speed: (N,) current speeds [m/s], with ``limit``.
        limit: (N,) reference speeds where each car is [m/s] (see :func:`reference_speed`).
    """
    throttle = controls[:, 1]
    np.copyto(throttle, np.minimum(throttle, pace**3), where=throttle > 0.0)
    if speed is not None and limit is not None:
        over = (pace < 1.0) & (speed > pace * limit)
        np.copyto(throttle, np.minimum(throttle, 0.0), where=over)


class ActorDriver:
    """A trained model (``agents.actor``) seeing the training observation of every car."""

    def __init__(self, actor: object, track: Track, params: CarParams) -> None:
        self.actor = actor
        self.track = track
        self.params = params.as_array()
        self.line = line_table(track)
        self._obs = np.zeros((8, OBSERVATION_SIZE), dtype=np.float32)

    def act(self, cars: np.ndarray) -> np.ndarray:
        """Observe every car exactly as in training and ask the model."""
        n = cars.shape[0]
        if self._obs.shape[0] != n:
            self._obs = np.zeros((n, OBSERVATION_SIZE), dtype=np.float32)
        observe_cars(cars, self.track.table, self.line, self.track.spacing, self.params, self._obs)
        actions = np.asarray(self.actor.act(self._obs), dtype=np.float64)
        if actions.shape != (n, 2) or not np.all(np.isfinite(actions)):
            raise ValueError(f"model returned {actions.shape} actions (finite: {np.all(np.isfinite(actions))})")
        return np.clip(actions, -1.0, 1.0)


class CenterlineDriver:
    """A simple scripted driver: pure pursuit of the centre line, braking for the corners ahead.

    Used only when no trained model (and no ``agents.scripted``) is available. Vectorised over cars.
    """

    CORNER_GRIP = 0.8  # share of the tyre grip it dares to use in a corner
    BRAKE_GRIP = 0.6  # share of the grip it expects when braking
    HORIZON = 220.0  # [m] looked ahead for corners

    def __init__(self, track: Track, params: CarParams) -> None:
        self.track = track
        self.params = params
        k = np.abs(track.curvature)
        self._corner_speed = np.sqrt(self.CORNER_GRIP * params.grip * GRAVITY / np.maximum(k, 1e-6))
        self._ahead = np.arange(int(self.HORIZON / track.spacing) + 1)
        self._ahead_dist = self._ahead * track.spacing

    def act(self, cars: np.ndarray) -> np.ndarray:
        """Controls for every car."""
        track = self.track
        p = self.params
        n = track.n_samples
        out = np.zeros((cars.shape[0], 2))
        for i, car in enumerate(cars):
            speed = math.hypot(car[CAR_VX], car[CAR_VY])
            lookahead = min(max(6.0 + 0.45 * speed, 8.0), 40.0)
            tx, ty, _ = track.pose_at(car[CAR_ARC_LENGTH] + lookahead, 0.0)
            alpha = math.atan2(ty - car[CAR_Y], tx - car[CAR_X]) - car[CAR_HEADING]
            alpha = (alpha + math.pi) % (2.0 * math.pi) - math.pi
            delta = math.atan(2.0 * math.sin(alpha) * p.wheelbase / lookahead)
            lock = min(
                p.max_steer, math.atan(p.wheelbase * p.steer_grip_margin * p.grip * GRAVITY / max(speed, 1.0) ** 2)
            )
            idx = (int(car[CAR_SEGMENT]) + self._ahead) % n
            brake = self.BRAKE_GRIP * p.grip * GRAVITY
            allowed = np.sqrt(self._corner_speed[idx] ** 2 + 2.0 * brake * self._ahead_dist)
            target = float(np.min(allowed))
            out[i, 0] = min(max(delta / lock, -1.0), 1.0)
            out[i, 1] = min(max(0.5 * (target - speed), -1.0), 1.0)
        return out


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
        message: Shown on screen when the rivals do not drive a trained model; None when they do.
    """

    driver: Driver
    kind: str
    model_path: Path | None
    message: str | None


def scripted_driver(track: Track, params: CarParams) -> Driver:
    """``agents.scripted.ScriptedDriver`` when that module exists and works, else :class:`CenterlineDriver`."""
    try:
        from agents.scripted import ScriptedDriver

        return ScriptedDriver(track)
    except Exception:  # missing or not yet compatible: the built-in one always works
        return CenterlineDriver(track, params)


def load_driver(
    track: Track, track_path: str | Path | None, params: CarParams, models_dir: Path | None = None
) -> DriverChoice:
    """The rivals' driver for a track; never raises because of a missing or broken model file."""
    fallback = scripted_driver(track, params)
    path = model_path_for_track(track_path, models_dir)
    if path is None:
        return DriverChoice(fallback, "scripted", None, NO_MODEL_MESSAGE)
    try:
        from agents.actor import load_actor
    except Exception:
        return DriverChoice(fallback, "scripted", None, "AI model code is missing: rivals use a scripted driver")
    try:
        actor = load_actor(path)
    except Exception as exc:  # ModelError (a ValueError) for a bad file; anything else must not crash the game
        return DriverChoice(fallback, "scripted", None, f"Model {path.name} unusable ({exc}); scripted rivals")
    return DriverChoice(SafeDriver(ActorDriver(actor, track, params), fallback), "model", path, None)
