"""The SAC model of a run: a new one, a loaded one at the run's learning rate, a checkpoint, its hyperparameters."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from agents.config import TrainConfig, updates_per_env_step


def _ent_coef(text: str) -> str | float:
    return text if text.startswith("auto") else float(text)


def _schedule(value: float) -> Any:
    try:
        from stable_baselines3.common.utils import FloatSchedule

        return FloatSchedule(value)
    except ImportError:  # SB3 < 2.6
        from stable_baselines3.common.utils import constant_fn

        return constant_fn(value)


@dataclass(frozen=True)
class LinearRate:
    """A learning rate falling in a straight line from ``start`` (progress remaining 1) to ``end`` (0).

    SB3 calls it with the share of the run still to go, ``1 - num_timesteps / total``; a resumed run's total is
    its ``--steps``, so it goes on down the same line.
    """

    start: float
    end: float

    def __call__(self, progress_remaining: float) -> float:
        """The rate with ``progress_remaining`` (1 at the start, 0 at the end) of the run to go."""
        remaining = min(max(progress_remaining, 0.0), 1.0)
        return self.end + (self.start - self.end) * remaining


def learning_rate_schedule(config: TrainConfig) -> Any:
    """The run's learning rate for SB3: constant, or :class:`LinearRate` down to ``--learning-rate-end``."""
    if config.learning_rate_end is None:
        return _schedule(config.learning_rate)
    return _schedule(LinearRate(config.learning_rate, config.learning_rate_end))


def optimizers(model: Any) -> list[Any]:
    """Actor, critic and (when learned) entropy-coefficient optimisers of a SAC model."""
    found = [model.actor.optimizer, model.critic.optimizer]
    if model.ent_coef_optimizer is not None:
        found.append(model.ent_coef_optimizer)
    return found


def fast_updates(model: Any) -> Any:
    """Make SB3's SAC update cheaper, with the same arithmetic to rounding (``agents.bench_train --compare-updates``).

    * Adam fused (one kernel for all of an optimiser's tensors, on the CPU; elsewhere ``foreach``), where SB3's
      default steps tensor by tensor: about a seventh of a fine-tune's update time on the development machine.
    * The critics' weights frozen while the actor's loss runs backward through them. SB3 computes their gradients
      there and throws them away (the critic optimiser zeroes them before its next step); the gradient that reaches
      the actor's actions is the same. The critic optimiser's step freezes them, the actor optimiser's step thaws
      them (step post-hooks: the order of SB3's ``SAC.train``, critic then actor).

    Called on every model a run trains (:func:`new_model`, :func:`load_model`); after a loaded optimiser state,
    whose groups carry their own flags. Returns the model.
    """
    fused = model.device.type == "cpu"  # a state loaded for another device keeps its step counter on the CPU
    for optimizer in optimizers(model):
        for group in optimizer.param_groups:
            group["fused"], group["foreach"] = (True, False) if fused else (False, True)
    critic = [parameter for parameter in model.critic.parameters() if parameter.requires_grad]

    def freeze(*_: Any) -> None:
        for parameter in critic:
            parameter.requires_grad_(False)

    def thaw(*_: Any) -> None:
        for parameter in critic:
            parameter.requires_grad_(True)

    model.critic.optimizer.register_step_post_hook(freeze)
    model.actor.optimizer.register_step_post_hook(thaw)
    return model


def set_learning_rate(model: Any, learning_rate: float, schedule: Any = None) -> None:
    """Make every optimiser of a SAC model run at ``learning_rate`` now, and by ``schedule`` in later updates.

    Without a schedule the rate stays ``learning_rate``.
    Setting ``model.learning_rate`` alone changes nothing: SB3 takes the rate from ``model.lr_schedule`` at each
    update, and a loaded model's optimisers keep the rate saved in their state until then.
    """
    from stable_baselines3.common.utils import update_learning_rate

    model.learning_rate = learning_rate if schedule is None else schedule
    model.lr_schedule = _schedule(learning_rate) if schedule is None else schedule
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


def _replay_buffer(config: TrainConfig) -> dict[str, Any]:
    """The replay buffer the run's ``n_steps`` and ``gamma`` ask for, as ``SAC.load`` keyword arguments.

    A saved model keeps its replay buffer's class and keyword arguments (an n-step buffer's own ``n_steps`` and
    ``gamma``, with which it discounts the returns the critics learn from), and ``SAC.load`` builds the new buffer
    from those, not from the model's ``gamma``: without this, a fine-tune's ``--gamma`` and ``--n-steps`` changed
    nothing.
    """
    from stable_baselines3.common.buffers import NStepReplayBuffer, ReplayBuffer

    if config.n_steps > 1:
        kwargs = {"n_steps": config.n_steps, "gamma": config.gamma}
        return {"replay_buffer_class": NStepReplayBuffer, "replay_buffer_kwargs": kwargs, "n_steps": config.n_steps}
    return {"replay_buffer_class": ReplayBuffer, "replay_buffer_kwargs": {}, "n_steps": 1}


def load_model(path: str | Path, venv: Any, config: TrainConfig) -> Any:
    """Load an SB3 SAC model to go on training with ``config``'s settings and learning rate.

    The learning rate goes in through ``custom_objects`` (so the saved schedule is neither unpickled nor used),
    and :func:`set_learning_rate` also rewrites the rate in the loaded optimiser states.

    Raises:
        ModelError: Missing, corrupt or foreign file, or spaces that do not match the env.
    """
    from agents.models import load_sb3

    schedule = learning_rate_schedule(config)
    custom = {"learning_rate": schedule, "lr_schedule": schedule}
    settings = {**_changeable_hyperparameters(config), **_replay_buffer(config)}
    model = load_sb3(path, env=venv, device=config.device, custom_objects=custom, **settings)
    set_learning_rate(model, config.learning_rate, schedule)
    if config.target_entropy is not None:
        model.target_entropy = float(config.target_entropy)  # read at every update
    return fast_updates(model)


def new_model(venv: Any, config: TrainConfig, fast: bool = True) -> Any:
    """A fresh SAC model with ``config``'s hyperparameters (seeded by the run: ``agents.train.run_seed``).

    ``fast``: with :func:`fast_updates` (``False``: SB3's own update, for ``agents.bench_train``'s ``:plain``).
    """
    from stable_baselines3 import SAC

    model = SAC(
        "MlpPolicy",
        venv,
        learning_rate=learning_rate_schedule(config),
        ent_coef=_ent_coef(config.ent_coef),
        target_entropy="auto" if config.target_entropy is None else float(config.target_entropy),
        policy_kwargs={"net_arch": list(config.net_arch)},
        n_steps=config.n_steps,
        device=config.device,
        **_changeable_hyperparameters(config),
    )
    return fast_updates(model) if fast else model


def hyperparameters(model: Any, config: TrainConfig) -> dict[str, Any]:
    """The hyperparameters the model really trains with (rl-zoo style), read from the model."""
    import torch

    ent_coef = float(model.log_ent_coef.exp().item()) if model.log_ent_coef is not None else float(model.ent_coef)
    return {
        "algorithm": "SAC",
        "policy": "MlpPolicy",
        "learning_rate": float(model.lr_schedule(1.0)),
        "learning_rate_end": None if config.learning_rate_end is None else float(model.lr_schedule(0.0)),
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
        "adam_fused": bool(model.critic.optimizer.param_groups[0].get("fused")),
    }


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
