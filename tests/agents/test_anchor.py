"""The anchor (agents/callbacks/anchor.py): a run started from a driver stays near its actions, by the weight's
measure, and the pull's gradient joins the actor's own in the same optimiser step."""

import numpy as np
import pytest
import torch
from stable_baselines3.common.logger import configure

from agents.callbacks.anchor import ActorAnchor, KeepDriving, anchor_actor
from agents.config import TrainConfig, validate, validate_combination
from agents.models import load_sb3
from agents.train import main
from game.sim.observation import CAR_CLOSING_SCALE, CAR_GAP_SCALE
from game.sim.observation_layout import OBS_CARS, OBSERVATION_SIZE, SLOT_CLOSING, SLOT_GAP, SLOT_PRESENCE
from game.sim.track.io import save_track

TINY = [
    "--n-envs", "2", "--buffer-size", "2000", "--batch-size", "32", "--net-arch", "16", "16", "--logdir", "",
    "--no-progress", "--final-eval-episodes", "0", "--eval-every", "0", "--checkpoint-every", "0",
    "--max-episode-steps", "60",
]  # fmt: skip


@pytest.fixture(scope="module")
def oval_file(tmp_path_factory, oval_track):
    path = tmp_path_factory.mktemp("tracks") / "oval.json"
    save_track(oval_track, path)
    return path


@pytest.fixture(scope="module")
def start_driver(tmp_path_factory, oval_file):
    folder = tmp_path_factory.mktemp("start")
    argv = ["scratch", "--track", str(oval_file), "--steps", "150", "--learning-starts", "50"]
    assert main([*argv, "--out", str(folder / "start.zip"), "--run-dir", str(folder), *TINY]) == 0
    return folder / "start.zip"


def action_distance(path_a, path_b, observations):
    a, b = load_sb3(path_a), load_sb3(path_b)
    with torch.no_grad():
        obs = torch.as_tensor(observations)
        return float(((a.actor(obs, deterministic=True) - b.actor(obs, deterministic=True)) ** 2).sum(1).mean())


def test_an_anchored_run_stays_nearer_the_driver_it_started_from(tmp_path, oval_file, start_driver):
    observations = np.random.default_rng(0).uniform(-1, 1, (512, load_sb3(start_driver).observation_space.shape[0]))
    observations = observations.astype(np.float32)
    distances = {}
    for weight in ("0", "50"):
        out = tmp_path / f"w{weight}.zip"
        argv = ["scratch", "--track", str(oval_file), "--steps", "400", "--init-from", str(start_driver)]
        argv += ["--learning-rate", "3e-3", "--seed", "3", "--anchor-weight", weight, "--policy-warmup-steps", "0"]
        assert main([*argv, "--out", str(out), "--run-dir", str(tmp_path / f"run{weight}"), *TINY]) == 0
        distances[weight] = action_distance(start_driver, out, observations)
    assert distances["0"] > 0.001  # a high learning rate moves the free run's driving
    assert distances["50"] < 0.3 * distances["0"]


def anchored(start_driver, states, alone=False):
    """The start driver as a model whose replay buffer always gives ``states``, a pull to a nudged copy of it."""
    model = load_sb3(start_driver)
    model.set_logger(configure(None, []))
    model.replay_buffer = type("Replay", (), {})()
    model.replay_buffer.size = lambda: len(states)
    model.replay_buffer.sample = lambda n: type("Batch", (), {"observations": states})()
    anchor = anchor_actor(model, str(start_driver), device="cpu")
    with torch.no_grad():
        anchor.mu.bias.add_(0.5)  # the driver to keep to steers and throttles a little more
    return model, anchor, ActorAnchor(anchor, weight=1.0, batch_size=len(states), alone=alone)


def pull_on(owner, *pulls):
    """Each pull on ``owner``'s replay buffer, once (its latest pull is then in ``last_pull``)."""
    for pull in pulls:
        pull.init_callback(owner)
        pull._pull(None, (), {})


def test_the_pull_adds_its_gradient_before_the_actor_steps(start_driver):
    states = torch.zeros((4, load_sb3(start_driver).observation_space.shape[0]))
    model, anchor, pull = anchored(start_driver, states)
    pull.init_callback(model)
    pull.on_training_start({}, {})
    before = model.actor(states, deterministic=True).detach()
    model.actor.optimizer.zero_grad()
    model.actor.optimizer.step()  # no loss of its own: the step follows the pull alone
    after = model.actor(states, deterministic=True).detach()
    target = anchor(states, deterministic=True)
    assert ((after - target) ** 2).sum() < ((before - target) ** 2).sum()
    assert pull.last_pull > 0
    pull.on_training_end()
    model.actor.optimizer.zero_grad()
    moved = model.actor(states, deterministic=True).detach()
    model.actor.optimizer.step()  # the hook is gone: nothing moves
    torch.testing.assert_close(model.actor(states, deterministic=True).detach(), moved)


def test_alone_pulls_only_on_states_with_no_car_in_sight(start_driver):
    states = torch.zeros((4, OBSERVATION_SIZE))
    states[:2, OBS_CARS + SLOT_PRESENCE] = 1.0  # a car ahead in two of the four
    states[:2, OBS_CARS + SLOT_GAP] = 0.2
    model, _, alone = anchored(start_driver, states, alone=True)
    everywhere = ActorAnchor(alone.anchor, weight=1.0, batch_size=4)
    pull_on(model, alone, everywhere)
    model_alone, _, alone_states = anchored(start_driver, states[2:].clone())
    pull_on(model_alone, alone_states)
    # the pull of the two states alone, over the batch of four
    assert alone.last_pull == pytest.approx(alone_states.last_pull / 2, rel=1e-5)
    assert alone.last_pull < everywhere.last_pull
    states[:, OBS_CARS + SLOT_PRESENCE] = 1.0  # a car in sight everywhere: no pull
    alone._pull(None, (), {})
    assert alone.last_pull == 0.0


def test_keep_driving_trains_only_the_weights_from_the_cars_around(tmp_path, oval_file, start_driver):
    out = tmp_path / "kept.zip"
    argv = ["scratch", "--track", str(oval_file), "--steps", "300", "--init-from", str(start_driver), "--keep-driving"]
    argv += ["--learning-rate", "3e-3", "--seed", "3", "--policy-warmup-steps", "0"]
    argv += ["--traffic", "--traffic-learners", "2"]
    assert main([*argv, "--out", str(out), "--run-dir", str(tmp_path / "run"), *TINY]) == 0
    start, kept = load_sb3(start_driver).actor.state_dict(), load_sb3(out).actor.state_dict()
    for name, weights in start.items():
        if name == "latent_pi.0.weight":
            torch.testing.assert_close(kept[name][:, :OBS_CARS], weights[:, :OBS_CARS], rtol=0, atol=0)
            assert not torch.equal(kept[name][:, OBS_CARS:], weights[:, OBS_CARS:])  # it learnt from the cars
        else:
            torch.testing.assert_close(kept[name], weights, rtol=0, atol=0)


def test_keep_driving_without_a_driver_to_start_from_is_refused(tmp_path, oval_file, capsys):
    argv = ["scratch", "--track", str(oval_file), "--steps", "100", "--keep-driving", "--run-dir", str(tmp_path / "r")]
    assert main([*argv, *TINY]) == 2
    assert "give --init-from" in capsys.readouterr().err


def test_keep_driving_holds_the_driving_whatever_the_optimisers_state(start_driver):
    """Adam with momentum from earlier steps moves weights even on a zero gradient: they are put back."""
    model = load_sb3(start_driver)
    states = torch.randn(8, OBSERVATION_SIZE)

    def step():
        model.actor.optimizer.zero_grad()
        model.actor(states, deterministic=True).sum().backward()
        model.actor.optimizer.step()

    step()  # the optimiser now has momentum on every weight
    before = {name: p.detach().clone() for name, p in model.actor.named_parameters()}
    keep = KeepDriving()
    keep.init_callback(model)
    keep.on_training_start({}, {})
    step()
    for name, weights in model.actor.named_parameters():
        if name == "latent_pi.0.weight":
            torch.testing.assert_close(weights[:, :OBS_CARS], before[name][:, :OBS_CARS], rtol=0, atol=0)
            assert not torch.equal(weights[:, OBS_CARS:], before[name][:, OBS_CARS:])
        else:
            torch.testing.assert_close(weights, before[name], rtol=0, atol=0)
    keep.on_training_end()
    step()  # free again
    assert not torch.equal(model.actor.mu.weight, before["mu.weight"])


def test_alone_within_counts_a_far_car_as_not_there(start_driver):
    states = torch.zeros((4, OBSERVATION_SIZE))
    states[:, OBS_CARS + SLOT_PRESENCE] = 1.0
    states[:2, OBS_CARS + SLOT_GAP] = 10.0 / CAR_GAP_SCALE  # 10 m ahead: near
    states[2:, OBS_CARS + SLOT_GAP] = 40.0 / CAR_GAP_SCALE  # 40 m ahead: far for a 20 m reach
    model, anchor, _ = anchored(start_driver, states)
    within = ActorAnchor(anchor, weight=1.0, batch_size=4, alone=True, alone_within=20.0)
    model_far, _, far_only = anchored(start_driver, states[2:].clone())
    pull_on(model, within)
    pull_on(model_far, far_only)
    assert within.last_pull == pytest.approx(far_only.last_pull / 2, rel=1e-5)  # the two far states, of four
    assert within.last_pull > 0


def test_alone_behind_counts_a_car_behind_only_as_close_as_asked(start_driver):
    states = torch.zeros((4, OBSERVATION_SIZE))
    states[:, OBS_CARS + SLOT_PRESENCE] = 1.0
    states[:2, OBS_CARS + SLOT_GAP] = 10.0 / CAR_GAP_SCALE  # 10 m ahead: near either way
    states[2:, OBS_CARS + SLOT_GAP] = -10.0 / CAR_GAP_SCALE  # 10 m behind: near for 20 m, not for 5 m behind
    model, anchor, _ = anchored(start_driver, states)
    both = ActorAnchor(anchor, weight=1.0, batch_size=4, alone=True, alone_within=20.0)
    ahead = ActorAnchor(anchor, weight=1.0, batch_size=4, alone=True, alone_within=20.0, alone_behind=5.0)
    model_behind, _, behind_only = anchored(start_driver, states[2:].clone())
    pull_on(model, both, ahead)
    pull_on(model_behind, behind_only)
    assert both.last_pull == 0.0  # every state has a car near
    assert ahead.last_pull == pytest.approx(behind_only.last_pull / 2, rel=1e-5)  # the two states with a car behind
    assert ahead.last_pull > 0


def test_car_weights_from_a_v4_driver_join_a_blind_drivers_driving(
    tmp_path, oval_file, oval_track, start_driver, capsys
):
    """A fine-tune in two parts: a blind (layout v3) driver's driving, the car weights of a layout v4 driver."""
    from stable_baselines3 import SAC

    from agents.env import RetroRacerEnv
    from agents.models import save_model

    blind = SAC("MlpPolicy", RetroRacerEnv(track=oval_track, observation_version=3), seed=4, device="cpu",
                policy_kwargs={"net_arch": [16, 16]})  # fmt: skip
    save_model(blind, tmp_path / "blind.zip")
    out = tmp_path / "two-part.zip"
    argv = ["scratch", "--track", str(oval_file), "--steps", "40", "--init-from", str(tmp_path / "blind.zip")]
    argv += ["--traffic", "--traffic-learners", "2", "--policy-warmup-steps", "1000", *TINY]
    made_by = ["--car-weights-from", str(start_driver), "--out", str(out), "--run-dir", str(tmp_path / "r")]
    assert main([*argv, *made_by]) == 0
    made, seeing = load_sb3(out).policy.state_dict(), load_sb3(start_driver).policy.state_dict()
    driving = blind.policy.state_dict()
    for name in ("actor.latent_pi.0.weight", "critic.qf0.0.weight", "critic_target.qf1.0.weight"):
        torch.testing.assert_close(made[name][:, OBS_CARS:OBSERVATION_SIZE], seeing[name][:, OBS_CARS:OBSERVATION_SIZE])
        torch.testing.assert_close(made[name][:, :OBS_CARS], driving[name][:, :OBS_CARS])
    torch.testing.assert_close(made["actor.mu.weight"], driving["actor.mu.weight"])  # no update in the warm-up
    capsys.readouterr()
    assert main([*argv, "--car-weights-from", str(tmp_path / "blind.zip"), "--run-dir", str(tmp_path / "q")]) == 2
    assert "the car weights have no actor.latent_pi.0.weight" in capsys.readouterr().err  # a blind driver has none
    seeing_start = [*argv[:6], str(start_driver), *argv[7:], "--car-weights-from", str(start_driver)]
    assert main([*seeing_start, "--run-dir", str(tmp_path / "s")]) == 2
    assert "already reads the cars" in capsys.readouterr().err


def test_a_driver_file_starts_a_fine_tune_in_traffic_on_the_critics_of_its_base(
    tmp_path, oval_file, oval_track, start_driver, capsys
):
    """A shipped per-track driver (.npz only) gets the car weights: its actor, its base's critics."""
    from stable_baselines3 import SAC

    from agents.env import RetroRacerEnv
    from agents.models import export_actor, save_model

    def blind(seed, width, activation=torch.nn.ReLU):
        env = RetroRacerEnv(track=oval_track, observation_version=3)
        kwargs = {"net_arch": [width, width], "activation_fn": activation}
        return SAC("MlpPolicy", env, seed=seed, device="cpu", policy_kwargs=kwargs)

    base, driver = blind(4, 16), blind(5, 16)
    save_model(base, tmp_path / "base.zip")
    export_actor(driver, tmp_path / "driver.npz")
    export_actor(blind(6, 8), tmp_path / "narrow.npz")
    export_actor(blind(7, 16, torch.nn.Tanh), tmp_path / "tanh.npz")  # the base's sizes, another activation
    argv = ["finetune", "--track", str(oval_file), "--steps", "40", "--base", str(tmp_path / "base.zip"), "--traffic"]
    argv += ["--traffic-learners", "2", "--policy-warmup-steps", "1000", "--practice-share", "0", *TINY]
    argv += ["--car-weights-from", str(start_driver)]
    out = tmp_path / "seeing.zip"
    made_by = ["--init-from", str(tmp_path / "driver.npz"), "--out", str(out), "--run-dir", str(tmp_path / "r")]
    assert main([*argv, *made_by]) == 0
    made = load_sb3(out).policy.state_dict()
    for name in ("actor.latent_pi.0.weight", "actor.latent_pi.2.weight", "actor.mu.weight", "actor.mu.bias"):
        want = driver.policy.state_dict()[name]
        torch.testing.assert_close(made[name][:, :OBS_CARS] if name.endswith("0.weight") else made[name], want)
    torch.testing.assert_close(
        made["critic.qf0.0.weight"][:, :OBS_CARS], base.policy.state_dict()["critic.qf0.0.weight"][:, :OBS_CARS]
    )
    torch.testing.assert_close(made["actor.log_std.weight"], base.policy.state_dict()["actor.log_std.weight"])
    capsys.readouterr()
    for other in ("narrow", "tanh"):
        assert main([*argv, "--init-from", str(tmp_path / f"{other}.npz"), "--run-dir", str(tmp_path / other)]) == 2
        assert "its network is not" in capsys.readouterr().err


def test_car_weights_need_a_driver_to_start_from(tmp_path, oval_file, start_driver, capsys):
    argv = ["scratch", "--track", str(oval_file), "--steps", "100", "--car-weights-from", str(start_driver)]
    assert main([*argv, "--run-dir", str(tmp_path / "r"), *TINY]) == 2
    assert "give --init-from" in capsys.readouterr().err
    # A fine-tune alone keeps its base's layout: nothing to put the car weights into, so they are refused, not dropped.
    argv = ["finetune", "--track", str(oval_file), "--steps", "100", "--base", str(start_driver), "--no-traffic"]
    assert main([*argv, "--car-weights-from", str(start_driver), "--run-dir", str(tmp_path / "f"), *TINY]) == 2
    assert "a fine-tune does that in --traffic" in capsys.readouterr().err


def test_alone_closing_holds_a_car_in_a_queue_and_frees_one_catching_the_car_ahead(start_driver):
    states = torch.zeros((4, OBSERVATION_SIZE))
    states[:, OBS_CARS + SLOT_PRESENCE] = 1.0
    states[:, OBS_CARS + SLOT_GAP] = 10.0 / CAR_GAP_SCALE  # 10 m ahead: near
    states[:2, OBS_CARS + SLOT_CLOSING] = 8.0 / CAR_CLOSING_SCALE  # catching it at 8 m/s: free
    states[2:, OBS_CARS + SLOT_CLOSING] = 1.0 / CAR_CLOSING_SCALE  # 1 m/s: a queue, held for a 3 m/s threshold
    model, anchor, _ = anchored(start_driver, states)
    any_closing = ActorAnchor(anchor, weight=1.0, batch_size=4, alone=True, alone_within=20.0)
    queue = ActorAnchor(anchor, weight=1.0, batch_size=4, alone=True, alone_within=20.0, alone_closing=3.0)
    model_queue, _, queue_only = anchored(start_driver, states[2:].clone())
    pull_on(model, any_closing, queue)
    pull_on(model_queue, queue_only)
    assert any_closing.last_pull == 0.0  # without the threshold every state has a car near
    assert queue.last_pull == pytest.approx(queue_only.last_pull / 2, rel=1e-5)  # the two queue states, of four
    assert queue.last_pull > 0
    behind = states.clone()
    behind[:, OBS_CARS + SLOT_GAP] = -2.0 / CAR_GAP_SCALE  # a car 2 m behind counts whatever the closing
    model_behind, _, _ = anchored(start_driver, behind)
    pull_on(model_behind, queue)
    assert queue.last_pull == 0.0


def test_alone_closing_needs_anchor_alone():
    with pytest.raises(ValueError, match="anchor-alone"):
        validate_combination(TrainConfig(init_from="x.zip", anchor_weight=1.0, anchor_alone_closing=3.0))
    with pytest.raises(ValueError, match="must not be negative"):
        validate(TrainConfig(anchor_alone_closing=-1.0))
