"""Training pipeline: config and CLI, base and finetune smoke runs, learning rate after loading, resume, Ctrl-C.

Tiny settings throughout (2 envs, small nets and buffers, a few hundred steps): the point is the plumbing.
"""

import dataclasses
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from agents.config import (
    MODE_DEFAULTS,
    TrainConfig,
    config_for_mode,
    field_docs,
    resolve_update_ratio,
    resolved,
    updates_per_env_step,
)
from agents.evaluate import load_track_file
from agents.models import ModelPaths, load_sb3, read_sidecar
from agents.run_env import make_vec_env, reward_config
from agents.sac import load_model, optimizers
from agents.train import build_parser, main
from game.drivers.actor import load_actor
from game.sim.observation_layout import LINE_CLEARANCE, OBSERVATION_SIZE
from game.sim.track.io import save_track

REPO = Path(__file__).resolve().parents[2]
TINY = [
    "--n-envs", "2", "--buffer-size", "2000", "--batch-size", "32",
    "--net-arch", "32", "32", "--logdir", "", "--no-progress", "--final-eval-episodes", "1",
]  # fmt: skip
QUIET = ["--eval-every", "0", "--checkpoint-every", "0"]
STARTS = ["--learning-starts", "50"]  # base, scratch


@pytest.fixture(scope="module")
def work(tmp_path_factory, oval_track, twisty_track):
    root = tmp_path_factory.mktemp("train")
    save_track(oval_track, root / "oval.json")
    save_track(twisty_track, root / "twisty.json")
    return root


@pytest.fixture(scope="module")
def base_model(work):
    """A base model trained on random tracks (game.sim.track.generator), as `python -m agents.train base` does."""
    out = work / "models" / "base.zip"
    argv = f"base --steps 300 --out {out} --run-dir {work / 'run-base'} --eval-tracks {work / 'oval.json'}".split()
    argv += ["--eval-every", "200", "--eval-episodes", "1", "--checkpoint-every", "150", *TINY, *STARTS]
    assert main(argv) == 0
    return out


# -- config and command line ----------------------------------------------------------------------------------------
def test_every_setting_has_a_docstring_and_an_option():
    docs = field_docs(TrainConfig)
    names = [name for name in TrainConfig.__dataclass_fields__ if name != "mode"]
    assert all(docs.get(name) for name in names), [name for name in names if not docs.get(name)]
    parser = build_parser()
    for mode in ("base", "finetune", "scratch"):
        subparser = parser._subparsers._group_actions[0].choices[mode]
        text = subparser.format_help()
        for name in names:
            assert "--" + name.replace("_", "-") in text, (mode, name)


def test_defaults_start_from_the_design_and_modes_change_a_few():
    base = config_for_mode("base")
    design = {
        "learning_rate": 3e-4,
        "buffer_size": 500_000,
        "batch_size": 256,
        "tau": 0.005,
        "gamma": 0.99,
        "learning_starts": 20_000,
        "ent_coef": "auto",
        "net_arch": [256, 256],
    }
    assert {key: getattr(base, key) for key in design} == design
    assert updates_per_env_step(base) == pytest.approx(1 / 16)
    finetune = config_for_mode("finetune", track="tracks/monza.json")
    assert finetune.learning_rate == 2e-4 and finetune.learning_rate_end == 1e-5 and finetune.learning_starts == 0
    assert finetune.steps * updates_per_env_step(finetune) == 21_875  # updates: the time a player waits
    assert updates_per_env_step(finetune) == pytest.approx(1 / 32)  # twice the base's data per update
    assert set(MODE_DEFAULTS["finetune"]) >= {"learning_rate", "learning_starts"}
    assert config_for_mode("finetune", track="x.json", learning_rate=5e-5).learning_rate == 5e-5


def test_a_track_finetune_falls_from_2e_4_unless_a_rate_is_given():
    from agents.config import config_for_mode

    def rates(**options):
        config = config_for_mode("finetune", **options)
        return config.learning_rate, config.learning_rate_end

    assert rates(track="x.json") == (2e-4, 1e-5)  # a driver for one track, the editor's
    assert rates(out="runs/stage/base.zip") == (1e-4, None)  # random tracks (the base's stages): constant 1e-4
    assert rates(track="x.json", learning_rate=1e-4) == (1e-4, None)  # given: as given, constant
    assert rates(track="x.json", learning_rate_end=1e-5) == (1e-4, 1e-5)  # the end alone: from the mode's 1e-4
    assert rates(track="x.json", learning_rate=5e-6) == (5e-6, None)  # below the default end: no conflict


def test_resolved_paths_are_in_the_repository_wherever_training_runs(tmp_path, monkeypatch):
    from game.paths import RUNS_DIR

    monkeypatch.chdir(tmp_path)
    config = resolved(config_for_mode("finetune", track="tracks/monza.json"))
    assert config.out == str(RUNS_DIR / "finetune-monza" / "monza.zip") and config.run_dir == str(
        RUNS_DIR / "finetune-monza"
    )
    assert resolved(config_for_mode("base")).out == str(RUNS_DIR / "base-base" / "base.zip")
    paths = ModelPaths.of("assets/models/tracks/monza.zip")
    assert (paths.npz.name, paths.sidecar.name, paths.curve.name) == ("monza.npz", "monza.json", "monza.curve.csv")


@pytest.mark.parametrize(
    ("n_envs", "ratio", "expected"), [(16, 1 / 16, (1, 1)), (8, 0.25, (1, 2)), (16, 1 / 32, (2, 1)), (1, 1.0, (1, 1))]
)
def test_update_ratio(n_envs, ratio, expected):
    assert resolve_update_ratio(n_envs, ratio) == expected
    config = resolved(config_for_mode("base", n_envs=n_envs, updates_per_step=ratio))
    assert updates_per_env_step(config) == pytest.approx(ratio)


@pytest.mark.parametrize(
    ("mode", "settings", "message"),
    [
        ("finetune", {}, "needs --track"),
        ("scratch", {}, "needs --track"),
        ("base", {"track": "a.json"}, "--tracks"),
        ("base", {"n_envs": 0}, "n_envs"),
        ("base", {"start": "pit"}, "start"),
        ("base", {"updates_per_step": 0.0}, "updates_per_step"),
        ("base", {"episodes_per_track": 0}, "episodes_per_track"),
        ("base", {"line_penalty": -1.0}, "line_penalty"),
        ("base", {"off_track_penalty": -1.0}, "off_track_penalty"),
        ("base", {"stuck_penalty": -1.0}, "stuck_penalty"),
        ("base", {"grid_slots": 9}, "grid_slots"),
        ("base", {"standing_start_share": 1.5}, "standing_start_share"),
        ("base", {"practice_share": -0.1}, "practice_share"),
        ("base", {"practice_share": 0.5, "traffic": True}, "practice_share"),
        ("base", {"line_shift_share": 1.5}, "line_shift_share"),
        ("base", {"line_shift_share": 0.5, "traffic": True}, "line_shift_share"),
        ("base", {"grid_slots": -1}, "grid_slots"),
        ("base", {"track_mix_spread": -0.1}, "track_mix_spread"),
        ("base", {"wide_track_share": 1.5}, "wide_track_share"),
        ("rally", {}, "mode"),
    ],
)
def test_bad_settings(mode, settings, message):
    with pytest.raises(ValueError, match=message):
        config_for_mode(mode, **settings)


def test_reward_overrides_reach_the_env_reward():
    default = reward_config(config_for_mode("base"))
    changed = reward_config(config_for_mode("base", line_penalty=0.1, off_track_penalty=30.0))
    assert (changed.line_penalty, changed.off_track_penalty) == (0.1, 30.0)
    assert changed.stuck_penalty == 30.0  # stopping is never cheaper than crashing
    assert (default.line_penalty, default.off_track_penalty) != (0.1, 30.0)
    assert default.stuck_penalty == default.off_track_penalty
    explicit = reward_config(config_for_mode("base", off_track_penalty=30.0, stuck_penalty=10.0))
    assert explicit.stuck_penalty == 10.0


def test_the_limit_bonus_is_a_fine_tune_s_default_only_and_reaches_the_env():
    track = "tracks/norisring.json"
    assert reward_config(config_for_mode("finetune", track=track)).limit_bonus == 0.2
    assert reward_config(config_for_mode("finetune", track=track, limit_bonus=0.0)).limit_bonus == 0.0
    assert reward_config(config_for_mode("base")).limit_bonus == 0.0
    assert reward_config(config_for_mode("scratch", track=track)).limit_bonus == 0.0
    venv = make_vec_env(config_for_mode("finetune", track=track, n_envs=1, limit_bonus=0.1, limit_zone=0.3), [])
    reward = venv.envs[0].unwrapped.reward_config
    assert (reward.limit_bonus, reward.limit_zone) == (0.1, 0.3)
    venv.close()


def test_corner_practice_is_a_fine_tune_s_default_only_and_reaches_the_env():
    track = "tracks/norisring.json"
    assert config_for_mode("finetune", track=track).practice_share == 0.5
    assert config_for_mode("base").practice_share == config_for_mode("scratch", track=track).practice_share == 0.0
    venv = make_vec_env(config_for_mode("finetune", track=track, n_envs=1, practice_share=0.4), [])
    assert venv.envs[0].unwrapped._practice.share == 0.4
    venv.close()


def test_track_variety_and_grid_slots_reach_the_envs():
    from agents.run_env import make_vec_env
    from game.sim.grid import GRID_SLOTS

    assert config_for_mode("base").grid_slots == GRID_SLOTS
    config = config_for_mode(
        "base", n_envs=2, track_mix_spread=0.3, wide_track_share=0.5, grid_slots=4, standing_start_share=0.3
    )
    venv = make_vec_env(config, [])
    for env in venv.envs:
        inner = env.unwrapped
        assert (inner.grid_slots, inner.standing_start_prob) == (4, 0.3)
        assert (inner.generator.feature_mix_spread, inner.generator.wide_share) == (0.3, 0.5)
    venv.close()


def test_cli_rejects_finetune_without_track(capsys):
    with pytest.raises(SystemExit, match="needs --track"):
        main(["finetune", "--steps", "10"])


# -- smoke runs -----------------------------------------------------------------------------------------------------
def test_base_smoke_run_writes_model_actor_sidecar_and_curve(base_model, work):
    paths = ModelPaths.of(base_model)
    assert paths.zip.is_file() and paths.npz.is_file() and paths.sidecar.is_file() and paths.curve.is_file()
    sidecar = read_sidecar(paths.sidecar)
    assert sidecar["kind"] == "base" and sidecar["steps"] == 300 and not sidecar["interrupted"]
    assert sidecar["command"].startswith("python -m agents.train base --steps 300")
    assert sidecar["config"]["n_envs"] == 2 and sidecar["config"]["tracks"] == []
    assert sidecar["hyperparameters"]["learning_rate"] == 3e-4
    assert sidecar["hyperparameters"]["policy_kwargs"]["net_arch"] == [32, 32]
    assert {"torch", "stable_baselines3", "gymnasium", "numpy", "python"} <= set(sidecar["versions"])
    assert sidecar["wall_time_s"] > 0 and sidecar["environment"]["observation_size"] == OBSERVATION_SIZE
    assert sidecar["evaluation"][0]["track"] == "Test Oval" and sidecar["evaluation"][0]["episodes"] == 1
    assert "reward" in sidecar["environment"] and "car" in sidecar["environment"]
    curve = paths.curve.read_text().splitlines()
    assert curve[0].startswith("steps,wall_time_min,track,completion_rate") and curve[1].startswith("200,")
    # the game's file drives like the SB3 model
    model = load_sb3(paths.zip)
    obs = np.random.default_rng(0).uniform(-1, 1, (100, OBSERVATION_SIZE)).astype(np.float32)
    np.testing.assert_allclose(load_actor(paths.npz).act(obs), model.predict(obs, deterministic=True)[0], atol=1e-5)


def test_finetune_smoke_run(base_model, work):
    out = work / "models" / "tracks" / "twisty.zip"
    argv = f"finetune --track {work / 'twisty.json'} --base {base_model} --steps 200 --out {out}".split()
    argv += ["--run-dir", str(work / "run-ft"), "--policy-warmup-steps", "40", *TINY, *QUIET]
    assert main(argv) == 0
    sidecar = read_sidecar(out.with_suffix(".json"))
    assert sidecar["kind"] == "finetune" and sidecar["track"] == "twisty"
    assert sidecar["steps"] == 200  # counted from 0 for the fine-tune
    assert sidecar["base_model"] == str(base_model)
    hyper = sidecar["hyperparameters"]
    assert hyper["learning_rate"] == 2e-4 and hyper["learning_rate_end"] == pytest.approx(1e-5)
    assert all(1e-5 <= lr < 2e-4 for lr in hyper["optimizer_learning_rates"])  # fell along the run
    assert hyper["learning_starts"] == 0
    assert load_actor(out.with_suffix(".npz")).metadata["track"] == "twisty"
    # its base on the same tracks and starts, so that the editor's job can refuse a driver that laps less than it
    from agents.evaluate import evaluate
    from agents.run_env import FINAL_EVAL_SEED

    base_eval, new_eval = sidecar["base_evaluation"], sidecar["evaluation"]
    assert [e["track"] for e in base_eval] == [e["track"] for e in new_eval] and len(base_eval) >= 1
    again = evaluate(load_actor(base_model.with_suffix(".npz")), work / "twisty.json", episodes=1, seed=FINAL_EVAL_SEED)
    assert base_eval[0]["completion_rate"] == again.completion_rate and base_eval[0]["episodes"] == 1


def test_status_file_follows_the_run_and_ends_done(work):
    out, status_file = work / "status" / "oval.zip", work / "status" / "run.status.json"
    argv = f"scratch --track {work / 'oval.json'} --steps 300 --out {out} --run-dir {work / 'run-status'}".split()
    argv += ["--status-file", str(status_file), "--max-episode-steps", "40", "--learning-starts", "100"]
    argv += ["--eval-every", "200", "--eval-episodes", "1", "--checkpoint-every", "0", *TINY]
    assert main(argv) == 0
    status = json.loads(status_file.read_text())
    assert status["state"] == "done" and status["mode"] == "scratch" and status["error"] is None
    assert status["steps"] == status["total_steps"] == 300
    assert status["model"] == str(out) and out.is_file() and out.with_suffix(".npz").is_file()
    assert status["episodes"] >= 6  # 40-step episodes: the statistics of the progress bar are there
    assert 0.0 <= status["lap_completion"] <= 1.0 and isinstance(status["mean_reward"], float)
    assert status["wall_s"] > 0 and (status["steps_per_s"] is None or status["steps_per_s"] > 0)
    final = status["last_eval"]
    assert final["kind"] == "final" and final["steps"] == 300
    sidecar = read_sidecar(out.with_suffix(".json"))
    assert final["completion_rate"] == sidecar["evaluation"][0]["completion_rate"]
    assert final["tracks"][0]["track"] == "Test Oval"
    assert set(sidecar["machine"]) == {"platform", "cpu_count", "processor"}
    assert not list(status_file.parent.glob(".*.tmp"))  # atomic writes leave no temp files


def test_scratch_smoke_run_with_a_circuit_csv(work):
    angles = np.linspace(0, 2 * np.pi, 60, endpoint=False)
    rows = ["# x_m,y_m,w_tr_right_m,w_tr_left_m"] + [f"{300 * np.cos(a)},{200 * np.sin(a)},5,5" for a in angles]
    (work / "Ring.csv").write_text("\n".join(rows) + "\n")
    out = work / "scratch" / "Ring.zip"
    argv = f"scratch --track {work / 'Ring.csv'} --steps 100 --out {out} --run-dir {work / 'run-scratch'}".split()
    argv += [*TINY, *QUIET, *STARTS]
    assert main(argv) == 0
    assert read_sidecar(out.with_suffix(".json"))["track"] == "Ring"


# -- fine-tuning really runs at 1e-4 and drives its own policy -------------------------------------------------------
def transitions(replay_buffer):
    return replay_buffer.size() * replay_buffer.n_envs  # size() counts vector steps


def lrs(model):
    return [group["lr"] for optimizer in optimizers(model) for group in optimizer.param_groups]


def tiny_finetune_model(base_model, work, **settings):
    """The base model loaded for a small fine-tune on the test oval, as agents.train does it."""
    config = resolved(
        config_for_mode(
            "finetune",
            track=str(work / "oval.json"),
            n_envs=2,
            batch_size=32,
            buffer_size=1000,
            logdir=None,
            device="cpu",
            **settings,
        )
    )
    tracks = [load_track_file(config.track)]
    return load_model(base_model, make_vec_env(config, tracks), config)


def test_finetune_optimisers_run_at_1e_4(base_model, work):
    saved = load_sb3(base_model)
    assert lrs(saved) == [3e-4, 3e-4, 3e-4]  # what a plain SAC.load leaves in the optimisers
    model = tiny_finetune_model(base_model, work, learning_rate=1e-4)  # the constant rate (random-track finetunes)
    assert len(optimizers(model)) == 3  # actor, critic, entropy coefficient
    assert lrs(model) == [1e-4, 1e-4, 1e-4]
    assert model.learning_starts == 0
    model.action_space.sample = lambda: pytest.fail("fine-tuning took a uniformly random action")
    updates_before = model._n_updates
    model.learn(64)
    assert model._n_updates > updates_before
    assert lrs(model) == [1e-4, 1e-4, 1e-4]
    assert model.lr_schedule(1.0) == model.lr_schedule(0.0) == 1e-4


def test_a_track_finetune_runs_its_falling_rate_after_load(base_model, work):
    model = tiny_finetune_model(base_model, work)  # the default for one track: 2e-4 falling to 1e-5
    assert lrs(model) == [2e-4, 2e-4, 2e-4] and model.lr_schedule(0.0) == pytest.approx(1e-5)
    model.learn(64)
    assert all(1e-5 <= lr < 2e-4 for lr in lrs(model))  # the optimisers follow the schedule, not SAC.load's 3e-4


def test_learning_rate_end_makes_the_rate_fall_along_the_run(base_model, work):
    model = tiny_finetune_model(base_model, work, learning_rate=2e-4, learning_rate_end=5e-5)
    assert model.lr_schedule(1.0) == 2e-4 and model.lr_schedule(0.5) == pytest.approx(1.25e-4)
    assert model.lr_schedule(0.0) == 5e-5
    from stable_baselines3.common.callbacks import BaseCallback

    class StopAt(BaseCallback):
        def _on_step(self):
            return self.num_timesteps < 64

    model.learn(128, callback=StopAt())  # interrupted half-way through a run of 128 steps
    assert all(1.2e-4 <= lr <= 1.35e-4 for lr in lrs(model))
    model.learn(64, reset_num_timesteps=False)  # resumed as agents.train resumes: the steps left, same line
    assert all(5e-5 <= lr <= 5.5e-5 for lr in lrs(model))


def test_learning_rate_end_must_not_exceed_the_start():
    with pytest.raises(ValueError, match="learning_rate_end"):
        config_for_mode("base", learning_rate_end=1e-3)


def test_finetune_target_entropy_steers_the_entropy_coefficient(base_model, work):
    assert tiny_finetune_model(base_model, work).target_entropy == -2.0  # the saved one: minus the action size
    # A squashed 2-D action has at most 2 ln 2 of entropy and this policy far more than -6, so the coefficient
    # rises towards a target of +3 and falls towards -6.
    for target, rises in ((-6.0, False), (3.0, True)):
        model = tiny_finetune_model(base_model, work, target_entropy=target)
        assert model.target_entropy == target
        coefficient_before = model.log_ent_coef.item()
        model.learn(100)
        assert (model.log_ent_coef.item() > coefficient_before) == rises


def test_policy_warmup_holds_back_updates_only(base_model, work):
    from agents.callbacks.warmup import PolicyWarmupCallback

    model = tiny_finetune_model(base_model, work)
    model.action_space.sample = lambda: pytest.fail("warm-up took a uniformly random action")
    warmup = PolicyWarmupCallback(warmup_steps=40, gradient_steps=1)
    updates_before = model._n_updates  # the base model's
    model.learn(38, callback=warmup)
    assert model._n_updates == updates_before and transitions(model.replay_buffer) == 38
    model.learn(20, callback=warmup, reset_num_timesteps=False)
    assert model._n_updates > updates_before


# -- checkpoints, kill and resume, Ctrl-C ---------------------------------------------------------------------------
def status_path(run_dir):
    return run_dir.with_name(f"{run_dir.name}.status.json")


def start_training(work, run_dir, out):
    argv = f"scratch --track {work / 'oval.json'} --steps 1000000 --out {out} --run-dir {run_dir}".split()
    argv += [*TINY, *STARTS, "--eval-every", "0", "--checkpoint-every", "100"]
    argv += ["--status-file", str(status_path(run_dir))]
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.Popen(
        [sys.executable, "-m", "agents.train", *argv],
        cwd=work,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=_default_ctrl_c,
    )


def _default_ctrl_c():
    # A shell's background job (``pytest ... &``) ignores SIGINT, and a child inherits that: the run would never see
    # the test's Ctrl-C. A user's terminal gives the default, so the run starts with it here too.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def wait_for_checkpoint(process, run_dir, timeout=60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if (run_dir / "checkpoint.json").is_file():
            return
        if process.poll() is not None:
            pytest.fail(f"training exited early: {process.communicate()}")
        time.sleep(0.05)
    process.kill()
    pytest.fail("no checkpoint appeared")


def test_resume_after_a_kill_continues_steps_and_replay_buffer(work):
    from stable_baselines3.common.save_util import load_from_pkl

    run_dir, out = work / "run-kill", work / "kill" / "oval.zip"
    process = start_training(work, run_dir, out)
    wait_for_checkpoint(process, run_dir)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)
    state = json.loads((run_dir / "checkpoint.json").read_text())
    killed_at = state["num_timesteps"]
    assert killed_at >= 100 and killed_at % 100 == 0  # a checkpoint, written completely
    assert transitions(load_from_pkl(run_dir / state["replay_buffer"])) == killed_at
    assert not out.exists()
    assert json.loads(status_path(run_dir).read_text())["state"] == "running"  # killed: it could not say more

    target = killed_at + 100
    argv = f"scratch --track {work / 'oval.json'} --resume --steps {target} --out {out} --run-dir {run_dir}".split()
    argv += ["--no-progress"]
    assert main(argv) == 0
    sidecar = read_sidecar(out.with_suffix(".json"))
    assert sidecar["steps"] == target
    assert sidecar["wall_time_s"] > state["wall_time_s"]
    assert sidecar["config"]["buffer_size"] == 2000  # the checkpoint's settings, not the defaults
    final = json.loads((run_dir / "checkpoint.json").read_text())
    assert final["num_timesteps"] == target and final["run_name"] == state["run_name"]
    # the replay buffer went on from the checkpoint's: it holds every transition since step 0
    assert transitions(load_from_pkl(run_dir / final["replay_buffer"])) == target
    assert len(list(run_dir.glob("ckpt_*.zip"))) <= 2
    status = json.loads(status_path(run_dir).read_text())  # the resumed run writes the same status file
    assert status["state"] == "done" and status["steps"] == status["total_steps"] == target


def test_interrupt_saves_checkpoint_and_model(work):
    run_dir, out = work / "run-int", work / "int" / "oval.zip"
    process = start_training(work, run_dir, out)
    wait_for_checkpoint(process, run_dir)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, stderr
    sidecar = read_sidecar(out.with_suffix(".json"))
    assert sidecar["interrupted"] is True
    state = json.loads((run_dir / "checkpoint.json").read_text())
    assert state["num_timesteps"] == sidecar["steps"] >= 100
    assert load_actor(out.with_suffix(".npz")).observation_size == OBSERVATION_SIZE
    status = json.loads(status_path(run_dir).read_text())
    assert status["state"] == "interrupted" and status["steps"] == sidecar["steps"]
    assert status["model"] == str(out) and status["total_steps"] == 1_000_000


def test_finetune_from_a_broken_base_model_is_a_clear_error(work, capsys):
    (work / "broken.zip").write_bytes(b"PK\x03\x04 not really a zip")
    argv = f"finetune --track {work / 'oval.json'} --base {work / 'broken.zip'} --out {work / 'x' / 'x.zip'}".split()
    status_file = work / "broken.status.json"
    assert main([*argv, "--run-dir", str(work / "run-broken"), "--status-file", str(status_file), *TINY, *QUIET]) == 2
    assert "broken.zip" in capsys.readouterr().err
    status = json.loads(status_file.read_text())
    assert status["state"] == "failed" and "broken.zip" in status["error"] and status["model"] is None
    argv = f"finetune --track {work / 'oval.json'} --base {work / 'missing.zip'}".split()
    assert main([*argv, "--run-dir", str(work / "run-missing"), *TINY, *QUIET]) == 2
    assert "no such model file" in capsys.readouterr().err


def test_loaded_model_keeps_n_step_returns_without_a_warning(tmp_path, oval_track):
    import warnings

    from stable_baselines3 import SAC

    from agents.env import RetroRacerEnv
    from agents.models import load_sb3

    model = SAC("MlpPolicy", RetroRacerEnv(track=oval_track), n_steps=3, buffer_size=100, device="cpu")
    model.save(tmp_path / "m.zip")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        loaded = load_sb3(tmp_path / "m.zip", env=RetroRacerEnv(track=oval_track))
    assert type(loaded.replay_buffer).__name__ == "NStepReplayBuffer"
    assert loaded.replay_buffer.n_steps == 3 and loaded.replay_buffer.gamma == model.gamma


def test_a_fine_tune_discounts_with_its_own_gamma_and_n_steps(base_model, work):
    """SAC.load rebuilds the replay buffer from the kwargs saved with the model (its n_steps and gamma)."""
    model = tiny_finetune_model(base_model, work, gamma=0.95)
    assert type(model.replay_buffer).__name__ == "NStepReplayBuffer" and model.replay_buffer.n_steps == 3
    model.learn(64)
    discounts = model.replay_buffer.sample(64).discounts.flatten().numpy()
    powers = 0.95 ** np.arange(1, 4)  # three steps, fewer where an episode or the buffer ends first; not 0.99's
    assert np.abs(discounts[:, None] - powers[None, :]).min(axis=1).max() < 1e-6
    one_step = tiny_finetune_model(base_model, work, n_steps=1)
    assert type(one_step.replay_buffer).__name__ == "ReplayBuffer" and one_step.n_steps == 1


def test_finetune_without_a_track_needs_an_out_path():
    from agents.config import config_for_mode

    with pytest.raises(ValueError, match="--track"):
        config_for_mode("finetune")
    config = config_for_mode("finetune", out="runs/refined/base.zip")
    assert config.track is None and config.learning_rate == 1e-4


# -- keeping the best evaluated policy -------------------------------------------------------------------------------
def test_evaluation_score_ranks_completion_before_pace():
    from types import SimpleNamespace

    from agents.callbacks.evaluation import evaluation_score

    def results(*pairs):
        return [SimpleNamespace(completion_rate=c, ratio=r) for c, r in pairs]

    crashes_fast = evaluation_score(results((0.5, 1.05), (0.0, None)))
    laps_slow = evaluation_score(results((1.0, 1.30), (1.0, 1.25)))
    laps_fast = evaluation_score(results((1.0, 1.10), (1.0, 1.12)))
    assert laps_fast > laps_slow > crashes_fast


def test_the_goal_keeps_a_policy_that_laps_every_track_at_pace_first():
    from types import SimpleNamespace

    from agents.callbacks.evaluation import goal_score, meets_goal

    def results(*pairs):
        return [SimpleNamespace(completion_rate=c, ratio=r) for c, r in pairs]

    all_laps_slow = results((1.0, 1.15), (1.0, 1.14), (1.0, 1.16))
    one_missed_fast = results((1.0, 1.05), (0.9, 1.06), (1.0, 1.05))  # 97% of all laps: more than 95%, not every track
    goal_slower = results((1.0, 1.12), (1.0, 1.08), (1.0, 1.20))  # median 1.12
    goal_faster = results((1.0, 1.10), (1.0, 1.10), (1.0, 1.30))  # median 1.10, mean 1.17 (slower on average)
    assert not meets_goal(all_laps_slow, 1.12) and not meets_goal(one_missed_fast, 1.12)
    assert meets_goal(goal_slower, 1.12) and meets_goal(goal_faster, 1.12) and not meets_goal([], 1.12)
    assert goal_score(goal_faster, 1.12) > goal_score(goal_slower, 1.12) > goal_score(all_laps_slow, 1.12)
    assert goal_score(all_laps_slow, 1.12) > goal_score(one_missed_fast, 1.12)
    # without a goal, the usual score: the mean ratio decides between runs that lap everything
    assert goal_score(goal_slower, None) > goal_score(goal_faster, None)


def test_keep_goal_median_must_be_a_ratio():
    from agents.config import config_for_mode, validate

    with pytest.raises(ValueError, match="keep_goal_median"):
        validate(config_for_mode("finetune", out="runs/x/base.zip", keep_goal_median=0.9))


def test_keep_best_loads_the_best_evaluated_policy(base_model):
    from types import SimpleNamespace

    import torch

    from agents.train import select_best_policy

    model = load_sb3(base_model)
    best = {k: v.clone() + 0.5 for k, v in model.policy.state_dict().items()}
    evaluator = SimpleNamespace(best_steps=100, best_policy=best, last_steps=300, run_evaluation=lambda: None)
    assert select_best_policy(model, evaluator, evaluate_last=False) == 100
    for key, value in model.policy.state_dict().items():
        assert torch.equal(value, best[key])
    evaluator.best_steps = model.num_timesteps  # the last policy is the best: nothing changes
    assert select_best_policy(model, evaluator, evaluate_last=False) == model.num_timesteps


def test_base_smoke_run_records_the_selected_policy(base_model):
    sidecar = read_sidecar(ModelPaths.of(base_model).sidecar)
    assert sidecar["selected_steps"] in (200, 300)  # evaluated at 200 and, before the choice, at the end
    curve = ModelPaths.of(base_model).curve.read_text().splitlines()
    assert [row.split(",")[0] for row in curve[1:]] == ["200", "300"]
    assert load_actor(ModelPaths.of(base_model).npz).metadata["steps"] == sidecar["selected_steps"]


def test_circuit_corners_and_width_zones_reach_the_generator():
    from agents.run_env import generator_settings

    config = config_for_mode(
        "base", circuit_corner_share=0.3, track_width_zones=4.0, track_brake_zone_share=0.7, linked_corner_share=0.1
    )
    settings = generator_settings(config)
    assert (settings.circuit_corner_share, settings.width_zones, settings.brake_zone_share) == (0.3, 4.0, 0.7)
    assert settings.linked_corner_share == 0.1
    assert generator_settings(config_for_mode("base")) == type(settings)()  # off by default: the tracks as before
    bad_settings = (
        {"circuit_corner_share": 1.5},
        {"track_width_zones": -1.0},
        {"track_brake_zone_share": 2.0},
        {"linked_corner_share": -0.1},
        {"circuit_corner_share": 0.8, "linked_corner_share": 0.3},
    )
    for bad in bad_settings:
        with pytest.raises(ValueError, match=next(iter(bad)) if len(bad) == 1 else "must not exceed 1"):
            config_for_mode("base", **bad)


def test_a_finetune_of_a_base_trained_in_traffic_trains_in_traffic(tmp_path):
    from agents.train import config_from_args

    sidecar = json.loads((REPO / "assets/models/base.json").read_text())
    sidecar["config"]["traffic"] = True
    (tmp_path / "base.json").write_text(json.dumps(sidecar))
    track = str(REPO / "tracks/norisring.json")
    shipped = config_from_args(["finetune", "--track", track])  # the shipped base raced alone
    assert not shipped.traffic
    in_traffic = config_from_args(["finetune", "--track", track, "--base", str(tmp_path / "base.zip")])
    assert in_traffic.traffic and in_traffic.practice_share == 0.0  # corner practice is for a car alone
    with pytest.raises(SystemExit, match="practice_share"):
        config_from_args(["finetune", "--track", track, "--base", str(tmp_path / "base.zip"), "--practice-share", "1"])
    asked = config_from_args(["finetune", "--track", track, "--base", str(tmp_path / "base.zip"), "--no-traffic"])
    assert not asked.traffic


def test_a_finetune_from_a_traffic_run_checkpoint_trains_in_traffic(tmp_path):
    """A run's checkpoint has no model sidecar: its state file beside it says how the run trained."""
    from agents.train import config_from_args

    track = str(REPO / "tracks/norisring.json")
    state = {"model": "ckpt_000500000.zip", "replay_buffer": None, "num_timesteps": 500_000, "wall_time_s": 1.0}
    for name, traffic in (("ckpt_000500000", True), ("ckpt_000600000", False)):
        (tmp_path / f"{name}.json").write_text(json.dumps(state | {"run_name": "r", "config": {"traffic": traffic}}))
        config = config_from_args(["finetune", "--track", track, "--base", str(tmp_path / f"{name}.zip")])
        assert config.traffic is traffic and config.practice_share == (0.0 if traffic else 0.5)
    (tmp_path / "ckpt_000700000.json").write_text("{truncated")
    assert not config_from_args(["finetune", "--track", track, "--base", str(tmp_path / "ckpt_000700000.zip")]).traffic


def test_export_writes_a_candidate_folder_and_never_the_shipped_one(base_model, tmp_path, capsys):
    from agents.export import main as export_main
    from game.paths import MODELS_DIR

    assert export_main([str(base_model), "--out", str(tmp_path / "cand")]) == 0
    actor = load_actor(tmp_path / "cand" / "base.npz")
    assert actor.metadata["source"] == str(base_model) and actor.metadata["steps"] > 0
    assert export_main([str(base_model), "--out", str(tmp_path / "cand"), "--track-model", "oval"]) == 0
    assert (tmp_path / "cand" / "tracks" / "oval.npz").is_file()
    before = sorted(p.name for p in MODELS_DIR.iterdir())
    assert export_main([str(base_model), "--out", str(MODELS_DIR)]) == 2
    assert "shipped models folder" in capsys.readouterr().err
    assert sorted(p.name for p in MODELS_DIR.iterdir()) == before
    assert export_main([str(tmp_path / "missing.zip"), "--out", str(tmp_path / "x")]) == 2


# -- the racing line a driver follows -------------------------------------------------------------------------------
def test_a_run_can_train_on_one_line_and_drive_on_another(work):
    from agents.run_env import line_clearance_of

    out = work / "drive" / "base.zip"
    argv = f"base --steps 100 --out {out} --run-dir {work / 'run-drive'} --drive-line-clearance 1.2".split()
    tracks = ["--eval-tracks", str(work / "oval.json"), "--eval-every", "50", "--eval-episodes", "1"]
    assert main([*argv, *TINY, *QUIET, *STARTS, *tracks, "--final-eval-episodes", "1"]) == 0
    assert load_actor(out.with_suffix(".npz")).line_clearance == 1.2  # the driver file drives on the wider line
    assert load_sb3(out).line_clearance == LINE_CLEARANCE  # the model keeps the line it trained on...
    finetune = config_for_mode("finetune", track=str(work / "oval.json"), base=str(out))
    assert line_clearance_of(finetune) == LINE_CLEARANCE  # ...so a fine-tune from it trains there too
    sidecar = read_sidecar(out.with_suffix(".json"))
    assert sidecar["config"]["drive_line_clearance"] == 1.2
    assert sidecar["environment"]["line_clearance"] == LINE_CLEARANCE
    assert [e["line_clearance"] for e in sidecar["evaluation"]] == [1.2]  # measured where it will drive


def test_a_run_drives_on_its_line_clearance_and_a_finetune_takes_its_bases(work):
    from agents.export import main as export_main
    from agents.run_env import line_clearance_of
    from game.sim.observation_layout import LINE_CLEARANCE

    out = work / "wide" / "base.zip"
    argv = f"base --steps 100 --out {out} --run-dir {work / 'run-wide'} --line-clearance 0.8".split()
    assert main([*argv, *TINY, *QUIET, *STARTS, "--final-eval-episodes", "0"]) == 0
    assert load_actor(out.with_suffix(".npz")).line_clearance == 0.8
    sidecar = read_sidecar(out.with_suffix(".json"))
    assert sidecar["config"]["line_clearance"] == 0.8 and sidecar["environment"]["line_clearance"] == 0.8
    assert load_sb3(out).line_clearance == 0.8  # saved with the SB3 model too
    finetune = config_for_mode("finetune", track=str(work / "oval.json"), base=str(out))
    assert line_clearance_of(finetune) == 0.8
    # put on a wider line for the game, the base's driver file does not change the line its fine-tunes train on
    assert export_main([str(out), "--out", str(out.parent), "--line-clearance", "1.3"]) == 0
    assert load_actor(out.with_suffix(".npz")).line_clearance == 1.3
    assert line_clearance_of(finetune) == 0.8
    assert line_clearance_of(dataclasses.replace(finetune, line_clearance=0.3)) == 0.3
    assert line_clearance_of(config_for_mode("base")) == LINE_CLEARANCE
