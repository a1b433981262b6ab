"""Fine-tuning: the loaded policy fills the replay buffer before the first gradient step."""

from __future__ import annotations

from stable_baselines3.common.callbacks import BaseCallback


# -- fine-tuning ----------------------------------------------------------------------------------------------------
class PolicyWarmupCallback(BaseCallback):
    """No gradient updates for the first ``warmup_steps`` env steps: the loaded policy fills the replay buffer.

    SB3's ``learning_starts`` would also hold back updates but drives with uniformly random actions; here the
    (stochastic) policy drives. Works by setting ``model.gradient_steps`` before SB3 decides whether to train.
    """

    def __init__(self, warmup_steps: int, gradient_steps: int) -> None:
        super().__init__()
        self.warmup_steps = warmup_steps
        self.gradient_steps = gradient_steps

    def _on_training_start(self) -> None:
        self._apply()

    def _on_step(self) -> bool:
        self._apply()
        return True

    def _apply(self) -> None:
        self.model.gradient_steps = 0 if self.num_timesteps < self.warmup_steps else self.gradient_steps
