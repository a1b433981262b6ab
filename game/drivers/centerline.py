"""The simplest driver: pure pursuit of the centre line. The last fallback when nothing better can drive."""

from __future__ import annotations

import math

import numpy as np

from game.sim.physics import CAR_ARC_LENGTH, CAR_HEADING, CAR_SEGMENT, CAR_VX, CAR_VY, CAR_X, CAR_Y, GRAVITY, CarParams
from game.sim.track import Track


class CenterlineDriver:
    """A simple scripted driver: pure pursuit of the centre line, braking for the corners ahead.

    Used only when the scripted driver cannot be built for a track. Vectorised over cars.
    """

    CORNER_GRIP = 0.8  # share of the tyre grip it dares to use in a corner
    BRAKE_GRIP = 0.6  # share of the grip it expects when braking
    HORIZON = 220.0  # [m] looked ahead for corners

    def __init__(self, track: Track, params: CarParams) -> None:
        self.track = track
        self.params = params
        k = np.abs(track.curvature)
        self._corner_speed = np.sqrt(self.CORNER_GRIP * params.grip * GRAVITY / np.maximum(k, 1e-6))
        self._ahead = np.arange(int(self.HORIZON / track.spacing) + 1)
        self._ahead_dist = self._ahead * track.spacing

    def act(self, cars: np.ndarray) -> np.ndarray:
        """Controls for every car."""
        track = self.track
        p = self.params
        n = track.n_samples
        out = np.zeros((cars.shape[0], 2))
        for i, car in enumerate(cars):
            speed = math.hypot(car[CAR_VX], car[CAR_VY])
            lookahead = min(max(6.0 + 0.45 * speed, 8.0), 40.0)
            tx, ty, _ = track.pose_at(car[CAR_ARC_LENGTH] + lookahead, 0.0)
            alpha = math.atan2(ty - car[CAR_Y], tx - car[CAR_X]) - car[CAR_HEADING]
            alpha = (alpha + math.pi) % (2.0 * math.pi) - math.pi
            delta = math.atan(2.0 * math.sin(alpha) * p.wheelbase / lookahead)
            lock = min(
                p.max_steer, math.atan(p.wheelbase * p.steer_grip_margin * p.grip * GRAVITY / max(speed, 1.0) ** 2)
            )
            idx = (int(car[CAR_SEGMENT]) + self._ahead) % n
            brake = self.BRAKE_GRIP * p.grip * GRAVITY
            allowed = np.sqrt(self._corner_speed[idx] ** 2 + 2.0 * brake * self._ahead_dist)
            target = float(np.min(allowed))
            out[i, 0] = min(max(delta / lock, -1.0), 1.0)
            out[i, 1] = min(max(0.5 * (target - speed), -1.0), 1.0)
        return out
