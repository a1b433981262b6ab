"""A trained model driving every AI car, from the one observation function that training uses. No pygame here."""

from __future__ import annotations

import numpy as np

from game.drivers.actor import Actor
from game.sim.observation import observe_cars
from game.sim.observation_layout import OBSERVATION_SIZE
from game.sim.physics import CarParams
from game.sim.racing_line import line_table
from game.sim.track import Track


class ActorDriver:
    """A trained model (``game.drivers.actor``) seeing the training observation of every car."""

    def __init__(self, actor: Actor, track: Track, params: CarParams) -> None:
        self.actor = actor
        self.track = track
        self.params = params.as_array()
        self.line = line_table(track)
        self._obs = np.zeros((8, OBSERVATION_SIZE), dtype=np.float32)

    def act(self, cars: np.ndarray) -> np.ndarray:
        """Observe every car exactly as in training and ask the model."""
        n = cars.shape[0]
        if self._obs.shape[0] != n:
            self._obs = np.zeros((n, OBSERVATION_SIZE), dtype=np.float32)
        observe_cars(cars, self.track.table, self.line, self.track.spacing, self.params, self._obs)
        actions = np.asarray(self.actor.act(self._obs), dtype=np.float64)
        if actions.shape != (n, 2) or not np.all(np.isfinite(actions)):
            raise ValueError(f"model returned {actions.shape} actions (finite: {np.all(np.isfinite(actions))})")
        return np.clip(actions, -1.0, 1.0)
