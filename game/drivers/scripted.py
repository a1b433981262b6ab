"""A scripted driver: follows a line on the track at a target speed profile, for any number of cars at once.

Steering is path tracking in the distance domain. The driver asks for the path curvature of the line just ahead
(a feed-forward) plus a turn that points the car at the line a short distance ahead, a distance that grows with
speed; for small errors this is a well-damped spring on the lateral offset. The heading error is measured on the
body, so a car whose nose has swung into a slide is steered back (counter-steer). The curvature becomes a wheel
angle (kinematic bicycle) and the wheel angle a steering command in [-1, 1] through the speed-sensitive lock of
game.sim.physics.

The pedal follows the speed profile: the longitudinal force the profile needs (its acceleration plus drag and
rolling resistance) as a feed-forward, plus a proportional correction on the speed error, divided by the force
the engine or the brakes can give at that speed. The target speed never exceeds what the grip (tarmac or grass)
allows on the commanded path, and the throttle never asks for more than the grip cornering leaves over.

Used in tests (can the car reach the reference lap?), as a fallback rival when no model is available, and to
drive a car around a track in a demo. This module never imports pygame.
"""

from __future__ import annotations

import numpy as np

from game.sim.physics import (
    CAR_HEADING,
    CAR_OFF_TRACK,
    CAR_SEGMENT,
    CAR_VX,
    CAR_VY,
    CAR_X,
    CAR_Y,
    DEFAULT_CAR,
    GRAVITY,
    PHYSICS_DT,
    CarParams,
)
from game.sim.reference import ReferenceLap, line_geometry, reference_lap
from game.sim.reference import speed_profile as limit_speed_profile
from game.sim.simulation import place_car
from game.sim.track import Track

SEARCH_WINDOW = 4  # line segments searched either side of the car's track segment
TRACKING_DISTANCE = 4.0  # [m] distance over which a lateral error is corrected, at standstill
TRACKING_TIME = 0.25  # [s] ... plus this much travel: faster cars correct more gently
CURVATURE_PREVIEW = 0.05  # [s] the feed-forward curvature is read this far ahead (steering lag)
SPEED_PREVIEW = PHYSICS_DT  # [s] the target speed is read this far ahead
SPEED_GAIN = 3.0  # [1/s] proportional correction of the speed error, as an acceleration per m/s


class ScriptedDriver:
    """Drives cars along a line with a speed profile.

    Args:
        track: The track the cars are on (their ``CAR_SEGMENT`` is used to find them on the line).
        line: (n, 2) the line to follow, one point per track sample (point i on the track's normal at sample i, as
            in game.sim.reference.ReferenceLap.line). Default: the centre line.
        speed_profile: (n,) target speed at each line point [m/s]. Default: the fastest speed profile of that line
            (game.sim.reference.speed_profile), so that ``speed_scale`` below 1 gives a safe pace.
        speed_scale: Multiplies the target speeds; a scalar, or one value per car (shape (N,)).
        params: The car.
    """

    def __init__(
        self,
        track: Track,
        line: np.ndarray | None = None,
        speed_profile: np.ndarray | None = None,
        speed_scale: float | np.ndarray = 1.0,
        params: CarParams = DEFAULT_CAR,
    ) -> None:
        line = track.centerline.copy() if line is None else np.asarray(line, dtype=np.float64)
        if line.shape != (track.n_samples, 2):
            raise ValueError(
                f"line must have one point per track sample, shape ({track.n_samples}, 2), got {line.shape}"
            )
        segment_length, direction, curvature = line_geometry(line)
        if speed_profile is None:
            speed_profile = limit_speed_profile(segment_length, curvature, params)
        speed_profile = np.asarray(speed_profile, dtype=np.float64)
        if speed_profile.shape != (track.n_samples,):
            raise ValueError(f"speed_profile must have shape ({track.n_samples},), got {speed_profile.shape}")
        self.track = track
        self.line = line
        self.speed_profile = speed_profile
        self.speed_scale = speed_scale
        self.params = params
        self._segment_length = segment_length
        self._curvature = curvature
        # Direction of the line at each point: the mean of the two segments that meet there.
        self._point_heading = direction - 0.5 * _wrap(direction - np.roll(direction, 1))
        # Acceleration along each segment implied by the profile (v**2 linear in distance).
        next_speed = np.roll(speed_profile, -1)
        self._profile_accel = (next_speed**2 - speed_profile**2) / (2.0 * segment_length)

    @classmethod
    def from_reference(
        cls,
        track: Track,
        reference: ReferenceLap | None = None,
        speed_scale: float | np.ndarray = 1.0,
        params: CarParams = DEFAULT_CAR,
    ) -> ScriptedDriver:
        """A driver for the racing line and speed profile of a reference lap (by default the track's own)."""
        if reference is None:
            reference = reference_lap(track, params)
        return cls(track, reference.line, reference.speed, speed_scale, params)

    def place(self, cars: np.ndarray, car_index: int, point_index: int, speed: float | None = None) -> None:
        """Put a car on the line at one of its points, pointing along it, for a flying start.

        Args:
            cars: (N, N_CAR_COLUMNS) car states.
            car_index: The car to place.
            point_index: The line point (= track sample) to place it at; wraps around.
            speed: [m/s]; by default that car's target speed there.
        """
        track = self.track
        i = point_index % track.n_samples
        lateral_offset = float(np.dot(self.line[i] - track.centerline[i], track.normals[i]))
        heading_offset = float(_wrap(self._point_heading[i] - track.heading[i]))
        if speed is None:
            scale = np.broadcast_to(np.asarray(self.speed_scale, dtype=np.float64), (cars.shape[0],))[car_index]
            speed = float(scale * self.speed_profile[i])
        place_car(cars, car_index, track, i * track.spacing, lateral_offset, speed, heading_offset)

    def act(self, cars: np.ndarray) -> np.ndarray:
        """Controls for cars on the track.

        Args:
            cars: (N, N_CAR_COLUMNS) car states (game.sim.physics), located on this track by game.sim.simulation.

        Returns:
            (N, 2) float64 [steer, throttle], each in [-1, 1].
        """
        p = self.params
        n = self.line.shape[0]
        vx = cars[:, CAR_VX]
        vy = cars[:, CAR_VY]
        heading = cars[:, CAR_HEADING]
        u = vx * np.cos(heading) + vy * np.sin(heading)
        speed = np.hypot(vx, vy)
        forward = np.maximum(u, 0.0)
        grip_accel = np.where(cars[:, CAR_OFF_TRACK] > 0.5, p.grass_grip, p.grip) * GRAVITY

        segment, fraction, lateral_error = self._locate(
            cars[:, CAR_X], cars[:, CAR_Y], cars[:, CAR_SEGMENT].astype(np.int64)
        )
        heading_here = self._point_heading[segment]
        line_heading = heading_here + fraction * _wrap(self._point_heading[(segment + 1) % n] - heading_here)

        # Steering: the curvature of the line just ahead, plus a turn towards the line that aims the car at it
        # over ``distance`` metres. Measured on the body heading, so that in a slide the driver counter-steers.
        curvature_ahead = self._interpolate(self._curvature, segment, fraction, forward * CURVATURE_PREVIEW)
        distance = TRACKING_DISTANCE + forward * TRACKING_TIME
        aim = -np.arctan(lateral_error / distance)
        heading_error = np.clip(_wrap(aim - (heading - line_heading)), -0.5 * np.pi, 0.5 * np.pi)
        max_curvature = np.tan(p.max_steer) / p.wheelbase
        path_curvature = np.clip(
            curvature_ahead + 2.0 * np.sin(heading_error) / distance, -max_curvature, max_curvature
        )
        lock = np.minimum(
            p.max_steer, np.arctan(p.wheelbase * p.steer_grip_margin * grip_accel / np.maximum(u * u, 1e-6))
        )
        steer = np.clip(np.arctan(p.wheelbase * path_curvature) / lock, -1.0, 1.0)

        # Pedal: the force the profile needs plus a correction of the speed error, over what the engine or the brakes
        # give. The target never asks more than the grip can turn on the commanded path (so a driver sent too fast
        # or onto the grass slows to find its way back), and the throttle never asks more than the grip left over
        # from cornering (traction control). Braking is not limited: the tyres share out what they can.
        scale = np.broadcast_to(np.asarray(self.speed_scale, dtype=np.float64), u.shape)
        target = scale * self._interpolate(self.speed_profile, segment, fraction, forward * SPEED_PREVIEW)
        target = np.minimum(target, np.sqrt(grip_accel / np.maximum(np.abs(path_curvature), 1e-9)))
        accel = scale**2 * self._profile_accel[segment] + SPEED_GAIN * (target - u)
        lateral_accel = np.minimum(speed * speed * np.abs(path_curvature), grip_accel)
        traction = np.sqrt(grip_accel**2 - lateral_accel**2)
        resistance = p.drag_coefficient * speed**2 / p.mass + p.rolling_resistance * GRAVITY
        force = p.mass * np.minimum(accel + resistance, traction)
        engine = np.minimum(p.engine_force, p.engine_power / np.maximum(u, 1.0))
        throttle = np.where(force >= 0.0, force / engine, force / p.brake_force)
        return np.stack([steer, np.clip(throttle, -1.0, 1.0)], axis=1)

    def _locate(self, x: np.ndarray, y: np.ndarray, hint: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Nearest line segment near each car's track segment: (segment, fraction along it, offset to the left)."""
        n = self.line.shape[0]
        candidates = (hint[:, None] + np.arange(-SEARCH_WINDOW, SEARCH_WINDOW + 1)[None, :]) % n
        start = self.line[candidates]
        edge = self.line[(candidates + 1) % n] - start
        to_car = np.stack([x, y], axis=1)[:, None, :] - start
        length2 = np.sum(edge * edge, axis=2)
        t = np.clip(np.sum(to_car * edge, axis=2) / length2, 0.0, 1.0)
        miss = to_car - t[..., None] * edge
        best = np.argmin(np.sum(miss * miss, axis=2), axis=1)
        rows = np.arange(x.shape[0])
        segment = candidates[rows, best]
        e = edge[rows, best]
        d = to_car[rows, best]
        lateral = (e[:, 0] * d[:, 1] - e[:, 1] * d[:, 0]) / np.sqrt(length2[rows, best])
        return segment, t[rows, best], lateral

    def _interpolate(
        self, values: np.ndarray, segment: np.ndarray, fraction: np.ndarray, ahead: np.ndarray
    ) -> np.ndarray:
        """Per-point values, linearly interpolated ``ahead`` metres beyond each car's position on the line."""
        n = values.shape[0]
        position = segment + fraction + ahead / self._segment_length[segment]
        i = np.floor(position).astype(np.int64)
        t = position - i
        i %= n
        return values[i] + t * (values[(i + 1) % n] - values[i])


def _wrap(angle: np.ndarray) -> np.ndarray:
    """Angles wrapped into [-pi, pi)."""
    return (angle + np.pi) % (2.0 * np.pi) - np.pi
