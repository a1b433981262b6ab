"""Lap counting and timing on its own."""

from __future__ import annotations

import pytest

from game.sim.laps import LapTimer


def test_a_standing_start_times_lap_one_from_the_green_light():
    timer = LapTimer(track_length=1000.0, initial_progress=-6.0, standing_start=True)
    assert timer.update(-6.0, 500.0, 0.0, 20.0) == 0
    assert timer.update(500.0, 1010.0, 20.0, 40.0) == 1
    # The line (1000 m) is crossed 500 / 510 of the way through the step.
    assert timer.lap_times == [pytest.approx(20.0 + 20.0 * 500.0 / 510.0)]
    assert timer.current_lap_time(41.0) == pytest.approx(41.0 - timer.lap_times[0])


def test_a_flying_start_times_nothing_until_the_line():
    timer = LapTimer(track_length=1000.0, initial_progress=300.0, standing_start=False)
    assert timer.current_lap_time(5.0) is None
    assert timer.update(300.0, 1002.0, 0.0, 10.0) == 0  # the first crossing starts the clock
    assert timer.laps == 0 and timer.current_lap_time(10.0) is not None
    assert timer.update(1002.0, 2001.0, 10.0, 30.0) == 1
    first = 10.0 * 700.0 / 702.0  # the line at 1000 m, crossed 700 / 702 of the way
    second = 10.0 + 20.0 * 998.0 / 999.0  # and at 2000 m
    assert timer.best_lap == timer.last_lap == pytest.approx(second - first)


def test_going_back_over_the_line_and_again_completes_nothing():
    timer = LapTimer(track_length=1000.0, initial_progress=990.0, standing_start=True)
    timer.next_line = 1000.0
    assert timer.update(990.0, 995.0, 0.0, 1.0) == 0
    assert timer.update(995.0, 980.0, 1.0, 2.0) == 0  # reversing: progress falls
    assert timer.update(980.0, 999.0, 2.0, 3.0) == 0
    assert timer.laps == 0
    assert timer.update(999.0, 1001.0, 3.0, 4.0) == 1


def test_best_lap_is_the_fastest():
    timer = LapTimer(track_length=100.0, initial_progress=0.0, standing_start=True)
    for k, t in enumerate([10.0, 19.0, 30.0]):
        timer.update(100.0 * k + 50.0, 100.0 * (k + 1), t - 1.0, t)
    assert timer.lap_times == pytest.approx([10.0, 9.0, 11.0])
    assert timer.best_lap == pytest.approx(9.0)
