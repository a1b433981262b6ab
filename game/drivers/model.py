"""A trained model driving every AI car, from the one observation function that training uses. No pygame here."""

from __future__ import annotations

import numpy as np

from game.drivers.actor import Actor
from game.sim.observation import observe_cars
from game.sim.observation_layout import LINE_CLEARANCE, observation_size
from game.sim.physics import CarParams
from game.sim.racing_line import line_table
from game.sim.track import Track


class ActorDriver:
    """A trained model (:class:`game.drivers.actor.Actor`) seeing the training observation of every car.

    Every car sees every other (the player's car too), as in training; a driver made for layout v3 gets the
    first 22 numbers only.
    """

    def __init__(self, actor: Actor, track: Track, params: CarParams) -> None:
        self.actor = actor
        self.track = track
        self.params = params.as_array()
        self.line = line_table(track, getattr(actor, "line_clearance", LINE_CLEARANCE))  # the line it drives on
        self.size = observation_size(actor.observation_version)  # a v3 driver reads the first 22 numbers
        self._obs = np.zeros((8, self.size), dtype=np.float32)
        import os

        from game.drivers.racecraft import Racecraft

        self.racecraft = Racecraft(track, self.line) if os.environ.get("RACECRAFT") else None

    def act(self, cars: np.ndarray) -> np.ndarray:
        """Observe every car exactly as in training and ask the model."""
        n = cars.shape[0]
        if self._obs.shape[0] != n:
            self._obs = np.zeros((n, self.size), dtype=np.float32)
        observe_cars(cars, self.track.table, self.line, self.track.spacing, self.params, self._obs)
        cap = None
        if self.racecraft is not None:
            shift, cap = self.racecraft.plan(cars, self._obs[:, 3])
            half = 0.5 * (
                self.racecraft._at(self.racecraft.width_left, cars[:, 8 + 1])
                + self.racecraft._at(self.racecraft.width_right, cars[:, 9])
            )
            self._obs[:, 6] = np.clip(self._obs[:, 6] - shift / half, -2.0, 2.0)
        actions = np.asarray(self.actor.act(self._obs), dtype=np.float64)
        self.last_actions = actions.copy()
        if cap is not None:
            actions[:, 1] = np.minimum(np.maximum(actions[:, 1], self.racecraft.floor), cap)
        if actions.shape != (n, 2) or not np.all(np.isfinite(actions)):
            raise ValueError(f"model returned {actions.shape} actions (finite: {np.all(np.isfinite(actions))})")
        return np.clip(actions, -1.0, 1.0)
