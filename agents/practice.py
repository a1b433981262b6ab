"""Corner practice: after the car leaves the road, the next episode on that track may restart shortly before it did.

A driver that laps a circuit 99 times in 100 is let down by the one corner sequence it gets wrong, and on random
tracks such sequences are rare: most of its practice is on corners it already takes. With a share > 0, the env keeps
the car's state over the last ``RECALL`` seconds; when the car leaves the road (or is stuck), the state from
``BACK_MIN``-``RECALL`` seconds before is kept, and the next episode on the same track starts from it with
probability ``share`` (drawn once: either way the kept state is then dropped). The car arrives as it did, at the same
speed on the same line, and tries again. The race never starts this way: the game's and the evaluations' episodes
are unchanged.
"""

from __future__ import annotations

import numpy as np

from game.sim.physics import FRAME_SKIP, N_CAR_COLUMNS, PHYSICS_DT
from game.sim.track import Track

RECALL = 4.0  # [s] the car's states kept
BACK_MIN = 1.0  # [s] a restart goes back at least this far before the car left the road
DECISION_DT = FRAME_SKIP * PHYSICS_DT  # [s] between two recorded states


class CornerPractice:
    """The car's recent states, and a restart kept from its last failure on a track.

    Args:
        share: Probability that the episode after a failure restarts before it (0: off, nothing recorded).
    """

    def __init__(self, share: float) -> None:
        if not 0.0 <= share <= 1.0:
            raise ValueError(f"practice share must be in [0, 1], got {share}")
        self.share = share
        self._states = np.zeros((round(RECALL / DECISION_DT), N_CAR_COLUMNS))
        self._count = 0
        self._restart: np.ndarray | None = None
        self._track: Track | None = None

    def clear(self) -> None:
        """A new episode: forget the states of the last one (not its restart)."""
        self._count = 0

    def record(self, car: np.ndarray) -> None:
        """The car's state after a decision."""
        if self.share > 0.0:
            self._states[self._count % self._states.shape[0]] = car
            self._count += 1

    def failed(self, track: Track, rng: np.random.Generator) -> None:
        """The car left the road (or got stuck) on ``track``: keep a state from 1-4 s before as a restart."""
        if self.share <= 0.0 or self._count == 0:
            return
        size = self._states.shape[0]
        newest = round(BACK_MIN / DECISION_DT)
        back = int(rng.integers(newest, size)) if self._count > newest else self._count - 1
        back = min(back, self._count - 1)  # a short episode: back to its start at most
        self._restart = self._states[(self._count - 1 - back) % size].copy()
        self._track = track

    def restart(self, track: Track, rng: np.random.Generator) -> np.ndarray | None:
        """The car state to start this episode from (None: start as usual); a kept state is offered once."""
        state, kept_on = self._restart, self._track
        self._restart, self._track = None, None
        if state is None or kept_on is not track or rng.random() >= self.share:
            return None
        return state
