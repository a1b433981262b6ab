"""Stable-Baselines3 callbacks of ``agents.train``: progress and status file, checkpoints, evaluation, warm-up.

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
import warnings
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


class StatusFile:
    """The run's state as JSON (``--status-file``), for other programs (the game's fine-tune job reads it).

    Every write replaces the whole file atomically, so a reader sees the previous state or the new one, never
    half of one. :class:`ProgressCallback` writes it at its report interval (about once a second),
    :class:`EvalCallback` adds the last evaluation, and ``agents.train`` writes the final state: "done" or
    "interrupted" once the model files are saved, "failed" with the error. Each write stamps ``wall_s`` (training
    wall time) and ``updated`` (seconds since the epoch).
    """

    def __init__(self, path: str | Path, mode: str, total_steps: int, clock: WallClock | None = None) -> None:
        self.path = Path(path)
        self.clock = clock or WallClock()
        self._warned = False
        self.record: dict[str, Any] = {
            "state": "running",
            "mode": mode,
            "steps": 0,
            "total_steps": int(total_steps),
            "episodes": 0,
            "lap_completion": None,
            "mean_reward": None,
            "steps_per_s": None,
            "wall_s": 0.0,
            "last_eval": None,
            "model": None,
            "error": None,
        }

    def update(self, **fields: Any) -> None:
        """Change fields without writing (the next :meth:`write` includes them)."""
        self.record.update(fields)

    def write(self, state: str | None = None, **fields: Any) -> None:
        """Update fields (and the state), stamp the wall time and rewrite the file atomically."""
        if state is not None:
            fields["state"] = state
        self.record.update(fields)
        self.record["wall_s"] = round(self.clock.seconds(), 3)
        self.record["updated"] = time.time()
        try:
            atomic_write_text(self.path, json.dumps(_finite(self.record), indent=1) + "\n")
        except OSError as exc:  # a status file that cannot be written must not stop a long training
            if not self._warned:
                warnings.warn(f"cannot write the status file {self.path}: {exc}", stacklevel=2)
                self._warned = True


def evaluation_summary(steps: int, wall_s: float, results: Sequence[dict[str, Any]], final: bool) -> dict[str, Any]:
    """An evaluation in short (for the status file): means over the tracks, then each track's main numbers.

    Args:
        steps: Env steps of the model evaluated.
        wall_s: Training wall time at the evaluation [s].
        results: :meth:`agents.evaluate.EvalResult.to_dict` of each track.
        final: The evaluation at the end of the run (else a periodic one).
    """
    ratios = [r["ratio"] for r in results if r.get("ratio") is not None]
    return {
        "kind": "final" if final else "periodic",
        "steps": int(steps),
        "wall_s": round(wall_s, 3),
        "completion_rate": float(np.mean([r["completion_rate"] for r in results])) if results else None,
        "ratio": float(np.mean(ratios)) if ratios else None,
        "off_track_rate": float(np.mean([r["off_track_rate"] for r in results])) if results else None,
        "tracks": [
            {key: r.get(key) for key in ("track", "episodes", "completion_rate", "best_lap_s", "ratio")}
            for r in results
        ],
    }


def _finite(value: Any) -> Any:
    """``value`` with NaN and infinities replaced by None (strict JSON)."""
    if isinstance(value, float) and not np.isfinite(value):
        return None
    if isinstance(value, dict):
        return {key: _finite(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(item) for item in value]
    return value


class ProgressCallback(BaseCallback):
    """Progress bar (steps, episodes, mean reward and length, lap completion, steps/s) and TensorBoard scalars.

    The status file (when given) is written with the same statistics, at the same ``interval_s``.
    """

    def __init__(
        self,
        total_steps: int,
        clock: WallClock,
        show_bar: bool = True,
        interval_s: float = 1.0,
        status: StatusFile | None = None,
    ) -> None:
        super().__init__()
        self.total_steps = total_steps
        self.clock = clock
        self.show_bar = show_bar
        self.interval_s = interval_s
        self.status = status
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
        self._write_status()

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
        self._write_status(summary)
        self._last_time = now
        self._last_steps = self.num_timesteps

    def _write_status(self, summary: dict[str, float] | None = None) -> None:
        if self.status is None:
            return
        summary = self.stats.summary() if summary is None else summary
        self.status.write(
            "running",
            steps=int(self.num_timesteps),
            episodes=self.stats.episodes,
            lap_completion=summary.get("lap_completion"),
            mean_reward=summary.get("mean_reward"),
            steps_per_s=self.steps_per_s if self.steps_per_s > 0 else None,
        )

    def _on_training_end(self) -> None:
        self.close()

    def close(self) -> None:
        """Finish the bar, bring the status file up to date (also called after Ctrl-C: SB3 skips on_training_end)."""
        if self.bar is not None:
            self.bar.update(self.num_timesteps - self.bar.n)
            self.bar.close()
            self.bar = None
        if self.status is not None and self.status.record["steps"] != self.num_timesteps:
            self._write_status()


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
        status: StatusFile | None = None,
    ) -> None:
        super().__init__()
        self.status = status
        self.tracks = list(tracks)
        self.every = every
        self.episodes = episodes
        self.curve_path = Path(curve_path)
        self.clock = clock
        self.seed = seed
        self._next = 0
        self._references: dict[int, float | None] = {}
        self.last_results: list[Any] = []
        self.best_score: tuple[float, float] | None = None
        self.best_steps: int | None = None
        self.best_policy: dict[str, Any] | None = None
        self.last_steps: int | None = None

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
        self.last_steps = self.num_timesteps
        score = evaluation_score(results)
        if self.best_score is None or score > self.best_score:
            self.best_score = score
            self.best_steps = self.num_timesteps
            self.best_policy = {k: v.detach().clone() for k, v in self.model.policy.state_dict().items()}
        if self.status is not None:  # written with the next progress report
            self.status.update(
                last_eval=evaluation_summary(
                    self.num_timesteps, wall_min * 60.0, [r.to_dict() for r in results], final=False
                )
            )
        return results

    def _append_rows(self, rows: list[dict[str, Any]]) -> None:
        old = self.curve_path.read_text(encoding="utf-8") if self.curve_path.is_file() else ""
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=CURVE_COLUMNS, lineterminator="\n")
        if not old:
            writer.writeheader()
        writer.writerows(rows)
        atomic_write_text(self.curve_path, old + buffer.getvalue())


def evaluation_score(results: Sequence[Any]) -> tuple[float, float]:
    """(mean lap completion, minus the mean ratio to the reference lap): higher is better, compared in order.

    A track without a ratio (no flying lap) counts as ratio 10.
    """
    completion = float(np.mean([r.completion_rate for r in results]))
    ratios = [10.0 if r.ratio is None else float(r.ratio) for r in results]
    return completion, -float(np.mean(ratios))


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
