"""Ghosts and the time-trial session, without pygame."""

from __future__ import annotations

import json

import numpy as np
import pytest

from game.drivers.centerline import CenterlineDriver
from game.sim.ghost import GhostError, ghost_from_dict, load_ghost, save_ghost
from game.sim.identity import track_fingerprint
from game.sim.physics import CAR_X, CAR_Y, DEFAULT_CAR
from game.sim.time_trial import SPLIT_POINTS, TimeTrial, record_ai_ghost


@pytest.fixture(scope="module")
def ai_lap(ring_track):
    track_id = track_fingerprint(ring_track)
    return record_ai_ghost(ring_track, track_id, CenterlineDriver(ring_track, DEFAULT_CAR), "scripted")


def test_ai_ghost_is_a_flying_lap_of_the_track(ring_track, ai_lap):
    assert ai_lap is not None and ai_lap.driver == "scripted"
    assert ai_lap.track == track_fingerprint(ring_track)
    times, distance = ai_lap.samples[:, 0], ai_lap.samples[:, 4]
    assert times[0] <= 0.0 < times[1] and times[-2] < ai_lap.lap_time <= times[-1]
    assert distance[0] <= 0.0 and distance[-1] >= ring_track.length
    assert ai_lap.time_at_distance(0.0) == pytest.approx(0.0, abs=0.02)
    assert ai_lap.time_at_distance(ring_track.length) == pytest.approx(ai_lap.lap_time, abs=0.02)
    k = len(times) // 2
    assert ai_lap.pose_at(times[k]) == pytest.approx(tuple(ai_lap.samples[k, 1:4]))
    x, y, _ = ai_lap.pose_at(0.5 * (times[k] + times[k + 1]))  # halfway between two samples
    assert x == pytest.approx(0.5 * (ai_lap.samples[k, 1] + ai_lap.samples[k + 1, 1]))


def test_ghost_file_round_trip_and_validation(tmp_path, ring_track, ai_lap):
    path = tmp_path / "g.json"
    save_ghost(ai_lap, path)
    back = load_ghost(path, ai_lap.track)
    assert back.lap_time == pytest.approx(ai_lap.lap_time) and back.samples.shape == ai_lap.samples.shape
    assert np.allclose(back.samples, ai_lap.samples, atol=0.01)
    data = json.loads(path.read_text())
    with pytest.raises(GhostError, match="another version of the track"):
        ghost_from_dict(data, "0" * 64)
    for change, message in (
        ({"version": 2}, "version"),
        ({"lap_time": -1}, "lap time"),
        ({"samples": [[0, 1, 2, 3]] * 5}, "rows of 5"),
        ({"samples": [[0, 1, 2, 3, float("nan")]] * 5}, "rows of 5"),
        ({"samples": [[1, 0, 0, 0, 0]] * 5}, "increase"),
        ({"format": "x"}, "not a ghost"),
    ):
        with pytest.raises(GhostError, match=message):
            ghost_from_dict({**data, **change})
    path.write_text("{oops")
    with pytest.raises(GhostError, match="broken JSON"):
        load_ghost(path)


def test_time_trial_against_its_own_ghost(ring_track, ai_lap):
    """The same driver again: no gap to speak of, a split at each point of the flying lap, no record on the out lap."""
    session = TimeTrial(
        ring_track, ai_lap.track, CenterlineDriver(ring_track, DEFAULT_CAR), target=ai_lap, autopilot=True
    )
    assert session.out_lap and session.gap() is None and session.ghost_pose() is None
    gaps = []
    while session.race.timers[0].laps < 2:
        session.step()
        if not session.out_lap and session.race.tick % 60 == 0:
            gaps.append(session.gap())
            pose = session.ghost_pose()
            car = session.race.cars[0]
            assert np.hypot(pose[0] - car[CAR_X], pose[1] - car[CAR_Y]) < 3.0
    assert gaps and max(abs(g) for g in gaps if g is not None) < 0.05
    laps = session.pop_laps()
    assert [(lap.lap, lap.best) for lap in laps] == [(1, False), (2, True)]
    splits = session.pop_splits()
    assert [(s.lap, s.point) for s in splits] == [(2, k) for k in range(len(SPLIT_POINTS) + 1)]
    assert all(abs(s.gap) < 0.05 for s in splits)
    assert session.best is laps[1].ghost and session.record == pytest.approx(laps[1].ghost.lap_time)


def test_slower_driver_is_behind_in_red(ring_track, ai_lap):
    session = TimeTrial(
        ring_track,
        ai_lap.track,
        CenterlineDriver(ring_track, DEFAULT_CAR),
        target=ai_lap,
        record=ai_lap.lap_time,
        autopilot=True,
        autopilot_pace=0.85,
    )
    while session.race.timers[0].laps < 2:
        session.step()
    splits = session.pop_splits()
    assert len(splits) == len(SPLIT_POINTS) + 1 and all(s.gap > 0 for s in splits)
    assert splits[-1].gap == pytest.approx(session.race.timers[0].last_lap - ai_lap.lap_time)
    assert not session.pop_laps()[-1].best  # slower than the record
