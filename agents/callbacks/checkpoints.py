"""Checkpoints in the run folder, written atomically, ``checkpoint.json`` last; the run's wall clock.

A checkpoint is ``ckpt_<steps>.zip`` (the model), ``ckpt_<steps>_replay.pkl`` (the replay buffer),
``ckpt_<steps>_average.pt`` (the policy average of ``--policy-average-steps``, when the run keeps one) and
``ckpt_<steps>.json`` (what ``checkpoint.json`` says about it, so that a damaged ``checkpoint.json`` does not lose
the run); ``checkpoint.json`` points at the latest. :func:`checkpoint_candidates` lists the usable ones, latest
first, so that ``--resume`` can fall back to the one before when the latest cannot be loaded.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from stable_baselines3.common.callbacks import BaseCallback

from game.sim.files import atomic_open, atomic_write_text

CHECKPOINT_STATE = "checkpoint.json"
CHECKPOINT_NAME = re.compile(r"^(ckpt_\d+)(\.zip|\.json|_replay\.pkl|_average\.pt)$")


class CheckpointError(ValueError):
    """A run folder whose checkpoints cannot be used (the message says which and why)."""


class WallClock:
    """Training wall time that survives --resume: the time of earlier runs plus this one's."""

    def __init__(self, earlier_s: float = 0.0) -> None:
        self.earlier_s = earlier_s
        self.started = time.perf_counter()

    def seconds(self) -> float:
        """Total training wall time so far [s]."""
        return self.earlier_s + time.perf_counter() - self.started


# -- checkpoints ----------------------------------------------------------------------------------------------------
@dataclass
class CheckpointState:
    """What ``checkpoint.json`` says about the latest checkpoint."""

    model: str
    replay_buffer: str | None
    num_timesteps: int
    wall_time_s: float
    run_name: str
    config: dict[str, Any]
    command: str = ""
    versions: dict[str, str] = field(default_factory=dict)
    policy_average: str | None = None


def save_checkpoint(
    model: Any,
    run_dir: str | Path,
    run_name: str,
    config: dict[str, Any],
    wall_time_s: float,
    with_replay_buffer: bool = True,
    keep: int = 2,
    policy_average: dict[str, Any] | None = None,
) -> CheckpointState:
    """Write model (replay buffer, policy average) atomically, then point ``checkpoint.json`` at them; prune."""
    run_dir = Path(run_dir)
    run_dir.mkdir(parents=True, exist_ok=True)
    stem = f"ckpt_{model.num_timesteps:09d}"
    with atomic_open(run_dir / f"{stem}.zip", "wb") as handle:
        model.save(handle)
    replay = None
    if with_replay_buffer and getattr(model, "replay_buffer", None) is not None:
        replay = f"{stem}_replay.pkl"
        with atomic_open(run_dir / replay, "wb") as handle:
            model.save_replay_buffer(handle)
    average = None
    if policy_average is not None:
        import torch

        average = f"{stem}_average.pt"
        with atomic_open(run_dir / average, "wb") as handle:
            torch.save(policy_average, handle)
    from agents.models import command_line, package_versions

    state = CheckpointState(
        f"{stem}.zip",
        replay,
        int(model.num_timesteps),
        wall_time_s,
        run_name,
        config,
        command_line(),
        package_versions(),
        average,
    )
    text = json.dumps(state.__dict__, indent=1) + "\n"
    atomic_write_text(run_dir / f"{stem}.json", text)
    atomic_write_text(run_dir / CHECKPOINT_STATE, text)
    _prune(run_dir, keep=max(1, keep), current=stem)
    return state


def read_state(path: Path) -> CheckpointState:
    """One checkpoint's state file.

    Raises:
        CheckpointError: Unreadable, truncated or not a checkpoint state.
    """
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        names = {f.name for f in fields(CheckpointState)}
        state = CheckpointState(**{key: value for key, value in data.items() if key in names})
    except (OSError, UnicodeDecodeError, ValueError, TypeError, AttributeError) as exc:
        raise CheckpointError(f"{path}: unreadable ({type(exc).__name__}: {exc}); truncated?") from None
    if not isinstance(state.model, str) or not isinstance(state.config, dict):
        raise CheckpointError(f"{path}: not a checkpoint state")
    return state


def checkpoint_candidates(run_dir: str | Path) -> tuple[list[CheckpointState], list[str]]:
    """The checkpoints of a run folder whose state can be read and whose model file is there, latest first.

    Returns:
        (states, problems): ``problems`` says, one line each, which state files could not be read.
    """
    run_dir = Path(run_dir)
    states: dict[str, CheckpointState] = {}
    problems: list[str] = []
    paths = [run_dir / CHECKPOINT_STATE] + sorted(run_dir.glob("ckpt_*.json"), reverse=True)
    for path in paths:
        if not path.is_file():
            continue
        try:
            state = read_state(path)
        except CheckpointError as exc:
            problems.append(str(exc))
            continue
        if (run_dir / state.model).is_file():
            states.setdefault(state.model, state)
    ordered = sorted(states.values(), key=lambda state: -state.num_timesteps)
    return ordered, problems


def read_checkpoint(run_dir: str | Path) -> CheckpointState | None:
    """The latest usable checkpoint of a run folder, or None when there is none.

    Raises:
        CheckpointError: The folder has checkpoint files, but none can be used.
    """
    states, problems = checkpoint_candidates(run_dir)
    if states:
        return states[0]
    if problems or list(Path(run_dir).glob("ckpt_*.zip")):
        detail = "; ".join(problems) or "no checkpoint state file names a model that is there"
        raise CheckpointError(
            f"cannot resume from {run_dir}: {detail}. Start a new run (without --resume, or with another --run-dir)"
        )
    return None


def load_policy_average(run_dir: str | Path, state: CheckpointState) -> dict[str, Any] | None:
    """The policy average a checkpoint kept, or None when it kept none.

    Raises:
        CheckpointError: The file is missing or cannot be read.
    """
    if not state.policy_average:
        return None
    import torch

    path = Path(run_dir) / state.policy_average
    try:
        average = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as exc:  # noqa: BLE001  # a damaged file raises almost anything
        raise CheckpointError(f"checkpoint {state.policy_average}: unreadable ({type(exc).__name__})") from None
    if not isinstance(average, dict):
        raise CheckpointError(f"checkpoint {state.policy_average}: not a policy average")
    return average


def _prune(run_dir: Path, keep: int, current: str) -> None:
    stems = sorted({m.group(1) for p in run_dir.glob("ckpt_*") if (m := CHECKPOINT_NAME.match(p.name))})
    stale = [s for s in stems if s != current][: max(0, len(stems) - keep)]
    for stem in stale:
        for suffix in (".zip", "_replay.pkl", "_average.pt", ".json"):
            path = run_dir / f"{stem}{suffix}"
            path.unlink(missing_ok=True)


class CheckpointCallback(BaseCallback):
    """Checkpoint every ``every`` env steps (model, replay buffer, checkpoint.json).

    Saves at the start of a rollout, not in ``on_step``: SB3 calls ``on_step`` before it stores the step's
    transitions and before the gradient updates of that round, so a checkpoint there would miss them.
    """

    def __init__(self, every: int, save: Callable[[], object]) -> None:
        super().__init__()
        self.every = every
        self.save = save
        self._next = 0

    def _on_training_start(self) -> None:
        self._next = (self.num_timesteps // self.every + 1) * self.every

    def _on_rollout_start(self) -> None:
        if self.model.num_timesteps >= self._next:
            self.save()
            self._next = (self.model.num_timesteps // self.every + 1) * self.every

    def _on_step(self) -> bool:
        return True
