"""Periodic evaluation during training: TensorBoard, the learning-curve CSV, the best policy kept."""

from __future__ import annotations

import contextlib
import csv
import io
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from stable_baselines3.common.callbacks import BaseCallback

from agents.callbacks.checkpoints import WallClock
from agents.callbacks.progress import StatusFile, evaluation_summary
from game.sim.files import atomic_write_text
from game.sim.track import Track

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


# -- periodic evaluation ------------------------------------------------------------------------------------------
class EvalCallback(BaseCallback):
    """Every ``every`` env steps: :func:`agents.evaluate.evaluate` on each track, logged to TensorBoard and a CSV.

    The CSV (``<model>.curve.csv``) has one row per track per evaluation: steps, wall-clock minutes, completion
    rate, best and mean flying lap, reference lap, ratio, off-track rate. It is the learning curve: laps
    completed against steps and against wall-clock minutes.

    ``on_result``, if given, is called after each evaluation with the step count and the results per track (e.g.
    ``agents.tune`` reports them to an Optuna trial); an exception it raises ends the run.
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
        on_result: Callable[[int, list[Any]], None] | None = None,
        policy_average: Any = None,
        line_clearance: float | None = None,
        goal_median: float | None = None,
    ) -> None:
        super().__init__()
        self.line_clearance = line_clearance  # the line the driver is evaluated on, if not its training line
        self.policy_average = policy_average  # agents.callbacks.averaging.PolicyAverage: evaluate the average
        self.status = status
        self.on_result = on_result
        self.tracks = list(tracks)
        self.every = every
        self.episodes = episodes
        self.curve_path = Path(curve_path)
        self.clock = clock
        self.seed = seed
        self._next = 0
        self._references: dict[int, float | None] = {}
        self.last_results: list[Any] = []
        self.goal_median = goal_median  # --keep-goal-median: evaluations meeting it are kept first
        self.best_score: tuple[float, ...] | None = None
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
        with self.policy_average.applied() if self.policy_average is not None else contextlib.nullcontext():
            actor = actor_from_model(self.model, line_clearance=self.line_clearance)
            policy = {k: v.detach().clone() for k, v in self.model.policy.state_dict().items()}
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
        score = goal_score(results, self.goal_median)
        if self.best_score is None or score > self.best_score:
            self.best_score = score
            self.best_steps = self.num_timesteps
            self.best_policy = policy
        if self.status is not None:  # written with the next progress report
            self.status.update(
                last_eval=evaluation_summary(
                    self.num_timesteps, wall_min * 60.0, [r.to_dict() for r in results], final=False
                )
            )
        if self.on_result is not None:
            self.on_result(self.num_timesteps, results)
        return results

    def _append_rows(self, rows: list[dict[str, Any]]) -> None:
        old = self.curve_path.read_text(encoding="utf-8") if self.curve_path.is_file() else ""
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=CURVE_COLUMNS, lineterminator="\n")
        if not old:
            writer.writeheader()
        writer.writerows(rows)
        atomic_write_text(self.curve_path, old + buffer.getvalue())


GOAL_TRACK_LAPS = 0.95  # a track is lapped in full at this share of its laps (issue 15: 95%)


def evaluation_score(results: Sequence[Any]) -> tuple[float, float]:
    """(mean lap completion, minus the mean ratio to the reference lap): higher is better, compared in order.

    A track without a ratio (no flying lap) counts as ratio 10.
    """
    completion = float(np.mean([r.completion_rate for r in results]))
    ratios = [10.0 if r.ratio is None else float(r.ratio) for r in results]
    return completion, -float(np.mean(ratios))


def lapped_median(results: Sequence[Any]) -> float | None:
    """The median ratio when every track is lapped in full (``GOAL_TRACK_LAPS``), else None."""
    if not results or any(r.completion_rate < GOAL_TRACK_LAPS or r.ratio is None for r in results):
        return None
    return float(np.median([float(r.ratio) for r in results]))


def meets_goal(results: Sequence[Any], goal_median: float) -> bool:
    """Every track lapped in full (``GOAL_TRACK_LAPS``) and a median ratio of at most ``goal_median``."""
    median = lapped_median(results)
    return median is not None and median <= goal_median


def goal_score(results: Sequence[Any], goal_median: float | None) -> tuple[float, ...]:
    """:func:`evaluation_score`, with the evaluations that meet ``goal_median`` first, by their lowest median."""
    score = evaluation_score(results)
    if goal_median is None:
        return score
    median = lapped_median(results)
    if median is not None and median <= goal_median:
        return (1.0, -median, *score)
    return (0.0, *score)


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
