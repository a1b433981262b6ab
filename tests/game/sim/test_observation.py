"""What a driver sees, on its own: each named number means what the layout says."""

from __future__ import annotations

import math

import numpy as np
import pytest

from game.sim.observation import (
    CAR_CLOSING_SCALE,
    CAR_GAP_SCALE,
    CAR_LATERAL_SCALE,
    OBSERVATION_HIGH,
    OBSERVATION_LOW,
    observe_car,
    observe_cars,
    observe_line_shift,
)
from game.sim.observation_layout import (
    CAR_BLOCK_SIZE,
    N_CAR_FEATURES,
    N_CARS_AHEAD,
    N_CARS_BEHIND,
    N_LOOKAHEAD,
    OBS_BRAKING_MARGIN,
    OBS_CARS,
    OBS_HEADING_ERROR,
    OBS_LINE_OFFSET,
    OBS_LOOKAHEAD_CURVATURES,
    OBS_LOOKAHEAD_HEADINGS,
    OBS_ROAD_OFFSET,
    OBS_SPEED,
    OBSERVATION_SIZE,
    OBSERVATION_SIZES,
    OBSERVATION_VERSION,
    SLOT_CLOSING,
    SLOT_GAP,
    SLOT_LATERAL,
    SLOT_PRESENCE,
    observation_size,
)
from game.sim.physics import CAR_HEADING, CAR_VX, CAR_VY, DEFAULT_CAR, new_cars
from game.sim.racing_line import LINE_HEADING, LINE_OFFSET, line_table
from game.sim.simulation import place_car
from game.sim.track import widths_at


@pytest.fixture(scope="module")
def scene(twisty_track):
    return twisty_track, line_table(twisty_track), DEFAULT_CAR.as_array()


def observe(scene, arc, lateral=0.0, speed=0.0, heading_offset=0.0):
    track, line, params = scene
    cars = new_cars(1)
    place_car(cars, 0, track, arc, lateral, speed, heading_offset)
    out = np.zeros(OBSERVATION_SIZE, np.float32)
    observe_car(cars[0], track.table, line, track.spacing, params, out)
    return out


def line_at(scene, arc):
    track, line, _ = scene
    i = int(round(arc / track.spacing)) % line.shape[0]
    return float(line[i, LINE_OFFSET]), float(line[i, LINE_HEADING])


def test_the_layout_indices_cover_every_number_once():
    named = [OBS_SPEED, 1, 2, OBS_BRAKING_MARGIN, OBS_HEADING_ERROR, OBS_ROAD_OFFSET, OBS_LINE_OFFSET]
    named += list(range(OBS_LOOKAHEAD_HEADINGS, OBS_LOOKAHEAD_HEADINGS + N_LOOKAHEAD - 1))
    named += list(range(OBS_LOOKAHEAD_CURVATURES, OBS_LOOKAHEAD_CURVATURES + N_LOOKAHEAD))
    named += list(range(OBS_CARS, OBS_CARS + CAR_BLOCK_SIZE))
    assert sorted(named) == list(range(OBSERVATION_SIZE))
    assert observation_size(OBSERVATION_VERSION) == OBSERVATION_SIZE == OBSERVATION_HIGH.shape[0]
    with pytest.raises(ValueError, match="unknown observation layout v99"):
        observation_size(99)
    assert set(OBSERVATION_SIZES) == set(range(1, OBSERVATION_VERSION + 1))


def test_a_car_standing_on_the_racing_line(scene):
    offset, _ = line_at(scene, 400.0)
    obs = observe(scene, 400.0, lateral=offset)
    assert obs[OBS_SPEED] == 0.0
    assert obs[OBS_BRAKING_MARGIN] == pytest.approx(-1.0)  # standing: as far from too fast as it gets
    assert abs(obs[OBS_LINE_OFFSET]) < 0.05


def test_speed_reads_along_the_heading_and_reversing_is_negative(scene):
    assert observe(scene, 400.0, speed=45.0)[OBS_SPEED] == pytest.approx(0.5)
    track, line, params = scene
    cars = new_cars(1)
    place_car(cars, 0, track, 400.0)
    heading = cars[0, CAR_HEADING]
    cars[0, CAR_VX], cars[0, CAR_VY] = -9.0 * math.cos(heading), -9.0 * math.sin(heading)
    out = np.zeros(OBSERVATION_SIZE, np.float32)
    observe_car(cars[0], track.table, line, track.spacing, params, out)
    assert out[OBS_SPEED] == pytest.approx(-0.1)


def test_road_offset_is_one_at_the_left_edge_and_minus_one_at_the_right(scene):
    track = scene[0]
    left, right = widths_at(track.table, track.spacing, 700.0)
    assert observe(scene, 700.0, lateral=left)[OBS_ROAD_OFFSET] == pytest.approx(1.0, abs=0.02)
    assert observe(scene, 700.0, lateral=-right)[OBS_ROAD_OFFSET] == pytest.approx(-1.0, abs=0.02)


def test_heading_error_is_measured_against_the_racing_line(scene):
    track = scene[0]
    _, line_heading = line_at(scene, 900.0)
    _, _, road_heading = track.pose_at(900.0, 0.0)
    relative = (line_heading - road_heading + math.pi) % (2 * math.pi) - math.pi
    assert observe(scene, 900.0, heading_offset=relative + 0.3)[OBS_HEADING_ERROR] == pytest.approx(
        0.3 / math.pi, abs=0.01
    )


def test_too_fast_for_the_corners_ahead_reads_above_zero(scene):
    track = scene[0]
    tightest = int(np.argmax(np.abs(track.curvature)))
    before_corner = (tightest * track.spacing - 60.0) % track.length
    assert observe(scene, before_corner, speed=10.0)[OBS_BRAKING_MARGIN] < 0.0
    assert observe(scene, before_corner, speed=85.0)[OBS_BRAKING_MARGIN] > 0.0


def test_every_state_stays_in_the_bounds(scene):
    track, line, params = scene
    rng = np.random.default_rng(0)
    n = 400
    cars = new_cars(n)
    for i in range(n):
        place_car(cars, i, track, rng.uniform(0, track.length), rng.uniform(-9, 9), rng.uniform(0, 95))
        cars[i, CAR_HEADING] += rng.uniform(-math.pi, math.pi)
    out = np.zeros((n, OBSERVATION_SIZE), np.float32)
    observe_cars(cars, track.table, line, track.spacing, params, out)
    assert np.all(out >= OBSERVATION_LOW) and np.all(out <= OBSERVATION_HIGH) and np.all(np.isfinite(out))


def observe_field(scene, placements):
    """Observations of cars placed at (arc, lateral, speed) each; returns (N, OBSERVATION_SIZE)."""
    track, line, params = scene
    cars = new_cars(len(placements))
    for i, (arc, lateral, speed) in enumerate(placements):
        place_car(cars, i, track, arc, lateral, speed)
    out = np.zeros((len(placements), OBSERVATION_SIZE), np.float32)
    observe_cars(cars, track.table, line, track.spacing, params, out)
    return out


def slot(obs, k):
    return obs[OBS_CARS + k * N_CAR_FEATURES : OBS_CARS + (k + 1) * N_CAR_FEATURES]


def test_a_car_ahead_is_seen_with_its_gap_offset_and_closing_speed(scene):
    obs = observe_field(scene, [(300.0, 0.0, 40.0), (325.0, 2.0, 30.0)])
    first = slot(obs[0], 0)
    assert first[SLOT_PRESENCE] == 1.0
    assert first[SLOT_GAP] == pytest.approx(25.0 / CAR_GAP_SCALE, abs=0.02)
    assert first[SLOT_LATERAL] == pytest.approx(2.0 / CAR_LATERAL_SCALE, abs=0.02)
    assert first[SLOT_CLOSING] == pytest.approx(10.0 / CAR_CLOSING_SCALE, abs=0.05)
    behind = slot(obs[1], N_CARS_AHEAD)  # and the car ahead sees us in its first behind slot
    assert behind[SLOT_PRESENCE] == 1.0 and behind[SLOT_GAP] == pytest.approx(-25.0 / CAR_GAP_SCALE, abs=0.02)
    assert behind[SLOT_CLOSING] == pytest.approx(-10.0 / CAR_CLOSING_SCALE, abs=0.05)
    assert not slot(obs[0], 1).any() and not slot(obs[0], N_CARS_AHEAD).any()  # empty slots are all zero


def test_the_nearest_cars_fill_the_slots_nearest_first(scene):
    placements = [(500.0, 0.0, 20.0)] + [(500.0 + gap, 0.0, 20.0) for gap in (50.0, 10.0, 80.0, 25.0, -12.0)]
    obs = observe_field(scene, placements)[0]
    gaps = [slot(obs, k)[SLOT_GAP] * CAR_GAP_SCALE for k in range(N_CARS_AHEAD + N_CARS_BEHIND)]
    assert gaps[:N_CARS_AHEAD] == pytest.approx([10.0, 25.0, 50.0], abs=0.3)  # 80 m is beyond sight
    assert gaps[N_CARS_AHEAD] == pytest.approx(-12.0, abs=0.3) and gaps[N_CARS_AHEAD + 1] == 0.0


def test_cars_are_seen_across_the_start_line(scene):
    track = scene[0]
    obs = observe_field(scene, [(track.length - 10.0, 0.0, 20.0), (15.0, 0.0, 20.0)])
    assert slot(obs[0], 0)[SLOT_GAP] * CAR_GAP_SCALE == pytest.approx(25.0, abs=0.3)
    assert slot(obs[1], N_CARS_AHEAD)[SLOT_GAP] * CAR_GAP_SCALE == pytest.approx(-25.0, abs=0.3)


def test_a_v3_reader_gets_the_car_and_road_numbers_only(scene):
    track, line, params = scene
    cars = new_cars(2)
    place_car(cars, 0, track, 300.0)
    place_car(cars, 1, track, 320.0)
    full = np.zeros((2, OBSERVATION_SIZE), np.float32)
    v3 = np.zeros((2, 22), np.float32)
    observe_cars(cars, track.table, line, track.spacing, params, full)
    observe_cars(cars, track.table, line, track.spacing, params, v3)
    assert np.array_equal(full[:, :22], v3) and full[0, OBS_CARS] == 1.0


def test_a_shifted_line_reads_as_the_car_moved_the_other_way(scene):
    """A rival aiming 1.5 m left of its line reads the offset of a car 1.5 m right of it; 0 changes nothing."""
    track, line, params = scene
    arc = 0.3 * track.length
    cars = new_cars(2)
    place_car(cars, 0, track, arc, 0.5, 30.0)
    place_car(cars, 1, track, arc + 40.0, -1.0, 30.0)
    out = np.zeros((2, OBSERVATION_SIZE), np.float32)
    observe_cars(cars, track.table, line, track.spacing, params, out)
    unshifted = out.copy()
    observe_line_shift(cars, track.table, line, track.spacing, np.zeros(2), out)
    assert np.array_equal(out, unshifted)
    observe_line_shift(cars, track.table, line, track.spacing, np.array([1.5, 0.0]), out)
    moved = observe(scene, arc, 0.5 - 1.5, 30.0)
    assert out[0, OBS_LINE_OFFSET] == pytest.approx(moved[OBS_LINE_OFFSET], abs=1e-4)  # the same place, near enough
    assert np.array_equal(np.delete(out, OBS_LINE_OFFSET, axis=1), np.delete(unshifted, OBS_LINE_OFFSET, axis=1))
    assert out[1, OBS_LINE_OFFSET] == unshifted[1, OBS_LINE_OFFSET]
