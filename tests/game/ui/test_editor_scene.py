"""The track editor on the dummy video driver, driven by injected mouse and key events."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pygame
import pytest

from game.editor.validation import errors
from game.sim.track.io import load_track
from game.ui.app import App, LaunchOptions

REPO = Path(__file__).resolve().parents[3]
DT = 1 / 60


def key(k: int, mod: int = 0, char: str = "") -> pygame.event.Event:
    return pygame.event.Event(pygame.KEYDOWN, key=k, mod=mod, unicode=char, scancode=0)


def typed(text: str) -> list[pygame.event.Event]:
    return [key(pygame.key.key_code(c.lower()) if c.isalnum() else pygame.K_SPACE, char=c) for c in text]


def move(pos) -> pygame.event.Event:
    return pygame.event.Event(pygame.MOUSEMOTION, pos=(round(pos[0]), round(pos[1])), rel=(0, 0), buttons=(0, 0, 0))


def click(pos, button: int = 1) -> list[pygame.event.Event]:
    pos = (round(pos[0]), round(pos[1]))
    return [
        pygame.event.Event(pygame.MOUSEMOTION, pos=pos, rel=(0, 0), buttons=(0, 0, 0)),
        pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=pos, button=button),
        pygame.event.Event(pygame.MOUSEBUTTONUP, pos=pos, button=button),
    ]


def drag(start, end) -> list[pygame.event.Event]:
    start = (round(start[0]), round(start[1]))
    end = (round(end[0]), round(end[1]))
    return [
        pygame.event.Event(pygame.MOUSEMOTION, pos=start, rel=(0, 0), buttons=(0, 0, 0)),
        pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=start, button=1),
        pygame.event.Event(pygame.MOUSEMOTION, pos=end, rel=(end[0] - start[0], end[1] - start[1]), buttons=(1, 0, 0)),
        pygame.event.Event(pygame.MOUSEBUTTONUP, pos=end, button=1),
    ]


def wheel(notches: int) -> pygame.event.Event:
    return pygame.event.Event(pygame.MOUSEWHEEL, x=0, y=notches, flipped=False)


CTRL = pygame.KMOD_LCTRL
SQUARE = [(0.0, 0.0), (200.0, 0.0), (200.0, 150.0), (0.0, 150.0)]


@pytest.fixture()
def app_factory():
    def make(**kwargs) -> App:
        kwargs.setdefault("scale", 1)
        kwargs.setdefault("mute", True)
        return App(LaunchOptions(**kwargs))

    yield make
    pygame.quit()


@pytest.fixture()
def tracks_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Tracks are saved (and listed) here instead of the repository's tracks/."""
    import game.ui.tracklist as tracklist

    folder = tmp_path / "tracks"
    folder.mkdir()
    monkeypatch.setattr(tracklist, "track_dirs", lambda: [folder])
    return folder


def scene_name(app: App) -> str:
    return type(app.top).__name__


def editor_with_square(app_factory):
    app = app_factory(editor=True)
    editor = app.top
    for corner in SQUARE:
        app.step(DT, click(editor.view.to_screen(*corner)))
    return app, editor


def test_clicks_drags_wheel_and_undo_edit_the_track_then_save_as_names_it(app_factory, tracks_dir):
    app, editor = editor_with_square(app_factory)
    assert scene_name(app) == "EditorScene"
    assert editor.draft.points.tolist() == [list(c) for c in SQUARE]  # snapped to the 10 m grid
    assert errors(editor.problems) == [] and editor.geometry is not None
    # A click on the road inserts a point into that stretch, exactly where clicked.
    mid = editor.geometry.segment_midpoint(1)
    app.step(DT, click(editor.view.to_screen(*mid)))
    assert editor.draft.n_points == 5 and editor.selected == 2
    assert np.hypot(*(editor.draft.points[2] - mid)) < 2.0
    # Dragging a point moves it (snapped), and undoes as one step.
    before = editor.draft.points.copy()
    app.step(DT, drag(editor.view.to_screen(200.0, 150.0), editor.view.to_screen(260.0, 190.0)))
    assert editor.draft.points[3].tolist() == [260.0, 190.0]
    app.step(DT, [key(pygame.K_z, CTRL)])
    np.testing.assert_array_equal(editor.draft.points, before)
    app.step(DT, [key(pygame.K_y, CTRL)])
    assert editor.draft.points[3].tolist() == [260.0, 190.0]
    # The wheel over a point changes its width; elsewhere it zooms.
    width = editor.draft.total_width(1)
    app.step(DT, [move(editor.view.to_screen(200.0, 0.0)), wheel(2)])
    assert editor.draft.total_width(1) == pytest.approx(width + 2.0)
    zoom = editor.view.zoom
    app.step(DT, [move((240, 40)), wheel(1)])
    assert editor.view.zoom > zoom
    # Right click deletes the point under the mouse.
    app.step(DT, click(editor.view.to_screen(*editor.draft.points[2]), button=3))
    assert editor.draft.n_points == 4
    # Whole-track width and the start line.
    app.step(DT, [key(pygame.K_RIGHTBRACKET, pygame.KMOD_LSHIFT)])
    assert editor.draft.total_width(0) == pytest.approx(13.0)
    assert editor.selected == 1  # the point whose width changed
    app.step(DT, [key(pygame.K_TAB), key(pygame.K_s)])  # next point, start line there
    assert editor.draft.points.tolist() == [[260, 190], [0, 150], [0, 0], [200, 0]] and editor.selected == 0
    # Save: a new track asks for its name, then writes tracks/<name>.json.
    app.step(DT, [key(pygame.K_s, CTRL)])
    assert scene_name(app) == "TextPromptScene"
    app.step(DT, [key(pygame.K_BACKSPACE)] * 20 + typed("Test Square") + [key(pygame.K_RETURN)])
    assert scene_name(app) == "EditorScene"
    path = tracks_dir / "test_square.json"
    track = load_track(path)
    assert track.name == "Test Square"
    np.testing.assert_allclose(track.control_points, editor.draft.points)
    np.testing.assert_allclose(track.control_width_left, editor.draft.width_left)
    assert not editor.draft.modified and editor.draft.path == path
    # Esc with nothing unsaved goes straight back to the menu.
    app.step(DT, [key(pygame.K_ESCAPE)])
    assert scene_name(app) == "MainMenuScene"


def test_an_invalid_track_cannot_be_saved_or_driven(app_factory, tracks_dir):
    app = app_factory(editor=True)
    editor = app.top
    for corner in [(0.0, 0.0), (40.0, 0.0), (40.0, 30.0), (0.0, 30.0)]:  # a 110 m lap
        app.step(DT, click(editor.view.to_screen(*corner)))
    assert "short" in [p.kind for p in errors(editor.problems)]
    app.step(DT, [key(pygame.K_s, CTRL)])
    assert scene_name(app) == "MessageScene" and app.top.title == "CANNOT SAVE"
    assert any("200 m" in line for line in app.top.lines)
    app.step(DT, [key(pygame.K_RETURN), key(pygame.K_F5)])
    assert scene_name(app) == "MessageScene" and app.top.title == "CANNOT DRIVE THIS YET"
    app.step(DT, [key(pygame.K_RETURN)])
    assert list(tracks_dir.iterdir()) == []
    app.draw()  # the problems are drawn without trouble


def test_leaving_with_unsaved_changes_asks_first(app_factory, tracks_dir):
    app, editor = editor_with_square(app_factory)
    app.step(DT, [key(pygame.K_ESCAPE)])
    assert scene_name(app) == "ChoiceScene" and app.top.title == "UNSAVED CHANGES"
    app.step(DT, [key(pygame.K_ESCAPE)])  # cancel
    assert app.top is editor
    app.step(DT, [key(pygame.K_ESCAPE), key(pygame.K_DOWN), key(pygame.K_RETURN)])  # discard
    assert scene_name(app) == "MainMenuScene"


def test_open_a_file_test_drive_it_and_come_back(app_factory, ring_file, no_models):
    app = app_factory(editor=True, editor_track=ring_file)
    editor = app.top
    assert editor.draft.path == ring_file and not editor.draft.modified
    app.step(DT, [key(pygame.K_F5)])
    for _ in range(3):
        app.step(DT, [])
    assert scene_name(app) == "TestDriveScene"
    drive = app.top
    assert drive.race.n_cars == 1 and drive.race.config.rivals == 0
    for _ in range(30):
        app.step(DT, [])
    app.step(DT, [key(pygame.K_ESCAPE)])
    assert scene_name(app) == "TestDrivePauseScene"
    app.step(DT, [key(pygame.K_DOWN), key(pygame.K_DOWN), key(pygame.K_RETURN)])  # BACK TO EDITOR
    assert app.top is editor


def test_import_a_circuit_csv(app_factory, tmp_path, tracks_dir):
    angles = np.linspace(0.0, 2.0 * np.pi, 400, endpoint=False)  # dense, like the racetrack-database
    rows = ["# x_m,y_m,w_tr_right_m,w_tr_left_m"]
    rows += [f"{300 * np.cos(a):.3f},{180 * np.sin(a):.3f},5.0,6.0" for a in angles]
    csv = tmp_path / "Test_Ring.csv"
    csv.write_text("\n".join(rows) + "\n")
    app = app_factory(editor=True)
    editor = app.top
    app.step(DT, [key(pygame.K_i, CTRL)])
    assert scene_name(app) == "FilePickerScene"
    app.step(DT, typed(str(csv)) + [key(pygame.K_RETURN)])
    assert app.top is editor
    assert editor.draft.name == "Test Ring" and editor.draft.path is None
    assert 4 <= editor.draft.n_points <= 150  # thinned
    assert editor.draft.width_left[0] == pytest.approx(6.0) and editor.draft.width_right[0] == pytest.approx(5.0)
    assert errors(editor.problems) == []


def test_training_without_a_base_model_says_so(app_factory, ring_file, no_models):
    app = app_factory(editor=True, editor_track=ring_file)
    app.step(DT, [key(pygame.K_t)])
    assert scene_name(app) == "ChoiceScene" and app.top.title == "TRAIN A DRIVER"
    app.step(DT, [key(pygame.K_RETURN)])  # QUICK
    assert scene_name(app) == "MessageScene" and app.top.title == "NO BASE MODEL"
    assert any("agents.train base" in line for line in app.top.lines)


def test_help_overlay_and_toolbar(app_factory):
    app = app_factory(editor=True)
    editor = app.top
    help_button = next(b for b in editor.toolbar.buttons if b.label == "HELP")
    app.step(DT, click(help_button.rect.center))
    assert editor.show_help
    app.step(DT, [key(pygame.K_x)])
    assert not editor.show_help
    app.step(DT, [key(pygame.K_h)])
    assert editor.show_help
    grid = next(b for b in editor.toolbar.buttons if b.label == "GRID")
    app.step(DT, [key(pygame.K_h)] + click(grid.rect.center))
    assert not editor.snap_on and not editor.show_help


def test_editor_from_the_command_line_saves_a_screenshot(ring_file, tmp_path):
    out = tmp_path / "editor.png"
    env = dict(os.environ, SDL_VIDEODRIVER="dummy", SDL_AUDIODRIVER="dummy")
    command = [sys.executable, "main.py", "--editor", str(ring_file), "--frames", "30", "--screenshot", str(out)]
    result = subprocess.run([*command, "--scale", "1", "--mute"], cwd=REPO, env=env, capture_output=True, timeout=120)
    assert result.returncode == 0, result.stderr.decode()
    assert pygame.image.load(str(out)).get_size() == (480, 270)


def test_keys_insert_and_delete_points_and_reverse(app_factory):
    app, editor = editor_with_square(app_factory)
    assert editor.selected == 3
    before = editor.geometry
    app.step(DT, [key(pygame.K_TAB), key(pygame.K_i)])  # select the first point, insert after it
    assert editor.draft.n_points == 5 and editor.selected == 1
    x, y = editor.draft.points[1]
    assert 50 < x < 150 and before.nearest_sample(x, y)[1] < 0.5  # on the track, halfway to the next point
    app.step(DT, [key(pygame.K_DELETE)])
    assert editor.draft.points.tolist() == [list(c) for c in SQUARE]
    app.step(DT, [key(pygame.K_r)])
    assert editor.draft.points.tolist() == [[0, 0], [0, 150], [200, 150], [200, 0]]
    app.step(DT, [key(pygame.K_RIGHT, pygame.KMOD_LSHIFT)])  # nudge the selected point one grid step
    assert editor.draft.n_points == 4 and editor.draft.modified


def test_open_from_the_list_and_save_on_the_way_out(app_factory, tracks_dir, ring_file):
    (tracks_dir / ring_file.name).write_bytes(ring_file.read_bytes())
    app = app_factory(editor=True)
    editor = app.top
    app.step(DT, [key(pygame.K_o, CTRL)])
    assert scene_name(app) == "FilePickerScene" and [p.name for p in app.top.files] == [ring_file.name]
    app.step(DT, [key(pygame.K_RETURN)])
    assert app.top is editor and editor.draft.path == tracks_dir / ring_file.name
    app.step(DT, [key(pygame.K_RIGHTBRACKET, pygame.KMOD_LSHIFT)])  # wider everywhere: unsaved
    app.step(DT, [key(pygame.K_ESCAPE), key(pygame.K_RETURN)])  # leave: SAVE
    assert scene_name(app) == "MainMenuScene"
    saved = load_track(tracks_dir / ring_file.name)
    assert saved.control_width_left[0] == pytest.approx(6.5)


def test_closing_the_window_with_unsaved_changes_asks_first(app_factory, tracks_dir):
    app, editor = editor_with_square(app_factory)
    quit_event = pygame.event.Event(pygame.QUIT)
    app.step(DT, [quit_event])
    assert scene_name(app) == "ChoiceScene" and app.top.title == "UNSAVED CHANGES"
    app.step(DT, [key(pygame.K_ESCAPE)])  # cancel: still editing
    assert app.top is editor
    app.step(DT, [quit_event])
    assert not app.step(DT, [key(pygame.K_DOWN), key(pygame.K_RETURN)])  # discard: the game ends
    assert app.top is None


def test_closing_the_window_twice_quits(app_factory, tracks_dir):
    app, _ = editor_with_square(app_factory)
    quit_event = pygame.event.Event(pygame.QUIT)
    assert not app.step(DT, [quit_event, quit_event])


def test_width_of_one_side_only(app_factory):
    app, editor = editor_with_square(app_factory)
    editor.selected = 1
    before = editor.draft.side_widths(1)
    app.step(DT, [key(pygame.K_RIGHTBRACKET)])  # both sides: half a metre each
    assert editor.draft.side_widths(1) == (before[0] + 0.5, before[1] + 0.5)
    app.step(DT, [key(pygame.K_w), key(pygame.K_RIGHTBRACKET)])  # W: the left side alone
    assert editor.width_side == "left"
    assert editor.draft.side_widths(1) == (before[0] + 1.5, before[1] + 0.5)
    app.step(DT, [key(pygame.K_w), move(editor.view.to_screen(*SQUARE[1])), wheel(-1)])  # the right side alone
    assert editor.draft.side_widths(1) == (before[0] + 1.5, before[1] - 0.5)
    assert editor.draft.side_widths(2) == before  # other points untouched
