"""The car on its own: the numbers the parameters imply, checked on the kernel directly."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest
from scipy.optimize import brentq

import game.sim.physics as physics
from game.sim.physics import (
    AIR_DENSITY,
    CAR_ARC_LENGTH,
    CAR_HEADING,
    CAR_PROGRESS,
    CAR_VX,
    CAR_VY,
    CAR_X,
    CAR_Y,
    CONTACT_HALF_LENGTH,
    CONTACT_RADIUS,
    DEFAULT_CAR,
    GRAVITY,
    PHYSICS_DT,
    CarParams,
    car_gap,
    collide,
    new_cars,
    step_car,
)

# The P_* index of each CarParams field (two names are shortened).
P_NAMES = {"rolling_resistance": "P_ROLLING", "steer_grip_margin": "P_STEER_MARGIN"}


def test_parameter_indices_match_the_fields_of_carparams():
    fields = dataclasses.fields(CarParams)
    distinct = CarParams(**{f.name: 100.0 + i for i, f in enumerate(fields)})
    array = distinct.as_array()
    assert array.shape == (len(fields),)
    for f in fields:
        index = getattr(physics, P_NAMES.get(f.name, "P_" + f.name.upper()))
        assert array[index] == getattr(distinct, f.name), f.name


def drive(car: np.ndarray, steer: float, throttle: float, seconds: float, params: CarParams = DEFAULT_CAR) -> None:
    p = params.as_array()
    for _ in range(int(round(seconds / PHYSICS_DT))):
        step_car(car, steer, throttle, False, p, PHYSICS_DT)


def speed(car: np.ndarray) -> float:
    return math.hypot(car[CAR_VX], car[CAR_VY])


def test_full_throttle_reaches_the_top_speed_the_parameters_imply():
    p = DEFAULT_CAR
    drag = 0.5 * AIR_DENSITY * p.drag_area

    def net_force(u: float) -> float:
        return min(p.engine_force, p.engine_power / u) - drag * u * u - p.rolling_resistance * p.mass * GRAVITY

    top = brentq(net_force, 10.0, 200.0)
    car = new_cars(1)[0]
    drive(car, 0.0, 1.0, 180.0)
    assert speed(car) == pytest.approx(top, rel=0.005)
    assert 60.0 < top < 100.0  # an arcade racer's top speed, 216-360 km/h


def test_braking_distance_is_set_by_the_grip():
    v0 = 40.0
    car = new_cars(1)[0]
    car[CAR_VX] = v0
    drive(car, 0.0, -1.0, 0.01)
    start = car[CAR_X]
    while car[CAR_VX] > 0.05:
        drive(car, 0.0, -1.0, PHYSICS_DT)
    distance = car[CAR_X] - start
    grip_only = v0 * v0 / (2.0 * DEFAULT_CAR.grip * GRAVITY)  # tyres alone
    p = DEFAULT_CAR
    most = p.grip * GRAVITY + 0.5 * AIR_DENSITY * p.drag_area * v0**2 / p.mass + p.rolling_resistance * GRAVITY
    assert v0 * v0 / (2.0 * most) < distance < grip_only  # between the hardest and the tyres-only deceleration
    assert distance == pytest.approx(grip_only, rel=0.12)


@pytest.mark.parametrize("v0", [15.0, 30.0, 50.0])
def test_no_manoeuvre_turns_tighter_than_the_grip_allows(v0):
    car = new_cars(1)[0]
    car[CAR_VX] = v0
    p = DEFAULT_CAR.as_array()
    lateral = []
    for _ in range(240):
        before = math.atan2(car[CAR_VY], car[CAR_VX])
        step_car(car, 1.0, 0.3, False, p, PHYSICS_DT)
        turn = (math.atan2(car[CAR_VY], car[CAR_VX]) - before + math.pi) % (2 * math.pi) - math.pi
        lateral.append(speed(car) * abs(turn) / PHYSICS_DT)
    limit = DEFAULT_CAR.grip * GRAVITY
    assert max(lateral) <= limit * 1.001
    assert max(lateral) > 0.5 * limit  # full lock does use the grip


def test_same_state_and_inputs_give_the_same_next_state():
    rng = np.random.default_rng(3)
    a = new_cars(1)[0]
    a[CAR_VX], a[CAR_VY], a[CAR_HEADING] = 30.0, 2.0, 0.3
    b = a.copy()
    p = DEFAULT_CAR.as_array()
    for steer, throttle in rng.uniform(-1, 1, (300, 2)):
        step_car(a, steer, throttle, False, p, PHYSICS_DT)
        step_car(b, steer, throttle, False, p, PHYSICS_DT)
    assert np.array_equal(a, b)


def test_contact_separates_cars_and_never_adds_energy():
    cars = new_cars(2)
    cars[0, CAR_X], cars[0, CAR_VX] = 0.0, 30.0
    cars[1, CAR_X], cars[1, CAR_VX] = 3.0, 20.0
    cars[1, CAR_PROGRESS] = 3.0  # car 1 is ahead in the race
    energy = float(np.sum(cars[:, CAR_VX] ** 2 + cars[:, CAR_VY] ** 2))
    momentum = cars[:, CAR_VX].sum()
    rear = np.zeros(2)
    collide(cars, 2.0, 0.0, 0.3, rear)
    assert math.hypot(cars[1, CAR_X] - cars[0, CAR_X], cars[1, CAR_Y] - cars[0, CAR_Y]) >= 4.0
    assert cars[:, CAR_VX].sum() == pytest.approx(momentum)
    assert float(np.sum(cars[:, CAR_VX] ** 2 + cars[:, CAR_VY] ** 2)) < energy
    assert cars[1, CAR_VX] > cars[0, CAR_VX]  # the car behind gave its speed to the one ahead
    assert rear[1] == 0.0 and rear[0] == pytest.approx(10.0)  # car 0 (less progress) ran into car 1 at 10 m/s


def test_rubbing_side_by_side_is_no_rear_end():
    cars = new_cars(2)
    cars[0, CAR_Y], cars[0, CAR_VX], cars[0, CAR_VY] = 0.0, 30.0, 2.0  # drifting into the car alongside
    cars[1, CAR_X], cars[1, CAR_Y], cars[1, CAR_VX] = 0.5, 3.5, 30.0
    cars[1, CAR_PROGRESS] = 0.5  # half a metre ahead in the race
    rear = np.zeros(2)
    collide(cars, 2.0, 0.0, 0.3, rear)
    assert not rear.any()


def _pair(dx: float, dy: float, heading_a: float = 0.0, heading_b: float = 0.0) -> np.ndarray:
    cars = new_cars(2)
    cars[0, CAR_HEADING] = heading_a
    cars[1, CAR_X], cars[1, CAR_Y], cars[1, CAR_HEADING] = dx, dy, heading_b
    return cars


@pytest.mark.parametrize(
    ("dx", "dy", "heading_b", "expected"),
    [
        (4.4, 0.0, 0.0, 4.4 - 2 * CONTACT_HALF_LENGTH),  # nose to tail: the cores' ends
        (0.0, 2.1, 0.0, 2.1),  # side by side
        (1.0, 2.1, 0.0, 2.1),  # overlapping along the track, side by side
        (0.0, 3.0, math.pi / 2, 3.0 - CONTACT_HALF_LENGTH),  # T-bone: b's tail end is nearest a's core
        (0.0, 0.0, math.pi / 2, 0.0),  # crossing cores
    ],
)
def test_car_gap_is_the_distance_between_the_cores(dx, dy, heading_b, expected):
    cars = _pair(dx, dy, heading_b=heading_b)
    d, nx, ny = car_gap(cars, 0, 1, CONTACT_HALF_LENGTH)
    assert d == pytest.approx(expected, abs=1e-9)
    assert math.hypot(nx, ny) == pytest.approx(1.0)
    assert car_gap(cars, 1, 0, CONTACT_HALF_LENGTH)[0] == pytest.approx(d)  # the same both ways


def test_cars_touch_as_their_shape_not_as_circles():
    """Side by side 2.1 m apart (a circle model of the car's length would touch); nose to tail at 4.3 m."""
    alongside = _pair(0.5, 2.1)
    alongside[0, CAR_VX] = alongside[1, CAR_VX] = 30.0
    before = alongside.copy()
    collide(alongside, CONTACT_RADIUS, CONTACT_HALF_LENGTH, 0.3, np.zeros(2))
    assert np.array_equal(alongside, before)
    nose_to_tail = _pair(4.3, 0.0)
    collide(nose_to_tail, CONTACT_RADIUS, CONTACT_HALF_LENGTH, 0.3, np.zeros(2))
    assert car_gap(nose_to_tail, 0, 1, CONTACT_HALF_LENGTH)[0] >= 2 * CONTACT_RADIUS - 1e-6
    assert nose_to_tail[1, CAR_X] - nose_to_tail[0, CAR_X] >= 4.4 - 1e-6


def test_cars_far_apart_along_the_track_never_touch_but_near_ones_do_across_the_line():
    """One car over the other on a bridge is hundreds of metres away along the lap; the start/finish wraps."""
    for arc_a, arc_b, touches in ((348.0, 1286.0, False), (348.0, 349.0, True), (2399.5, 0.5, True)):
        cars = _pair(0.5, 1.0)
        cars[0, CAR_ARC_LENGTH], cars[1, CAR_ARC_LENGTH] = arc_a, arc_b
        before = cars.copy()
        collide(cars, CONTACT_RADIUS, CONTACT_HALF_LENGTH, 0.3, np.zeros(2), 2400.0)
        assert (not np.array_equal(cars, before)) is touches
