"""Stable-Baselines3 callbacks of ``agents.train``: progress bar, checkpoints, periodic evaluation, policy warm-up.

Checkpoints live in the run folder (``runs/<mode>-<model>/``)::

    ckpt_000100000.zip           the SB3 model at 100k env steps
    ckpt_000100000_replay.pkl    its replay buffer (optional)
    checkpoint.json              the latest checkpoint: file names, steps, wall time, resolved config, run name

Every file is written atomically, and ``checkpoint.json`` last, so it always names a complete checkpoint.
"""

from __future__ import annotations

import collections
import csv
import io
import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import numpy as np
from stable_baselines3.common.callbacks import BaseCallback

from game.files import atomic_open, atomic_write_text
from game.track import Track

CHECKPOINT_STATE = "checkpoint.json"
CURVE_COLUMNS = (
    "steps",
    "wall_time_min",
    "track",
    "completion_rate",
    "best_lap_s",
    "mean_lap_s",
    "reference_lap_s",
    "ratio",
    "off_track_rate",
)


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


# -- progress and episode statistics ----------------------------------------------------------------------------
class EpisodeStats:
    """Rolling statistics of the last ``window`` finished training episodes."""

    def __init__(self, window: int = 100) -> None:
        self.episodes = 0
        self.returns: collections.deque[float] = collections.deque(maxlen=window)
        self.lengths: collections.deque[int] = collections.deque(maxlen=window)
        self.laps: collections.deque[int] = collections.deque(maxlen=window)
        self.off_track: collections.deque[bool] = collections.deque(maxlen=window)

    def add(self, info: dict[str, Any]) -> None:
        """Record one finished episode from its last info (``episode`` comes from SB3's Monitor)."""
        self.episodes += 1
        episode = info.get("episode")
        if episode is not None:
            self.returns.append(float(episode["r"]))
            self.lengths.append(int(episode["l"]))
        self.laps.append(int(info.get("laps", 0)))
        self.off_track.append(bool(info.get("off_track", False)))

    def summary(self) -> dict[str, float]:
        """Means over the window: reward, length, share of episodes with a completed lap, laps, off-track share."""
        if not self.laps:
            return {}
        out = {
            "lap_completion": float(np.mean([laps >= 1 for laps in self.laps])),
            "mean_laps": float(np.mean(self.laps)),
            "off_track": float(np.mean(self.off_track)),
        }
        if self.returns:
            out["mean_reward"] = float(np.mean(self.returns))
            out["mean_length"] = float(np.mean(self.lengths))
        return out


class ProgressCallback(BaseCallback):
    """Progress bar (steps, episodes, mean reward and length, lap completion, steps/s) and TensorBoard scalars."""

    def __init__(self, total_steps: int, clock: WallClock, show_bar: bool = True, interval_s: float = 1.0) -> None:
        super().__init__()
        self.total_steps = total_steps
        self.clock = clock
        self.show_bar = show_bar
        self.interval_s = interval_s
        self.stats = EpisodeStats()
        self.bar: Any = None
        self._last_time = 0.0
        self._last_steps = 0
        self.steps_per_s = 0.0

    def _on_training_start(self) -> None:
        self._last_time = time.perf_counter()
        self._last_steps = self.num_timesteps
        if self.show_bar:
            from tqdm import tqdm

            self.bar = tqdm(
                total=self.total_steps, initial=self.num_timesteps, unit="step", dynamic_ncols=True, smoothing=0.05
            )

    def _on_step(self) -> bool:
        for done, info in zip(self.locals["dones"], self.locals["infos"], strict=True):
            if done:
                self.stats.add(info)
        now = time.perf_counter()
        if now - self._last_time >= self.interval_s:
            self._report(now)
        return True

    def _report(self, now: float) -> None:
        self.steps_per_s = (self.num_timesteps - self._last_steps) / (now - self._last_time)
        summary = self.stats.summary()
        self.logger.record("time/env_steps_per_s", self.steps_per_s)
        self.logger.record("time/wall_time_min", self.clock.seconds() / 60.0)
        for key, value in summary.items():
            self.logger.record(f"rollout/{key}", value)
        if self.bar is not None:
            self.bar.update(self.num_timesteps - self.bar.n)
            postfix = {"ep": self.stats.episodes}
            if "mean_reward" in summary:
                postfix["rew"] = f"{summary['mean_reward']:.1f}"
                postfix["len"] = f"{summary['mean_length']:.0f}"
            if summary:
                postfix["lap"] = f"{100 * summary['lap_completion']:.0f}%"
            postfix["sps"] = f"{self.steps_per_s:.0f}"
            self.bar.set_postfix(postfix, refresh=False)
        self._last_time = now
        self._last_steps = self.num_timesteps

    def _on_training_end(self) -> None:
        self.close()

    def close(self) -> None:
        """Finish the bar (also called after Ctrl-C, when SB3 skips ``on_training_end``)."""
        if self.bar is not None:
            self.bar.update(self.num_timesteps - self.bar.n)
            self.bar.close()
            self.bar = None


# -- periodic evaluation ------------------------------------------------------------------------------------------
class EvalCallback(BaseCallback):
    """Every ``every`` env steps: :func:`agents.evaluate.evaluate` on each track, logged to TensorBoard and a CSV.

    The CSV (``<model>.curve.csv``) has one row per track per evaluation: steps, wall-clock minutes, completion
    rate, best and mean flying lap, reference lap, ratio, off-track rate. It is the learning curve: laps
    completed against steps and against wall-clock minutes.
    """

    def __init__(
        self,
        tracks: Sequence[Track],
        every: int,
        episodes: int,
        curve_path: str | Path,
        clock: WallClock,
        seed: int = 10_000,
    ) -> None:
        super().__init__()
        self.tracks = list(tracks)
        self.every = every
        self.episodes = episodes
        self.curve_path = Path(curve_path)
        self.clock = clock
        self.seed = seed
        self._next = 0
        self._references: dict[int, float | None] = {}
        self.last_results: list[Any] = []

    def _on_training_start(self) -> None:
        self._next = (self.num_timesteps // self.every + 1) * self.every

    def _on_step(self) -> bool:
        if self.num_timesteps >= self._next:
            self.run_evaluation()
            self._next = (self.num_timesteps // self.every + 1) * self.every
        return True

    def run_evaluation(self) -> list[Any]:
        """Evaluate now; returns the :class:`agents.evaluate.EvalResult` per track."""
        from agents.evaluate import evaluate, reference_lap_time
        from agents.models import actor_from_model

        wall_min = self.clock.seconds() / 60.0
        actor = actor_from_model(self.model)
        results = []
        for i, track in enumerate(self.tracks):
            if i not in self._references:
                self._references[i] = reference_lap_time(track)
            result = evaluate(
                actor,
                track,
                episodes=self.episodes,
                seed=self.seed,
                reference_lap_s=self._references[i],
                with_reference=False,
            )
            results.append(result)
        rows = [_curve_row(self.num_timesteps, wall_min, r) for r in results]
        self._append_rows(rows)
        completion = float(np.mean([r.completion_rate for r in results]))
        ratios = [r.ratio for r in results if r.ratio is not None]
        self.logger.record("eval/completion_rate", completion)
        self.logger.record("eval/off_track_rate", float(np.mean([r.off_track_rate for r in results])))
        self.logger.record("eval/wall_time_min", wall_min)
        if ratios:
            self.logger.record("eval/ratio", float(np.mean(ratios)))
        self.logger.dump(self.num_timesteps)
        self.last_results = results
        return results

    def _append_rows(self, rows: list[dict[str, Any]]) -> None:
        old = self.curve_path.read_text(encoding="utf-8") if self.curve_path.is_file() else ""
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=CURVE_COLUMNS, lineterminator="\n")
        if not old:
            writer.writeheader()
        writer.writerows(rows)
        atomic_write_text(self.curve_path, old + buffer.getvalue())


def _curve_row(steps: int, wall_min: float, result: Any) -> dict[str, Any]:
    def number(value: float | None) -> str:
        return "" if value is None else f"{value:.4f}"

    return {
        "steps": steps,
        "wall_time_min": f"{wall_min:.3f}",
        "track": result.track,
        "completion_rate": number(result.completion_rate),
        "best_lap_s": number(result.best_lap_s),
        "mean_lap_s": number(result.mean_lap_s),
        "reference_lap_s": number(result.reference_lap_s),
        "ratio": number(result.ratio),
        "off_track_rate": number(result.off_track_rate),
    }


# -- fine-tuning ----------------------------------------------------------------------------------------------------
class PolicyWarmupCallback(BaseCallback):
    """No gradient updates for the first ``warmup_steps`` env steps: the loaded policy fills the replay buffer.

    SB3's ``learning_starts`` would also hold back updates but drives with uniformly random actions; here the
    (stochastic) policy drives. Works by setting ``model.gradient_steps`` before SB3 decides whether to train.
    """

    def __init__(self, warmup_steps: int, gradient_steps: int) -> None:
        super().__init__()
        self.warmup_steps = warmup_steps
        self.gradient_steps = gradient_steps

    def _on_training_start(self) -> None:
        self._apply()

    def _on_step(self) -> bool:
        self._apply()
        return True

    def _apply(self) -> None:
        self.model.gradient_steps = 0 if self.num_timesteps < self.warmup_steps else self.gradient_steps
