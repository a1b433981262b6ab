"""Car physics: N cars stepped at once with a fixed timestep, in SI units.

The model is an arcade car with a real grip limit:

* Steering turns the front wheels towards the driver's request at a limited rate. The body yaws like a
  kinematic bicycle (``yaw_rate = u * tan(steer) / wheelbase``), at most a little faster than grip allows.
* The tyres try to cancel the car's sideways velocity and to apply the engine or brake force, but their total
  force stays inside the friction circle ``|F| <= grip * m * g``. Asking for more makes the car slide: the velocity
  lags the heading (understeer or a drift) and the sideways tyre force scrubs speed. So no manoeuvre turns tighter
  than ``v**2 / (grip * g)``, and the fastest possible lap is well defined (see game.sim.reference).
* The engine force fades with speed (constant power), aerodynamic drag grows with speed squared, rolling
  resistance is constant. Off the track (grass) grip is lower and drag higher.
* Cars touch as capsules of their length and width (``car_gap``) and are pushed apart, never turned.

A car's state is one row of a float64 array, columns named by the ``CAR_*`` constants; the same kernel steps one
car for the game or sixty-four for training. Same state and inputs always give the same next state.

This module never imports pygame.
"""

from __future__ import annotations

import math
from dataclasses import astuple, dataclass

import numpy as np
from numba import njit

GRAVITY = 9.81  # [m/s^2]
AIR_DENSITY = 1.225  # [kg/m^3]
PHYSICS_DT = 1.0 / 60.0  # [s] the fixed physics timestep, shared by the game and training
FRAME_SKIP = 3  # physics ticks per driver decision: AI drivers decide at 20 Hz, in training and in the game
# Cars collide as capsules (stadium shapes) along their heading: a core segment of 2 * CONTACT_HALF_LENGTH with
# CONTACT_RADIUS round it, so a 4.4 m by 1.9 m car is a 4.4 m by 2.0 m capsule: nose to tail they touch at 4.4 m
# between centres, side by side at 2.0 m.
CONTACT_RADIUS = 1.0  # [m]
CONTACT_HALF_LENGTH = 1.2  # [m] from the car's centre to either end of its core segment
CONTACT_RESTITUTION = 0.3
REAR_END_ALIGNMENT = 0.7  # cos of the largest angle between a car's heading and a contact that rear-ends
CONTACT_EVENT_DV = 1.0  # [m/s] velocity change that counts as a knock (a sound, a shake, a penalty in training)
# Cars further apart than this along the track never touch: at a bridge one passes over the other. Two cars that
# touch on one part of the track are far nearer along it, even side by side round the inside of a hairpin.
CONTACT_ALONG = 30.0  # [m]

# Columns of a car state array (float64, shape (N, N_CAR_COLUMNS)).
CAR_X, CAR_Y, CAR_HEADING, CAR_VX, CAR_VY, CAR_STEER, CAR_YAW_RATE, CAR_SLIDE = range(8)
# Track-relative columns, filled by game.sim.simulation after each step.
CAR_SEGMENT, CAR_ARC_LENGTH, CAR_LATERAL, CAR_PROGRESS, CAR_OFF_TRACK = range(8, 13)
N_CAR_COLUMNS = 13


@dataclass(frozen=True)
class CarParams:
    """Physical constants of a car (one set for every car, player and AI alike)."""

    mass: float = 800.0  # [kg]
    wheelbase: float = 2.6  # [m]
    length: float = 4.4  # [m] for drawing and contact
    width: float = 1.9  # [m]
    grip: float = 1.6  # tyre friction coefficient on tarmac (racing slicks, arcade-generous)
    grass_grip: float = 0.7  # friction coefficient on grass
    engine_force: float = 9000.0  # [N] maximum drive force at low speed
    engine_power: float = 320e3  # [W] above engine_power / engine_force (~36 m/s) the force fades
    brake_force: float = 16000.0  # [N] more than grip allows: braking is grip-limited
    reverse_force: float = 3000.0  # [N]
    reverse_speed: float = 8.0  # [m/s] top speed in reverse
    drag_area: float = 0.75  # [m^2] drag coefficient times frontal area
    rolling_resistance: float = 0.015  # coefficient, times m * g
    grass_resistance: float = 0.35  # extra rolling coefficient on grass
    max_steer: float = 0.55  # [rad] front-wheel lock at low speed
    steer_rate: float = 3.0  # [rad/s] how fast the wheels turn
    steer_grip_margin: float = 1.25  # full lock at speed asks this many times the lateral grip
    yaw_overshoot: float = 1.2  # the body may yaw this much faster than the path can turn (drift)

    def as_array(self) -> np.ndarray:
        """The parameters as a float64 vector, in field order, for numba kernels (see ``P_*``)."""
        return np.array(astuple(self), dtype=np.float64)

    @property
    def drag_coefficient(self) -> float:
        """Aerodynamic drag force per speed squared [N s^2/m^2]."""
        return 0.5 * AIR_DENSITY * self.drag_area


# Indices into CarParams.as_array().
(
    P_MASS,
    P_WHEELBASE,
    P_LENGTH,
    P_WIDTH,
    P_GRIP,
    P_GRASS_GRIP,
    P_ENGINE_FORCE,
    P_ENGINE_POWER,
    P_BRAKE_FORCE,
    P_REVERSE_FORCE,
    P_REVERSE_SPEED,
    P_DRAG_AREA,
    P_ROLLING,
    P_GRASS_RESISTANCE,
    P_MAX_STEER,
    P_STEER_RATE,
    P_STEER_MARGIN,
    P_YAW_OVERSHOOT,
) = range(18)

DEFAULT_CAR = CarParams()


def new_cars(n: int) -> np.ndarray:
    """A zeroed state array for ``n`` cars."""
    return np.zeros((n, N_CAR_COLUMNS), dtype=np.float64)


@njit(cache=True)
def drive_force(throttle: float, u: float, p: np.ndarray) -> float:
    """Longitudinal force the driver asks of the tyres [N]: drive, brake or reverse.

    Args:
        throttle: In [-1, 1]; negative brakes, and reverses once the car has stopped.
        u: Longitudinal speed [m/s], positive forwards.
        p: Car parameters (CarParams.as_array()).
    """
    if throttle >= 0.0:
        if u < -0.5:  # rolling backwards: the pedal brakes
            return throttle * p[P_BRAKE_FORCE]
        return throttle * min(p[P_ENGINE_FORCE], p[P_ENGINE_POWER] / max(u, 1.0))
    if u > 0.5:
        return throttle * p[P_BRAKE_FORCE]
    if u > -p[P_REVERSE_SPEED]:
        return throttle * p[P_REVERSE_FORCE]
    return 0.0


@njit(cache=True)
def step_car(car: np.ndarray, steer_cmd: float, throttle: float, on_grass: bool, p: np.ndarray, dt: float) -> None:
    """Advance one car by one fixed timestep, in place."""
    g = 9.81
    mass = p[P_MASS]
    grip = p[P_GRASS_GRIP] if on_grass else p[P_GRIP]
    heading = car[CAR_HEADING]
    vx = car[CAR_VX]
    vy = car[CAR_VY]
    c = math.cos(heading)
    s = math.sin(heading)
    u = vx * c + vy * s

    # Steering: speed-sensitive lock (full lock asks steer_grip_margin x the grip), rate-limited.
    u2 = max(u * u, 1e-6)
    lock = min(p[P_MAX_STEER], math.atan(p[P_WHEELBASE] * p[P_STEER_MARGIN] * grip * g / u2))
    target = min(max(steer_cmd, -1.0), 1.0) * lock
    max_turn = p[P_STEER_RATE] * dt
    delta = car[CAR_STEER] + min(max(target - car[CAR_STEER], -max_turn), max_turn)
    car[CAR_STEER] = delta

    # Body yaw: kinematic bicycle, limited to a little more than the grip can turn the path.
    yaw_rate = u * math.tan(delta) / p[P_WHEELBASE]
    yaw_limit = p[P_YAW_OVERSHOOT] * grip * g / max(abs(u), 2.0)
    yaw_rate = min(max(yaw_rate, -yaw_limit), yaw_limit)
    heading += yaw_rate * dt
    c = math.cos(heading)
    s = math.sin(heading)
    u = vx * c + vy * s
    v = -vx * s + vy * c

    # Tyres: cancel the sideways velocity and apply drive or brake, inside the friction circle.
    fx = drive_force(min(max(throttle, -1.0), 1.0), u, p)
    if fx * u < 0.0:  # braking never reverses the car within one step
        fx = max(min(fx, mass * abs(u) / dt), -mass * abs(u) / dt)
    fy = -mass * v / dt
    demand = math.hypot(fx, fy)
    limit = grip * mass * g
    slide = 0.0
    if demand > limit:
        scale = limit / demand
        fx *= scale
        fy *= scale
        slide = 1.0 - scale
    ax = (fx * c - fy * s) / mass
    ay = (fx * s + fy * c) / mass

    # Resistances oppose the velocity and never reverse it.
    speed = math.hypot(vx, vy)
    if speed > 1e-9:
        resist = 0.5 * AIR_DENSITY * p[P_DRAG_AREA] * speed * speed / mass + p[P_ROLLING] * g
        if on_grass:
            resist += p[P_GRASS_RESISTANCE] * g
        resist = min(resist, speed / dt)
        ax -= resist * vx / speed
        ay -= resist * vy / speed

    vx += ax * dt
    vy += ay * dt
    car[CAR_VX] = vx
    car[CAR_VY] = vy
    car[CAR_X] += vx * dt
    car[CAR_Y] += vy * dt
    car[CAR_HEADING] = heading
    car[CAR_YAW_RATE] = yaw_rate
    car[CAR_SLIDE] = slide


@njit(cache=True)
def car_gap(cars: np.ndarray, i: int, j: int, half_length: float) -> tuple[float, float, float]:
    """Distance between the core segments of cars ``i`` and ``j`` and its direction (from ``i`` towards ``j``).

    Each car's core runs ``half_length`` ahead of and behind its centre along its heading; two capsules of
    radius r touch when this distance is below 2 r. The direction falls back to the line between the centres
    where the segments cross (or the centres coincide: a fixed direction set by the pair).

    Returns:
        (distance [m], nx, ny) with (nx, ny) a unit vector.
    """
    ci = math.cos(cars[i, CAR_HEADING]) * half_length
    si = math.sin(cars[i, CAR_HEADING]) * half_length
    cj = math.cos(cars[j, CAR_HEADING]) * half_length
    sj = math.sin(cars[j, CAR_HEADING]) * half_length
    # Segment i: p1 + s d1, segment j: p2 + t d2, s and t in [0, 1] (Ericson, Real-Time Collision Detection 5.1.9).
    p1x, p1y = cars[i, CAR_X] - ci, cars[i, CAR_Y] - si
    p2x, p2y = cars[j, CAR_X] - cj, cars[j, CAR_Y] - sj
    d1x, d1y = 2.0 * ci, 2.0 * si
    d2x, d2y = 2.0 * cj, 2.0 * sj
    rx, ry = p1x - p2x, p1y - p2y
    a = d1x * d1x + d1y * d1y
    e = d2x * d2x + d2y * d2y
    f = d2x * rx + d2y * ry
    s = 0.0
    t = 0.0
    if a > 1e-12 and e > 1e-12:
        c = d1x * rx + d1y * ry
        b = d1x * d2x + d1y * d2y
        denom = a * e - b * b
        if denom > 1e-12:
            s = min(max((b * f - c * e) / denom, 0.0), 1.0)
        t = (b * s + f) / e
        if t < 0.0:
            t = 0.0
            s = min(max(-c / a, 0.0), 1.0)
        elif t > 1.0:
            t = 1.0
            s = min(max((b - c) / a, 0.0), 1.0)
    dx = (p2x + t * d2x) - (p1x + s * d1x)
    dy = (p2y + t * d2y) - (p1y + s * d1y)
    d = math.hypot(dx, dy)
    if d > 1e-9:
        return d, dx / d, dy / d
    cx = cars[j, CAR_X] - cars[i, CAR_X]
    cy = cars[j, CAR_Y] - cars[i, CAR_Y]
    centres = math.hypot(cx, cy)
    if centres > 1e-9:
        return 0.0, cx / centres, cy / centres
    n = cars.shape[0]
    angle = 2.0 * math.pi * (j - i) / (n + 1)
    return 0.0, math.cos(angle), math.sin(angle)


@njit(cache=True)
def collide(
    cars: np.ndarray,
    radius: float,
    half_length: float,
    restitution: float,
    rear_impact: np.ndarray,
    lap_length: float = 0.0,
) -> None:
    """Push touching cars apart (equal masses, capsules: see :func:`car_gap`) so that none overlap, in place.

    Overlapping pairs are separated along the line between the nearest points of their cores and their closing
    speed along that line is reversed with ``restitution``; repeated until no pair overlaps. Who ran into whom
    is noted. Cars are pushed, never turned. On a track (``lap_length`` > 0) two cars more than
    ``CONTACT_ALONG`` apart along it (``CAR_ARC_LENGTH``, round the lap) never touch: one is on the bridge over
    the other.

    Args:
        cars: Car states, changed in place.
        radius: [m] the capsules' radius (CONTACT_RADIUS).
        half_length: [m] half the length of each capsule's core segment (CONTACT_HALF_LENGTH; 0: circles).
        restitution: Share of the closing speed given back.
        rear_impact: (N,) for each car that ran nose first into a car ahead of it in the race (more
            ``CAR_PROGRESS``; the contact within about 45 degrees of its heading, not a side-by-side rub), the
            largest closing speed of such an impact [m/s], kept if larger than what is there already.
        lap_length: [m] the track's length; 0: no track (cars touch wherever they are).
    """
    n = cars.shape[0]
    min_dist = 2.0 * radius
    reach = min_dist + 2.0 * half_length  # centres further apart than this cannot touch
    reach_squared = reach * reach
    for _ in range(32):
        moved = False
        for i in range(n):
            for j in range(i + 1, n):
                dx = cars[j, CAR_X] - cars[i, CAR_X]
                dy = cars[j, CAR_Y] - cars[i, CAR_Y]
                if dx * dx + dy * dy >= reach_squared:
                    continue
                if lap_length > 0.0:
                    along = abs(cars[j, CAR_ARC_LENGTH] - cars[i, CAR_ARC_LENGTH]) % lap_length
                    if min(along, lap_length - along) > CONTACT_ALONG:
                        continue  # one on the bridge, the other under it
                d, nx, ny = car_gap(cars, i, j, half_length)
                if d >= min_dist:
                    continue
                moved = True
                push = 0.5 * (min_dist - d) + 1e-6
                cars[i, CAR_X] -= nx * push
                cars[i, CAR_Y] -= ny * push
                cars[j, CAR_X] += nx * push
                cars[j, CAR_Y] += ny * push
                closing = (cars[j, CAR_VX] - cars[i, CAR_VX]) * nx + (cars[j, CAR_VY] - cars[i, CAR_VY]) * ny
                if closing < 0.0:
                    impulse = 0.5 * (1.0 + restitution) * closing
                    cars[i, CAR_VX] += impulse * nx
                    cars[i, CAR_VY] += impulse * ny
                    cars[j, CAR_VX] -= impulse * nx
                    cars[j, CAR_VY] -= impulse * ny
                    rear = i if cars[i, CAR_PROGRESS] < cars[j, CAR_PROGRESS] else j
                    # Nose first into the car ahead (the push along the rear car's heading), not rubbing side
                    # by side while alongside: only that is running into it.
                    along = abs(nx * math.cos(cars[rear, CAR_HEADING]) + ny * math.sin(cars[rear, CAR_HEADING]))
                    if along >= REAR_END_ALIGNMENT:
                        rear_impact[rear] = max(rear_impact[rear], -closing)
        if not moved:
            return
