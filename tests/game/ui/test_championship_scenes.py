"""A championship on the dummy video driver: race a round, standings saved, resume from the command line, podium."""

from __future__ import annotations

import json
from pathlib import Path

import pygame

from game.ui.app import App, LaunchOptions


def key(k: int) -> pygame.event.Event:
    return pygame.event.Event(pygame.KEYDOWN, key=k, mod=0, unicode="", scancode=0)


def race_round(app: App) -> None:
    """From the standings: Enter, race to the results (autopilot), Enter back to the standings."""
    assert type(app.top).__name__ == "StandingsScene"
    app.step(1 / 60, [key(pygame.K_RETURN)])
    for _ in range(3000):
        if type(app.top).__name__ == "ResultsScene":
            break
        app.step(0.25, [])
    assert type(app.top).__name__ == "ResultsScene" and not app.top.can_restart
    app.step(1 / 60, [key(pygame.K_r)])  # no racing again in a championship
    assert type(app.top).__name__ == "ResultsScene"
    app.step(1 / 60, [key(pygame.K_RETURN)])
    assert type(app.top).__name__ == "StandingsScene"


def test_season_is_saved_after_each_round_and_resumed(ring_file, no_models, data_dir, tmp_path):
    from game.ui.seasons import new_season, save_season

    save_season(new_season([ring_file, ring_file], laps=1, rivals=2, difficulty="easy"))
    app = App(LaunchOptions(championship=True, autopilot=True, mute=True, scale=1))
    race_round(app)
    saved = json.loads((data_dir / "championship.json").read_text())
    assert len(saved["rounds"]) == 1 and len(saved["rounds"][0]) == 3
    pygame.quit()

    app = App(LaunchOptions(championship=True, autopilot=True, mute=True, scale=1))  # resumes at round 2
    assert app.top.season.round_index == 1
    race_round(app)
    season = app.top.season
    assert season.finished and sum(row.points for row in season.standings()) == 2 * (10 + 8 + 6)
    out = tmp_path / "podium.png"
    app.step(1 / 60, [])
    assert app.save_screenshot(out) == out
    app.step(1 / 60, [key(pygame.K_RETURN)])
    assert type(app.top).__name__ == "MainMenuScene"
    pygame.quit()


def test_broken_season_file_is_set_aside_and_a_new_one_starts(data_dir, monkeypatch, ring_file):
    import game.ui.seasons as seasons

    monkeypatch.setattr(seasons, "default_calendar", lambda: [ring_file])
    data_dir.mkdir(parents=True, exist_ok=True)
    (data_dir / "championship.json").write_text('{"format": "retroracer-championship", "version": 1}')
    app = App(LaunchOptions(championship=True, mute=True, scale=1))
    assert type(app.top).__name__ == "StandingsScene" and app.top.season.round_index == 0
    assert (data_dir / "championship.json.bak").exists()
    assert any("BROKEN" in text for text, _ in app.ctx.toasts)
    pygame.quit()


def test_setup_scene_from_the_menu(data_dir, ring_file, monkeypatch):
    import game.ui.scenes.championship_setup as setup

    monkeypatch.setattr(setup, "track_files", lambda: [ring_file])
    monkeypatch.setattr(setup, "TRACKS_DIR", ring_file.parent)
    app = App(LaunchOptions(mute=True, scale=1))
    labels = [item.label for item in app.top.menu.items]
    app.step(1 / 60, [key(pygame.K_DOWN)] * labels.index("CHAMPIONSHIP") + [key(pygame.K_RETURN)])
    scene = app.top
    assert type(scene).__name__ == "ChampionshipSetupScene" and scene.chosen == [True]
    labels = [item.label for item in scene.menu.items]
    assert labels[0] == "TEST RING"
    app.step(1 / 60, [key(pygame.K_DOWN)] * labels.index("START NEW SEASON") + [key(pygame.K_RETURN)])
    assert type(app.top).__name__ == "StandingsScene" and (data_dir / "championship.json").exists()
    app.step(1 / 60, [key(pygame.K_ESCAPE)])
    assert type(app.top).__name__ == "MainMenuScene"
    pygame.quit()


def test_a_season_races_the_same_drivers_every_round(ring_track):
    from game.drivers.centerline import CenterlineDriver
    from game.sim.physics import DEFAULT_CAR
    from game.sim.race import Race
    from game.ui.seasons import new_season

    season = new_season([Path("tracks/norisring.json")], laps=1, rivals=5, difficulty="normal")
    for _ in range(2):
        race = Race(ring_track, season.config, CenterlineDriver(ring_track, DEFAULT_CAR))
        assert race.names == season.names
