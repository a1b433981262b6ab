"""Which driver races on a track, and the fallbacks when a model is missing, broken or fails mid-race."""

from __future__ import annotations

import numpy as np

from game.drivers.actor import Actor, save_actor
from game.drivers.catalogue import NO_MODEL_MESSAGE, SafeDriver, driver_for_track, model_path_for_track
from game.sim.physics import DEFAULT_CAR
from game.sim.race import Race, RaceConfig


def test_model_lookup_prefers_the_tuned_model(tmp_path):
    (tmp_path / "tracks").mkdir()
    assert model_path_for_track("tracks/monza.json", tmp_path) is None
    (tmp_path / "base.npz").write_bytes(b"x")
    assert model_path_for_track("tracks/monza.json", tmp_path) == tmp_path / "base.npz"
    (tmp_path / "tracks" / "monza.npz").write_bytes(b"x")
    assert model_path_for_track("tracks/monza.json", tmp_path) == tmp_path / "tracks" / "monza.npz"
    assert model_path_for_track(None, tmp_path) == tmp_path / "base.npz"


def test_missing_or_broken_model_falls_back_to_a_scripted_driver(ring_track, tmp_path):
    choice = driver_for_track(ring_track, "tracks/test_ring.json", DEFAULT_CAR, models_dir=tmp_path)
    assert choice.kind == "scripted" and choice.message == NO_MODEL_MESSAGE
    (tmp_path / "base.npz").write_bytes(b"this is not a model")
    choice = driver_for_track(ring_track, "tracks/test_ring.json", DEFAULT_CAR, models_dir=tmp_path)
    assert choice.kind == "scripted" and "base.npz" in choice.message
    race = Race(ring_track, RaceConfig(laps=1, rivals=2, watch=True), choice.driver)
    for _ in range(race.countdown_ticks + 60):
        race.step()
    assert race.speed(1) > 1.0


def test_a_model_that_fails_while_racing_hands_over():
    class Broken:
        def act(self, cars):
            raise RuntimeError("boom")

    class Fallback:
        def act(self, cars):
            return np.zeros((cars.shape[0], 2))

    driver = SafeDriver(Broken(), Fallback())
    assert driver.act(np.zeros((3, 13))).shape == (3, 2)
    assert "boom" in driver.message


def test_a_model_for_another_observation_layout_falls_back_with_a_message(ring_track, tmp_path):
    hidden = [(np.zeros((22, 4), np.float32), np.zeros(4, np.float32))]
    old = Actor(hidden, (np.zeros((4, 2), np.float32), np.zeros(2, np.float32)), observation_version=2)
    save_actor(old, tmp_path / "base.npz")
    choice = driver_for_track(ring_track, "tracks/test_ring.json", DEFAULT_CAR, models_dir=tmp_path)
    assert choice.kind == "scripted" and "layout v2" in choice.message
