"""The reference lap: racing line inside the edges, speed profile within the car's limits, analytic cases.

That no car beats it in game.sim.physics is tested with the scripted driver in test_scripted.py.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.optimize import brentq

from game.sim.physics import DEFAULT_CAR, GRAVITY, CarParams
from game.sim.reference import offset_bounds, reference_lap, speed_profile
from game.sim.track import Track

GRIP_ACCEL = DEFAULT_CAR.grip * GRAVITY  # [m/s^2]


def make_circle(radius: float = 100.0, width: float = 6.0) -> Track:
    angles = np.linspace(0.0, 2.0 * np.pi, 48, endpoint=False)
    points = radius * np.stack([np.cos(angles), np.sin(angles)], axis=1)
    return Track("Circle", points, np.full(48, width), np.full(48, width))


@pytest.mark.parametrize("track_name", ["oval_track", "twisty_track"])
def test_racing_line_stays_inside_the_edges(track_name: str, request: pytest.FixtureRequest) -> None:
    track = request.getfixturevalue(track_name)
    reference = reference_lap(track)
    margin = reference.margin
    assert margin >= 0.5 * DEFAULT_CAR.width

    offset = reference.lateral_offset
    assert np.all(offset <= track.width_left - margin + 1e-6)
    assert np.all(offset >= -(track.width_right - margin) - 1e-6)
    # The line really is `offset` along the normals, and it uses the road: it touches both margins somewhere.
    assert reference.line == pytest.approx(track.centerline + track.normals * offset[:, None])
    lower, upper = offset_bounds(track, margin)
    assert np.min(offset - lower) < 0.01 and np.min(upper - offset) < 0.01
    # Straighter than the centre line, and faster round it.
    assert np.sum(reference.curvature**2 * reference.segment_length) < np.sum(track.curvature**2 * track.spacing)
    centre = speed_profile(np.full(track.n_samples, track.spacing), track.curvature)
    assert reference.lap_time_s < np.sum(track.spacing / centre)


@pytest.mark.parametrize("track_name", ["oval_track", "twisty_track"])
def test_speed_profile_within_the_cars_limits(track_name: str, request: pytest.FixtureRequest) -> None:
    track = request.getfixturevalue(track_name)
    reference = reference_lap(track)
    speed = reference.speed
    assert np.all(speed > 0.0)
    assert np.all(speed**2 * np.abs(reference.curvature) <= GRIP_ACCEL * (1.0 + 1e-9))
    # Nowhere faster than the top speed, where drive force (power-limited) equals drag plus rolling resistance.
    p = DEFAULT_CAR
    top_speed = brentq(
        lambda v: p.engine_power / v - p.drag_coefficient * v**2 - p.rolling_resistance * p.mass * GRAVITY, 10, 200
    )
    assert speed.max() < top_speed
    # Along each segment the speed changes by no more than braking or the engine (at the lower speed) allow.
    dv2 = np.roll(speed, -1) ** 2 - speed**2
    low = np.minimum(speed, np.roll(speed, -1))
    accel_limit = np.minimum(p.engine_force, p.engine_power / low) / p.mass
    assert np.all(dv2 <= 2.0 * accel_limit * reference.segment_length + 1e-9)
    high = np.maximum(speed, np.roll(speed, -1))
    decel_limit = GRIP_ACCEL + p.drag_coefficient * high**2 / p.mass + p.rolling_resistance * GRAVITY
    assert np.all(-dv2 <= 2.0 * decel_limit * reference.segment_length + 1e-9)
    assert reference.lap_time_s == pytest.approx(np.sum(reference.segment_length / speed), rel=0.01)


def test_circle_matches_the_analytic_limit() -> None:
    reference = reference_lap(make_circle(radius=100.0, width=6.0))
    radius = float(np.mean(np.hypot(reference.line[:, 0], reference.line[:, 1])))
    assert np.ptp(np.hypot(reference.line[:, 0], reference.line[:, 1])) < 0.05  # the line is a circle too
    assert 100.0 - 6.0 + reference.margin - 0.05 <= radius <= 100.0 + 6.0 - reference.margin + 0.05

    speed = float(np.mean(reference.speed))
    assert np.ptp(reference.speed) < 0.01 * speed
    assert speed == pytest.approx(math.sqrt(GRIP_ACCEL * radius), rel=0.005)
    # Exactly: the tyres also push against drag and rolling resistance, inside the same friction circle.
    p = DEFAULT_CAR
    resistance = lambda v: p.drag_coefficient * v**2 / p.mass + p.rolling_resistance * GRAVITY  # noqa: E731
    steady = brentq(lambda v: (v**2 / radius) ** 2 + resistance(v) ** 2 - GRIP_ACCEL**2, 1.0, 100.0)
    assert speed == pytest.approx(steady, rel=0.002)
    assert reference.lap_time_s == pytest.approx(2.0 * math.pi * radius / steady, rel=0.002)


def test_more_grip_or_power_is_faster(twisty_track: Track) -> None:
    base = reference_lap(twisty_track).lap_time_s
    assert reference_lap(twisty_track, CarParams(grip=1.8)).lap_time_s < base
    assert reference_lap(twisty_track, CarParams(engine_power=400e3)).lap_time_s < base
    assert reference_lap(twisty_track, CarParams(drag_area=1.0)).lap_time_s > base


def test_reference_is_memoised_and_read_only(oval_track: Track) -> None:
    reference = reference_lap(oval_track)
    assert reference_lap(oval_track) is reference
    with pytest.raises(ValueError):
        reference.speed[0] = 0.0
