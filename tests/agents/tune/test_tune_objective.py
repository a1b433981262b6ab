"""A trial's value, and pruning wired to the periodic evaluation (a fake evaluation triggers it)."""

from types import SimpleNamespace

import optuna
import pytest

from agents.tune.objective import EvaluationReporter, objective_value, trial_config, trial_seed
from agents.tune.settings import TuneSettings
from agents.tune.space import parse_param


def result(completion, ratio):
    return SimpleNamespace(completion_rate=completion, ratio=ratio)


def test_value_ranks_completion_before_pace():
    assert objective_value([result(1.0, 1.10)]) == pytest.approx(0.99)
    assert objective_value([result(1.0, 1.30)]) < objective_value([result(1.0, 1.10)])
    assert objective_value([result(0.5, 1.05), result(1.0, 1.05)]) < objective_value([result(1.0, 1.5)] * 2)
    assert objective_value([{"completion_rate": 0.0, "ratio": None}]) == pytest.approx(-0.9)


def study_with_a_good_trial(pruner):
    study = optuna.create_study(direction="maximize", pruner=pruner)
    study.add_trial(optuna.trial.create_trial(value=1.0, intermediate_values={100: 0.99, 200: 0.99}))
    return study


def test_a_poor_evaluation_prunes_the_trial():
    study = study_with_a_good_trial(optuna.pruners.MedianPruner(n_startup_trials=1, n_warmup_steps=0))
    good = EvaluationReporter(study.ask(), eval_every=100, total_steps=1000)
    good(102, [result(1.0, 1.0)])  # as good as the other: goes on (the step is rounded to 100)
    poor = EvaluationReporter(study.ask(), eval_every=100, total_steps=1000)
    with pytest.raises(optuna.TrialPruned):
        poor(200, [result(0.0, None)])
    assert study.trials[1].intermediate_values == {100: pytest.approx(1.0)}
    assert study.trials[2].intermediate_values == {200: pytest.approx(-0.9)}


def test_the_last_evaluation_and_the_warmup_are_never_pruned():
    study = study_with_a_good_trial(optuna.pruners.MedianPruner(n_startup_trials=1, n_warmup_steps=200))
    reporter = EvaluationReporter(study.ask(), eval_every=100, total_steps=200)
    reporter(100, [result(0.0, None)])  # warm-up
    reporter(200, [result(0.0, None)])  # the end of the run
    assert reporter.last_value == pytest.approx(-0.9)


def test_trial_config_fixed_sampled_folder_and_seed(tmp_path):
    settings = TuneSettings(
        "s", "sqlite://", str(tmp_path), fixed={"steps": 1000, "batch_size": 64}, space=(parse_param("tau=cat:0.01"),)
    )
    trial = optuna.create_study().ask()
    config = trial_config(settings, trial)
    assert (config.steps, config.batch_size, config.tau, config.seed) == (1000, 64, 0.01, 0)
    assert config.out == str(tmp_path / "trial-0" / "model.zip") and config.run_dir == str(tmp_path / "trial-0")
    assert config.progress is False and config.logdir == str(tmp_path / "tensorboard")
    seeds = TuneSettings("s", "sqlite://", str(tmp_path), seeds_only=True, first_seed=7)
    assert [trial_seed(seeds, n) for n in range(3)] == [7, 8, 9]
    assert trial_seed(settings, 5) == 0
