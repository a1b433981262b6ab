"""The scripted driver: it follows a line around the track and its laps count with the game's lap timer."""

from __future__ import annotations

import math

import numpy as np
import pytest

from game.drivers.scripted import ScriptedDriver
from game.sim.laps import LapTimer
from game.sim.physics import (
    CAR_ARC_LENGTH,
    CAR_LATERAL,
    CAR_OFF_TRACK,
    CAR_PROGRESS,
    CAR_VX,
    CAR_VY,
    DEFAULT_CAR,
    PHYSICS_DT,
    new_cars,
)
from game.sim.reference import reference_lap
from game.sim.simulation import advance, place_car
from game.sim.track import Track


def drive(
    track: Track, driver: ScriptedDriver, cars: np.ndarray, laps: int, max_time: float, standing_start: bool
) -> dict[str, object]:
    """Drive the cars until each has ``laps`` timed laps or ``max_time`` passes.

    Laps are timed twice: by the game's LapTimer on CAR_PROGRESS, and by a LapTimer on the uncapped arc length
    along the centre line (the time between two crossings of the start/finish line, wherever the car is across
    the road), which is the lap a stopwatch at the line would measure.
    """
    n = cars.shape[0]
    length = track.length
    crossing = cars[:, CAR_PROGRESS].copy()
    game_timers = [LapTimer(length, cars[k, CAR_PROGRESS], standing_start) for k in range(n)]
    line_timers = [LapTimer(length, crossing[k], standing_start) for k in range(n)]
    params = DEFAULT_CAR.as_array()
    off_track_steps = np.zeros(n, dtype=int)
    max_lateral = np.zeros(n)
    time = 0.0
    for _ in range(int(max_time / PHYSICS_DT)):
        controls = driver.act(cars)
        progress_before = cars[:, CAR_PROGRESS].copy()
        crossing_before = crossing.copy()
        arc_before = cars[:, CAR_ARC_LENGTH].copy()
        advance(cars, controls, track.table, track.spacing, params, PHYSICS_DT, 1)
        moved = cars[:, CAR_ARC_LENGTH] - arc_before
        crossing += moved - length * np.floor(moved / length + 0.5)
        for k in range(n):
            game_timers[k].update(progress_before[k], cars[k, CAR_PROGRESS], time, time + PHYSICS_DT)
            line_timers[k].update(crossing_before[k], crossing[k], time, time + PHYSICS_DT)
        time += PHYSICS_DT
        off_track_steps += cars[:, CAR_OFF_TRACK] > 0.5
        max_lateral = np.maximum(max_lateral, np.abs(cars[:, CAR_LATERAL]))
        if all(timer.laps >= laps for timer in line_timers + game_timers):
            break
    return {
        "game_laps": [timer.lap_times for timer in game_timers],
        "line_laps": [timer.lap_times for timer in line_timers],
        "off_track_steps": off_track_steps,
        "max_lateral": max_lateral,
    }


@pytest.mark.parametrize("track_name", ["oval_track", "twisty_track"])
def test_no_lap_beats_the_reference_lap(track_name: str, request: pytest.FixtureRequest) -> None:
    """The reference lap is a lower bound: a car on the racing line cannot beat it, even trying to go faster.

    Four cars start on the racing line at their target speeds: one just below the speed profile, one on it, and
    two asked for 5 % and 10 % more (they brake too late, slide wide, often onto the grass, and lose time).
    """
    track = request.getfixturevalue(track_name)
    reference = reference_lap(track)
    scales = np.array([0.99, 1.0, 1.05, 1.1])
    driver = ScriptedDriver.from_reference(track, reference, speed_scale=scales)
    cars = new_cars(scales.size)
    for k in range(scales.size):
        driver.place(cars, k, track.n_samples - 40)  # 80 m before the line: a flying lap
    result = drive(track, driver, cars, laps=2, max_time=4.5 * reference.lap_time_s, standing_start=False)

    for k in range(scales.size):
        line_laps, game_laps = result["line_laps"][k], result["game_laps"][k]
        assert len(line_laps) >= 1 and len(game_laps) >= 1, f"speed scale {scales[k]} completed no lap"
        assert min(line_laps) >= reference.lap_time_s, f"speed scale {scales[k]} beat the reference"
        assert min(game_laps) >= reference.lap_time_s, f"speed scale {scales[k]} beat the reference"
    # ... and the bound is tight: the car just below the profile is within 3 % of it.
    assert min(result["line_laps"][0]) < 1.03 * reference.lap_time_s


@pytest.mark.parametrize("track_name", ["oval_track", "twisty_track"])
def test_centre_line_lap_at_moderate_speed_stays_on_track(track_name: str, request: pytest.FixtureRequest) -> None:
    track = request.getfixturevalue(track_name)
    driver = ScriptedDriver(track, speed_scale=0.8)  # the centre line, at 80 % of its fastest speed profile
    cars = new_cars(1)
    place_car(cars, 0, track, -8.0)  # on the grid, just behind the line, standing still
    result = drive(track, driver, cars, laps=1, max_time=150.0, standing_start=True)

    assert len(result["game_laps"][0]) == 1
    lap = result["game_laps"][0][0]
    assert reference_lap(track).lap_time_s < lap < 150.0
    assert result["off_track_steps"][0] == 0
    assert result["max_lateral"][0] < 1.0  # it follows the centre line closely


def test_cars_each_get_their_own_speed_scale(oval_track: Track) -> None:
    driver = ScriptedDriver.from_reference(oval_track, speed_scale=np.array([0.8, 0.9]))
    cars = new_cars(2)
    driver.place(cars, 0, 10)
    driver.place(cars, 1, 10)
    speed = np.hypot(cars[:, CAR_VX], cars[:, CAR_VY])
    assert speed[1] == pytest.approx(speed[0] * 0.9 / 0.8)
    controls = driver.act(cars)
    assert controls.shape == (2, 2)
    assert np.all(np.abs(controls) <= 1.0)


def test_place_puts_the_car_on_the_line(twisty_track: Track) -> None:
    reference = reference_lap(twisty_track)
    driver = ScriptedDriver.from_reference(twisty_track, reference)
    cars = new_cars(1)
    driver.place(cars, 0, 123)
    assert cars[0, :2] == pytest.approx(reference.line[123], abs=1e-6)
    assert cars[0, CAR_LATERAL] == pytest.approx(reference.lateral_offset[123], abs=1e-3)
    assert math.hypot(cars[0, CAR_VX], cars[0, CAR_VY]) == pytest.approx(reference.speed[123])


def test_rejects_a_line_of_the_wrong_size(oval_track: Track) -> None:
    with pytest.raises(ValueError, match="one point per track sample"):
        ScriptedDriver(oval_track, line=np.zeros((10, 2)))
    with pytest.raises(ValueError, match="speed_profile"):
        ScriptedDriver(oval_track, speed_profile=np.ones(10))
