"""Replays on the dummy video driver: save one from the results, watch it from the command line, refuse a stale one."""

from __future__ import annotations

import json

import numpy as np
import pygame

from game.drivers.centerline import CenterlineDriver
from game.sim.physics import DEFAULT_CAR
from game.sim.race import RaceConfig
from game.ui.app import App, LaunchOptions


def key(k: int) -> pygame.event.Event:
    return pygame.event.Event(pygame.KEYDOWN, key=k, mod=0, unicode="", scancode=0)


def keyboard_player(track):
    """The centre-line driver's wishes as a keyboard gives them: full left, none or full right."""
    driver = CenterlineDriver(track, DEFAULT_CAR)

    def controls(race) -> tuple[float, float]:
        steer, throttle = driver.act(race.cars)[0]
        return (float(np.sign(steer)) if abs(steer) > 0.2 else 0.0, 1.0 if throttle > 0.0 else -1.0)

    return controls


def run_until(app: App, name: str, dt: float, limit: int = 3000) -> None:
    for _ in range(limit):
        if type(app.top).__name__ == name:
            return
        app.step(dt, [])
    raise AssertionError(f"never reached {name}, at {type(app.top).__name__}")


def test_race_replayed_from_its_file_gives_the_same_results(ring_file, ring_track, no_models, data_dir):
    from game.ui.scenes.race_scene import RaceScene

    app = App(LaunchOptions(mute=True, scale=1))
    config = RaceConfig(laps=1, rivals=3, difficulty="easy")
    app.ctx.stack.push(RaceScene(app.ctx, ring_track, ring_file, config, input_source=keyboard_player(ring_track)))
    run_until(app, "ResultsScene", dt=0.1)
    results = app.top.results
    assert results[[r.car for r in results].index(0)].total_time is not None  # the player finished
    app.step(1 / 60, [key(pygame.K_s)])
    saved = sorted((data_dir / "replays").glob("*.json"))
    assert len(saved) == 1 and json.loads(saved[0].read_text())["ticks"] > 0

    app.step(1 / 60, [key(pygame.K_v)])  # watch it at once, at 4x
    assert type(app.top).__name__ == "ReplayScene"
    results_scene = app.ctx.stack.scenes[-2]
    app.step(1 / 60, [key(pygame.K_4), key(pygame.K_TAB)])
    assert app.top.speed == 4.0 and app.top.focus == 1
    app.step(1 / 60, [key(pygame.K_RETURN)])  # back to the results it was opened from
    assert app.top is results_scene
    pygame.quit()

    watcher = App(LaunchOptions(replay=saved[0], mute=True, scale=1))
    scene = watcher.top
    assert type(scene).__name__ == "ReplayScene"
    watcher.step(1 / 60, [key(pygame.K_SPACE)])
    tick = scene.race.tick
    watcher.step(0.5, [])
    assert scene.race.tick == tick  # paused
    watcher.step(1 / 60, [key(pygame.K_SPACE)])
    run_until(watcher, "ResultsScene", dt=0.25)
    assert scene.race.tick == scene.recording.ticks
    assert watcher.top.results == results  # the same table, to the tick
    assert watcher.ctx.best_laps.records == app.ctx.best_laps.records  # watching set no record
    pygame.quit()


def test_replay_of_a_changed_track_says_so(ring_file, ring_track, no_models, data_dir, tmp_path):
    from game.sim.replay import InputRecorder
    from game.sim.replay_file import save_replay
    from game.sim.track.io import load_track, save_track
    from game.ui.replays import replay_of
    from game.ui.scenes.race_scene import RaceScene

    app = App(LaunchOptions(mute=True, scale=1))
    scene = RaceScene(app.ctx, ring_track, ring_file, RaceConfig(laps=1, rivals=1))
    scene.recorder = InputRecorder()
    for _ in range(300):
        scene.update(1 / 60)
    path = tmp_path / "r.json"
    save_replay(replay_of(scene), path)
    track = load_track(ring_file)
    track.control_width_left[3] += 1.0
    save_track(track, ring_file)
    pygame.quit()
    watcher = App(LaunchOptions(replay=path, mute=True, scale=1))
    assert type(watcher.top).__name__ == "MessageScene" and watcher.top.title == "REPLAY OUT OF DATE"
    assert "has changed" in " ".join(watcher.top.lines)
    path.write_text("{}")
    pygame.quit()
    broken = App(LaunchOptions(replay=path, mute=True, scale=1))
    assert broken.top.title == "CANNOT SHOW THE REPLAY"
    pygame.quit()
