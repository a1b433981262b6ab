"""Progress bar, episode statistics and the status file that the editor's background job reads."""

from __future__ import annotations

import collections
import json
import time
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from stable_baselines3.common.callbacks import BaseCallback

from agents.callbacks.checkpoints import WallClock
from game.sim.files import atomic_write_text


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
