"""The game on the dummy video and audio drivers: menus, races, the fixed timestep, screenshots, the command line."""

from __future__ import annotations

import os
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np
import pygame
import pytest

from game.sim.race import RaceConfig
from game.ui.app import App, LaunchOptions

REPO = Path(__file__).resolve().parents[3]


def key(k: int) -> pygame.event.Event:
    return pygame.event.Event(pygame.KEYDOWN, key=k, mod=0, unicode="", scancode=0)


@pytest.fixture()
def app_factory():
    apps = []

    def make(**kwargs) -> App:
        kwargs.setdefault("scale", 1)
        kwargs.setdefault("mute", True)
        app = App(LaunchOptions(**kwargs))
        apps.append(app)
        return app

    yield make
    pygame.quit()


def scene_name(app: App) -> str:
    return type(app.top).__name__


def menu_steps(app: App, label: str) -> int:
    """Presses of DOWN from the highlighted item of the top scene's menu to the item called ``label``."""
    menu = app.top.menu
    return [item.label for item in menu.items].index(label) - menu.index


def test_menus_navigate_with_injected_events(app_factory, ring_file, monkeypatch):
    import game.ui.tracklist as tracklist

    monkeypatch.setattr(tracklist, "track_dirs", lambda: [ring_file.parent])
    app = app_factory()
    assert scene_name(app) == "MainMenuScene"
    app.step(1 / 60, [key(pygame.K_RETURN)])  # RACE
    assert scene_name(app) == "TrackSelectScene"
    select = app.top
    assert select.entry.path == ring_file and select.menu.current.label == "START RACE"
    app.step(1 / 60, [key(pygame.K_UP), key(pygame.K_RIGHT)])  # LAPS + 1
    assert app.ctx.settings.laps == 4
    app.step(1 / 60, [key(pygame.K_ESCAPE)])
    assert scene_name(app) == "MainMenuScene"
    app.step(1 / 60, [key(pygame.K_DOWN)] * menu_steps(app, "TRACK EDITOR") + [key(pygame.K_RETURN)])
    assert scene_name(app) in ("MessageScene", "EditorScene")
    if scene_name(app) == "MessageScene":
        assert app.top.title == "TRACK EDITOR"
        app.step(1 / 60, [key(pygame.K_RETURN)])
    else:
        app.ctx.stack.pop()
    assert scene_name(app) == "MainMenuScene"
    app.step(1 / 60, [key(pygame.K_DOWN)] * menu_steps(app, "SETTINGS") + [key(pygame.K_RETURN)])
    assert scene_name(app) == "SettingsScene"
    settings_scene = app.top
    app.step(1 / 60, [key(pygame.K_DOWN)] * 3 + [key(pygame.K_RETURN), key(pygame.K_j)])  # STEER LEFT := J
    assert settings_scene.waiting_for is None
    assert app.ctx.settings.key_bindings["steer_left"][0] == "j"
    assert app.ctx.controls.from_keys(defaultdict(bool, {pygame.K_j: True}))[0] == 1.0
    saved = (Path(os.environ["RETRORACER_DATA_DIR"]) / "settings.json").read_text()
    assert '"j"' in saved
    app.step(1 / 60, [key(pygame.K_ESCAPE), key(pygame.K_DOWN), key(pygame.K_RETURN)])  # back, QUIT
    assert app.top is None


def test_race_pause_restart_and_quit(app_factory, ring_file, no_models):
    app = app_factory(track=ring_file, rivals=3, laps=1)
    for _ in range(3):
        app.step(1 / 60)
    assert scene_name(app) == "GridScene"
    app.step(1 / 60, [key(pygame.K_RETURN)])  # any key: from the grid screen to the race
    assert scene_name(app) == "RaceScene"
    race_scene = app.top
    assert race_scene.choice.kind == "scripted"
    assert any("NO TRAINED MODEL" in line[0] for lines, _ in race_scene.banners for line in lines)
    for _ in range(240):
        app.step(1 / 60, [])
    assert race_scene.race.started
    app.step(1 / 60, [key(pygame.K_ESCAPE)])
    assert scene_name(app) == "PauseScene"
    tick = race_scene.race.tick
    app.step(1 / 60, [])
    assert race_scene.race.tick == tick  # frozen while paused
    app.step(1 / 60, [key(pygame.K_DOWN), key(pygame.K_RETURN)])  # RESTART
    app.step(1 / 60, [])
    app.step(1 / 60, [])
    assert scene_name(app) == "RaceScene" and app.top is not race_scene and app.top.race.tick <= 2
    app.step(1 / 60, [key(pygame.K_ESCAPE), key(pygame.K_DOWN), key(pygame.K_DOWN), key(pygame.K_RETURN)])
    assert scene_name(app) == "MainMenuScene"


def test_watch_race_reaches_the_results(app_factory, ring_file, no_models):
    app = app_factory(track=ring_file, watch=True, laps=1, rivals=3)
    frames = 0
    while scene_name(app) != "ResultsScene" and frames < 2000:
        app.step(0.1)  # big frames: 6 physics ticks each
        frames += 1
    assert scene_name(app) == "ResultsScene"
    results = app.top.results
    assert len(results) == 4 and all(r.laps == 1 and r.total_time for r in results)


def test_same_inputs_same_race_at_any_frame_rate(app_factory, ring_track, no_models):
    from game.ui.scenes.race_scene import RaceScene

    app = app_factory()

    def player(race):
        t = race.tick
        return (0.6 * np.sin(t / 40.0), 1.0 if (t // 90) % 3 else -0.3)

    states = {}
    for fps in (30, 60, 144):
        scene = RaceScene(app.ctx, ring_track, None, RaceConfig(laps=2, rivals=3), input_source=player)
        target = 600 + scene.race.countdown_ticks
        surface = pygame.Surface((480, 270))
        while scene.race.tick < target:
            scene.update(1.0 / fps)
            scene.draw(surface)
        assert scene.race.tick == target, fps
        states[fps] = scene.race.cars.copy()
    assert np.array_equal(states[30], states[60])
    assert np.array_equal(states[60], states[144])


def test_race_screenshot_is_rich(app_factory, ring_file, tmp_path, no_models):
    out = tmp_path / "race.png"
    app = app_factory(track=ring_file, rivals=7, autopilot=True, frames=420, screenshot=out, scale=2)
    app.run()
    image = pygame.image.load(str(out))
    assert image.get_size() == (960, 540)
    pixels = pygame.surfarray.array3d(image).reshape(-1, 3)
    colours = np.unique(pixels, axis=0)
    assert len(colours) >= 40
    from game.ui.render.palette import GRASS, TARMAC

    for colour in (TARMAC, GRASS):
        share = np.mean(np.all(pixels == colour, axis=1))
        assert share > 0.05, colour


def test_menu_screenshot(app_factory, tmp_path):
    out = tmp_path / "menu.png"
    app_factory(frames=2, screenshot=out).run()
    pixels = pygame.surfarray.array3d(pygame.image.load(str(out))).reshape(-1, 3)
    assert len(np.unique(pixels, axis=0)) >= 12


def test_broken_track_file_shows_a_message(app_factory, tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    app = app_factory(track=broken)
    for _ in range(3):
        app.step(1 / 60)
    assert scene_name(app) == "MessageScene"
    assert "broken JSON" in " ".join(app.top.lines)
    app.step(1 / 60, [key(pygame.K_RETURN)])
    assert scene_name(app) == "MainMenuScene"


def test_best_lap_is_saved(app_factory, ring_track, no_models, data_dir):
    from game.ui.scenes.race_scene import RaceScene

    app = app_factory()  # a player's laps (--autopilot laps are not personal bests: test_command_line.py)
    scene = RaceScene(app.ctx, ring_track, Path("tracks/test_ring.json"), RaceConfig(laps=1, rivals=0))
    scene.race.autopilot = True  # stands in for the player's hands
    while not scene.race.finished(0):
        scene.update(0.25)
    assert app.ctx.best_laps.get("test_ring", ring_track.length) == pytest.approx(scene.race.timers[0].best_lap)
    assert "test_ring" in (data_dir / "best_laps.json").read_text()


@pytest.mark.parametrize(
    "args, message",
    [
        (["--rivals", "9"], "between 0 and 7"),
        (["--difficulty", "insane"], "invalid choice"),
        (["--laps", "x"], "whole number"),
        (["--track", "no/such/track.json"], "no such track file"),
    ],
)
def test_bad_command_line_gives_a_clear_message(args, message):
    result = subprocess.run([sys.executable, "main.py", *args], cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 2
    assert message in result.stderr and "Traceback" not in result.stderr


def test_a_long_driver_message_is_wrapped_to_the_screen(app_factory, ring_track, no_models):
    from dataclasses import replace

    from game.drivers.catalogue import driver_for_track
    from game.sim.physics import DEFAULT_CAR
    from game.ui.render import LOW_WIDTH
    from game.ui.render.font import text_width
    from game.ui.scenes.race_scene import BANNER_CHARS, RaceScene

    app = app_factory()
    message = "Racecraft harbour_hairpins.racecraft.json: cannot be read (" + "x " * 40 + "); the game's racecraft"
    choice = replace(driver_for_track(ring_track, None, DEFAULT_CAR), message=message)
    scene = RaceScene(app.ctx, ring_track, None, RaceConfig(laps=1, rivals=1), choice=choice)
    lines = [text for text, _ in scene.banners[0][0]]
    assert len(lines) > 1 and all(len(line) <= BANNER_CHARS for line in lines)
    assert " ".join(lines) == " ".join(message.upper().split())  # all of it, in order
    assert max(text_width(line, 1) for line in lines) + 16 <= LOW_WIDTH  # the banner's band fits the screen
