"""A moving average of the policy's weights (Polyak averaging), to drive evaluations and the saved model.

SAC's deterministic policy at the grip limit swings from one evaluation to the next: measured on the recipe runs,
one checkpoint lapped 11 of the 12 validation circuits and the one 200k steps later 3. Gradient noise moves the
weights around a good region; their average sits nearer its middle (Polyak and Juditsky 1992; stochastic weight
averaging, Izmailov et al. 2018; in RL, Nikishin et al. 2018). The average only drives: the learner goes on with
its own weights, and the critics are never averaged.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Iterator
from typing import Any

from stable_baselines3.common.callbacks import BaseCallback


class PolicyAverage(BaseCallback):
    """An exponential moving average of the actor's weights over about ``steps`` env steps.

    Updated after every vector step (``n_envs`` env steps) by ``1 - exp(-n_envs / steps)`` of the way to the
    current weights. :meth:`applied` puts the average into the model for a while (an evaluation, the final save).
    """

    def __init__(self, steps: int) -> None:
        super().__init__()
        if steps <= 0:
            raise ValueError(f"the average needs a positive number of steps, got {steps}")
        self.steps = steps
        self.average: dict[str, Any] | None = None
        self._saved: dict[str, Any] | None = None

    def _on_training_start(self) -> None:
        if self._saved is not None:
            own = self.model.actor.state_dict()
            saved, self._saved = self._saved, None
            if set(saved) != set(own) or any(tuple(saved[k].shape) != tuple(own[k].shape) for k in own):
                raise ValueError("the checkpoint's policy average does not fit this model's actor")
            self.average = {name: tensor.to(own[name].device).clone() for name, tensor in saved.items()}
        if self.average is None:
            self.average = self._weights()

    def _on_step(self) -> bool:
        import torch

        share = 1.0 - math.exp(-self.model.n_envs / self.steps)
        with torch.no_grad():
            for name, tensor in self.model.actor.state_dict().items():
                if tensor.is_floating_point():
                    self.average[name].lerp_(tensor, share)
        return True

    def _weights(self) -> dict[str, Any]:
        return {name: tensor.detach().clone() for name, tensor in self.model.actor.state_dict().items()}

    def state(self) -> dict[str, Any] | None:
        """The averaged weights (the actor's state dict), for a checkpoint; None before training started."""
        return self.average

    def restore(self, average: dict[str, Any]) -> None:
        """Go on from an average saved in a checkpoint.

        It is checked against the actor when training starts (a ``ValueError`` if it does not fit).
        """
        self._saved = average

    @contextlib.contextmanager
    def applied(self) -> Iterator[None]:
        """The average in the model's actor inside the ``with``; the learner's own weights back after it."""
        if self.average is None:
            yield
            return
        own = self._weights()
        self.model.actor.load_state_dict(self.average)
        try:
            yield
        finally:
            self.model.actor.load_state_dict(own)

    def apply_for_good(self) -> None:
        """Put the average into the actor to stay (the model that is saved at the end)."""
        if self.average is not None:
            self.model.actor.load_state_dict(self.average)
