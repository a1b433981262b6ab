"""Race rules, AI drivers and difficulty, without pygame."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from game.drivers.centerline import CenterlineDriver
from game.sim.pace import HOLD_BAND, apply_pace, hold_speed
from game.sim.physics import (
    CAR_HEADING,
    CAR_PROGRESS,
    CAR_VX,
    CAR_VY,
    CAR_X,
    CAR_Y,
    CONTACT_HALF_LENGTH,
    DEFAULT_CAR,
    PHYSICS_DT,
    car_gap,
    new_cars,
)
from game.sim.race import CONTACT_RADIUS, Race, RaceConfig
from game.sim.rules import DIFFICULTIES
from game.sim.simulation import advance, advance_in_traffic, place_car
from game.sim.track.io import load_track

REPO_ROOT = Path(__file__).resolve().parents[3]


def run_race(race: Race, max_seconds: float = 300.0) -> None:
    while not race.done and race.tick * PHYSICS_DT < max_seconds:
        race.step()


def test_watch_race_runs_to_the_finish(ring_track):
    race = Race(ring_track, RaceConfig(laps=1, rivals=7, watch=True), CenterlineDriver(ring_track, DEFAULT_CAR))
    run_race(race)
    assert race.done
    results = race.results()
    assert [r.position for r in results] == list(range(1, 9))
    assert all(r.laps == 1 and r.total_time is not None and r.gap != "DNF" for r in results)
    times = [r.total_time for r in results]
    assert times == sorted(times)
    assert results[0].gap == "" and all(r.gap.startswith("+") for r in results[1:])
    kinds = {e.kind for e in race.pop_events()}
    assert {"light", "go", "lap", "flag", "finish", "done"} <= kinds


def test_countdown_holds_the_cars(ring_track):
    race = Race(ring_track, RaceConfig(laps=1, rivals=2), CenterlineDriver(ring_track, DEFAULT_CAR))
    start = race.cars.copy()
    for _ in range(race.countdown_ticks - 1):
        race.step((0.0, 1.0))
    assert not race.started and np.array_equal(race.cars, start)
    assert race.lights_on == 4
    race.step((0.0, 1.0))
    assert race.started and race.race_time == 0.0
    race.step((0.0, 1.0))
    assert race.speed(0) > 0.0


def test_player_starts_at_the_back_and_follows_its_controls(ring_track):
    race = Race(ring_track, RaceConfig(laps=1, rivals=3), CenterlineDriver(ring_track, DEFAULT_CAR))
    assert race.human == 0 and race.names[0] == "YOU"
    assert race.position_of(0) == 4  # last on the grid
    for _ in range(race.countdown_ticks + 120):
        race.step((0.25, 0.0))  # no throttle: stays put
    assert race.speed(0) < 0.5
    assert list(race.controls[0]) == [0.25, 0.0]


def test_player_finishes_and_flag_ends_the_others(ring_track):
    # The player on autopilot at full pace, rivals on easy: a real race to the flag.
    race = Race(
        ring_track,
        RaceConfig(laps=2, rivals=3, difficulty="easy"),
        CenterlineDriver(ring_track, DEFAULT_CAR),
        autopilot=True,
    )
    run_race(race)
    assert race.done and race.flag_time is not None
    assert all(race.finished(i) for i in range(race.n_cars))


def test_contact_pushes_cars_apart(ring_track):
    race = Race(ring_track, RaceConfig(laps=1, rivals=1), CenterlineDriver(ring_track, DEFAULT_CAR))
    race.tick = race.countdown_ticks
    heading = race.cars[0, CAR_HEADING]  # car 1 nose to tail 4.0 m ahead (they touch below 4.4 m)
    race.cars[1, CAR_X] = race.cars[0, CAR_X] + 4.0 * math.cos(heading)
    race.cars[1, CAR_Y] = race.cars[0, CAR_Y] + 4.0 * math.sin(heading)
    race.cars[1, CAR_HEADING] = heading
    race.cars[0, CAR_VX] = 10.0 * math.cos(heading)
    race.cars[0, CAR_VY] = 10.0 * math.sin(heading)
    race.step((0.0, 0.0))
    assert car_gap(race.cars, 0, 1, CONTACT_HALF_LENGTH)[0] >= 2 * CONTACT_RADIUS - 1e-6
    assert any(e.kind == "contact" for e in race.pop_events())


def test_cars_cross_the_viaduct_over_each_other():
    """Viaduct Eight: a car on the viaduct and one on the road under it, on one spot of the map, drive on as alone."""
    track = load_track(REPO_ROOT / "tracks" / "viaduct_eight.json")
    bridge = track.metadata["bridge"]
    cars = new_cars(2)
    place_car(cars, 0, track, bridge["under_arc_length"], speed=20.0)
    place_car(cars, 1, track, bridge["over_arc_length"], speed=20.0, heading_offset=0.3)  # closing on the other
    assert car_gap(cars, 0, 1, CONTACT_HALF_LENGTH)[0] < 2 * CONTACT_RADIUS  # they overlap on the map
    alone = [cars[i : i + 1].copy() for i in range(2)]
    controls = np.array([[0.0, 1.0], [0.0, 1.0]])
    params = DEFAULT_CAR.as_array()
    dv, rear = np.zeros(2), np.zeros(2)
    advance_in_traffic(
        cars,
        controls,
        track.table,
        track.spacing,
        params,
        PHYSICS_DT,
        10,
        CONTACT_RADIUS,
        CONTACT_HALF_LENGTH,
        0.3,
        dv,
        rear,
    )
    for i in range(2):
        advance(alone[i], controls[i : i + 1], track.table, track.spacing, params, PHYSICS_DT, 10)
        assert np.array_equal(cars[i], alone[i][0])
    assert not dv.any()


def test_wrong_way_warning(ring_track):
    race = Race(ring_track, RaceConfig(laps=1, rivals=0), CenterlineDriver(ring_track, DEFAULT_CAR))
    race.tick = race.countdown_ticks
    race.cars[0, CAR_HEADING] += math.pi
    for _ in range(120):
        race.step((0.0, 1.0))
    assert race.wrong_way(0)
    assert race.cars[0, CAR_PROGRESS] < 0.0


def test_positions_follow_progress(ring_track):
    race = Race(ring_track, RaceConfig(laps=3, rivals=2), CenterlineDriver(ring_track, DEFAULT_CAR))
    race.cars[:, CAR_PROGRESS] = [50.0, 10.0, 30.0]
    assert race.order() == [0, 2, 1]
    assert race.position_of(1) == 3


def test_rivals_are_held_to_their_pace():
    controls = np.array([[0.1, 1.0], [0.2, 1.0], [0.0, -1.0]])
    pace = np.array([1.0, 0.85, 0.85])
    apply_pace(controls, pace, speed=np.array([50.0, 10.0, 10.0]), limit=np.array([40.0, 40.0, 40.0]))
    assert controls[0, 1] == 1.0  # full pace: untouched
    assert controls[1, 1] == pytest.approx(0.85**3)
    assert controls[2, 1] == -1.0  # braking untouched
    controls = np.array([[0.0, 1.0]])
    apply_pace(controls, np.array([0.9]), speed=np.array([40.0]), limit=np.array([40.0]))
    assert controls[0, 1] == 0.0  # above 0.9 x reference: lifts


def test_the_two_pace_levers_are_separate():
    speed, limit = np.array([45.0, 45.0]), np.array([50.0, 50.0])  # 0.9 x the reference speed
    controls = np.array([[0.0, 1.0], [0.0, 1.0]])
    apply_pace(controls, np.array([0.8, 1.0]), speed, limit, corner_pace=np.array([1.0, 0.85]))
    assert controls[0, 1] == pytest.approx(0.8**3)  # down on power, but no lift: cornering pace 1.0
    assert controls[1, 1] == 0.0  # full power, but above 0.85 x reference: lifts
    same = np.array([[0.0, 1.0], [0.0, 1.0]])
    apply_pace(same, np.array([0.95, 0.85]), speed, limit)
    both = np.array([[0.0, 1.0], [0.0, 1.0]])
    apply_pace(both, np.array([0.95, 0.85]), speed, limit, corner_pace=np.array([0.95, 0.85]))
    assert np.array_equal(same, both)  # equal levers: the single pace of before


def test_a_speed_hold_brakes_when_over_and_leaves_a_car_well_under_alone():
    controls = np.array([[0.3, 1.0], [0.3, 1.0], [0.3, 1.0], [0.3, -0.5], [0.3, 1.0]])
    speed = np.array([10.0, 19.0, 21.0, 30.0, 50.0])
    cap = np.array([20.0, 20.0, 20.0, 20.0, np.inf])
    hold_speed(controls, speed, cap)
    assert controls[0, 1] == 1.0 and controls[4, 1] == 1.0  # well under, or no hold: the driver's throttle
    assert controls[1, 1] == pytest.approx(1.0 / HOLD_BAND)  # near the cap: less
    assert controls[2, 1] == pytest.approx(-1.0 / HOLD_BAND) and controls[3, 1] == -5.0  # over: brakes
    assert np.all(controls[:, 0] == 0.3)  # steering untouched


def test_a_held_car_laps_at_its_share_of_the_reference_lap(ring_track):
    from game.sim.reference import reference_lap

    laps = {}
    for held in (math.inf, 0.6):
        race = Race(ring_track, RaceConfig(laps=2, rivals=0, watch=True), CenterlineDriver(ring_track, DEFAULT_CAR))
        race.held_to[0] = held
        run_race(race)
        laps[held] = race.timers[0].best_lap
    reference = reference_lap(ring_track).lap_time_s
    assert laps[0.6] > 1.2 * laps[math.inf]  # slower than the free car, not only on the straights
    assert laps[0.6] == pytest.approx(reference / 0.6, rel=0.05)  # at the hold's share of the reference pace


def test_harder_rivals_are_faster(ring_track):
    finish = {}
    for difficulty in DIFFICULTIES:
        race = Race(
            ring_track,
            RaceConfig(laps=1, rivals=1, difficulty=difficulty, watch=True),
            CenterlineDriver(ring_track, DEFAULT_CAR),
        )
        run_race(race)
        finish[difficulty] = min(t for t in race.finish_time if t is not None)
    assert finish["hard"] < finish["normal"] < finish["easy"]


def test_player_put_back_on_the_track_waits_then_drives_on(ring_track):
    from game.sim.physics import CAR_LATERAL, CAR_VY
    from game.sim.race import PLAYER_RESCUE_HOLD

    race = Race(ring_track, RaceConfig(laps=1, rivals=1), CenterlineDriver(ring_track, DEFAULT_CAR))
    assert not race.put_back(0)  # not before the green
    for _ in range(race.countdown_ticks + 1200):
        race.step((1.0, 1.0))  # full lock: round in circles, off the road
        if race.stranded(0):
            break
    assert race.stranded(0)
    progress = race.cars[0, CAR_PROGRESS]
    assert race.put_back(0) and not race.put_back(0)  # once: it is waiting now
    assert abs(race.cars[0, CAR_LATERAL]) < 0.01 and race.cars[0, CAR_PROGRESS] == progress
    hold = int(round(PLAYER_RESCUE_HOLD / PHYSICS_DT))
    for _ in range(hold):
        race.step((0.0, 1.0))
        assert race.cars[0, CAR_VX] == 0.0 and race.cars[0, CAR_VY] == 0.0
    assert not race.stranded(0)
    race.step((0.0, 1.0))
    assert race.speed(0) > 0.0
