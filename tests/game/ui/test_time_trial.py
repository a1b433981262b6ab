"""Time trial on the dummy video driver: the command line, a new best saved as a ghost, a broken ghost set aside."""

from __future__ import annotations

import json

import pygame
import pytest

from game.sim.identity import track_fingerprint
from game.ui.app import App, LaunchOptions


def run_until(app: App, done, dt: float = 0.25, limit: int = 2000) -> None:
    for _ in range(limit):
        if done():
            return
        app.step(dt, [])
    raise AssertionError("never happened")


def test_time_trial_saves_the_best_lap_as_a_ghost(ring_file, ring_track, no_models, data_dir):
    from game.drivers.centerline import CenterlineDriver
    from game.sim.physics import DEFAULT_CAR
    from game.ui.scenes.time_trial import open_time_trial

    driver = CenterlineDriver(ring_track, DEFAULT_CAR)  # the player's hands (autopilot laps are never records)

    def player(race):
        steer, throttle = driver.act(race.cars[:1])[0]
        return float(steer), float(throttle)

    app = App(LaunchOptions(mute=True, scale=1))
    app.ctx.stack.push(open_time_trial(app.ctx, ring_file, ring_track, "best", player))
    run_until(app, lambda: type(app.top).__name__ == "TimeTrialScene", dt=1 / 60)
    scene = app.top
    assert scene.target is None and scene.hud.time_trial
    ghost_file = data_dir / "ghosts" / "test_ring.json"
    run_until(app, lambda: scene.race.timers[0].laps >= 2)
    data = json.loads(ghost_file.read_text())
    assert data["version"] == 1 and data["track"] == track_fingerprint(ring_track)
    assert data["lap_time"] == round(scene.race.timers[0].lap_times[1], 6)
    assert scene.target is scene.ghosts["best"]  # chased from the next lap on
    best = app.ctx.best_laps.get("test_ring", ring_track.length)
    assert best == pytest.approx(scene.race.timers[0].lap_times[1])  # the out lap set no best lap
    pygame.quit()


def test_broken_ghost_is_set_aside_with_a_message(ring_file, no_models, data_dir):
    folder = data_dir / "ghosts"
    folder.mkdir(parents=True)
    (folder / "test_ring.json").write_text('{"format": "retroracer-ghost", "version": 1, "samples": "no"}')
    app = App(LaunchOptions(track=ring_file, time_trial=True, mute=True, scale=1))
    run_until(app, lambda: type(app.top).__name__ == "TimeTrialScene", dt=1 / 60)
    assert (folder / "test_ring.json.bak").exists() and not (folder / "test_ring.json").exists()
    assert any("BROKEN" in text for text, _ in app.ctx.toasts)
    assert app.top.target is None
    pygame.quit()


def test_ai_ghost_is_recorded_once_and_cached(ring_file, no_models, data_dir):
    app = App(LaunchOptions(track=ring_file, time_trial=True, ghost="ai", mute=True, scale=1))
    run_until(app, lambda: type(app.top).__name__ == "TimeTrialScene", dt=1 / 60)
    assert app.top.mode == "ai" and app.top.target.driver == "scripted"
    cached = data_dir / "ghosts" / "ai" / "test_ring.json"
    stamp = cached.stat().st_mtime_ns
    app.top.restart()
    run_until(app, lambda: type(app.top).__name__ == "TimeTrialScene", dt=1 / 60)
    assert cached.stat().st_mtime_ns == stamp and app.top.target.lap_time == json.loads(cached.read_text())["lap_time"]
    app.step(1 / 60, [pygame.event.Event(pygame.KEYDOWN, key=pygame.K_g, mod=0, unicode="g", scancode=0)])
    assert app.top.mode == "none" and app.top.target is None
    pygame.quit()
