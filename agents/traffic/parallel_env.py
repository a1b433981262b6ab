"""The race in traffic as a PettingZoo ``ParallelEnv``: every car an agent, all stepped at once.

The Farama convention for many agents (PettingZoo's custom-environment tutorial): ``possible_agents``
(``car_0`` ... ``car_{n-1}``), ``observation_space(agent)`` and ``action_space(agent)`` (the same as
``RetroRacer-v1``'s), ``reset()`` and ``step(actions)`` with one dict entry per agent. A car that leaves the track or
gets stuck is terminated and leaves ``agents`` (its car stays where it is, braking, an obstacle like a real
one); every car still racing is truncated after ``max_episode_steps``. Checked by
``pettingzoo.test.parallel_api_test``. To train one shared SB3 policy on every car, use
:class:`agents.traffic.vec_env.TrafficVecEnv` (cars respawn there instead of leaving).
"""

from __future__ import annotations

import functools
import os
from typing import Any

import gymnasium as gym
import numpy as np

from agents.traffic.field import TrafficField
from game.sim.observation import OBSERVATION_HIGH, OBSERVATION_LOW


def _import_parallel_env() -> type:
    """PettingZoo's ParallelEnv, imported without the side effect of its package on the audio of this process.

    ``import pettingzoo`` sets ``SDL_AUDIODRIVER=dsp`` on Linux (to quiet ALSA), which breaks pygame's sound for
    everything after it in the same process (the tests, a tool that also plays sound); the setting is put back.
    """
    before = os.environ.get("SDL_AUDIODRIVER")
    try:
        from pettingzoo import ParallelEnv
    finally:
        if before is None:
            os.environ.pop("SDL_AUDIODRIVER", None)
        else:
            os.environ["SDL_AUDIODRIVER"] = before
    return ParallelEnv


ParallelEnv = _import_parallel_env()
PARKED = (0.0, -1.0)  # the controls of a car that is out: brake


class RetroRacerParallelEnv(ParallelEnv):
    """``n_cars`` cars racing on one track; see the module docstring.

    Args:
        n_cars: Agents, 1 to 8.
        **field_options: Passed to :class:`agents.traffic.field.TrafficField` (tracks, scenario_weights,
            reward, max_episode_steps, ...); every car is an agent, so there are no opponents.
    """

    metadata = {"name": "retroracer_v1", "render_modes": []}

    def __init__(self, n_cars: int = 8, **field_options: Any) -> None:
        self.field = TrafficField(n_learners=n_cars, n_opponents=0, **field_options)
        self.possible_agents = [f"car_{i}" for i in range(n_cars)]
        self.agents: list[str] = []
        self.render_mode = None
        self._index = {agent: i for i, agent in enumerate(self.possible_agents)}
        self._controls = np.zeros((n_cars, 2))

    @functools.cache  # noqa: B019  (one space per agent, the same object every call)
    def observation_space(self, agent: str) -> gym.spaces.Box:
        """The observation of every car: layout v4, 42 numbers."""
        return gym.spaces.Box(OBSERVATION_LOW, OBSERVATION_HIGH, dtype=np.float32)

    @functools.cache  # noqa: B019
    def action_space(self, agent: str) -> gym.spaces.Box:
        """``[steer, throttle]`` in [-1, 1]."""
        return gym.spaces.Box(-1.0, 1.0, shape=(2,), dtype=np.float32)

    def reset(self, seed: int | None = None, options: dict | None = None) -> tuple[dict, dict]:
        """Every car back in the race, from a new scenario."""
        obs = self.field.reset(seed=seed)
        self.agents = list(self.possible_agents)
        observations = {agent: obs[self._index[agent]].copy() for agent in self.agents}
        return observations, {agent: self.field.car_info(self._index[agent]) for agent in self.agents}

    def step(self, actions: dict[str, np.ndarray]) -> tuple[dict, dict, dict, dict, dict]:
        """One action step of every car still racing; cars out of the race brake."""
        self._controls[:] = PARKED
        for agent, action in actions.items():
            if agent in self._index and agent in self.agents:
                self._controls[self._index[agent]] = np.asarray(action, dtype=np.float64).reshape(2)
        obs, rewards, terminated, truncated = self.field.step(self._controls)
        racing = self.agents
        observations = {a: obs[self._index[a]].copy() for a in racing}
        reward = {a: float(rewards[self._index[a]]) for a in racing}
        terminations = {a: bool(terminated[self._index[a]]) for a in racing}
        truncations = {a: bool(truncated[self._index[a]]) for a in racing}
        infos = {a: self.field.car_info(self._index[a]) for a in racing}
        self.agents = [a for a in racing if not (terminations[a] or truncations[a])]
        return observations, reward, terminations, truncations, infos

    def render(self) -> None:
        """No picture: watch a race in the game (``python main.py --watch``)."""

    def close(self) -> None:
        """Nothing to release."""
