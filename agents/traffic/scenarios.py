"""Where the cars of a field start, scenario by scenario (GT Sophy's mix, in our small world).

* ``pack``: a standing start from the game's grid, learners and opponents in random slots.
* ``slow_ahead``: each learner on the move with a slower opponent a little ahead of it: get past.
* ``fast_behind``: each learner on the move with a faster opponent close behind: hold it off or let it by.
* ``solo``: learners alone, far apart: pace is not lost to traffic.
* ``slow_pole``: a standing start from the grid with a slow opponent on pole: the whole field must get past it, as
  rivals must get past a slow player (off by default; ``--traffic-scenarios`` turns it on).

A lineup says where every car stands, which cars learn, and the pace of each opponent. Learners are always the
first ``n_learners`` rows of the field, so a slot of the vector env is always the same row.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from game.sim.grid import GRID_SLOTS, grid_slot
from game.sim.physics import GRAVITY
from game.sim.track import Track, widths_at

SCENARIOS = ("pack", "slow_ahead", "fast_behind", "solo", "slow_pole")
DEFAULT_SCENARIO_WEIGHTS = {"pack": 0.35, "slow_ahead": 0.3, "fast_behind": 0.15, "solo": 0.2}
MAX_RANDOM_START_SPEED = 50.0  # [m/s]
SLOW_PACE = (0.55, 0.85)  # range of a slow opponent's pace
SLOW_GAP = (15.0, 45.0)  # [m] range of its lead
FAST_GAP = (10.0, 30.0)  # [m] range of a fast opponent's distance behind
PACK_PACE = (0.85, 1.0)  # range of the opponents' pace on the grid
SLOW_POLE_PACE = (0.7, 0.85)  # range of the pace of the slow car on pole (slow_pole)


@dataclass
class Placement:
    """Where one car starts: arc length [m], offset from the centre line [m], speed [m/s], heading error [rad]."""

    arc: float
    lateral: float = 0.0
    speed: float = 0.0
    heading: float = 0.0


@dataclass
class Lineup:
    """Every car of a field at the start of an episode."""

    scenario: str
    placements: list[Placement]  # learners first, then opponents
    paces: list[float] = field(default_factory=list)  # one per opponent, in [0, 1]
    standing: bool = False  # a standing start from the grid


def safe_speed(track: Track, arc: float, grip: float, horizon: float = 150.0) -> float:
    """A speed from which the car can still brake for the corners in the next ``horizon`` metres [m/s]."""
    first = int(arc / track.spacing)
    idx = np.arange(first, first + int(horizon / track.spacing)) % track.n_samples
    kappa = float(np.max(np.abs(track.curvature[idx])))
    corner = math.sqrt(grip * GRAVITY / max(kappa, 1e-6))
    return min(MAX_RANDOM_START_SPEED, 0.8 * corner)


def random_placement(
    track: Track, arc: float, rng: np.random.Generator, grip: float, standing_start_prob: float
) -> Placement:
    """A random start at ``arc``: an offset and heading error, a speed below what the next corners allow.

    With probability ``standing_start_prob`` the car stands instead. The single-car env starts the same way.
    """
    width_left, width_right = widths_at(track.table, track.spacing, arc)
    middle = 0.5 * (width_left - width_right)
    half = 0.5 * (width_left + width_right)
    lateral = middle + float(rng.uniform(-0.5, 0.5)) * half
    heading = float(rng.uniform(-0.1, 0.1))
    speed = float(rng.uniform(0.0, 1.0)) * safe_speed(track, arc, grip)
    if standing_start_prob > 0.0 and rng.random() < standing_start_prob:
        speed = 0.0
    return Placement(arc, lateral, speed, heading)


def lineup(
    scenario: str,
    track: Track,
    n_learners: int,
    n_opponents: int,
    rng: np.random.Generator,
    grip: float,
    standing_start_prob: float = 0.0,
) -> Lineup:
    """The start of one episode of ``scenario`` (see the module docstring).

    Scenarios that need opponents fall back to ``pack`` of learners alone when there are none.

    Raises:
        ValueError: Unknown scenario, or more cars than grid slots for ``pack``.
    """
    if scenario not in SCENARIOS:
        raise ValueError(f"unknown scenario {scenario!r} (one of {', '.join(SCENARIOS)})")
    if scenario == "pack" or (scenario in ("slow_ahead", "fast_behind", "slow_pole") and n_opponents == 0):
        return _pack(track, n_learners, n_opponents, rng)
    if scenario == "slow_pole":
        return _pack(track, n_learners, n_opponents, rng, slow_pole=True)
    spacing = track.length / n_learners
    first = float(rng.uniform(0.0, track.length))
    learners = [
        random_placement(track, (first + k * spacing) % track.length, rng, grip, standing_start_prob)
        for k in range(n_learners)
    ]
    if scenario == "solo":
        return Lineup("solo", learners)
    opponents, paces = [], []
    for k in range(n_opponents):
        ahead = learners[k % n_learners]
        if scenario == "slow_ahead":
            pace = float(rng.uniform(*SLOW_PACE))
            arc = ahead.arc + float(rng.uniform(*SLOW_GAP))
            speed = pace * ahead.speed
        else:
            pace = 1.0
            arc = ahead.arc - float(rng.uniform(*FAST_GAP))
            speed = min(1.1 * ahead.speed + 5.0, safe_speed(track, arc % track.length, grip))
        width_left, width_right = widths_at(track.table, track.spacing, arc % track.length)
        lateral = 0.5 * (width_left - width_right) + float(rng.uniform(-0.3, 0.3)) * 0.5 * (width_left + width_right)
        opponents.append(Placement(arc % track.length, lateral, speed))
        paces.append(pace)
    return Lineup(scenario, learners + opponents, paces)


def _pack(track: Track, n_learners: int, n_opponents: int, rng: np.random.Generator, slow_pole: bool = False) -> Lineup:
    n_cars = n_learners + n_opponents
    if n_cars > GRID_SLOTS:
        raise ValueError(f"a pack start has {GRID_SLOTS} grid slots, not {n_cars}")
    slots = rng.permutation(GRID_SLOTS)[:n_cars]
    paces = [float(rng.uniform(*PACK_PACE)) for _ in range(n_opponents)]
    if slow_pole:  # the first opponent takes pole (a car drawn there takes its slot), slowly
        pole = n_learners
        holder = np.flatnonzero(slots == 0)
        if holder.size:
            slots[holder[0]] = slots[pole]
        slots[pole] = 0
        paces[0] = float(rng.uniform(*SLOW_POLE_PACE))
    placements = [Placement(*grid_slot(track, int(slot))) for slot in slots]
    return Lineup("slow_pole" if slow_pole else "pack", placements, paces, standing=True)
