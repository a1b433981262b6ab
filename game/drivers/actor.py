"""Rival drivers for the game: a trained SAC actor as plain NumPy weights, loaded without unpickling anything.

A driver file is an ``.npz`` archive (``numpy.savez``) read with ``allow_pickle=False``. Its entries:

=====================  ============================================================================
``format``             the string ``"retroracer-actor"``
``version``            format version, an integer (this code reads up to :data:`ACTOR_VERSION`)
``observation_version`` the observation layout the actor was trained on (format 2 on; format 1 files are v3)
``activation``         hidden-layer activation: ``"relu"`` or ``"tanh"``
``layer{i}_weight``    float32 (inputs, outputs) weights of hidden layer i = 0, 1, ...
``layer{i}_bias``      float32 (outputs,) biases
``mu_weight``          float32 (last hidden, 2) weights of the action-mean layer
``mu_bias``            float32 (2,)
``action_low``         float32 (2,) action bounds (the env's: -1, 1)
``action_high``        float32 (2,)
``metadata``           optional JSON string (model kind, track, steps); the full record is the .json sidecar
``line_clearance``     optional float64 [m]: the racing line it follows keeps half the car's width plus this
                       from each edge (absent: ``LINE_CLEARANCE``, the reference lap's line)
=====================  ============================================================================

Weights are stored (inputs, outputs), the transpose of PyTorch's ``Linear.weight``, so a layer is
``x @ weight + bias``. :meth:`Actor.act` computes exactly what Stable-Baselines3's deterministic SAC policy
computes: the hidden layers, the mean, ``tanh``, then the rescaling to the action bounds.

This module imports neither torch nor stable_baselines3, so the game starts fast. The writer of these files is
``agents.models.export_actor``.
"""

from __future__ import annotations

import json
import os
import zipfile
import zlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from game.sim.files import atomic_open
from game.sim.observation_layout import (
    LINE_CLEARANCE,
    OBSERVATION_VERSION,
    UNVERSIONED_OBSERVATION_VERSION,
    checked_line_clearance,
    observation_size,
    readable,
)

ACTOR_FORMAT = "retroracer-actor"
ACTOR_VERSION = 2  # 2: the observation layout version is stored
ACTION_SIZE = 2  # [steer, throttle]
ACTIVATIONS = ("relu", "tanh")
MAX_FILE_BYTES = 64 * 1024 * 1024  # a 256x256 actor is ~0.3 MB; anything this big is not one of ours
ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")  # how an .npz (a zip archive, or an empty one) starts
NPY_MAGIC = b"\x93NUM"  # how a single .npy array starts (refused with its own message)
MAX_LAYERS = 16
MAX_WIDTH = 4096


class ModelError(ValueError):
    """A driver file that cannot be used: missing, corrupt, truncated, foreign or from a newer version."""


class Actor:
    """A deterministic driver: observation (N, 22) in, action (N, 2) ``[steer, throttle]`` out, NumPy only.

    Args:
        hidden: ``(weight (in, out), bias (out,))`` per hidden layer.
        mu: ``(weight, bias)`` of the action-mean layer.
        activation: ``"relu"`` or ``"tanh"``.
        action_low: Lower action bounds.
        action_high: Upper action bounds.
        metadata: Free-form description (kind, track, steps).
        observation_version: The observation layout it was trained on (:mod:`game.sim.observation_layout`).
        line_clearance: How far beyond half the car's width from each edge the racing line it reads keeps [m].
    """

    def __init__(
        self,
        hidden: list[tuple[np.ndarray, np.ndarray]],
        mu: tuple[np.ndarray, np.ndarray],
        activation: str = "relu",
        action_low: np.ndarray | None = None,
        action_high: np.ndarray | None = None,
        metadata: dict[str, Any] | None = None,
        observation_version: int = OBSERVATION_VERSION,
        line_clearance: float = LINE_CLEARANCE,
    ) -> None:
        try:
            self.line_clearance = checked_line_clearance(line_clearance)
        except ValueError as exc:
            raise ModelError(str(exc)) from None
        self.hidden = [(np.ascontiguousarray(w, np.float32), np.ascontiguousarray(b, np.float32)) for w, b in hidden]
        self.mu = (np.ascontiguousarray(mu[0], np.float32), np.ascontiguousarray(mu[1], np.float32))
        self.activation = activation
        low = np.full(ACTION_SIZE, -1.0, np.float32) if action_low is None else action_low
        high = np.full(ACTION_SIZE, 1.0, np.float32) if action_high is None else action_high
        self.action_low = np.asarray(low, np.float32)
        self.action_high = np.asarray(high, np.float32)
        self.metadata = dict(metadata or {})
        self.observation_version = int(observation_version)
        _check_arrays(self._arrays(), self.observation_version)

    @property
    def observation_size(self) -> int:
        """Length of the observation vector."""
        return int((self.hidden[0][0] if self.hidden else self.mu[0]).shape[0])

    def act(self, obs: np.ndarray) -> np.ndarray:
        """Deterministic actions: ``obs`` (N, size) gives (N, 2) float32 in the action bounds; (size,) gives (2,)."""
        x = np.asarray(obs, dtype=np.float32)
        single = x.ndim == 1
        if single:
            x = x[None, :]
        if x.ndim != 2 or x.shape[1] != self.observation_size:
            raise ValueError(f"observation must have shape (N, {self.observation_size}), got {np.shape(obs)}")
        for weight, bias in self.hidden:
            x = x @ weight + bias
            x = np.maximum(x, 0.0, out=x) if self.activation == "relu" else np.tanh(x, out=x)
        squashed = np.tanh(x @ self.mu[0] + self.mu[1])
        # SB3's BasePolicy.unscale_action: low + 0.5 * (a + 1) * (high - low), identity for bounds -1, 1.
        action = self.action_low + 0.5 * (squashed + 1.0) * (self.action_high - self.action_low)
        action = action.astype(np.float32, copy=False)
        return action[0] if single else action

    __call__ = act

    def _arrays(self) -> dict[str, np.ndarray]:
        arrays: dict[str, np.ndarray] = {}
        for i, (weight, bias) in enumerate(self.hidden):
            arrays[f"layer{i}_weight"] = weight
            arrays[f"layer{i}_bias"] = bias
        arrays["mu_weight"], arrays["mu_bias"] = self.mu
        arrays["action_low"] = self.action_low
        arrays["action_high"] = self.action_high
        return arrays

    def __repr__(self) -> str:
        sizes = [self.observation_size] + [int(b.shape[0]) for _, b in self.hidden] + [ACTION_SIZE]
        return f"Actor({'x'.join(map(str, sizes))}, {self.activation})"


def save_actor(actor: Actor, path: str | os.PathLike[str]) -> None:
    """Write an actor file atomically (temp file, then rename)."""
    entries: dict[str, np.ndarray] = {
        "format": np.array(ACTOR_FORMAT),
        "version": np.array(ACTOR_VERSION, dtype=np.int64),
        "observation_version": np.array(actor.observation_version, dtype=np.int64),
        "activation": np.array(actor.activation),
        "metadata": np.array(json.dumps(actor.metadata, sort_keys=True, allow_nan=False)),
        "line_clearance": np.array(actor.line_clearance, dtype=np.float64),
        **actor._arrays(),
    }
    with atomic_open(path, "wb") as handle:
        np.savez(handle, **entries)


def load_actor(path: str | os.PathLike[str], observation_version: int | None = OBSERVATION_VERSION) -> Actor:
    """Read a driver file written by :func:`save_actor` (``agents.models.export_actor``), unpickling nothing.

    Args:
        path: The ``.npz`` file.
        observation_version: The observation layout the caller writes; a driver trained on a layout it cannot
            read from that one is refused (None accepts any, for tools that only inspect files).

    Raises:
        ModelError: The message names the file and what is wrong with it.
    """
    path = Path(path)
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise ModelError(f"{path}: no such model file") from None
    except OSError as exc:
        raise ModelError(f"{path}: cannot read the file ({exc})") from None
    if path.is_dir():
        raise ModelError(f"{path}: is a folder, not a model file")
    if size > MAX_FILE_BYTES:
        raise ModelError(f"{path}: {size} bytes is far too big for a driver file")
    try:
        with open(path, "rb") as handle:
            magic = handle.read(4)
    except OSError as exc:
        raise ModelError(f"{path}: cannot read the file ({exc})") from None
    if magic not in ZIP_MAGIC and magic != NPY_MAGIC:  # np.load would read anything else as a pickle
        what = "empty" if not magic else "does not start like one"
        raise ModelError(f"{path}: not a model file (a driver file is an .npz archive; this one {what})")
    try:
        archive = np.load(path, allow_pickle=False)
        if not isinstance(archive, Mapping):
            raise ModelError(f"{path}: not a RetroRacer driver file (a single array, not an .npz archive)")
        with archive:
            entries = {name: archive[name] for name in archive.files}
    except ModelError:
        raise
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
        raise ModelError(f"{path}: corrupt or truncated driver file ({exc})") from None
    except (OSError, ValueError, KeyError) as exc:
        hint = " (an SB3 .zip? export it with agents.models.export_actor)" if path.suffix == ".zip" else ""
        raise ModelError(f"{path}: not a RetroRacer driver file{hint}: {exc}") from None
    if "format" not in entries and {"data", "policy.pth"} <= set(entries):
        raise ModelError(
            f"{path}: a Stable-Baselines3 training file, not a driver: export it with agents.models.export_actor"
        )
    try:
        actor = actor_from_arrays(entries)
    except ModelError as exc:
        raise ModelError(f"{path}: {exc}") from None
    if observation_version is not None and not readable(actor.observation_version, observation_version):
        raise ModelError(
            f"{path}: trained on observation layout v{actor.observation_version}, but drivers here see "
            f"v{observation_version}: train or fine-tune a driver for this version"
        )
    return actor


def actor_from_arrays(entries: Mapping[str, np.ndarray]) -> Actor:
    """Validate the entries of a driver file and build the actor.

    Raises:
        ModelError: Missing entry, wrong format or version, wrong shape or dtype, non-finite weight.
    """
    if "format" not in entries:
        raise ModelError("not a RetroRacer driver file (no 'format' entry)")
    if not all(isinstance(value, np.ndarray) for value in entries.values()):
        raise ModelError("not a RetroRacer driver file (an entry is not an array)")
    fmt = _string(entries["format"], "format")
    if fmt != ACTOR_FORMAT:
        raise ModelError(f"not a RetroRacer driver file (format {fmt!r}, expected {ACTOR_FORMAT!r})")
    version = entries.get("version")
    if version is None or version.shape != () or version.dtype.kind not in "iu":
        raise ModelError("missing or malformed 'version' entry")
    if int(version) < 1 or int(version) > ACTOR_VERSION:
        raise ModelError(
            f"driver format version {int(version)} is not supported (this game reads versions 1 to {ACTOR_VERSION})"
        )
    seen = UNVERSIONED_OBSERVATION_VERSION
    if int(version) >= 2:
        stored = entries.get("observation_version")
        if stored is None or stored.shape != () or stored.dtype.kind not in "iu":
            raise ModelError("missing or malformed 'observation_version' entry")
        seen = int(stored)
    try:
        observation_size(seen)
    except ValueError as exc:
        raise ModelError(str(exc)) from None
    activation = _string(entries.get("activation"), "activation")
    if activation not in ACTIVATIONS:
        raise ModelError(f"unknown activation {activation!r} (expected one of {', '.join(ACTIVATIONS)})")
    n_layers = 0
    while f"layer{n_layers}_weight" in entries and n_layers <= MAX_LAYERS:
        n_layers += 1
    if n_layers > MAX_LAYERS:
        raise ModelError(f"more than {MAX_LAYERS} hidden layers")
    required = [f"layer{i}_{part}" for i in range(n_layers) for part in ("weight", "bias")]
    required += ["mu_weight", "mu_bias", "action_low", "action_high"]
    missing = [name for name in required if name not in entries]
    if missing:
        raise ModelError(f"missing entr{'y' if len(missing) == 1 else 'ies'}: {', '.join(missing)}")
    metadata: dict[str, Any] = {}
    if "metadata" in entries:
        try:
            metadata = json.loads(_string(entries["metadata"], "metadata"))
        except json.JSONDecodeError as exc:
            raise ModelError(f"malformed 'metadata' entry ({exc.msg})") from None
        if not isinstance(metadata, dict):
            raise ModelError("'metadata' must be a JSON object")
    clearance = entries.get("line_clearance", np.array(LINE_CLEARANCE))
    if clearance.shape != () or clearance.dtype.kind != "f" or not np.isfinite(clearance):
        raise ModelError("malformed 'line_clearance' entry (expected a number of metres)")
    arrays = {name: entries[name] for name in required}
    _check_arrays(arrays, seen)
    hidden = [(arrays[f"layer{i}_weight"], arrays[f"layer{i}_bias"]) for i in range(n_layers)]
    return Actor(
        hidden,
        (arrays["mu_weight"], arrays["mu_bias"]),
        activation=activation,
        action_low=arrays["action_low"],
        action_high=arrays["action_high"],
        metadata=metadata,
        observation_version=seen,
        line_clearance=float(clearance),
    )


def _string(value: np.ndarray | None, name: str) -> str:
    if value is None or value.shape != () or value.dtype.kind != "U":
        raise ModelError(f"missing or malformed {name!r} entry (expected a string)")
    return str(value)


def _check_arrays(arrays: Mapping[str, np.ndarray], version: int) -> None:
    """Dtypes, shapes (each layer feeds the next; the layout's size in, 2 out), finiteness."""
    for name, array in arrays.items():
        if not isinstance(array, np.ndarray) or array.dtype != np.float32:
            dtype = getattr(array, "dtype", type(array).__name__)
            raise ModelError(f"{name} must be float32, got {dtype}")
        if not np.all(np.isfinite(array)):
            raise ModelError(f"{name} contains a non-finite number")
    try:
        width = observation_size(version)
    except ValueError as exc:
        raise ModelError(str(exc)) from None
    i = 0
    while f"layer{i}_weight" in arrays:
        weight, bias = arrays[f"layer{i}_weight"], arrays[f"layer{i}_bias"]
        if weight.ndim != 2 or weight.shape[0] != width or not 1 <= weight.shape[1] <= MAX_WIDTH:
            raise ModelError(f"layer{i}_weight has shape {weight.shape}, expected ({width}, hidden size)")
        width = weight.shape[1]
        if bias.shape != (width,):
            raise ModelError(f"layer{i}_bias has shape {bias.shape}, expected ({width},)")
        i += 1
    if arrays["mu_weight"].shape != (width, ACTION_SIZE):
        raise ModelError(f"mu_weight has shape {arrays['mu_weight'].shape}, expected ({width}, {ACTION_SIZE})")
    for name in ("mu_bias", "action_low", "action_high"):
        if arrays[name].shape != (ACTION_SIZE,):
            raise ModelError(f"{name} has shape {arrays[name].shape}, expected ({ACTION_SIZE},)")
    if not np.all(arrays["action_low"] < arrays["action_high"]):
        raise ModelError("action_low must be below action_high")
