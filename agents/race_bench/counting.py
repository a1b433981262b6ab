"""The race benchmark's counters: pure functions over a recorded race (:class:`agents.race_bench.record.RaceRecord`).

Definitions (the numbers of ``docs/RACING.md``):

* **Contact** (a bump): one per *pair* of cars per touch. ``Race`` emits ``RaceEvent("contact", car, dv)`` for every
  car whose velocity a contact changed by ``CONTACT_EVENT_DV`` (1 m/s) or more in a tick, so a two-car knock is two
  events (one per car, equal masses) and cars leaning on each other emit events tick after tick. A *touch* of a
  pair is a stretch of ticks in which the two touch at any speed (their capsules, ``game.sim.physics.car_gap``, within
  ``TOUCH_TOLERANCE``), gaps shorter than ``BUMP_GAP_S`` bridged; a touch in which either car emits a contact
  event is one bump, counted at its first event. A three-car pile-up is one bump per pair that touched. The raw
  per-car events are reported too (``contact_events``), as ``Race`` emits them.
* **Rescue**: every ``RaceEvent("rescue")`` (``Race.rescue``: an AI car off the track for ``RESCUE_OFF_TRACK`` s or
  gaining no ground for ``RESCUE_STUCK`` s is put back in the middle of the road, standing).
* **Pass**: car A passes car B when A's race progress (distance driven since the start, laps included) goes from
  more than ``PASS_MARGIN`` behind B's to more than ``PASS_MARGIN`` ahead of it. The margin is hysteresis: two cars
  side by side that swap by a few centimetres count nothing, and a pass undone and redone counts each time the
  order really changes (B's repass is B's pass). Because progress counts laps, lapping a back-marker is not a
  pass (the leader is a lap ahead in progress all along), nor is a lapped car letting the leader by. A pair is
  followed from the green light, starting from the grid order, until either car takes the chequered flag (after
  that, cars cruise home). The start-line shuffle needs no rule of its own: grid slots are 4.5 m apart in
  progress, more than twice the margin, so a launch a little better than the car alongside changes nothing until
  it is a real gain of places (in the baseline, no field race had a pass in its first 5 s).
* **Clean pass**: neither car had a contact event (with anyone) in the ``CLEAN_WINDOW_S`` before the pass, the
  moment it is counted included.
* **Rivals past the slow car**: rivals classified ahead of it when the race ends (finished ahead of it, or ahead
  of it in progress when the race ended with it still out): its finishing position minus one. ``rivals_ever_ahead``
  is how many were ever more than ``PASS_MARGIN`` ahead of it while racing.
* **Lap ratio**: a car's fastest lap in the race (the standing-start lap included; in two laps the flying one is
  the fast one) over the reference lap (``game.sim.reference``, the car's physical limit).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

BUMP_GAP_S = 0.5  # [s] a pair apart this long before touching again has a new bump
PASS_MARGIN = 2.0  # [m] progress lead that makes a car ahead of another (hysteresis of a pass)
CLEAN_WINDOW_S = 2.0  # [s] a pass is clean if neither car had a contact this long before it


@dataclass(frozen=True)
class Bump:
    """One contact between two cars (``b`` is -1 if the partner could not be told)."""

    time: float
    a: int
    b: int


@dataclass(frozen=True)
class Pass:
    """Car ``car`` got ahead of car ``passed`` at ``time``; ``clean``: no contact for either just before."""

    time: float
    car: int
    passed: int
    clean: bool = False


def count_bumps(
    contacts: Sequence[tuple[float, int, float]],
    touches: Sequence[tuple[float, int, int]],
    gap: float = BUMP_GAP_S,
) -> list[Bump]:
    """The bumps of a race: contact events grouped by pair and by touch.

    Args:
        contacts: (time, car, dv) contact events, one per car (``Race`` emits them).
        touches: (time, a, b) with a < b, every tick at which the pair touched; the tick of a contact event
            must be among them for its pair to be known.
        gap: A pair must have been apart this long [s] for a new touch to be a new bump.

    Returns:
        The bumps, by time.
    """
    touching_at: dict[float, list[tuple[int, int]]] = {}
    for time, a, b in touches:
        touching_at.setdefault(time, []).append((min(a, b), max(a, b)))
    events_at: dict[float, set[int]] = {}
    for time, car, _ in contacts:
        events_at.setdefault(time, set()).add(car)
    last_touch: dict[tuple[int, int], float] = {}  # per pair: the latest tick it touched
    counted: set[tuple[int, int]] = set()  # pairs whose current touch has been counted
    bumps: list[Bump] = []
    for time in sorted(set(touching_at) | set(events_at)):
        knocked = events_at.get(time, set())
        pairs = list(touching_at.get(time, []))
        explained = {car for pair in pairs for car in pair if car in knocked}
        pairs += [(car, -1) for car in sorted(knocked - explained)]  # no partner found: the car alone
        for pair in pairs:
            previous = last_touch.get(pair)
            if previous is None or time - previous > gap:
                counted.discard(pair)  # a new touch
            last_touch[pair] = time
            if pair not in counted and (pair[0] in knocked or pair[1] in knocked):
                counted.add(pair)
                bumps.append(Bump(time, *pair))
    return bumps


def find_passes(
    times: np.ndarray,
    progress: np.ndarray,
    racing: np.ndarray,
    margin: float = PASS_MARGIN,
) -> list[Pass]:
    """Every pass of a race, by time (``clean`` not yet set: see :func:`mark_clean`).

    Args:
        times: (T,) race time of each sample [s].
        progress: (T, N) race progress of each car [m].
        racing: (T, N) the car has not taken the flag.
        margin: Lead [m] that puts a car ahead (and the deficit that puts it behind).
    """
    times = np.asarray(times, dtype=np.float64)
    progress = np.asarray(progress, dtype=np.float64)
    racing = np.asarray(racing, dtype=bool)
    n = progress.shape[1] if progress.ndim == 2 else 0
    passes: list[Pass] = []
    for a in range(n):
        for b in range(a + 1, n):
            valid = racing[:, a] & racing[:, b]
            lead = progress[:, a] - progress[:, b]
            decided = np.flatnonzero(valid & (np.abs(lead) > margin))
            if decided.size < 2:
                continue
            ahead = lead[decided] > 0.0
            for k in np.flatnonzero(ahead[1:] != ahead[:-1]) + 1:
                tick = decided[k]
                car, passed = (a, b) if ahead[k] else (b, a)
                passes.append(Pass(float(times[tick]), car, passed))
    passes.sort(key=lambda p: (p.time, p.car, p.passed))
    return passes


def mark_clean(
    passes: Sequence[Pass], contacts: Sequence[tuple[float, int, float]], window: float = CLEAN_WINDOW_S
) -> list[Pass]:
    """The passes with ``clean`` set: neither car had a contact event in ``[time - window, time]``."""
    by_car: dict[int, np.ndarray] = {}
    for car in {c for _, c, _ in contacts}:
        by_car[car] = np.array([t for t, c, _ in contacts if c == car])
    marked = []
    for p in passes:
        dirty = False
        for car in (p.car, p.passed):
            t = by_car.get(car)
            if t is not None and np.any((t >= p.time - window) & (t <= p.time)):
                dirty = True
        marked.append(Pass(p.time, p.car, p.passed, not dirty))
    return marked


def rivals_past(final_order: Sequence[int], slow_car: int) -> int:
    """Cars classified ahead of ``slow_car`` at the end of the race."""
    return list(final_order).index(slow_car)


def rivals_ever_ahead(progress: np.ndarray, racing: np.ndarray, slow_car: int, margin: float = PASS_MARGIN) -> int:
    """Cars that were more than ``margin`` ahead of ``slow_car`` in progress at some sample while both raced.

    Args:
        progress: (T, N) race progress [m].
        racing: (T, N) the car has not taken the flag.
        slow_car: The car the others have to pass.
        margin: Lead [m] that counts as ahead.
    """
    progress = np.asarray(progress, dtype=np.float64)
    racing = np.asarray(racing, dtype=bool)
    valid = racing & racing[:, [slow_car]]
    lead = progress - progress[:, [slow_car]]
    ahead = np.any(valid & (lead > margin), axis=0)
    ahead[slow_car] = False
    return int(ahead.sum())


def lap_ratios(best_laps: Sequence[float | None], reference: float | None) -> list[float | None]:
    """Each car's best lap over the reference lap; None without a lap or without a reference."""
    if reference is None or reference <= 0.0:
        return [None] * len(best_laps)
    return [None if lap is None else lap / reference for lap in best_laps]
