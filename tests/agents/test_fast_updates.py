"""The cheaper SAC update (agents.sac.fast_updates) and the vector env without deep copies: the same arithmetic."""

import dataclasses

import numpy as np
import pytest
import torch

from agents.config import config_for_mode
from agents.run_env import make_vec_env
from agents.sac import new_model


def _config(**changes):
    config = config_for_mode("base", n_envs=4, learning_starts=64, batch_size=32, net_arch=(32, 32), logdir="")
    return dataclasses.replace(config, **changes)


def _trained(config, tracks, fast: bool):
    torch.manual_seed(0)
    model = new_model(make_vec_env(config, tracks, plain=not fast), config, fast=fast)
    model.set_random_seed(0)
    model.start = [p.detach().clone() for p in model.actor.parameters()]
    model.learn(64 + 4 * 30)  # 30 updates after the buffer fills
    return model


def test_the_fast_update_learns_what_sb3s_own_update_learns(oval_track):
    config = _config()
    plain = _trained(config, [oval_track], fast=False)
    fast = _trained(config, [oval_track], fast=True)
    assert fast.actor.optimizer.param_groups[0]["fused"] is True
    for name in ("actor", "critic"):
        ours = dict(getattr(fast, name).named_parameters())
        for key, theirs in getattr(plain, name).named_parameters():
            assert torch.allclose(ours[key], theirs, atol=1e-5), f"{name}.{key} differs"
    assert not all(torch.equal(p, q) for p, q in zip(fast.actor.parameters(), fast.start, strict=True))


def test_the_critics_learn_again_after_every_update(oval_track):
    model = _trained(_config(), [oval_track], fast=True)
    assert all(p.requires_grad for p in model.critic.parameters())
    assert all(p.requires_grad for p in model.actor.parameters())


def test_the_vector_env_hands_out_each_steps_own_infos(oval_track):
    config = _config(n_envs=2, max_episode_steps=3)
    fresh, plain = make_vec_env(config, [oval_track]), make_vec_env(config, [oval_track], plain=True)
    fresh.seed(5)
    plain.seed(5)
    assert np.array_equal(fresh.reset(), plain.reset())
    kept = []
    for _ in range(4):  # past an episode's end (3 steps): the final observation and the reset
        action = np.array([[0.1, 0.8], [-0.1, 0.5]], dtype=np.float32)
        obs_f, rew_f, done_f, info_f = fresh.step(action)
        obs_p, rew_p, done_p, info_p = plain.step(action)
        assert np.array_equal(obs_f, obs_p) and np.array_equal(rew_f, rew_p) and np.array_equal(done_f, done_p)
        assert [i.keys() for i in info_f] == [i.keys() for i in info_p]
        kept.append(([dict(i) for i in info_f], info_f))
    for snapshot, infos in kept:
        assert [dict(i) for i in infos] == snapshot  # no later step changed an info handed out
    assert any("terminal_observation" in i for _, infos in kept for i in infos)


@pytest.mark.parametrize("text", ["32:1:1:1:plain", "16:1:1:1:traffic:plain"])
def test_the_speed_benchmark_reads_the_plain_setting(text):
    from agents.bench_train import Setting

    setting = Setting.parse(text)
    assert setting.plain and setting.label() == text
