"""Model files: the SB3 ``.zip`` for training, the weights-only ``.npz`` actor for the game, the ``.json`` sidecar.

For a model saved as ``assets/models/base.zip`` the files beside it are::

    base.zip         full Stable-Baselines3 model (actor, critics, optimisers): for fine-tuning and --resume
    base.npz         the actor's weights only (game.drivers.actor format, no pickle): what the game loads
    base.json        sidecar: kind, track, steps, wall time, command line, resolved config and
                     hyperparameters, reward and car settings, package versions, machine, git commit, evaluation
    base.curve.csv   learning curve: periodic evaluations against env steps and wall-clock minutes

torch and stable_baselines3 are imported inside the functions that need them.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import importlib.metadata
import json
import math
import os
import platform
import shlex
import subprocess
import sys
import warnings
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from game.drivers.actor import ACTOR_VERSION, Actor, ModelError, save_actor
from game.sim.files import atomic_write_text
from game.sim.observation_layout import (
    LINE_CLEARANCE,
    OBSERVATION_VERSION,
    READABLE_VERSIONS,
    UNVERSIONED_OBSERVATION_VERSION,
    observation_size,
    version_for_size,
)

SIDECAR_FORMAT = "retroracer-model"
SIDECAR_VERSION = 1
PACKAGES = ("numpy", "numba", "scipy", "torch", "stable_baselines3", "gymnasium", "retroracer")


@dataclass(frozen=True)
class ModelPaths:
    """The files of one saved model, derived from its ``.zip`` path."""

    zip: Path
    npz: Path
    sidecar: Path
    curve: Path

    @classmethod
    def of(cls, path: str | os.PathLike[str]) -> ModelPaths:
        """Paths beside ``path`` (any of the model's files, or its stem)."""
        stem = Path(path)
        if stem.suffix in (".zip", ".npz", ".json"):
            stem = stem.with_suffix("")
        return cls(
            zip=stem.with_name(stem.name + ".zip"),
            npz=stem.with_name(stem.name + ".npz"),
            sidecar=stem.with_name(stem.name + ".json"),
            curve=stem.with_name(stem.name + ".curve.csv"),
        )


def actor_from_model(
    model: Any,
    metadata: dict[str, Any] | None = None,
    observation_version: int | None = None,
    line_clearance: float | None = None,
) -> Actor:
    """The NumPy :class:`Actor` of a Stable-Baselines3 SAC model (same deterministic actions).

    Args:
        model: The SB3 SAC model.
        metadata: Stored in the actor file.
        observation_version: The observation layout the model was trained on (its input size must match);
            default: the readable layout of its input size (22: v3, 42: v4).
        line_clearance: The racing line the driver drives on [m]; default: the one the model was trained on.

    Raises:
        ModelError: The policy is not the MLP actor this format stores (gSDE, another activation, image input).
    """
    import torch as th

    actor = model.policy.actor
    if getattr(actor, "use_sde", False):
        raise ModelError("gSDE actors are not supported by the weights-only format")
    linears = [m for m in actor.latent_pi if isinstance(m, th.nn.Linear)]
    activations = {type(m).__name__.lower() for m in actor.latent_pi if not isinstance(m, th.nn.Linear)}
    if len(activations) > 1 or (activations and activations - {"relu", "tanh"}):
        raise ModelError(f"unsupported activation(s) {sorted(activations)}: only ReLU or Tanh")
    if not isinstance(actor.features_extractor, th.nn.Flatten) and type(actor.features_extractor).__name__ != (
        "FlattenExtractor"
    ):
        raise ModelError(f"unsupported features extractor {type(actor.features_extractor).__name__}")

    def numpy(t: Any) -> np.ndarray:
        return t.detach().cpu().numpy().astype(np.float32)

    hidden = [(numpy(m.weight).T, numpy(m.bias)) for m in linears]
    space = model.action_space
    return Actor(
        hidden,
        (numpy(actor.mu.weight).T, numpy(actor.mu.bias)),
        activation=activations.pop() if activations else "relu",
        action_low=np.asarray(space.low, np.float32),
        action_high=np.asarray(space.high, np.float32),
        metadata=metadata,
        observation_version=observation_version or model_observation_version(model),
        line_clearance=(  # the model's own (set by agents.train, saved with it) unless the caller drives another
            line_clearance if line_clearance is not None else getattr(model, "line_clearance", LINE_CLEARANCE)
        ),
    )


def trained_line_clearance(path: str | os.PathLike[str]) -> float:
    """The line clearance an SB3 model file was trained on (``agents.train`` saves it with the model) [m].

    Read from the zip's JSON, unpickling nothing; a model that does not say (or a file that cannot be read)
    was trained on the reference lap's line, :data:`LINE_CLEARANCE`.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            value = json.loads(archive.read("data")).get("line_clearance")
    except (OSError, KeyError, ValueError, zipfile.BadZipFile):
        return LINE_CLEARANCE
    return float(value) if isinstance(value, int | float) and math.isfinite(value) else LINE_CLEARANCE


def model_observation_version(model: Any) -> int:
    """The observation layout an SB3 model reads, from its input size (22: v3, 42: v4).

    Raises:
        ModelError: No layout this code reads has that size.
    """
    try:
        return version_for_size(int(np.prod(model.observation_space.shape)))
    except ValueError as exc:
        raise ModelError(str(exc)) from None


def export_actor(
    model: Any,
    path: str | os.PathLike[str],
    metadata: dict[str, Any] | None = None,
    line_clearance: float | None = None,
) -> Actor:
    """Write the weights-only actor of ``model`` to ``path`` (``.npz``, atomically); returns the actor.

    ``line_clearance``: the line the driver drives on, when not the one the model was trained on.
    """
    actor = actor_from_model(model, metadata, line_clearance=line_clearance)
    save_actor(actor, path)
    return actor


def save_model(model: Any, path: str | os.PathLike[str]) -> None:
    """``model.save`` to ``path``, atomically: a crash leaves the previous file intact."""
    from game.sim.files import atomic_open

    with atomic_open(path, "wb") as handle:
        model.save(handle)


def load_sb3(
    path: str | os.PathLike[str],
    device: str = "cpu",
    observation_version: int | None = None,
    **kwargs: Any,
) -> Any:
    """Load a full SAC model (this unpickles: only for our own training files, never for rival drivers).

    Args:
        path: The ``.zip``.
        device: Torch device.
        observation_version: The layout the caller will feed it: a model whose sidecar names another layout, or
            whose input has another size, is refused. None accepts any layout this code can still write (v3, v4),
            and refuses older ones (v1, v2 had 22 numbers of other meanings).
        **kwargs: Passed to ``SAC.load``.

    Raises:
        ModelError: Missing, corrupt or foreign file, or made for another observation layout.
    """
    import zipfile

    from stable_baselines3 import SAC

    path = Path(path)
    if not path.is_file():
        raise ModelError(f"{path}: no such model file")
    try:
        with warnings.catch_warnings():
            # A model saved with n_steps > 1 stores NStepReplayBuffer and its n_steps/gamma kwargs; on load SB3
            # warns that n_steps "is ignored", but those kwargs (or the run's: agents.sac) keep n-step returns.
            warnings.filterwarnings("ignore", message=r"`n_steps=\d+` is ignored", category=UserWarning)
            model = SAC.load(path, device=device, **kwargs)
    except (zipfile.BadZipFile, KeyError, EOFError, ValueError, AssertionError, RuntimeError) as exc:
        raise ModelError(f"{path}: not a loadable SB3 SAC model ({type(exc).__name__}: {exc})") from None
    check_observation_version(path, model, observation_version)
    return model


def check_observation_version(path: Path, model: Any, expected: int | None) -> int:
    """The observation layout of a loaded model, by its sidecar when it has one and by its input size.

    Args:
        path: The model's ``.zip`` (its sidecar is the ``.json`` beside it).
        model: The loaded SB3 model.
        expected: The layout the caller feeds, or None for any layout this code writes (v3, v4).

    Raises:
        ModelError: The model's layout is not the expected one (or, with None, one this code no longer writes).
    """
    recorded = recorded_observation_version(path)
    size = int(np.prod(model.observation_space.shape))
    version = recorded if recorded is not None else _version_or_none(size)
    wanted = (expected,) if expected is not None else READABLE_VERSIONS
    if version not in wanted or size != observation_size(version):
        made_for = f"v{version}" if version is not None else f"{size} inputs"
        feeds = " or ".join(f"v{v} ({observation_size(v)} inputs)" for v in wanted)
        raise ModelError(
            f"{path}: made for observation layout {made_for}, but this code feeds {feeds}: "
            "train a new model for this version"
        )
    return version


def recorded_observation_version(path: str | os.PathLike[str]) -> int | None:
    """The observation layout a model's sidecar records (v3 when it records none); None without a readable one.

    An unreadable sidecar says nothing: the model's input size still does.
    """
    sidecar = ModelPaths.of(path).sidecar
    if not sidecar.is_file():
        return None
    try:
        return int(read_sidecar(sidecar).get("observation_version", UNVERSIONED_OBSERVATION_VERSION))
    except (ModelError, TypeError, ValueError):
        return None


def observation_version_of_file(path: str | os.PathLike[str]) -> int:
    """The observation layout of a saved SB3 model, without loading it: its sidecar, else its input size.

    The size is read from the model's JSON description in the ``.zip`` (nothing is unpickled).

    Raises:
        ModelError: Unreadable file, or a layout this code does not write any more.
    """
    import zipfile

    path = Path(path)
    if not path.is_file():
        raise ModelError(f"{path}: no such model file")
    recorded = recorded_observation_version(path)
    if recorded is not None:
        return recorded
    try:
        with zipfile.ZipFile(path) as archive:
            shape = json.loads(archive.read("data"))["observation_space"]["_shape"]
        size = int(np.prod(shape))
    except (OSError, zipfile.BadZipFile, KeyError, ValueError, TypeError) as exc:
        raise ModelError(f"{path}: not a readable SB3 model ({type(exc).__name__}: {exc})") from None
    version = _version_or_none(size)
    if version is None:
        raise ModelError(f"{path}: a model for {size} inputs: no observation layout this code writes has that many")
    return version


def _version_or_none(size: int) -> int | None:
    try:
        return version_for_size(size)
    except ValueError:
        return None


def file_sha256(path: str | os.PathLike[str]) -> str:
    """Hex SHA-256 of a file."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def package_versions() -> dict[str, str]:
    """Python and the versions of the packages that shape a model."""
    versions = {"python": platform.python_version(), "platform": platform.platform()}
    for name in PACKAGES:
        try:
            versions[name] = importlib.metadata.version(name.replace("_", "-"))
        except importlib.metadata.PackageNotFoundError:
            module = sys.modules.get(name)
            versions[name] = getattr(module, "__version__", "not installed")
    return versions


def git_revision(repo: str | os.PathLike[str] | None = None) -> dict[str, Any]:
    """``{"commit": ..., "dirty": ...}`` of the checkout holding this code (or ``repo``), or nulls outside git."""
    repo = Path(__file__).resolve().parents[1] if repo is None else repo
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=repo, capture_output=True, text=True, timeout=5, check=True
        ).stdout.strip()
        status = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=repo,
            capture_output=True,
            text=True,
            timeout=5,
            check=True,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return {"commit": None, "dirty": None}
    return {"commit": commit, "dirty": bool(status.strip())}


def command_line(argv: list[str] | None = None) -> str:
    """The command that is running, as one shell-quoted string."""
    argv = list(sys.argv if argv is None else argv)
    if argv and Path(argv[0]).parent.name == "agents" and argv[0].endswith(".py"):
        argv = ["-m", f"agents.{Path(argv[0]).stem}", *argv[1:]]  # how `python -m agents.x` shows in sys.argv
    return shlex.join(["python", *argv])


def machine() -> dict[str, Any]:
    """What machine this is (for the sidecar: reports say what trained a model)."""
    return {"platform": platform.platform(), "cpu_count": os.cpu_count(), "processor": platform.processor()}


def sidecar_record(**fields: Any) -> dict[str, Any]:
    """A sidecar's JSON object: format, version, creation time, the caller's fields, machine, versions, git state."""
    return {
        "format": SIDECAR_FORMAT,
        "version": SIDECAR_VERSION,
        "actor_format_version": ACTOR_VERSION,
        "observation_version": OBSERVATION_VERSION,  # callers with a model of another layout pass theirs
        "created": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
        **fields,
        "machine": machine(),
        "versions": package_versions(),
        "git": git_revision(),
    }


def write_sidecar(path: str | os.PathLike[str], record: dict[str, Any]) -> None:
    """Write a sidecar atomically (non-finite numbers become null)."""
    atomic_write_text(path, json.dumps(_finite(record), indent=1, allow_nan=False, default=str) + "\n")


def read_sidecar(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Read a sidecar.

    Raises:
        ModelError: Missing, unreadable, or not a sidecar.
    """
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ModelError(f"{path}: no such sidecar file") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ModelError(f"{path}: unreadable sidecar ({exc})") from None
    if not isinstance(data, dict) or data.get("format") != SIDECAR_FORMAT:
        raise ModelError(f"{path}: not a RetroRacer model sidecar")
    return data


def _finite(value: Any) -> Any:
    if isinstance(value, float) and not np.isfinite(value):
        return None
    if isinstance(value, dict):
        return {str(k): _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    if isinstance(value, np.generic):
        return _finite(value.item())
    if isinstance(value, np.ndarray):
        return _finite(value.tolist())
    return value
