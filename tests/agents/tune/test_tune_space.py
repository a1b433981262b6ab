"""The search space: one default, the --param grammar, --only and fixed settings, and what a trial samples."""

import optuna
import pytest

from agents.config import config_for_mode
from agents.tune.space import DEFAULT_SPACE, Param, build_space, parse_param, sample, to_setting


def test_default_space_covers_the_settings_that_matter_and_every_value_makes_a_valid_config():
    names = {p.name for p in DEFAULT_SPACE}
    for name in ("learning_rate", "batch_size", "updates_per_step", "net_arch", "gamma", "tau", "ent_coef"):
        assert name in names
    assert {"track_mix_spread", "wide_track_share", "line_penalty", "off_track_penalty"} <= names
    for p in DEFAULT_SPACE:
        for value in p.choices if p.kind == "cat" else (p.low, p.high):
            config_for_mode("base", **{p.name: to_setting(p.name, value)})


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("learning_rate=float:1e-5:1e-3:log", Param("learning_rate", "float", 1e-5, 1e-3, log=True)),
        ("n-envs=int:8:32", Param("n_envs", "int", 8, 32)),
        ("batch_size=cat:64,128", Param("batch_size", "cat", choices=(64, 128))),
        ("net_arch=cat:64-64,128-128-128", Param("net_arch", "cat", choices=("64-64", "128-128-128"))),
        ("ent_coef=cat:auto,0.05", Param("ent_coef", "cat", choices=("auto", 0.05))),
    ],
)
def test_param_grammar(text, expected):
    param = parse_param(text)
    assert param == expected
    assert parse_param(param.describe()) == param


@pytest.mark.parametrize(
    "text",
    [
        "learning_rate",
        "learning_rate=uniform:1:2",
        "learning_rate=float:1e-3:1e-5",
        "learning_rate=float:0:1e-3:log",
        "learning_rate=float:a:b",
        "no_such_setting=float:0:1",
        "seed=int:0:9",
        "net_arch=cat:big,small",
        "batch_size=cat:",
    ],
)
def test_bad_params_are_refused(text):
    with pytest.raises(ValueError):
        parse_param(text)


def test_overrides_only_and_fixed_settings_shape_the_space():
    space = build_space([parse_param("gamma=cat:0.9,0.95")], only=["gamma", "tau"], fixed=["tau"])
    assert [p.describe() for p in space] == ["gamma=cat:0.9,0.95"]
    assert "batch_size" not in {p.name for p in build_space(fixed=["batch_size"])}
    with pytest.raises(ValueError, match="not in the search space"):
        build_space(only=["n_envs"])


def test_a_trial_samples_settings_as_train_config_takes_them():
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=1))
    trial = study.ask()
    values = sample(trial, DEFAULT_SPACE)
    assert isinstance(values["net_arch"], list) and all(isinstance(n, int) for n in values["net_arch"])
    assert 3e-5 <= values["learning_rate"] <= 1e-3
    assert set(trial.params) == {p.name for p in DEFAULT_SPACE}
    config_for_mode("base", **values)
