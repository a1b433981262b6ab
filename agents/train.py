"""Train the AI drivers with Soft Actor-Critic (Stable-Baselines3).

Usage::

    python -m agents.train base [--steps N] [--out PATH] [--seed S] [--n-envs K] [--tracks FILE ...] ...
    python -m agents.train finetune --track tracks/NAME.json [--base assets/models/base.zip] [--steps N] ...
    python -m agents.train scratch --track tracks/NAME.json [--steps N] ...
    python -m agents.train MODE --help          # every option, with the mode's default

* ``base``: random tracks, a new one every episode (domain randomisation, ``game.sim.track.generator``); ``--tracks``
  trains on a fixed set of track files instead.
* ``finetune``: loads the base model and trains on one track at a learning rate falling from 2e-4 to 1e-5 (without
  ``--track``, on random tracks, at 1e-4; all three Adam optimisers really run at it), with ``learning_starts`` 0: the
  base policy drives from the first step, no random actions.
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
    resolved,
    to_dict,
    validate,
    validate_combination,
)
from agents.install import base_evaluation, final_evaluation, install_model
from agents.preflight import check_device, check_outputs
from agents.run_env import (
    environment_settings,
    evaluation_tracks,
    line_clearance_of,
    make_vec_env,
    observation_version_to_train,
    training_tracks,
)
from agents.sac import base_network, hyperparameters, load_checkpoint, load_model, new_model
from game.sim.track import Track, TrackError

if TYPE_CHECKING:
    from agents.callbacks.progress import StatusFile

SB3_LOG_INTERVAL = 50  # episodes between SB3's own TensorBoard dumps


# -- setup ----------------------------------------------------------------------------------------------------------
def seed_everything(seed: int) -> None:
    """Seed Python's random, NumPy and PyTorch with the run's seed (:func:`run_seed`).

    The model's envs and action space get the same seed from ``model.set_random_seed`` once the model exists.
    """
    from stable_baselines3.common.utils import set_random_seed

    set_random_seed(seed)


def default_run_name(config: TrainConfig) -> str:
    """``<mode>-<track or random>-s<seed>-<date-time>``."""
    what = Path(config.track).stem if config.track else ("tracks" if config.tracks else "random")
    return f"{config.mode}-{what}-s{config.seed}-{_dt.datetime.now():%Y%m%d-%H%M%S}"


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
    validate_combination(config)
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

    from agents.callbacks.checkpoints import WallClock
    from agents.models import ModelPaths

    torch.set_num_threads(config.torch_threads)
    config = dataclasses.replace(config, line_clearance=line_clearance_of(config))  # the sidecar says which
    paths = ModelPaths.of(config.out)
    candidates = checkpoints_to_resume(config, paths)
    seed = run_seed(config, candidates[0] if candidates else None)
    seed_everything(seed)  # Python, NumPy, PyTorch: before the networks are made
    train_tracks = training_tracks(config)
    eval_tracks = evaluation_tracks(config, train_tracks)
    first = candidates[0] if candidates else None
    venv = make_vec_env(config, train_tracks, observation_version_to_train(config, first))
    model, state, config = model_to_train(config, candidates, venv)
    model.line_clearance = config.line_clearance  # saved with the model; its driver files drive on that line
    model.set_random_seed(run_seed(config, state))  # the envs and the action space: the one other seed
    run_name = state.run_name if state is not None else config.run_name or default_run_name(config)
    clock = WallClock(state.wall_time_s if state is not None else 0.0)
    if status is not None:
        status.clock = clock
    parts = RunParts(config, model, venv, run_name, clock, status, paths, eval_tracks)
    callbacks = parts.callbacks(on_evaluation, state)
    interrupted = parts.learn(callbacks, state)
    return parts.finish(interrupted, argv)


def run_seed(config: TrainConfig, state: Any) -> int:
    """The seed of a run: ``--seed``, moved on by the steps done when it resumes (so a resumed run draws anew)."""
    return config.seed + (state.num_timesteps if state is not None else 0)


def checkpoints_to_resume(config: TrainConfig, paths: Any) -> list[Any]:
    """With ``--resume``, the run folder's readable checkpoints, newest first; temp files of a killed run go.

    Raises:
        CheckpointError: There are checkpoints, but none can be read.
    """
    from agents.callbacks.checkpoints import CHECKPOINT_STATE, CheckpointError, checkpoint_candidates
    from game.sim.files import clean_temp_files

    # Temp files that a killed run left (a checkpoint's replay buffer can be ~100 MB): this run owns these names.
    for folder, prefix in ((config.run_dir, "ckpt_"), (config.run_dir, CHECKPOINT_STATE), (paths.zip.parent, "")):
        clean_temp_files(folder, prefix if prefix else paths.zip.stem + ".")
    if not config.resume:
        return []
    candidates, problems = checkpoint_candidates(config.run_dir)
    for problem in problems:
        print(f"warning: {problem}", file=sys.stderr)
    if not candidates and (problems or list(Path(str(config.run_dir)).glob("ckpt_*.zip"))):
        raise CheckpointError(f"cannot resume from {config.run_dir}: no checkpoint there can be read")
    if not candidates:
        print(f"no checkpoint in {config.run_dir}: starting a new run", file=sys.stderr)
    return candidates


def model_to_train(config: TrainConfig, candidates: list[Any], venv: Any) -> tuple[Any, Any, TrainConfig]:
    """(model, the checkpoint resumed or None, config): a checkpoint, else the base (finetune), else a new model.

    A new model starts from ``--init-from`` (or, finetuning in traffic, from the base) when given, widened to the
    current observation layout (:func:`agents.traffic.training.widen_model`).

    Raises:
        CheckpointError: There were checkpoints to resume from, but none could be loaded.
    """
    from agents.callbacks.checkpoints import CheckpointError

    for candidate in candidates:
        try:
            model = load_checkpoint(config, candidate, venv)
        except CheckpointError as exc:
            print(f"warning: {exc}: trying the checkpoint before it", file=sys.stderr)
            continue
        if candidate is not candidates[0]:
            print(f"resuming from {candidate.model} ({candidate.num_timesteps} steps)", file=sys.stderr)
        return model, candidate, config
    if candidates:
        raise CheckpointError(f"cannot resume from {config.run_dir}: none of its checkpoints can be loaded")
    if config.mode == "finetune" and not config.traffic:
        model = load_model(config.base, venv, config)
        return model, None, dataclasses.replace(config, net_arch=base_network(model, config))
    model = new_model(venv, config)
    source = config.init_from or (config.base if config.mode == "finetune" else None)
    if source:
        from agents.models import load_sb3
        from agents.traffic.training import starting_driver, widen_model

        cars = load_sb3(config.car_weights_from, device=config.device) if config.car_weights_from else None
        widen_model(model, starting_driver(source, config.base, device=config.device), cars)
    return model, None, config


@dataclasses.dataclass
class RunParts:
    """The pieces of one run after its model exists: callbacks, the learning loop, the final save."""

    config: TrainConfig
    model: Any
    venv: Any
    run_name: str
    clock: Any
    status: Any
    paths: Any
    eval_tracks: list[Track]
    progress: Any = None
    evaluator: Any = None
    average: Any = None

    def checkpoint(self) -> None:
        """Save a checkpoint of the model (and its replay buffer) into the run folder."""
        from agents.callbacks.checkpoints import save_checkpoint

        config = self.config
        save_checkpoint(
            self.model,
            config.run_dir,
            self.run_name,
            to_dict(config),
            self.clock.seconds(),
            with_replay_buffer=config.save_replay_buffer,
            keep=config.keep_checkpoints,
            policy_average=self.average.state() if self.average is not None else None,
        )

    def callbacks(self, on_evaluation: Callable[[int, list[Any]], None] | None, state: Any = None) -> list[Any]:
        """Progress, warm-up, opponent snapshots, policy average, anchor, checkpoints and periodic evaluation.

        Each as configured; a resumed run (``state``, its checkpoint) goes on with the checkpoint's policy average.
        """
        from agents.callbacks.checkpoints import CheckpointCallback, load_policy_average
        from agents.callbacks.evaluation import EvalCallback
        from agents.callbacks.progress import ProgressCallback
        from agents.callbacks.warmup import PolicyWarmupCallback

        config = self.config
        self.progress = ProgressCallback(config.steps, self.clock, show_bar=config.progress, status=self.status)
        callbacks: list[Any] = [self.progress]
        if config.policy_warmup_steps > 0:
            callbacks.append(PolicyWarmupCallback(config.policy_warmup_steps, config.gradient_steps))
        if config.traffic and config.opponent_snapshot_every > 0:
            from agents.traffic.training import OpponentSnapshotCallback, pool_of

            callbacks.append(OpponentSnapshotCallback(pool_of(self.venv), config.opponent_snapshot_every))
        if config.policy_average_steps > 0:
            from agents.callbacks.averaging import PolicyAverage

            self.average = PolicyAverage(config.policy_average_steps)
            saved = load_policy_average(config.run_dir, state) if state is not None else None
            if saved is not None:
                self.average.restore(saved)
            callbacks.append(self.average)
        if config.anchor_weight > 0:
            from agents.callbacks.anchor import ActorAnchor, anchor_actor

            source = config.init_from or config.base
            anchor = anchor_actor(self.model, str(source), device=config.device, critics_from=config.base)
            callbacks.append(
                ActorAnchor(
                    anchor,
                    config.anchor_weight,
                    config.batch_size,
                    alone=config.anchor_alone,
                    alone_within=config.anchor_alone_within,
                    alone_behind=config.anchor_alone_behind,
                    alone_closing=config.anchor_alone_closing,
                )
            )
        if config.keep_driving:
            from agents.callbacks.anchor import KeepDriving

            callbacks.append(KeepDriving())
        if config.checkpoint_every > 0:
            callbacks.append(CheckpointCallback(config.checkpoint_every, self.checkpoint))
        if config.eval_every > 0 and self.eval_tracks:
            self.evaluator = EvalCallback(
                self.eval_tracks,
                config.eval_every,
                config.eval_episodes,
                self.paths.curve,
                self.clock,
                status=self.status,
                on_result=on_evaluation,
                policy_average=self.average,
                line_clearance=config.drive_line_clearance,
                goal_median=config.keep_goal_median,
            )
            callbacks.append(self.evaluator)
        return callbacks

    def learn(self, callbacks: list[Any], state: Any) -> bool:
        """Train to ``--steps`` (from where a checkpoint left off); returns whether Ctrl-C or SIGTERM stopped it."""
        from stable_baselines3.common.callbacks import CallbackList

        model, config = self.model, self.config
        remaining = config.steps - model.num_timesteps if state is not None else config.steps
        interrupted = False
        with sigterm_as_interrupt():
            try:
                if remaining > 0:
                    model.learn(
                        total_timesteps=remaining,
                        callback=CallbackList(callbacks),
                        log_interval=SB3_LOG_INTERVAL,
                        tb_log_name=self.run_name,
                        reset_num_timesteps=state is None,
                    )
            except KeyboardInterrupt:
                interrupted = True
                print(f"\ninterrupted at {model.num_timesteps} steps: saving", file=sys.stderr)
            finally:
                self.progress.close()
            model.gradient_steps = config.gradient_steps  # PolicyWarmupCallback may have left 0
            if config.checkpoint_every > 0 or interrupted:
                self.checkpoint()
        return interrupted

    def finish(self, interrupted: bool, argv: list[str] | None) -> TrainResult:
        """Keep the best evaluated policy, evaluate it, save the model's files, install them if asked."""
        from agents.callbacks.progress import evaluation_summary

        model, config = self.model, self.config
        with sigterm_as_interrupt():
            selected_steps = model.num_timesteps
            if self.average is not None:
                self.average.apply_for_good()  # the checkpoints keep the learner's own weights
            if config.keep_best and self.evaluator is not None:
                selected_steps = select_best_policy(model, self.evaluator, evaluate_last=not interrupted)
            evaluation: list[dict[str, Any]] = []
            if not interrupted and config.final_eval_episodes > 0 and self.eval_tracks:
                from agents.models import actor_from_model

                driver = actor_from_model(model, line_clearance=config.drive_line_clearance)
                evaluation = final_evaluation(driver, self.eval_tracks, config.final_eval_episodes)
                if self.status is not None:
                    summary = evaluation_summary(model.num_timesteps, self.clock.seconds(), evaluation, True)
                    self.status.update(last_eval=summary)
            result = save_outputs(
                model,
                config,
                self.paths,
                self.run_name,
                self.clock.seconds(),
                interrupted,
                evaluation,
                steps_per_s=self.progress.steps_per_s,
                argv=argv,
                selected_steps=selected_steps,
                base_evaluation=base_evaluation(config, self.eval_tracks) if evaluation else [],
            )
        if config.install:
            result.installed, result.install_note = install_model(
                config, self.paths, interrupted, evaluation, self.eval_tracks
            )
        return result


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
    base_evaluation: list[dict[str, Any]] | None = None,
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
            line_clearance=config.drive_line_clearance,
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
            base_evaluation=base_evaluation or [],
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
        "finetune": "load the base model and go on training on one track (learning rate 2e-4 falling to 1e-5)",
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
        if "traffic" not in args:
            config = traffic_by_default(config, asked={"practice_share", "held_speed_share"} & set(args))
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


def traffic_by_default(config: TrainConfig, asked: set[str] | frozenset[str] = frozenset()) -> TrainConfig:
    """A fine-tune trains in traffic when its base did (its record says so), unless --no-traffic is given.

    So the editor's "train a driver" keeps what the base learned about racing: alone on the track, the inputs that
    see other cars would never be used. A base whose record cannot be read is left to the run to report. Corner and
    speed-held practice (a car alone) are then off, unless asked for (named in ``asked``: refused with traffic).
    """
    if config.mode != "finetune" or config.traffic or not _trained_in_traffic(config.base):
        return config
    alone = {name: 0.0 for name in ("practice_share", "held_speed_share") if name not in asked}
    config = dataclasses.replace(config, traffic=True, **alone)
    validate(config)
    return config


def _trained_in_traffic(base: str) -> bool:
    """Whether a base model trained in traffic (False if that cannot be read).

    Its sidecar says so; a run's checkpoint (``ckpt_<steps>.zip``) has no model sidecar, and its state file beside it
    (the ``.json``) says it instead.
    """
    from agents.callbacks.checkpoints import CheckpointError, read_state
    from agents.models import ModelError, ModelPaths, read_sidecar

    record = ModelPaths.of(base).sidecar
    try:
        stored = read_sidecar(record).get("config", {})
    except (ModelError, OSError):
        try:
            stored = read_state(Path(record)).config
        except CheckpointError:
            return False
    return isinstance(stored, dict) and bool(stored.get("traffic"))


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
