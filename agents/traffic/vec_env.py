"""Training in traffic with Stable-Baselines3: fields of cars as one vector env, each learning car a slot.

SB3's SAC trains one policy on a vector env; here slot ``k`` of the vector env is learning car ``k % n_learners``
of field ``k // n_learners``, so one shared policy drives every learning car and learns from all of them. A slot
whose car left the track or got stuck reports ``done`` (with ``terminal_observation``, as SB3 expects) and goes on
with the car put back on the road; when a field's episode is over every slot of it reports ``done`` with
``TimeLimit.truncated`` and the field starts again. Each finished slot episode reports ``episode`` (return, length,
time) and ``laps`` like SB3's Monitor does, for the progress bar and the logs.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

import gymnasium as gym
import numpy as np
from stable_baselines3.common.vec_env.base_vec_env import VecEnv, VecEnvObs, VecEnvStepReturn

from agents.traffic.field import TrafficField
from game.sim.observation import OBSERVATION_HIGH, OBSERVATION_LOW
from game.sim.physics import CAR_PROGRESS


class TrafficVecEnv(VecEnv):
    """Every learning car of ``fields`` as one slot of an SB3 vector env (see the module docstring)."""

    def __init__(self, fields: Sequence[TrafficField]) -> None:
        if not fields:
            raise ValueError("a traffic vector env needs at least one field")
        self.fields = list(fields)
        self.render_mode = None
        self._slots = [(f, k) for f in self.fields for k in range(f.n_learners)]
        observation_space = gym.spaces.Box(OBSERVATION_LOW, OBSERVATION_HIGH, dtype=np.float32)
        action_space = gym.spaces.Box(-1.0, 1.0, shape=(2,), dtype=np.float32)
        super().__init__(len(self._slots), observation_space, action_space)
        self._actions = np.zeros((self.num_envs, 2))
        self._returns = np.zeros(self.num_envs)
        self._lengths = np.zeros(self.num_envs, dtype=np.int64)
        self._started = np.zeros(self.num_envs)
        self._start_progress = np.zeros(self.num_envs)

    # -- VecEnv -------------------------------------------------------------------------------------------------
    def reset(self) -> VecEnvObs:
        """Start every field (seeded by :meth:`seed` when it was called)."""
        obs = np.zeros((self.num_envs, *self.observation_space.shape), np.float32)
        start = 0
        for field in self.fields:
            seed = self._seeds[start]
            obs[start : start + field.n_learners] = field.reset(seed=seed)
            self._begin(range(start, start + field.n_learners), field)
            start += field.n_learners
        self._reset_seeds()
        return obs

    def step_async(self, actions: np.ndarray) -> None:
        """Keep the actions for :meth:`step_wait`."""
        self._actions = np.asarray(actions, dtype=np.float64).reshape(self.num_envs, 2)

    def step_wait(self) -> VecEnvStepReturn:
        """Step every field; finished slots carry their terminal observation in ``infos``."""
        obs = np.zeros((self.num_envs, *self.observation_space.shape), np.float32)
        rewards = np.zeros(self.num_envs, np.float32)
        dones = np.zeros(self.num_envs, dtype=bool)
        infos: list[dict[str, Any]] = [{} for _ in range(self.num_envs)]
        start = 0
        for field in self.fields:
            n = field.n_learners
            slots = range(start, start + n)
            field_obs, reward, terminated, truncated = field.step(self._actions[start : start + n])
            obs[start : start + n] = field_obs
            rewards[start : start + n] = reward
            self._returns[start : start + n] += reward
            self._lengths[start : start + n] += 1
            over = bool(truncated.any())
            for k, slot in enumerate(slots):
                if terminated[k] or over:
                    dones[slot] = True
                    infos[slot] = self._finish(slot, field, k, obs[slot], bool(terminated[k]))
            if over:
                obs[start : start + n] = field.reset()
                self._begin(slots, field)
            else:
                for k in np.flatnonzero(terminated):
                    field.respawn(int(k))
                    self._begin([start + int(k)], field)
                if terminated.any():
                    obs[start : start + n] = field.obs[:n]
            start += n
        return obs, rewards, dones, infos

    def _begin(self, slots: Sequence[int] | range, field: TrafficField) -> None:
        for slot in slots:
            self._returns[slot] = 0.0
            self._lengths[slot] = 0
            self._started[slot] = time.perf_counter()
            self._start_progress[slot] = field.cars[self._slots[slot][1], CAR_PROGRESS]

    def _finish(self, slot: int, field: TrafficField, car: int, last_obs: np.ndarray, crashed: bool) -> dict[str, Any]:
        info = field.car_info(car)
        info["terminal_observation"] = last_obs.copy()
        info["TimeLimit.truncated"] = not crashed
        info["laps"] = int(max(info["progress"] - self._start_progress[slot], 0.0) // field.track.length)
        info["episode"] = {
            "r": float(self._returns[slot]),
            "l": int(self._lengths[slot]),
            "t": round(time.perf_counter() - self._started[slot], 6),
        }
        return info

    def close(self) -> None:
        """Nothing to release."""

    def get_attr(self, attr_name: str, indices: Any = None) -> list[Any]:
        """An attribute of the field of each slot."""
        return [getattr(self._slots[i][0], attr_name, None) for i in self._indices(indices)]

    def set_attr(self, attr_name: str, value: Any, indices: Any = None) -> None:
        """Set an attribute of the field of each slot."""
        for i in self._indices(indices):
            setattr(self._slots[i][0], attr_name, value)

    def env_method(self, method_name: str, *method_args: Any, indices: Any = None, **method_kwargs: Any) -> list[Any]:
        """Call a method of the field of each slot."""
        return [getattr(self._slots[i][0], method_name)(*method_args, **method_kwargs) for i in self._indices(indices)]

    def env_is_wrapped(self, wrapper_class: type, indices: Any = None) -> list[bool]:
        """Fields are not gym envs: never wrapped."""
        return [False for _ in self._indices(indices)]

    def _indices(self, indices: Any) -> list[int]:
        if indices is None:
            return list(range(self.num_envs))
        if isinstance(indices, int):
            return [indices]
        return list(indices)
