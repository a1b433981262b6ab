"""Model soups: the weights are the ingredients' mean, the files are complete, bad ingredients are refused."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch

from agents.env import RetroRacerEnv
from agents.models import load_sb3, save_model
from agents.soup import average_models, main
from game.drivers.actor import ModelError, load_actor
from game.sim.observation_layout import OBSERVATION_SIZE, OBSERVATION_VERSION


def tiny_sac(track, seed, net_arch=(16, 16), observation_version=OBSERVATION_VERSION):
    from stable_baselines3 import SAC

    model = SAC(
        "MlpPolicy",
        RetroRacerEnv(track=track, observation_version=observation_version),
        policy_kwargs={"net_arch": list(net_arch)},
        learning_starts=20,
        batch_size=16,
        buffer_size=200,
        seed=seed,
        device="cpu",
    )
    model.learn(40 + 10 * seed)  # a few updates of their own
    return model


@pytest.fixture(scope="module")
def ingredients(oval_track, tmp_path_factory):
    root = tmp_path_factory.mktemp("soup")
    paths = []
    for seed in (1, 2, 3):
        path = root / f"m{seed}.zip"
        save_model(tiny_sac(oval_track, seed), path)
        paths.append(path)
    return paths


def test_soup_weights_are_the_mean_and_the_files_are_complete(ingredients, tmp_path):
    out = tmp_path / "soup" / "base.zip"
    assert main(["--out", str(out), *map(str, ingredients)]) == 0
    models = [load_sb3(p) for p in ingredients]
    soup = load_sb3(out)
    for name, tensor in soup.policy.state_dict().items():
        expected = torch.stack([m.policy.state_dict()[name] for m in models]).mean(dim=0)
        torch.testing.assert_close(tensor, expected)
    expected_ent = torch.stack([m.log_ent_coef.detach() for m in models]).mean(dim=0)
    torch.testing.assert_close(soup.log_ent_coef.detach(), expected_ent)
    assert soup.num_timesteps == max(m.num_timesteps for m in models)
    assert not soup.actor.optimizer.state  # the optimisers start afresh
    # The game's weights-only actor drives like the soup's policy.
    obs = np.random.default_rng(0).uniform(-1, 1, (50, OBSERVATION_SIZE)).astype(np.float32)
    expected_actions, _ = soup.predict(obs, deterministic=True)
    np.testing.assert_allclose(load_actor(out.with_suffix(".npz")).act(obs), expected_actions, atol=1e-5)
    sidecar = json.loads(out.with_suffix(".json").read_text())
    assert sidecar["kind"] == "soup" and len(sidecar["ingredients"]) == 3
    assert sidecar["command"].startswith("python -m agents.soup --out")


def test_a_soup_of_blind_drivers_is_recorded_as_their_layout(oval_track, tmp_path):
    blind = [tmp_path / f"v3-{seed}.zip" for seed in (1, 2)]
    for seed, path in zip((1, 2), blind, strict=True):
        save_model(tiny_sac(oval_track, seed, observation_version=3), path)
    out = tmp_path / "soup.zip"
    assert main(["--out", str(out), *map(str, blind)]) == 0
    assert json.loads(out.with_suffix(".json").read_text())["observation_version"] == 3
    assert load_sb3(out).observation_space.shape == (22,)  # loads: the sidecar agrees with the network
    assert load_actor(out.with_suffix(".npz")).observation_version == 3


def test_models_of_other_shapes_or_too_few_are_refused(ingredients, oval_track, tmp_path):
    other = tmp_path / "other.zip"
    save_model(tiny_sac(oval_track, 1, net_arch=(8, 8)), other)
    with pytest.raises(ModelError, match="another network"):
        average_models([load_sb3(ingredients[0]), load_sb3(other)])
    with pytest.raises(ModelError, match="at least two"):
        average_models([load_sb3(ingredients[0])])
    broken = tmp_path / "broken.zip"
    broken.write_bytes(b"not a zip")
    assert main(["--out", str(tmp_path / "x.zip"), str(ingredients[0]), str(broken)]) == 2
