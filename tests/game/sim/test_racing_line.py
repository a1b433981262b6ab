"""The racing line the AI drivers see, and the observation read along it."""

from __future__ import annotations

import math

import numpy as np
import pytest

from game.sim.observation import OBSERVATION_HIGH, OBSERVATION_LOW, OBSERVATION_SIZE, observe_car
from game.sim.physics import DEFAULT_CAR, new_cars
from game.sim.racing_line import (
    LINE_CURVATURE,
    LINE_HEADING,
    LINE_OFFSET,
    LINE_WINDOW_CURVATURE,
    N_LINE_COLUMNS,
    default_margin,
    line_geometry,
    line_table,
    offset_bounds,
)
from game.sim.simulation import place_car
from game.sim.track import Track, smooth_periodic


@pytest.mark.parametrize("track_name", ["oval_track", "twisty_track"])
def test_line_table_is_read_only_memoised_and_inside_the_edges(track_name: str, request: pytest.FixtureRequest):
    track: Track = request.getfixturevalue(track_name)
    line = line_table(track)
    assert line.shape == (track.n_samples, N_LINE_COLUMNS) and not line.flags.writeable
    assert line_table(track) is line
    lower, upper = offset_bounds(track, default_margin())
    assert np.all(line[:, LINE_OFFSET] >= lower - 1e-6) and np.all(line[:, LINE_OFFSET] <= upper + 1e-6)
    assert np.all(np.isfinite(line))


def test_the_line_s_curvature_is_that_of_its_points_smoothed_and_turns_left_positive(twisty_track, oval_track):
    line = line_table(twisty_track)
    points = twisty_track.centerline + twisty_track.normals * line[:, LINE_OFFSET][:, None]
    expected = smooth_periodic(line_geometry(points)[2], twisty_track.spacing)
    np.testing.assert_array_equal(line[:, LINE_CURVATURE], expected)
    oval = line_table(oval_track)  # one way round: every corner turns alike, and the way the heading turns
    curvature, turned = oval[:, LINE_CURVATURE], oval[-1, LINE_HEADING] - oval[0, LINE_HEADING]
    assert abs(turned) > 6.0 and np.all(np.sign(curvature[np.abs(curvature) > 1e-3]) == np.sign(turned))


def test_line_cuts_the_corners_of_an_oval(oval_track: Track):
    """On an anticlockwise oval the line runs wide (right) into each end and clips the inside (left) apex."""
    offsets = line_table(oval_track)[:, LINE_OFFSET]
    assert offsets.max() > 3.0 and offsets.min() < -3.0  # uses the road (6 m each side), not the middle
    curvature = line_table(oval_track)[:, LINE_WINDOW_CURVATURE]  # the sharpest bend within 8 m
    assert np.max(np.abs(curvature)) < np.max(np.abs(oval_track.curvature))  # straighter than the centre line


def test_car_on_the_line_observes_zero_offset_and_heading_error(twisty_track: Track):
    line = line_table(twisty_track)
    cars = new_cars(1)
    obs = np.zeros(OBSERVATION_SIZE, dtype=np.float32)
    for i in range(0, twisty_track.n_samples, 97):
        arc = i * twisty_track.spacing
        along_line = (line[i, LINE_HEADING] - twisty_track.heading[i] + math.pi) % (2 * math.pi) - math.pi
        place_car(cars, 0, twisty_track, arc, line[i, LINE_OFFSET], 20.0, along_line)
        observe_car(cars[0], twisty_track.table, line, twisty_track.spacing, DEFAULT_CAR.as_array(), obs)
        assert abs(obs[6]) < 0.02, i
        assert abs(obs[4]) * math.pi < 0.02, i
        assert np.all(obs >= OBSERVATION_LOW) and np.all(obs <= OBSERVATION_HIGH)


def test_a_wider_clearance_keeps_the_line_further_from_the_edges(twisty_track: Track):
    narrow, wide = line_table(twisty_track), line_table(twisty_track, 1.0)
    assert line_table(twisty_track, 1.0) is wide and wide is not narrow  # memoised per clearance
    lower, upper = offset_bounds(twisty_track, default_margin(clearance=1.0))
    assert np.all(wide[:, LINE_OFFSET] >= lower - 1e-6) and np.all(wide[:, LINE_OFFSET] <= upper + 1e-6)
    assert np.max(np.abs(wide[:, LINE_OFFSET])) < np.max(np.abs(narrow[:, LINE_OFFSET]))
    with pytest.raises(ValueError, match="clearance"):
        line_table(twisty_track, -1.0)
