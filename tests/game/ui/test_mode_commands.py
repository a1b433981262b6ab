"""The new modes from the command line (--frames and --screenshot like the others) and from the menu."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pygame
import pytest

from game.sim.race import RaceConfig
from game.ui.app import App, LaunchOptions

REPO = Path(__file__).resolve().parents[3]


def key(k: int) -> pygame.event.Event:
    return pygame.event.Event(pygame.KEYDOWN, key=k, mod=0, unicode="", scancode=0)


@pytest.fixture()
def replay_file(ring_file, ring_track, tmp_path) -> Path:
    """A short race on the test circuit with the game's own driver choice, saved as a replay."""
    from game.sim.replay_file import save_replay
    from game.ui.replays import replay_of
    from game.ui.scenes.race_scene import RaceScene

    app = App(LaunchOptions(mute=True, scale=1))
    scene = RaceScene(app.ctx, ring_track, ring_file, RaceConfig(laps=1, rivals=2), input_source=lambda r: (0.0, 1.0))
    for _ in range(60):
        scene.update(0.1)
    path = tmp_path / "short.json"
    save_replay(replay_of(scene), path)
    pygame.quit()
    return path


@pytest.mark.parametrize("mode", ["--time-trial", "--championship", "--replay"])
def test_mode_from_the_command_line_saves_a_screenshot(mode, ring_file, replay_file, tmp_path):
    out = tmp_path / "shot.png"
    args = {"--time-trial": ["--time-trial", "--track", str(ring_file)], "--replay": ["--replay", str(replay_file)]}
    command = [sys.executable, "main.py", *args.get(mode, [mode]), "--frames", "20", "--screenshot", str(out)]
    result = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert pygame.image.load(str(out)).get_size()[0] >= 480


def test_modes_cannot_be_mixed():
    result = subprocess.run(
        [sys.executable, "main.py", "--time-trial", "--championship"], cwd=REPO, capture_output=True, text=True
    )
    assert result.returncode == 2 and "cannot be used together" in result.stderr


def test_time_trial_from_the_menu(ring_file, no_models, monkeypatch):
    import game.ui.tracklist as tracklist

    monkeypatch.setattr(tracklist, "track_dirs", lambda: [ring_file.parent])
    app = App(LaunchOptions(mute=True, scale=1))
    labels = [item.label for item in app.top.menu.items]
    app.step(1 / 60, [key(pygame.K_DOWN)] * labels.index("TIME TRIAL") + [key(pygame.K_RETURN)])
    assert type(app.top).__name__ == "TimeTrialSelectScene" and app.top.menu.current.label == "START"
    app.step(1 / 60, [key(pygame.K_UP), key(pygame.K_RIGHT), key(pygame.K_DOWN), key(pygame.K_RETURN)])  # GHOST: AI
    for _ in range(3):
        app.step(1 / 60, [])
    assert type(app.top).__name__ == "TimeTrialScene" and app.top.mode == "ai"
    pygame.quit()
