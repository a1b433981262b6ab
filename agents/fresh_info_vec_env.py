"""SB3's ``DummyVecEnv`` without the deep copy of every step's infos.

``DummyVecEnv.step_wait`` returns ``deepcopy(self.buf_infos)``: for 32 envs that is about 1 ms a step on the
development machine, as long as the env steps themselves. Our envs (:class:`agents.env.RetroRacerEnv`, in SB3's
``Monitor``) return a new info dict every step, and the final observation is a copy, so a shallow copy of the list
hands out nothing that a later step changes. Everything else is ``DummyVecEnv``'s, step for step.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from stable_baselines3.common.vec_env import DummyVecEnv


class FreshInfoVecEnv(DummyVecEnv):
    """``DummyVecEnv`` for envs whose every step returns a new info dict (see the module's docstring)."""

    def step_wait(self) -> Any:
        """As ``DummyVecEnv.step_wait``, the infos returned as a new list of the envs' own dicts."""
        for env_idx in range(self.num_envs):
            obs, self.buf_rews[env_idx], terminated, truncated, self.buf_infos[env_idx] = self.envs[env_idx].step(
                self.actions[env_idx]
            )
            self.buf_dones[env_idx] = terminated or truncated
            self.buf_infos[env_idx]["TimeLimit.truncated"] = truncated and not terminated
            if self.buf_dones[env_idx]:
                self.buf_infos[env_idx]["terminal_observation"] = obs
                obs, self.reset_infos[env_idx] = self.envs[env_idx].reset()
            self._save_obs(env_idx, obs)
        return self._obs_from_buf(), np.copy(self.buf_rews), np.copy(self.buf_dones), list(self.buf_infos)
