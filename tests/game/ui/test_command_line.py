"""main.py with bad input: every bad track, editor file or screenshot path gets a message and a non-zero exit.

In-process (``main.main`` returns the exit status that ``python main.py`` exits with), on the dummy video driver.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pygame
import pytest

from game.sim.race import RaceConfig
from main import main

REPO = Path(__file__).resolve().parents[3]


@pytest.fixture(autouse=True)
def _quit_pygame():
    yield
    pygame.quit()


def self_crossing_file(folder: Path) -> Path:
    """The shipped figure-eight without its ``crossing`` metadata: a track that runs into itself."""
    data = json.loads((REPO / "tracks" / "viaduct_eight.json").read_text())
    data["metadata"] = {"author": "test"}
    path = folder / "crossing_no_bridge.json"
    path.write_text(json.dumps(data))
    return path


def ring_csv(folder: Path, ring_track) -> Path:
    """The test ring as a racetrack-database circuit CSV (x, y, width right, width left)."""
    rows = np.column_stack([ring_track.control_points, ring_track.control_width_right, ring_track.control_width_left])
    path = folder / "ring.csv"
    path.write_text("# x_m,y_m,w_tr_right_m,w_tr_left_m\n" + "\n".join(",".join(f"{v:.3f}" for v in r) for r in rows))
    return path


def test_a_self_crossing_track_without_a_bridge_is_refused(tmp_path, capsys, no_models):
    """Issue 17 #12: the editor refused it, main.py raced it."""
    code = main(["--track", str(self_crossing_file(tmp_path)), "--frames", "3", "--mute"])
    err = capsys.readouterr().err
    assert code == 2 and "runs into itself" in err and "Traceback" not in err


def test_a_circuit_csv_races(tmp_path, ring_track, no_models, capsys):
    """Issue 17 #13: main.py --track circuit.csv said "broken JSON" (evaluate and train accept circuit CSVs)."""
    from game.ui.app import App, LaunchOptions

    csv = ring_csv(tmp_path, ring_track)
    assert main(["--track", str(csv), "--frames", "3", "--mute"]) == 0
    assert "error" not in capsys.readouterr().err
    app = App(LaunchOptions(track=csv, rivals=0, mute=True, scale=1))
    for _ in range(3):
        app.step(1 / 60)
    assert type(app.top).__name__ == "RaceScene"


@pytest.mark.parametrize("text, message", [("{not json", "broken JSON"), ('{"version": 1}', "missing field")])
def test_a_broken_track_for_a_direct_race_exits_non_zero(tmp_path, capsys, text, message):
    """Issue 17 #15: the message was shown in the window and the exit status was 0."""
    broken = tmp_path / "broken.json"
    broken.write_text(text)
    assert main(["--track", str(broken), "--frames", "3", "--mute"]) == 2
    assert message in capsys.readouterr().err


def test_a_screenshot_that_cannot_be_written_exits_non_zero(tmp_path, capsys):
    (tmp_path / "a_file").write_text("")
    assert main(["--frames", "2", "--mute", "--screenshot", str(tmp_path / "a_file" / "shot.png")]) != 0
    assert "shot.png" in capsys.readouterr().err


def test_the_editor_on_a_broken_track_says_why_and_exits(tmp_path, capsys):
    """Issue 17 #14: the editor opened an empty track with the message hidden under it."""
    broken = tmp_path / "broken.json"
    broken.write_text('{"version": 1, "name": "x",')
    assert main(["--editor", str(broken), "--frames", "2", "--mute"]) == 2
    err = capsys.readouterr().err
    assert "broken.json" in err and "broken JSON" in err


def test_autopilot_laps_are_not_personal_bests(ring_track, no_models, data_dir):
    """Issue 17 #16: laps the AI drove for the player were saved as the player's best."""
    from game.ui.app import App, LaunchOptions
    from game.ui.scenes.race_scene import RaceScene

    app = App(LaunchOptions(autopilot=True, mute=True, scale=1))
    scene = RaceScene(app.ctx, ring_track, Path("tracks/test_ring.json"), RaceConfig(laps=1, rivals=0))
    while not scene.race.finished(0):
        scene.update(0.25)
    assert scene.race.timers[0].best_lap is not None
    assert app.ctx.best_laps.get("test_ring", ring_track.length) is None
    assert not (data_dir / "best_laps.json").exists()


def test_sigterm_ends_the_game_while_a_long_track_loads(tmp_path):
    """Issue 17 #6: the loading window ignored SIGTERM (SDL turns it into a QUIT event, read after loading)."""
    import os
    import signal
    import subprocess
    import sys
    import time

    from game.sim.track import Track
    from game.sim.track.io import save_track

    angles = np.linspace(0.0, 2.0 * np.pi, 2500, endpoint=False)
    radius = 25_000.0 / (2.0 * np.pi)  # as long as the longest real circuits: allowed, and slow to draw
    points = np.stack([radius * np.cos(angles), radius * np.sin(angles)], axis=1)
    path = tmp_path / "long.json"
    save_track(Track("Long", points, np.full(2500, 6.0), np.full(2500, 6.0)), path)
    env = {**os.environ, "RETRORACER_PRINT_FIRST_FRAME": "1", "SDL_VIDEODRIVER": "dummy", "SDL_AUDIODRIVER": "dummy"}
    process = subprocess.Popen(
        [sys.executable, "main.py", "--track", str(path), "--mute", "--rivals", "7"],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout.readline().strip() == "first-frame"  # LOADING is on screen; the race is built next
        time.sleep(0.3)
        process.send_signal(signal.SIGTERM)
        sent = time.monotonic()
        process.wait(timeout=30)
        assert time.monotonic() - sent < 5.0  # a busy 2-core machine; loading this track takes longer there
        assert process.returncode == 130  # ended by the signal (SDL's QUIT event would end it with 0, after loading)
    finally:
        process.kill()
        process.communicate()
