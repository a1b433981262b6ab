"""The cars that do not learn: earlier drivers (numpy actors), each opponent car given one of them per episode.

A pool holds drivers: the shipped base (a layout v3 driver reads the first 22 numbers of the observation) and
snapshots of the learner taken during training (:meth:`Opponents.add`, oldest dropped first), so that the
learner races drivers of varied pace and style, as GT Sophy's opponents were. Their pace is set by the field
(``game.sim.pace.apply_pace``), never by changing the physics.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from game.drivers.actor import Actor
from game.sim.observation_layout import observation_size


class Opponents:
    """A pool of drivers for the opponent cars of a field.

    Args:
        drivers: The pool to start with.
        max_size: At most this many; :meth:`add` drops the oldest snapshot, never the first driver.
    """

    def __init__(self, drivers: Sequence[Actor] = (), max_size: int = 6) -> None:
        self.drivers = list(drivers)
        self.max_size = max_size

    def __len__(self) -> int:
        return len(self.drivers)

    def add(self, driver: Actor) -> None:
        """Add a snapshot of the learner; past ``max_size`` the oldest snapshot goes (the first driver stays)."""
        self.drivers.append(driver)
        if len(self.drivers) > self.max_size:
            del self.drivers[1]

    def assign(self, n_cars: int, rng: np.random.Generator) -> np.ndarray:
        """A driver of the pool for each of ``n_cars`` opponent cars, drawn at random (for one episode)."""
        return rng.integers(len(self.drivers), size=n_cars)

    def act(self, obs: np.ndarray, assignment: np.ndarray) -> np.ndarray:
        """Controls (N, 2) for N opponent cars; car k is driven by driver ``assignment[k]`` of the pool."""
        controls = np.zeros((obs.shape[0], 2))
        for k, driver in enumerate(self.drivers):
            rows = np.flatnonzero(assignment == k)
            if rows.size:
                size = observation_size(driver.observation_version)
                controls[rows] = driver.act(obs[rows, :size])
        return controls
