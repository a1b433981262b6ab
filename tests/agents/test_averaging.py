"""The policy average (agents/callbacks/averaging.py): it follows the weights slowly, drives only while applied,
and a run that keeps one saves it, checkpoints it and goes on with it after --resume."""

import json

import numpy as np
import pytest
import torch

from agents.callbacks.averaging import PolicyAverage
from agents.callbacks.checkpoints import load_policy_average, read_checkpoint
from agents.models import load_sb3
from agents.train import main
from game.sim.track.io import save_track

TINY = [
    "--n-envs", "2", "--buffer-size", "2000", "--batch-size", "32", "--net-arch", "16", "16", "--logdir", "",
    "--no-progress", "--final-eval-episodes", "0", "--learning-starts", "50", "--max-episode-steps", "60",
]  # fmt: skip


class FakeModel:
    def __init__(self):
        self.actor = torch.nn.Linear(3, 2)
        self.n_envs = 2


def averaged(steps, model):
    average = PolicyAverage(steps)
    average.model = model
    average._on_training_start()
    return average


def test_the_average_moves_a_share_of_the_way_each_vector_step():
    model = FakeModel()
    average = averaged(4, model)
    with torch.no_grad():
        model.actor.weight.fill_(0.0)
        before = average.average["weight"].clone()
        average._on_step()  # 2 env steps of a time constant of 4: 1 - exp(-0.5) of the way to 0
    np.testing.assert_allclose(average.average["weight"], before * np.exp(-0.5), rtol=1e-6)


def test_applied_swaps_the_average_in_and_the_learner_back():
    model = FakeModel()
    average = averaged(1000, model)
    learner = {k: v.clone() for k, v in model.actor.state_dict().items()}
    with torch.no_grad():
        average.average["weight"].fill_(7.0)
    with average.applied():
        assert torch.all(model.actor.weight == 7.0)
    assert torch.equal(model.actor.weight, learner["weight"])
    average.apply_for_good()
    assert torch.all(model.actor.weight == 7.0)


def test_a_saved_average_that_does_not_fit_is_refused():
    model = FakeModel()
    average = PolicyAverage(100)
    average.model = model
    average.restore({"weight": torch.zeros(5, 5), "bias": torch.zeros(2)})
    with pytest.raises(ValueError, match="does not fit"):
        average._on_training_start()


def test_policy_average_steps_must_be_positive():
    with pytest.raises(ValueError):
        PolicyAverage(0)


def test_a_run_saves_the_average_checkpoints_it_and_resumes_with_it(tmp_path, oval_track):
    save_track(oval_track, tmp_path / "oval.json")
    run_dir, out = tmp_path / "run", tmp_path / "driver.zip"
    argv = f"scratch --track {tmp_path / 'oval.json'} --out {out} --run-dir {run_dir}".split()
    argv += ["--policy-average-steps", "200", "--checkpoint-every", "100", "--eval-every", "0", *TINY]
    assert main([*argv, "--steps", "200"]) == 0
    state = read_checkpoint(run_dir)
    assert state.num_timesteps == 200 and state.policy_average == "ckpt_000000200_average.pt"
    average = load_policy_average(run_dir, state)
    learner = load_sb3(run_dir / state.model).actor.state_dict()
    saved = load_sb3(out).actor.state_dict()
    assert not torch.equal(average["mu.weight"], learner["mu.weight"])  # the learner went on with its own
    for name, tensor in average.items():  # the saved model drives with the average
        torch.testing.assert_close(saved[name], tensor)
    np.testing.assert_allclose(np.load(out.with_suffix(".npz"))["mu_weight"], average["mu.weight"].numpy().T)
    assert sorted(p.name for p in run_dir.glob("ckpt_*_average.pt")) == [
        "ckpt_000000100_average.pt",
        "ckpt_000000200_average.pt",
    ]

    assert main([*argv, "--steps", "300", "--resume"]) == 0
    resumed = load_policy_average(run_dir, read_checkpoint(run_dir))
    # it went on from the checkpoint's average: 100 more steps at a time constant of 200 move it part of the way
    learner_then = load_sb3(run_dir / "ckpt_000000300.zip").actor.state_dict()["mu.weight"]
    moved = torch.linalg.norm(resumed["mu.weight"] - average["mu.weight"])
    assert 0 < moved < torch.linalg.norm(learner_then - average["mu.weight"])
    assert json.loads((run_dir / "checkpoint.json").read_text())["policy_average"] == "ckpt_000000300_average.pt"
    assert not (run_dir / "ckpt_000000100_average.pt").exists()  # pruned with its checkpoint
