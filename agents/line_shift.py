"""Line-shift practice: in training, the racing line the driver reads moves sideways, as the racecraft moves it.

In a race, :class:`game.drivers.racecraft.Racecraft` moves each rival's line sideways to pass or leave room, and the
driver follows the moved line (feature 6, :func:`game.sim.observation.observe_line_shift`). A driver that only ever
trained on its own line has never seen that: moved towards the inside of a corner while it brakes at the limit, it
follows the line, steers and brakes at once, and reaches the corner too fast (docs/RACING.md, "Moving the line while
braking"). With a share > 0, that share of the training episodes moves the line as a race may: every so often a new
target (the driver's own line, or anywhere up to ``max_shift`` to either side) is drawn, and the line moves towards it
at a rate drawn up to the racecraft's, on straights, in braking zones and in corners alike, never closer to the road's
edge than the racecraft lets it (:func:`game.drivers.road_room.shift_bounds`, the bounds the racecraft itself uses).
The reward reads the moved line: its offset (feature 6) and its limit speed, the line's times
``sqrt(1 - curvature x shift)`` where the shift makes it tighter. The other episodes, and every evaluation, drive the
driver's own line.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from game.drivers.racecraft import DECISION_DT, RacecraftSettings
from game.drivers.road_room import edge_room, shift_bounds
from game.sim.track import Track


@dataclass(frozen=True)
class LineShiftSettings:
    """How the line moves in an episode that moves it (distances in metres, times in seconds)."""

    share: float = 0.0  # share of the episodes whose line moves (0: off)
    max_shift: float = RacecraftSettings.max_shift  # a target up to this far to either side
    rate_low: float = 1.0  # [m/s] each move's rate is drawn between this ...
    rate_high: float = RacecraftSettings.shift_rate  # ... and this (the racecraft's)
    hold_time: float = 2.0  # mean time between new targets (exponentially distributed) ...
    min_hold: float = 0.5  # ... and at least this
    own_line_share: float = 0.4  # share of the new targets that are the driver's own line (a shift of 0)

    def __post_init__(self) -> None:
        if not 0.0 <= self.share <= 1.0:
            raise ValueError(f"line shift share must be in [0, 1], got {self.share}")
        if not 0.0 < self.rate_low <= self.rate_high:
            raise ValueError(f"line shift rates must be 0 < low <= high, got {self.rate_low}, {self.rate_high}")


class LineShift:
    """The shift of one car's line over an episode: 0 unless the episode was drawn to move it.

    Args:
        settings: How the line moves.
    """

    def __init__(self, settings: LineShiftSettings) -> None:
        self.settings = settings
        self.shift = 0.0
        self.active = False
        self._target = 0.0
        self._rate = settings.rate_high
        self._hold = 0.0
        self._room_right = np.zeros(1)
        self._room_left = np.zeros(1)
        self._spacing = 1.0
        self._track: Track | None = None
        self._edge_look = RacecraftSettings.edge_look

    def reset(self, track: Track, line: np.ndarray, rng: np.random.Generator, allowed: bool = True) -> None:
        """A new episode on ``track`` (its line table ``line``): draw whether the line moves; it starts at 0.

        ``allowed=False``: it does not move (an episode asked for with options, such as an evaluation's).
        """
        self.shift = 0.0
        self._target = 0.0
        self._hold = 0.0
        self.active = allowed and self.settings.share > 0.0 and rng.random() < self.settings.share
        if self.active and self._track is not track:
            self._room_right, self._room_left = edge_room(track, line, RacecraftSettings.edge_margin)
            self._spacing = track.spacing
            self._track = track

    def step(self, arc: float, speed: float, rng: np.random.Generator) -> float:
        """The shift for the next decision [m], positive to the left, for a car at ``arc`` going ``speed``."""
        if not self.active:
            return 0.0
        s = self.settings
        self._hold -= DECISION_DT
        if self._hold <= 0.0:
            own = rng.random() < s.own_line_share
            self._target = 0.0 if own else float(rng.uniform(-s.max_shift, s.max_shift))
            self._rate = float(rng.uniform(s.rate_low, s.rate_high))
            self._hold = max(float(rng.exponential(s.hold_time)), s.min_hold)
        ahead = max(speed, 0.0) * self._edge_look
        right, left = shift_bounds(self._room_right, self._room_left, self._spacing, arc, ahead)
        wanted = min(max(self._target, right), left)
        most = self._rate * DECISION_DT
        self.shift += min(max(wanted - self.shift, -most), most)
        return self.shift
