"""Checkpoints in the run folder, written atomically, ``checkpoint.json`` last; the run's wall clock."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from stable_baselines3.common.callbacks import BaseCallback

from game.sim.files import atomic_open, atomic_write_text

CHECKPOINT_STATE = "checkpoint.json"


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


def save_checkpoint(
    model: Any,
    run_dir: str | Path,
    run_name: str,
    config: dict[str, Any],
    wall_time_s: float,
    with_replay_buffer: bool = True,
    keep: int = 2,
) -> CheckpointState:
    """Write model (and replay buffer) atomically, then point ``checkpoint.json`` at them; prune old ones."""
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
    )
    atomic_write_text(run_dir / CHECKPOINT_STATE, json.dumps(state.__dict__, indent=1) + "\n")
    _prune(run_dir, keep=max(1, keep), current=stem)
    return state


def read_checkpoint(run_dir: str | Path) -> CheckpointState | None:
    """The latest checkpoint of a run folder, or None when there is none."""
    path = Path(run_dir) / CHECKPOINT_STATE
    if not path.is_file():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    names = {f.name for f in fields(CheckpointState)}
    return CheckpointState(**{key: value for key, value in data.items() if key in names})


def _prune(run_dir: Path, keep: int, current: str) -> None:
    stems = sorted(
        {p.name.split("_replay")[0].removesuffix(".zip") for p in run_dir.glob("ckpt_*") if not p.name.startswith(".")}
    )
    stale = [s for s in stems if s != current][: max(0, len(stems) - keep)]
    for stem in stale:
        for path in (run_dir / f"{stem}.zip", run_dir / f"{stem}_replay.pkl"):
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
