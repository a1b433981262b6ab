"""Train the AI drivers with Soft Actor-Critic (Stable-Baselines3).

Usage::

    python -m agents.train base [--steps N] [--out PATH] [--seed S] [--n-envs K] [--tracks FILE ...] ...
    python -m agents.train finetune --track tracks/NAME.json [--base assets/models/base.zip] [--steps N] ...
    python -m agents.train scratch --track tracks/NAME.json [--steps N] ...
    python -m agents.train MODE --help          # every option, with the mode's default

* ``base``: random tracks, a new one every episode (domain randomisation, ``game.sim.track.generator``); ``--tracks``
  trains on a fixed set of track files instead.
* ``finetune``: loads the base model and trains on one track at learning rate 1e-4 (all three Adam optimisers
  really run at it), with ``learning_starts`` 0: the base policy drives from the first step, no random actions.
* ``scratch``: one track from nothing, for comparison.

Several environments step in one process (a ``DummyVecEnv``; an env step costs microseconds, the gradient update
milliseconds), with ``--n-envs`` and the update ratio (``--train-freq``/``--gradient-steps`` or
``--updates-per-step``) as options; ``python -m agents.bench_train`` measures env steps/s.

Outputs (see ``agents.models``), in the run folder unless ``--out`` says otherwise: the SB3 ``.zip``, the
weights-only ``.npz`` actor for the game, the ``.json`` sidecar (command line, resolved config and
hyperparameters, package versions, steps, wall time, evaluation) and the ``.curve.csv`` learning curve, the
first three written together (all or none). ``--install`` then copies a finished, evaluated model into
``assets/models`` if it does at least as well as the installed one (:func:`install_model`); nothing else ever
writes there. Checkpoints (model and replay buffer, atomic) go to ``--run-dir`` every
``--checkpoint-every`` steps; ``--resume`` continues from the last one; Ctrl-C (or SIGTERM) checkpoints and
saves before exiting. ``--status-file`` keeps a JSON file with the run's state (steps, lap completion, last
evaluation; done, interrupted or failed at the end) for other programs. Note that a resumed run is not
bit-identical to an uninterrupted one (random generator states are reseeded, not restored).
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import datetime as _dt
import signal
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from agents.config import (
    MODES,
    TrainConfig,
    add_config_arguments,
    config_for_mode,
    from_dict,
    install_path,
    resolved,
    to_dict,
    updates_per_env_step,
    validate,
)
from game.sim.track import Track, TrackError

if TYPE_CHECKING:
    from agents.callbacks.progress import StatusFile

EVAL_TRACK_SEED = 900_001  # first seed of the generated evaluation tracks (fixed, so that curves compare)
FINAL_EVAL_SEED = 20_000
SB3_LOG_INTERVAL = 50  # episodes between SB3's own TensorBoard dumps


# -- setup ----------------------------------------------------------------------------------------------------------
def seed_everything(seed: int) -> None:
    """Seed Python's random, NumPy and PyTorch (the envs are seeded by SB3 from the model's seed)."""
    from stable_baselines3.common.utils import set_random_seed

    set_random_seed(seed)


def default_run_name(config: TrainConfig) -> str:
    """``<mode>-<track or random>-s<seed>-<date-time>``."""
    what = Path(config.track).stem if config.track else ("tracks" if config.tracks else "random")
    return f"{config.mode}-{what}-s{config.seed}-{_dt.datetime.now():%Y%m%d-%H%M%S}"


def training_tracks(config: TrainConfig) -> list[Track]:
    """The fixed tracks of a run (empty: random tracks every episode)."""
    from agents.evaluate import load_track_file

    if config.track:
        return [load_track_file(config.track)]
    return [load_track_file(path) for path in config.tracks]


def evaluation_tracks(config: TrainConfig, train_tracks: list[Track]) -> list[Track]:
    """``--eval-tracks``, else the training tracks (three at most), else three generated tracks."""
    from agents.evaluate import load_track_file

    if config.eval_tracks:
        return [load_track_file(path) for path in config.eval_tracks]
    if train_tracks:
        return train_tracks[:3]
    from game.sim.track.generator import generate_track

    settings = generator_settings(config)
    return [generate_track(EVAL_TRACK_SEED + i, settings) for i in range(config.eval_generated)]


def generator_settings(config: TrainConfig) -> Any:
    """The random tracks' settings, with the config's variety."""
    from game.sim.track.generator import GeneratorSettings

    return GeneratorSettings(
        feature_mix_spread=config.track_mix_spread,
        wide_share=config.wide_track_share,
        circuit_corner_share=config.circuit_corner_share,
        width_zones=config.track_width_zones,
        brake_zone_share=config.track_brake_zone_share,
    )


def make_vec_env(config: TrainConfig, tracks: list[Track], observation_version: int | None = None) -> Any:
    """``n_envs`` RetroRacerEnv (each in SB3's Monitor, for episode returns) in one DummyVecEnv.

    ``observation_version``: the layout the model reads (default: the current one; a fine-tune of a model made
    for layout v3 trains on v3 observations).
    """
    from stable_baselines3.common.monitor import Monitor
    from stable_baselines3.common.vec_env import DummyVecEnv

    from agents.env import RetroRacerEnv

    if config.traffic:
        from agents.traffic.training import make_traffic_vec_env

        return make_traffic_vec_env(config, tracks, None if tracks else generator_settings(config))
    from game.sim.observation_layout import OBSERVATION_VERSION

    def make() -> Any:
        env = RetroRacerEnv(
            tracks=tracks or None,
            randomize_track=not tracks,
            start=config.start,
            max_episode_steps=config.max_episode_steps,
            reward=reward_config(config),
            episodes_per_track=config.episodes_per_track,
            generator=None if tracks else generator_settings(config),
            grid_slots=config.grid_slots,
            standing_start_prob=config.standing_start_share,
            observation_version=observation_version or OBSERVATION_VERSION,
        )
        return Monitor(env)

    return DummyVecEnv([make for _ in range(config.n_envs)])


def _ent_coef(text: str) -> str | float:
    return text if text.startswith("auto") else float(text)


def _schedule(value: float) -> Any:
    try:
        from stable_baselines3.common.utils import FloatSchedule

        return FloatSchedule(value)
    except ImportError:  # SB3 < 2.6
        from stable_baselines3.common.utils import constant_fn

        return constant_fn(value)


def optimizers(model: Any) -> list[Any]:
    """Actor, critic and (when learned) entropy-coefficient optimisers of a SAC model."""
    found = [model.actor.optimizer, model.critic.optimizer]
    if model.ent_coef_optimizer is not None:
        found.append(model.ent_coef_optimizer)
    return found


def set_learning_rate(model: Any, learning_rate: float) -> None:
    """Make every optimiser of a SAC model run at ``learning_rate``, now and in every later update.

    Setting ``model.learning_rate`` alone changes nothing: SB3 takes the rate from ``model.lr_schedule`` at each
    update, and a loaded model's optimisers keep the rate saved in their state until then.
    """
    from stable_baselines3.common.utils import update_learning_rate

    model.learning_rate = learning_rate
    model.lr_schedule = _schedule(learning_rate)
    for optimizer in optimizers(model):
        update_learning_rate(optimizer, learning_rate)


def _changeable_hyperparameters(config: TrainConfig) -> dict[str, Any]:
    """SAC settings that may differ between a saved model and the run that continues it."""
    return {
        "learning_starts": config.learning_starts,
        "batch_size": config.batch_size,
        "tau": config.tau,
        "gamma": config.gamma,
        "train_freq": config.train_freq,
        "gradient_steps": config.gradient_steps,
        "buffer_size": config.buffer_size,
        "tensorboard_log": config.logdir or None,
        "verbose": 0,
    }


def load_model(path: str | Path, venv: Any, config: TrainConfig) -> Any:
    """Load an SB3 SAC model to go on training with ``config``'s settings and learning rate.

    The learning rate goes in through ``custom_objects`` (so the saved schedule is neither unpickled nor used),
    and :func:`set_learning_rate` also rewrites the rate in the loaded optimiser states.

    Raises:
        ModelError: Missing, corrupt or foreign file, or spaces that do not match the env.
    """
    from agents.models import load_sb3

    custom = {"learning_rate": config.learning_rate, "lr_schedule": _schedule(config.learning_rate)}
    model = load_sb3(path, env=venv, device=config.device, custom_objects=custom, **_changeable_hyperparameters(config))
    set_learning_rate(model, config.learning_rate)
    if config.target_entropy is not None:
        model.target_entropy = float(config.target_entropy)  # read at every update
    return model


def new_model(venv: Any, config: TrainConfig) -> Any:
    """A fresh SAC model with ``config``'s hyperparameters."""
    from stable_baselines3 import SAC

    return SAC(
        "MlpPolicy",
        venv,
        learning_rate=config.learning_rate,
        ent_coef=_ent_coef(config.ent_coef),
        target_entropy="auto" if config.target_entropy is None else float(config.target_entropy),
        policy_kwargs={"net_arch": list(config.net_arch)},
        n_steps=config.n_steps,
        seed=config.seed,
        device=config.device,
        **_changeable_hyperparameters(config),
    )


def hyperparameters(model: Any, config: TrainConfig) -> dict[str, Any]:
    """The hyperparameters the model really trains with (rl-zoo style), read from the model."""
    import torch

    ent_coef = float(model.log_ent_coef.exp().item()) if model.log_ent_coef is not None else float(model.ent_coef)
    return {
        "algorithm": "SAC",
        "policy": "MlpPolicy",
        "learning_rate": float(model.lr_schedule(1.0)),
        "optimizer_learning_rates": [group["lr"] for opt in optimizers(model) for group in opt.param_groups],
        "buffer_size": int(model.buffer_size),
        "batch_size": int(model.batch_size),
        "tau": float(model.tau),
        "gamma": float(model.gamma),
        "n_steps": int(getattr(model, "n_steps", 1)),
        "train_freq": int(model.train_freq.frequency),
        "train_freq_unit": str(model.train_freq.unit.value),
        "gradient_steps": int(config.gradient_steps),
        "n_envs": int(model.n_envs),
        "updates_per_env_step": updates_per_env_step(config),
        "learning_starts": int(model.learning_starts),
        "policy_warmup_steps": int(config.policy_warmup_steps),
        "ent_coef": config.ent_coef,
        "ent_coef_now": ent_coef,
        "target_entropy": float(model.target_entropy),
        "policy_kwargs": {k: v for k, v in model.policy_kwargs.items() if k in ("net_arch", "n_critics")},
        "activation": "relu",
        "normalization": "none (the observation is already scaled; no VecNormalize)",
        "device": str(model.device),
        "torch_threads": torch.get_num_threads(),
    }


def reward_config(config: TrainConfig) -> Any:
    """The env's reward settings, with the config's overrides."""
    from agents.config import REWARD_OVERRIDES
    from agents.reward import RewardConfig

    overrides = {name: getattr(config, name) for name in REWARD_OVERRIDES if getattr(config, name) is not None}
    reward = dataclasses.replace(RewardConfig(), **overrides)
    if config.stuck_penalty is None:  # never cheaper to stop than to crash
        reward = dataclasses.replace(reward, stuck_penalty=max(reward.stuck_penalty, reward.off_track_penalty))
    return reward


def environment_settings(config: TrainConfig, observation_version: int) -> dict[str, Any]:
    """Reward, car and episode settings of the env, for the sidecar."""
    from agents.env import FRAME_SKIP
    from game.sim.observation_layout import observation_size
    from game.sim.physics import DEFAULT_CAR, PHYSICS_DT

    return {
        "observation_size": observation_size(observation_version),
        "observation_version": observation_version,
        "frame_skip": FRAME_SKIP,
        "physics_dt": PHYSICS_DT,
        "start": config.start,
        "grid_slots": config.grid_slots,
        "standing_start_share": config.standing_start_share,
        "max_episode_steps": config.max_episode_steps,
        "track_generator": dataclasses.asdict(generator_settings(config)),
        "reward": dataclasses.asdict(reward_config(config)),
        "car": dataclasses.asdict(DEFAULT_CAR),
    }


@contextlib.contextmanager
def sigterm_as_interrupt() -> Iterator[None]:
    """Inside: SIGTERM raises KeyboardInterrupt, so ``kill`` saves like Ctrl-C does."""

    def handler(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    try:
        previous = signal.signal(signal.SIGTERM, handler)
    except ValueError:  # not the main thread
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def check_device(device: str) -> None:
    """Refuse a CUDA device on a machine without one (torch would quietly train on the CPU, the sidecar say cuda).

    Raises:
        ValueError: With what to use instead.
    """
    if not device.startswith("cuda"):
        return
    import torch

    if not torch.cuda.is_available():
        raise ValueError(f"--device {device}: this machine has no CUDA device; use --device cpu (or auto)")
    index = int(device.split(":", 1)[1]) if ":" in device else 0
    if index >= torch.cuda.device_count():
        raise ValueError(f"--device {device}: this machine has {torch.cuda.device_count()} CUDA device(s)")


def check_outputs(config: TrainConfig) -> None:
    """Before any training: every folder the run writes to can be written, and the model goes into a run folder.

    Raises:
        ValueError: Naming the option and the folder.
    """
    import game.paths

    out = Path(str(config.out))
    models = Path(game.paths.MODELS_DIR).resolve()
    if out.resolve().is_relative_to(models):
        raise ValueError(
            f"--out {out} is in the models folder {models}: train into a run folder (the default) and add "
            "--install to install the finished, evaluated model (the files it replaces are kept)"
        )
    folders = [("--out", out.parent), ("--run-dir", Path(str(config.run_dir)))]
    if config.logdir:
        folders.append(("--logdir", Path(config.logdir)))
    if config.status_file:
        folders.append(("--status-file", Path(config.status_file).parent))
    if config.install:
        folders.append(("--install", install_path(config.mode, config.track).parent))
    for option, folder in folders:
        problem = _unwritable(folder)
        if problem:
            raise ValueError(f"{option}: cannot write to {folder} ({problem})")


def _unwritable(folder: Path) -> str | None:
    """None when a file can be made in ``folder`` (made if missing), else why not."""
    import tempfile

    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as exc:
        return exc.strerror or str(exc)
    return None


# -- the run --------------------------------------------------------------------------------------------------------
@dataclasses.dataclass
class TrainResult:
    """What a run produced."""

    model_path: Path
    actor_path: Path
    sidecar_path: Path
    num_timesteps: int
    wall_time_s: float
    interrupted: bool
    evaluation: list[dict[str, Any]]
    installed: Path | None = None
    install_note: str = ""


def train(
    config: TrainConfig,
    argv: list[str] | None = None,
    on_evaluation: Callable[[int, list[Any]], None] | None = None,
) -> TrainResult:
    """Run one training as configured (``config`` is resolved here); see the module docstring.

    ``on_evaluation(steps, results)`` is called after each periodic evaluation (``EvalCallback.on_result``);
    an exception it raises (such as ``optuna.TrialPruned``) ends the run and is raised again here.

    With ``status_file`` set, the run's state goes there as JSON (:class:`agents.callbacks.StatusFile`): "running"
    about once a second, then "done" (or "interrupted", after Ctrl-C or SIGTERM) once the model files are saved,
    or "failed" with the error, which is then raised again.
    """
    from agents.callbacks.progress import StatusFile

    config = resolved(config)
    validate(config)
    check_device(config.device)
    check_outputs(config)
    status = StatusFile(config.status_file, config.mode, config.steps) if config.status_file else None
    try:
        result = _run(config, argv, status, on_evaluation)
    except KeyboardInterrupt:  # outside model.learn (which saves and returns): nothing was saved
        if status is not None:
            status.write("interrupted", error="interrupted before the model was saved")
        raise
    except BaseException as exc:
        if status is not None:
            status.write("failed", error=str(exc) or type(exc).__name__)
        raise
    if status is not None:
        status.write(
            "interrupted" if result.interrupted else "done",
            steps=result.num_timesteps,
            model=str(result.model_path),
        )
    return result


def _run(
    config: TrainConfig,
    argv: list[str] | None,
    status: StatusFile | None,
    on_evaluation: Callable[[int, list[Any]], None] | None = None,
) -> TrainResult:
    """The run of :func:`train` (``config`` resolved), reporting to ``status`` when there is one."""
    import torch

    from agents.callbacks.checkpoints import (
        CHECKPOINT_STATE,
        CheckpointCallback,
        CheckpointError,
        WallClock,
        checkpoint_candidates,
        save_checkpoint,
    )
    from agents.callbacks.evaluation import EvalCallback
    from agents.callbacks.progress import ProgressCallback, evaluation_summary
    from agents.callbacks.warmup import PolicyWarmupCallback
    from agents.models import ModelPaths
    from game.sim.files import clean_temp_files

    torch.set_num_threads(config.torch_threads)
    paths = ModelPaths.of(config.out)
    # Temp files that a killed run left (a checkpoint's replay buffer can be ~100 MB): this run owns these names.
    for folder, prefix in ((config.run_dir, "ckpt_"), (config.run_dir, CHECKPOINT_STATE), (paths.zip.parent, "")):
        clean_temp_files(folder, prefix if prefix else paths.zip.stem + ".")
    candidates: list[Any] = []
    if config.resume:
        candidates, problems = checkpoint_candidates(config.run_dir)
        for problem in problems:
            print(f"warning: {problem}", file=sys.stderr)
        if not candidates and (problems or list(Path(str(config.run_dir)).glob("ckpt_*.zip"))):
            raise CheckpointError(f"cannot resume from {config.run_dir}: no checkpoint there can be read")
        if not candidates:
            print(f"no checkpoint in {config.run_dir}: starting a new run", file=sys.stderr)
    seed_everything(config.seed if not candidates else config.seed + candidates[0].num_timesteps)
    train_tracks = training_tracks(config)
    eval_tracks = evaluation_tracks(config, train_tracks)
    venv = make_vec_env(
        config, train_tracks, observation_version_to_train(config, candidates[0] if candidates else None)
    )

    state = None
    for candidate in candidates:
        try:
            model = load_checkpoint(config, candidate, venv)
        except CheckpointError as exc:
            print(f"warning: {exc}: trying the checkpoint before it", file=sys.stderr)
            continue
        state = candidate
        if candidate is not candidates[0]:
            print(f"resuming from {candidate.model} ({candidate.num_timesteps} steps)", file=sys.stderr)
        break
    if candidates and state is None:
        raise CheckpointError(f"cannot resume from {config.run_dir}: none of its checkpoints can be loaded")
    if state is not None:
        model.set_random_seed(config.seed + state.num_timesteps)
        run_name = state.run_name
    elif config.mode == "finetune" and not config.traffic:
        model = load_model(config.base, venv, config)
        config = dataclasses.replace(config, net_arch=base_network(model, config))
        model.set_random_seed(config.seed)
        run_name = config.run_name or default_run_name(config)
    else:
        model = new_model(venv, config)
        source = config.init_from or (config.base if config.mode == "finetune" else None)
        if source:
            from agents.models import load_sb3
            from agents.traffic.training import widen_model

            widen_model(model, load_sb3(source, device=config.device))
        run_name = config.run_name or default_run_name(config)
    clock = WallClock(state.wall_time_s if state is not None else 0.0)
    if status is not None:
        status.clock = clock
    config_record = to_dict(config)

    def checkpoint() -> None:
        save_checkpoint(
            model,
            config.run_dir,
            run_name,
            config_record,
            clock.seconds(),
            with_replay_buffer=config.save_replay_buffer,
            keep=config.keep_checkpoints,
        )

    progress = ProgressCallback(config.steps, clock, show_bar=config.progress, status=status)
    callbacks: list[Any] = [progress]
    if config.policy_warmup_steps > 0:
        callbacks.append(PolicyWarmupCallback(config.policy_warmup_steps, config.gradient_steps))
    if config.traffic and config.opponent_snapshot_every > 0:
        from agents.traffic.training import OpponentSnapshotCallback, pool_of

        callbacks.append(OpponentSnapshotCallback(pool_of(venv), config.opponent_snapshot_every))
    if config.checkpoint_every > 0:
        callbacks.append(CheckpointCallback(config.checkpoint_every, checkpoint))
    evaluator = None
    if config.eval_every > 0 and eval_tracks:
        evaluator = EvalCallback(
            eval_tracks,
            config.eval_every,
            config.eval_episodes,
            paths.curve,
            clock,
            status=status,
            on_result=on_evaluation,
        )
        callbacks.append(evaluator)

    remaining = config.steps - model.num_timesteps if state is not None else config.steps
    interrupted = False
    with sigterm_as_interrupt():
        try:
            if remaining > 0:
                from stable_baselines3.common.callbacks import CallbackList

                model.learn(
                    total_timesteps=remaining,
                    callback=CallbackList(callbacks),
                    log_interval=SB3_LOG_INTERVAL,
                    tb_log_name=run_name,
                    reset_num_timesteps=state is None,
                )
        except KeyboardInterrupt:
            interrupted = True
            print(f"\ninterrupted at {model.num_timesteps} steps: saving", file=sys.stderr)
        finally:
            progress.close()
        model.gradient_steps = config.gradient_steps  # PolicyWarmupCallback may have left 0
        if config.checkpoint_every > 0 or interrupted:
            checkpoint()
        selected_steps = model.num_timesteps
        if config.keep_best and evaluator is not None:
            selected_steps = select_best_policy(model, evaluator, evaluate_last=not interrupted)
        evaluation: list[dict[str, Any]] = []
        if not interrupted and config.final_eval_episodes > 0 and eval_tracks:
            from agents.evaluate import evaluate

            evaluation = [
                evaluate(model, track, episodes=config.final_eval_episodes, seed=FINAL_EVAL_SEED).to_dict()
                for track in eval_tracks
            ]
            if status is not None:
                status.update(last_eval=evaluation_summary(model.num_timesteps, clock.seconds(), evaluation, True))
        result = save_outputs(
            model,
            config,
            paths,
            run_name,
            clock.seconds(),
            interrupted,
            evaluation,
            steps_per_s=progress.steps_per_s,
            argv=argv,
            selected_steps=selected_steps,
        )
    if config.install:
        result.installed, result.install_note = install_model(config, paths, interrupted, evaluation, eval_tracks)
    return result


def observation_version_to_train(config: TrainConfig, state: Any) -> int:
    """The observation layout of the run: the checkpoint's when resuming, the base's for a fine-tune, else current."""
    from agents.models import observation_version_of_file
    from game.sim.observation_layout import OBSERVATION_VERSION

    if state is not None:
        return observation_version_of_file(Path(config.run_dir) / state.model)
    if config.mode == "finetune" and not config.traffic:  # traffic widens the base to the current layout
        return observation_version_of_file(config.base)
    return OBSERVATION_VERSION


def install_model(
    config: TrainConfig, paths: Any, interrupted: bool, evaluation: list[dict[str, Any]], eval_tracks: list[Track]
) -> tuple[Path | None, str]:
    """``--install``: copy a finished, evaluated model into the models folder, unless the installed one is better.

    The installed model is evaluated on the same tracks from the same starts; the new one is installed when it
    scores at least as well (lap completion first, then the ratio to the reference lap), or when the installed
    one cannot be loaded. All files go in together; the ones they replace are kept in ``<models>/backup/``.

    Returns:
        (the installed .npz or None, a line saying what was done and why).
    """
    import game.paths
    from agents.models import ModelPaths
    from game.drivers.actor import ModelError, load_actor
    from game.sim.files import install_together

    target = ModelPaths.of(install_path(config.mode, config.track))
    if interrupted:
        return None, f"not installed into {target.zip.parent}: the run was interrupted"
    if not evaluation:
        return None, f"not installed into {target.zip.parent}: the model was not evaluated"
    new_score = _score(evaluation)
    if target.npz.is_file():
        from agents.evaluate import evaluate

        try:
            installed = load_actor(target.npz)
        except ModelError:
            old_score = None
        else:
            old = [
                evaluate(installed, track, episodes=config.final_eval_episodes, seed=FINAL_EVAL_SEED).to_dict()
                for track in eval_tracks
            ]
            old_score = _score(old)
        if old_score is not None and old_score > new_score:
            return None, (
                f"not installed: the installed {target.npz.name} scores better on the same tracks (lap completion "
                f"{old_score[0]:.0%} vs {new_score[0]:.0%}, ratio {-old_score[1]:.3f} vs {-new_score[1]:.3f})"
            )
    backup = game.paths.model_backup_dir(target.zip.stem)
    sources = {
        target.zip: paths.zip,
        target.sidecar: paths.sidecar,
        target.curve: paths.curve if paths.curve.is_file() else None,
        target.npz: paths.npz,
    }
    kept = install_together(sources, backup_dir=backup)
    note = f"installed {target.npz} (and its .zip, .json)"
    return target.npz, note + (f"; the files it replaced are in {backup}" if kept else "")


def _score(evaluation: list[dict[str, Any]]) -> tuple[float, float]:
    """:func:`agents.callbacks.evaluation.evaluation_score` of evaluation dictionaries."""
    from types import SimpleNamespace

    from agents.callbacks.evaluation import evaluation_score

    return evaluation_score([SimpleNamespace(**ev) for ev in evaluation])


def base_network(model: Any, config: TrainConfig) -> list[int]:
    """The hidden layers of a loaded base model; a fine-tune keeps them.

    Raises:
        ValueError: ``--net-arch`` asked for another network than the base model's (the default asks for none).
    """
    arch = model.policy_kwargs.get("net_arch", [])
    arch = list(arch) if isinstance(arch, list | tuple) else arch
    default = TrainConfig().net_arch
    if list(config.net_arch) not in (arch, default):
        raise ValueError(
            f"--net-arch {' '.join(map(str, config.net_arch))} is not the base model's network ({arch}): "
            "a fine-tune keeps the base's network"
        )
    return arch if isinstance(arch, list) else list(config.net_arch)


def load_checkpoint(config: TrainConfig, state: Any, venv: Any) -> Any:
    """The model of a checkpoint, with its replay buffer, to go on training with ``config``.

    Raises:
        CheckpointError: The model or the replay buffer cannot be loaded (truncated, damaged).
    """
    from agents.callbacks.checkpoints import CheckpointError
    from game.drivers.actor import ModelError

    run_dir = Path(str(config.run_dir))
    try:
        model = load_model(run_dir / state.model, venv, config)
    except ModelError as exc:
        raise CheckpointError(f"checkpoint {state.model}: {exc}") from None
    if state.replay_buffer:
        try:
            model.load_replay_buffer(run_dir / state.replay_buffer)
        except Exception as exc:  # noqa: BLE001  # unpickling a damaged file raises almost anything
            raise CheckpointError(f"checkpoint {state.replay_buffer}: unreadable ({type(exc).__name__})") from None
        model.replay_buffer.device = model.device  # the checkpoint may come from another device
        if model.replay_buffer.n_envs != venv.num_envs:
            raise SystemExit(
                f"error: the checkpoint's replay buffer is for {model.replay_buffer.n_envs} envs, "
                f"this run has {venv.num_envs}: resume with --n-envs {model.replay_buffer.n_envs}"
            )
    return model


def select_best_policy(model: Any, evaluator: Any, evaluate_last: bool = True) -> int:
    """Evaluate the last policy too, then load the best evaluated one into ``model``; returns its step count."""
    if evaluate_last and evaluator.last_steps != model.num_timesteps:
        evaluator.run_evaluation()
    if evaluator.best_policy is not None and evaluator.best_steps != model.num_timesteps:
        model.policy.load_state_dict(evaluator.best_policy)
        print(f"kept the policy of step {evaluator.best_steps} (best evaluation)", file=sys.stderr)
        return int(evaluator.best_steps)
    return int(model.num_timesteps)


def save_outputs(
    model: Any,
    config: TrainConfig,
    paths: Any,
    run_name: str,
    wall_time_s: float,
    interrupted: bool,
    evaluation: list[dict[str, Any]],
    steps_per_s: float,
    argv: list[str] | None,
    selected_steps: int | None = None,
) -> TrainResult:
    """Write the SB3 .zip, the weights-only .npz actor and the .json sidecar, all three together."""
    from agents.models import (
        command_line,
        export_actor,
        file_sha256,
        model_observation_version,
        save_model,
        sidecar_record,
        write_sidecar,
    )
    from game.sim.files import files_together

    track_name = None
    if config.track:
        track_name = Path(config.track).stem
    selected = int(model.num_timesteps if selected_steps is None else selected_steps)
    # The .zip, .npz and .json of one model are written together or not at all (an interrupted save leaves the
    # previous model whole); the .npz, what the game loads, goes into place last.
    with files_together([paths.zip, paths.sidecar, paths.npz]) as temp:
        save_model(model, temp[paths.zip])
        export_actor(
            model,
            temp[paths.npz],
            metadata={"kind": config.mode, "track": track_name, "steps": selected, "run_name": run_name},
        )
        version = model_observation_version(model)
        record = sidecar_record(
            observation_version=version,
            kind=config.mode,
            run_name=run_name,
            track=track_name,
            track_file=config.track,
            train_tracks=list(config.tracks),
            base_model=config.base if config.mode == "finetune" else None,
            files={
                "zip": paths.zip.name,
                "npz": paths.npz.name,
                "npz_sha256": file_sha256(temp[paths.npz]),
                "curve": paths.curve.name if paths.curve.exists() else None,
            },
            steps=int(model.num_timesteps),
            selected_steps=selected,
            wall_time_s=wall_time_s,
            env_steps_per_s_last=steps_per_s,
            interrupted=interrupted,
            command=command_line(argv),
            config=to_dict(config),
            hyperparameters=hyperparameters(model, config),
            environment=environment_settings(config, version),
            evaluation=evaluation,
        )
        write_sidecar(temp[paths.sidecar], record)
    return TrainResult(
        paths.zip, paths.npz, paths.sidecar, int(model.num_timesteps), wall_time_s, interrupted, evaluation
    )


# -- command line ---------------------------------------------------------------------------------------------------
def build_parser() -> argparse.ArgumentParser:
    """``python -m agents.train {base,finetune,scratch} [options]``."""
    parser = argparse.ArgumentParser(
        prog="python -m agents.train",
        description="Train the AI drivers with SAC. Run `python -m agents.train MODE --help` for every option.",
    )
    sub = parser.add_subparsers(dest="mode", required=True, metavar="MODE")
    descriptions = {
        "base": "SAC on random tracks, a new one every episode (domain randomisation)",
        "finetune": "load the base model and go on training on one track at learning rate 1e-4",
        "scratch": "one track from nothing, for comparison",
    }
    for mode in MODES:
        mode_parser = sub.add_parser(mode, help=descriptions[mode], description=descriptions[mode])
        add_config_arguments(mode_parser, mode)
    return parser


def config_from_args(argv: list[str] | None = None) -> TrainConfig:
    """Parse the command line into a config; with --resume, the checkpoint's config plus the given options.

    A resumed run goes on in the run folder it is given (``--run-dir``, or the default), wherever the checkpoint
    says the run was made: a moved or copied run folder continues there, with its model beside it.
    """
    args = vars(build_parser().parse_args(argv))
    mode = args.pop("mode")
    try:
        config = config_for_mode(mode, **args)
    except ValueError as exc:
        raise SystemExit(f"error: {exc}") from None
    if config.resume:
        from agents.callbacks.checkpoints import CheckpointError, read_checkpoint

        run_dir = resolved(config).run_dir
        try:
            state = read_checkpoint(run_dir)
        except CheckpointError as exc:
            raise SystemExit(f"error: {exc}") from None
        if state is not None:
            stored = from_dict(state.config)
            if stored.mode != mode:
                raise SystemExit(f"error: the checkpoint in {run_dir} is of a {stored.mode} run, not {mode}")
            if "n_envs" in args and args["n_envs"] != stored.n_envs:
                raise SystemExit(f"error: the checkpoint was made with --n-envs {stored.n_envs}")
            if "net_arch" in args and list(args["net_arch"]) != list(stored.net_arch):
                raise SystemExit(f"error: the checkpoint's network is --net-arch {' '.join(map(str, stored.net_arch))}")
            moved = _rebased(stored, run_dir)
            config = dataclasses.replace(stored, **{**moved, **args, "run_dir": run_dir})
            try:
                validate(config)
            except ValueError as exc:
                raise SystemExit(f"error: {exc}") from None
    return config


def _rebased(stored: TrainConfig, run_dir: str) -> dict[str, Any]:
    """The stored paths that lay in the stored run folder, moved into ``run_dir`` (a moved or copied run)."""
    moved: dict[str, Any] = {}
    if not stored.run_dir:
        return moved
    old = Path(stored.run_dir)
    for name in ("out", "status_file"):
        value = getattr(stored, name)
        if value and Path(value).is_relative_to(old):
            moved[name] = str(Path(run_dir) / Path(value).relative_to(old))
    return moved


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status (130 after Ctrl-C)."""
    config = config_from_args(argv)
    try:
        result = train(config, argv=None if argv is None else ["-m", "agents.train", *argv])
    except (TrackError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    minutes = result.wall_time_s / 60.0
    print(
        f"saved {result.model_path}, {result.actor_path}, {result.sidecar_path}: {result.num_timesteps} steps "
        f"in {minutes:.1f} min{' (interrupted)' if result.interrupted else ''}"
    )
    if result.install_note:
        print(result.install_note)
    for ev in result.evaluation:
        ratio = "-" if ev["ratio"] is None else f"{ev['ratio']:.3f}"
        print(
            f"  {ev['track']}: {100 * ev['completion_rate']:.0f}% laps completed, best lap {ev['best_lap_s']}, "
            f"ratio {ratio}"
        )
    return 130 if result.interrupted else 0


if __name__ == "__main__":
    sys.exit(main())
