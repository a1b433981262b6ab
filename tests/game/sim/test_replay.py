"""Replays: record a race, save it, run it again and get the same race to the tick."""

from __future__ import annotations

import json

import numpy as np
import pytest

from game.drivers.centerline import CenterlineDriver
from game.sim.physics import DEFAULT_CAR
from game.sim.race import Race, RaceConfig
from game.sim.replay import InputRecorder, build_replay, replay_mismatch, resimulate
from game.sim.replay_file import ReplayError, load_replay, replay_from_dict, replay_to_dict, save_replay


def keyboard_player(track):
    """A repeatable player on a keyboard: the centre-line driver's wishes rounded to full left, none, full right."""
    driver = CenterlineDriver(track, DEFAULT_CAR)

    def controls(race: Race) -> tuple[float, float]:
        steer, throttle = driver.act(race.cars)[0]
        return (float(np.sign(steer)) if abs(steer) > 0.2 else 0.0, 1.0 if throttle > 0.0 else -1.0)

    return controls


def record(track, ticks: int):
    race = Race(track, RaceConfig(laps=1, rivals=3, difficulty="easy"), CenterlineDriver(track, DEFAULT_CAR))
    recorder = InputRecorder()
    player = keyboard_player(track)
    while race.tick < ticks and not race.done:
        controls = player(race)
        rescue = race.tick == 900 and race.put_back(0)
        recorder.record(race.tick, controls, rescue)
        race.step(controls)
    return race, build_replay(race, recorder, "tracks/test_ring.json", "scripted", None, None)


def test_replay_gives_the_same_results_to_the_tick(ring_track, tmp_path):
    race, replay = record(ring_track, 10_000)
    assert race.done and race.finished(0)
    assert replay.rescues == (900,) and len(replay.inputs) < replay.ticks  # kept only where they change
    path = tmp_path / "race.replay.json"
    save_replay(replay, path)
    loaded = load_replay(path)
    assert loaded == replay
    again = resimulate(loaded, ring_track, CenterlineDriver(ring_track, DEFAULT_CAR))
    assert again.tick == race.tick
    assert again.results() == race.results() == list(loaded.results)
    assert np.array_equal(again.cars, race.cars)
    assert replay_mismatch(loaded, ring_track, "scripted", None) is None


def test_changed_track_or_model_is_noticed(ring_track, twisty_track):
    _, replay = record(ring_track, 400)
    assert "track Test Ring has changed" in replay_mismatch(replay, twisty_track, "scripted", None)
    assert "AI driver" in replay_mismatch(replay, ring_track, "model", "ab" * 32)


def test_broken_replays_are_refused(ring_track, tmp_path):
    _, replay = record(ring_track, 400)
    data = replay_to_dict(replay)
    for change, message in (
        ({"version": 9}, "version"),
        ({"version": 1}, "older version of the game"),  # recorded before capsule contact and racecraft
        ({"inputs": [[5, 0, 0], [5, 1, 1]]}, "increase"),
        ({"inputs": [[0, "left", 0]]}, "steer"),
        ({"config": {"laps": 0, "rivals": 3, "difficulty": "easy"}}, "distance"),
        ({"ticks": -1}, "ticks"),
        ({"physics": {"dt": 0.01, "car": {"mass": 1}}}, "car parameters"),
    ):
        with pytest.raises(ReplayError, match=message):
            replay_from_dict(json.loads(json.dumps({**data, **change})))
    path = tmp_path / "bad.json"
    path.write_text("[1, 2")
    with pytest.raises(ReplayError, match="broken JSON"):
        load_replay(path)
