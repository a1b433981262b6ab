"""One trial: its config, its training run through ``agents.train.train``, its value, pruning on the evaluations.

The value is measured on the sweep's evaluation tracks (by default generated ones, see
:data:`agents.tune.settings.EVAL_TRACK_SEED`): mean lap completion minus :data:`RATIO_WEIGHT` times (mean ratio to
the reference lap - 1), a track without a flying lap counting as ratio 10 (as
:func:`agents.callbacks.evaluation.evaluation_score` ranks evaluations). One more completed lap in a few episodes
outweighs any difference of pace, so completion comes first and pace breaks ties. The trial's value is that of the
final evaluation (of the policy the run keeps, over ``final_eval_episodes`` fresh episodes); each periodic
evaluation is reported to the trial as an intermediate value, for the pruner.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from agents.callbacks.evaluation import evaluation_score
from agents.config import TrainConfig, config_for_mode
from agents.tune.settings import TuneSettings
from agents.tune.space import sample

RATIO_WEIGHT = 0.1


def objective_value(results: Sequence[Any]) -> float:
    """The value of an evaluation: completion - RATIO_WEIGHT * (ratio - 1); results as objects or dicts."""
    as_objects = [SimpleNamespace(**r) if isinstance(r, dict) else r for r in results]
    completion, minus_ratio = evaluation_score(as_objects)
    return completion - RATIO_WEIGHT * (-minus_ratio - 1.0)


def trial_seed(settings: TuneSettings, number: int) -> int:
    """The training seed of trial ``number``: the first seed, plus the trial number in seeds-only mode."""
    return settings.first_seed + number if settings.seeds_only else settings.first_seed


def trial_config(settings: TuneSettings, trial: Any) -> TrainConfig:
    """The training config of a trial: fixed settings, sampled settings, its own folder and seed.

    Raises:
        ValueError: The sampled settings cannot work together (the trial fails).
    """
    folder = settings.trial_dir(trial.number)
    values = {
        **settings.fixed,
        **sample(trial, settings.space),
        "seed": trial_seed(settings, trial.number),
        "out": str(folder / "model.zip"),
        "run_dir": str(folder),
        "status_file": str(folder / "status.json"),
        "run_name": f"{settings.study_name}-trial-{trial.number}",
    }
    values.setdefault("logdir", str(Path(settings.study_dir) / "tensorboard"))
    values.setdefault("progress", False)
    return config_for_mode(settings.mode, **values)


class EvaluationReporter:
    """``on_evaluation`` hook of :func:`agents.train.train`: reports each evaluation to the trial, prunes.

    The step reported is the nominal one (a multiple of ``eval_every``), so trials that step a different number of
    envs at once still compare at the same steps. The evaluation after the last step is reported, never pruned.
    A pruned run stops where it is (no model saved; its status file says "failed", with the pruning message).
    """

    def __init__(self, trial: Any, eval_every: int, total_steps: int) -> None:
        self.trial = trial
        self.eval_every = eval_every
        self.total_steps = total_steps
        self.last_value: float | None = None

    def __call__(self, steps: int, results: Sequence[Any]) -> None:
        """Report; raises ``optuna.TrialPruned`` when the pruner says so."""
        import optuna

        value = objective_value(results)
        self.last_value = value
        step = max(1, round(steps / self.eval_every)) * self.eval_every
        self.trial.report(value, step)
        if steps < self.total_steps and self.trial.should_prune():
            raise optuna.TrialPruned(f"pruned at step {steps}: value {value:.4f}")


def run_trial(settings: TuneSettings, trial: Any) -> float:
    """Train one trial into its folder and return its value (raises ``optuna.TrialPruned`` if pruned)."""
    from agents.train import train

    config = trial_config(settings, trial)
    folder = settings.trial_dir(trial.number)
    if folder.is_dir() and any(folder.iterdir()):
        raise RuntimeError(f"{folder} is not empty: it belongs to another study of this name; move it away")
    trial.set_user_attr("seed", config.seed)
    trial.set_user_attr("run_dir", str(folder))
    reporter = EvaluationReporter(trial, config.eval_every, config.steps)
    result = train(config, argv=None, on_evaluation=reporter)
    if result.interrupted:  # Ctrl-C or SIGTERM: the model is saved; the trial is not complete, the worker stops
        raise KeyboardInterrupt
    trial.set_user_attr("steps", result.num_timesteps)
    trial.set_user_attr("train_wall_s", round(result.wall_time_s, 1))
    if result.evaluation:
        completion, minus_ratio = evaluation_score([SimpleNamespace(**r) for r in result.evaluation])
        trial.set_user_attr("completion", round(completion, 4))
        trial.set_user_attr("ratio", round(-minus_ratio, 4))
        return objective_value(result.evaluation)
    if reporter.last_value is None:
        raise RuntimeError("the run was not evaluated: a sweep needs --eval-every > 0 or --final-eval-episodes > 0")
    return reporter.last_value
