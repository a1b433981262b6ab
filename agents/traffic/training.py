"""Training in traffic with ``agents.train``: the fields' vector env, widened models, snapshot opponents.

``python -m agents.train base --traffic --init-from assets/models/base.zip`` starts from the shipped driver: its
layout v3 network is widened to layout v4 (:func:`widen_model`), the weights of the 20 new inputs starting at 0,
so on the first step it drives exactly as before, blind to other cars, and learns from there to use them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from stable_baselines3.common.callbacks import BaseCallback

from agents.config import TrainConfig, scenario_weights
from agents.traffic.field import TrafficField
from agents.traffic.opponents import Opponents
from agents.traffic.vec_env import TrafficVecEnv
from game.drivers.actor import ModelError, load_actor
from game.paths import base_model
from game.sim.observation_layout import DRIVING_SIZE, OBSERVATION_SIZE
from game.sim.track import Track


def opponent_pool(config: TrainConfig) -> Opponents:
    """The drivers of the opponent cars: ``--opponents`` files, else the shipped base model.

    Raises:
        ModelError: A file that is not a driver this code can feed.
    """
    files = [Path(p) for p in config.opponents] or [base_model()]
    return Opponents([load_actor(path) for path in files])


def make_traffic_vec_env(config: TrainConfig, tracks: list[Track], generator: Any) -> TrafficVecEnv:
    """``n_envs / traffic_learners`` fields, each on its own random tracks (or ``tracks``), sharing one pool."""
    from agents.run_env import line_clearance_of, reward_config

    pool = opponent_pool(config)
    fields = [
        TrafficField(
            tracks=tracks or None,
            n_learners=config.traffic_learners,
            n_opponents=config.traffic_opponents,
            opponents=pool,
            scenario_weights=scenario_weights(config.traffic_scenarios),
            reward=reward_config(config),
            max_episode_steps=config.max_episode_steps,
            standing_start_prob=config.standing_start_share,
            generator=None if tracks else generator,
            episodes_per_track=config.episodes_per_track,
            seed=config.seed * 1000 + k,
            retry_share=config.retry_share,
            line_clearance=line_clearance_of(config),
        )
        for k in range(config.n_envs // config.traffic_learners)
    ]
    return TrafficVecEnv(fields)


def widened_state(source: dict[str, Any], target: dict[str, Any], cars: dict[str, Any] | None = None) -> dict[str, Any]:
    """``source``'s policy weights shaped as ``target``'s, a layout v3 input layer widened to v4.

    The actor's and critics' first layers of ``source`` read 22 observation numbers (critics: then 2 actions);
    ``target``'s read 42. The 22 go to the same columns, the critics' action columns after the 42, and the 20 new
    columns (the cars around) start at 0, so the widened weights compute exactly what ``source`` did on any
    observation; or, given ``cars`` (a layout v4 state dict of the same architecture), they are ``cars``' columns:
    alone (the car block 0) the weights still compute what ``source`` did.

    Raises:
        ValueError: The two state dicts differ other than in the observation size, or ``cars`` lacks a layer or
            has another shape.
    """
    import torch as th

    widened = {}
    grew = False
    for name, value in source.items():
        want = target[name]
        if value.shape == want.shape:
            widened[name] = value.clone()
        elif value.ndim == 2 and value.shape[0] == want.shape[0] and value.shape[1] in (DRIVING_SIZE, DRIVING_SIZE + 2):
            grown = th.zeros_like(want)
            if cars is not None:
                if name not in cars or cars[name].shape != want.shape:
                    raise ValueError(f"the car weights have no {name} of shape {tuple(want.shape)}")
                grown[:, DRIVING_SIZE:OBSERVATION_SIZE] = cars[name][:, DRIVING_SIZE:OBSERVATION_SIZE]
            grown[:, :DRIVING_SIZE] = value[:, :DRIVING_SIZE]
            grew = True
            if value.shape[1] == DRIVING_SIZE + 2:  # a critic: the action follows the observation
                grown[:, OBSERVATION_SIZE:] = value[:, DRIVING_SIZE:]
            widened[name] = grown
        else:
            raise ValueError(f"cannot widen {name}: {tuple(value.shape)} into {tuple(want.shape)}")
    if cars is not None and not grew:
        raise ValueError("car weights go into a widened layout v3 driver: this one already reads the cars")
    return widened


def starting_driver(source: str, critics_from: str | None, device: str = "cpu") -> Any:
    """The SB3 model a run starts from: ``source`` (.zip), or ``critics_from``'s carrying the driver file ``source``.

    A driver file (.npz, the weights-only actor the game loads: the shipped per-track fine-tunes exist only so) keeps
    no critics. Its actor's mean (hidden layers and ``mu``) replaces that of ``critics_from`` (a .zip of the same
    network: the model it was fine-tuned from), so the model drives exactly as the file does; the critics, the
    log-std head and the entropy coefficient stay ``critics_from``'s.

    Raises:
        ModelError: A file cannot be loaded, or the driver's network (layer sizes, activation) is not
            ``critics_from``'s.
    """
    import torch as th

    from agents.models import load_sb3

    if Path(source).suffix != ".npz":
        return load_sb3(source, device=device)
    if not critics_from:
        raise ModelError(f"{source}: a driver file keeps no critics: give the model it was fine-tuned from (--base)")
    model = load_sb3(critics_from, device=device)
    driver = load_actor(source, None)
    actor = model.policy.actor
    linears = [m for m in actor.latent_pi if isinstance(m, th.nn.Linear)] + [actor.mu]
    layers = [*driver.hidden, driver.mu]
    activations = {type(m).__name__.lower() for m in actor.latent_pi if not isinstance(m, th.nn.Linear)}
    same_activation = activations <= {driver.activation}  # no hidden layer: nothing to compare
    if [tuple(m.weight.shape) for m in linears] != [tuple(w.T.shape) for w, _ in layers] or not same_activation:
        raise ModelError(f"{source}: its network is not {critics_from}'s: start from the model it was fine-tuned from")
    with th.no_grad():
        for linear, (weight, bias) in zip(linears, layers, strict=True):
            linear.weight.copy_(th.as_tensor(weight.T))
            linear.bias.copy_(th.as_tensor(bias))
    return model


def widen_model(model: Any, source: Any, cars: Any = None) -> None:
    """Copy ``source``'s weights into ``model`` (same architecture), widened by :func:`widened_state`.

    The entropy coefficient comes along; the optimiser states start fresh. ``cars``: a layout v4 model whose
    weights from the cars around replace the zeros of a widened layout v3 ``source``.

    Raises:
        ValueError: The models differ other than in the observation size, or ``cars`` is not layout v4.
    """
    import torch as th

    car_state = cars.policy.state_dict() if cars is not None else None
    model.policy.load_state_dict(widened_state(source.policy.state_dict(), model.policy.state_dict(), car_state))
    if getattr(source, "log_ent_coef", None) is not None and getattr(model, "log_ent_coef", None) is not None:
        with th.no_grad():
            model.log_ent_coef.copy_(source.log_ent_coef.detach().to(model.log_ent_coef.device))


class OpponentSnapshotCallback(BaseCallback):
    """Every ``every`` env steps the learner, as it drives now, joins the opponents of every field."""

    def __init__(self, pool: Opponents, every: int) -> None:
        super().__init__()
        self.pool = pool
        self.every = every
        self._next = every

    def _on_step(self) -> bool:
        if self.every > 0 and self.num_timesteps >= self._next:
            from agents.models import actor_from_model

            self.pool.add(actor_from_model(self.model, metadata={"snapshot_steps": int(self.num_timesteps)}))
            self._next = self.num_timesteps + self.every
        return True


def pool_of(venv: Any) -> Opponents | None:
    """The opponents shared by a traffic vector env's fields (None for another env)."""
    if isinstance(venv, TrafficVecEnv) and venv.fields and venv.fields[0].opponents is not None:
        return venv.fields[0].opponents
    return None
