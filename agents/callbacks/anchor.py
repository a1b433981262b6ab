"""A pull towards the driver a run started from, so that more training keeps its driving while the critics learn.

Each actor update's loss gains ``weight * mean(|a(s) - a0(s)|^2)``: ``a`` the learner's deterministic action, ``a0``
the starting driver's, on states drawn from the replay buffer. The critics' gradient still moves the policy where
it is strong (a car ahead, a new reward term), while the small drifts of critics that have not yet learnt the new
inputs are held back: TD3+BC's behaviour term (Fujimoto and Gu, 2021), with the starting driver as the behaviour.
"""

from __future__ import annotations

from typing import Any

from stable_baselines3.common.callbacks import BaseCallback

from game.sim.observation import CAR_CLOSING_SCALE, CAR_GAP_SCALE
from game.sim.observation_layout import (
    N_CAR_FEATURES,
    OBS_CARS,
    OBSERVATION_SIZE,
    SLOT_CLOSING,
    SLOT_GAP,
    SLOT_PRESENCE,
)

PRESENCE = slice(OBS_CARS + SLOT_PRESENCE, None, N_CAR_FEATURES)  # the presence flags of the cars around
GAP = slice(OBS_CARS + SLOT_GAP, None, N_CAR_FEATURES)  # their gaps along the track / CAR_GAP_SCALE
CLOSING = slice(OBS_CARS + SLOT_CLOSING, None, N_CAR_FEATURES)  # how fast we close on them / CAR_CLOSING_SCALE


class _OptimiserHook(BaseCallback):
    """A callback whose work is a hook on the actor's optimiser, held from training start to training end."""

    def __init__(self) -> None:
        super().__init__()
        self._hook: Any = None

    def _on_training_end(self) -> None:
        if self._hook is not None:
            self._hook.remove()
            self._hook = None

    def _on_step(self) -> bool:
        return True


class ActorAnchor(_OptimiserHook):
    """Adds the pull to every step of the actor's optimiser, through a step pre-hook, while training runs.

    ``anchor`` is the starting driver's actor (an SB3 ``Actor`` reading the learner's observation); it is frozen.
    ``alone``: pull only on states with no other car in sight (of a layout v4 observation), so that the learner is
    free where the cars matter and held where the starting driver, blind to them, already knew what to do;
    ``alone_within`` [m]: a car further than this along the track counts as not there; ``alone_behind`` [m]: a car
    behind, further back than this (default: ``alone_within``); ``alone_closing`` [m/s]: a car ahead that we close
    on no faster than this (a queue; default None: any car ahead within reach counts), so that the pull holds a
    car in a queue to the starting driver's driving and lets go where a car ahead is being caught.
    """

    def __init__(
        self,
        anchor: Any,
        weight: float,
        batch_size: int,
        alone: bool = False,
        alone_within: float = CAR_GAP_SCALE,
        alone_behind: float | None = None,
        alone_closing: float | None = None,
    ) -> None:
        super().__init__()
        self.anchor = anchor
        self.weight = weight
        self.batch_size = batch_size
        self.alone = alone
        self.alone_within = alone_within
        self.alone_behind = alone_within if alone_behind is None else alone_behind
        self.alone_closing = alone_closing
        self.last_pull = 0.0  # the latest pull term, before its weight: mean squared action distance
        for parameter in self.anchor.parameters():
            parameter.requires_grad_(False)

    def _on_training_start(self) -> None:
        self.anchor.to(self.model.device).set_training_mode(False)
        self._hook = self.model.actor.optimizer.register_step_pre_hook(self._pull)

    def _pull(self, optimizer: Any, args: Any, kwargs: Any) -> None:
        """Add the pull's gradient to the actor's (SB3 has just back-propagated its own loss)."""
        import torch as th

        replay = self.model.replay_buffer
        if replay is None or replay.size() == 0:
            return
        observations = replay.sample(self.batch_size).observations
        with th.no_grad():
            target = self.anchor(observations, deterministic=True)
        action = self.model.actor(observations, deterministic=True)
        distance = ((action - target) ** 2).sum(dim=1)
        if self.alone:
            gap = observations[:, GAP] * CAR_GAP_SCALE  # [m], + ahead
            near = (observations[:, PRESENCE] > 0.5) & (gap < self.alone_within) & (gap > -self.alone_behind)
            if self.alone_closing is not None:  # a car ahead counts only while we catch it
                closing = observations[:, CLOSING] * CAR_CLOSING_SCALE  # [m/s], + we close on it
                near = near & ((gap <= 0.0) | (closing > self.alone_closing))
            distance = distance * ~near.any(dim=1)
        pull = distance.mean()  # over the whole batch: a weight means the same with or without ``alone``
        (self.weight * pull).backward()
        self.last_pull = float(pull.detach())
        self.logger.record("train/anchor_distance", self.last_pull)


def anchor_actor(model: Any, source: str, device: str = "auto", critics_from: str | None = None) -> Any:
    """The actor of the SB3 model file ``source`` as ``model``'s actor (widened to its observation if need be).

    A driver file (.npz) is read as :func:`agents.traffic.training.starting_driver` reads it (on ``critics_from``).

    Raises:
        ModelError: ``source`` cannot be loaded.
        ValueError: ``source``'s network differs from ``model``'s other than in the observation size.
    """
    import copy

    from agents.traffic.training import starting_driver, widened_state

    actor = copy.deepcopy(model.actor)  # the actor alone: the critics are not needed to keep to its actions
    loaded = starting_driver(source, critics_from, device=device)
    actor.load_state_dict(widened_state(loaded.actor.state_dict(), actor.state_dict()))
    return actor


class KeepDriving(_OptimiserHook):
    """Train only the actor's weights from the cars around (the first layer's columns of the layout v4 car block).

    After every step of the actor's optimiser every other actor weight is put back as it was when training started,
    so with no car in sight (the car block all 0) the actor computes exactly what the starting driver did, however
    long it trains and whatever the optimiser's state: its pace and its sureness alone are kept by construction, and
    what it learns is how the cars around change its driving. The critics train in full.
    """

    def __init__(self) -> None:
        super().__init__()
        self._kept: list[tuple[Any, Any, Any]] = []  # (parameter, its values to keep, where it may learn)

    def _on_training_start(self) -> None:
        import torch as th

        first = self.model.actor.latent_pi[0]
        if first.in_features != OBSERVATION_SIZE:
            raise ValueError(f"keep_driving needs a layout v4 actor, {OBSERVATION_SIZE} inputs: {first.in_features}")
        self._kept = []
        for parameter in self.model.actor.parameters():
            free = th.zeros_like(parameter, dtype=th.bool)
            if parameter is first.weight:
                free[:, OBS_CARS:] = True
            self._kept.append((parameter, parameter.detach().clone(), free))
        self._hook = self.model.actor.optimizer.register_step_post_hook(self._put_back)

    def _put_back(self, optimizer: Any, args: Any, kwargs: Any) -> None:
        import torch as th

        with th.no_grad():
            for parameter, kept, free in self._kept:
                parameter.copy_(th.where(free, parameter, kept))
