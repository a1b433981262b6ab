"""The starting grid screen: it draws every car with its character, then hands over to the race."""

from __future__ import annotations

import numpy as np
import pygame
import pytest

from game.sim.race import PLAYER_NAME, RaceConfig
from game.ui.app import App, LaunchOptions
from game.ui.scenes.grid_scene import GRID_SECONDS, GridScene, fresh_line_up


@pytest.fixture()
def app():
    app = App(LaunchOptions(scale=1, mute=True))
    yield app
    pygame.quit()


def test_grid_scene_draws_the_grid_and_hands_over_to_the_race(app, ring_track, no_models):
    from game.ui.scenes.race_scene import RaceScene

    race_scene = RaceScene(app.ctx, ring_track, None, RaceConfig(laps=1, rivals=5, seed=4))
    grid = GridScene(app.ctx, race_scene)
    race = race_scene.race
    assert [row[2] for row in grid.rows] == [race.names[car] for car in race.grid_order()]
    assert grid.rows[-1][2] == PLAYER_NAME and grid.rows[-1][4]  # the player starts from the back
    assert [row[3] for row in grid.rows[:-1]] == [race.characters[car].line for car in race.grid_order()[:-1]]
    app.ctx.stack.replace(grid)
    surface = pygame.Surface((480, 270))
    grid.draw(surface)
    assert len(np.unique(pygame.surfarray.array3d(surface).reshape(-1, 3), axis=0)) >= 12
    swatch = race_scene.colours[race.grid_order()[0]]
    assert np.any(np.all(pygame.surfarray.array3d(surface) == swatch, axis=2))  # pole's colour is on screen
    grid.update(GRID_SECONDS / 2)
    assert app.ctx.stack.top is grid and race.tick == 0  # the race waits: its countdown has not begun
    grid.update(GRID_SECONDS / 2 + 0.01)
    assert app.ctx.stack.top is race_scene
    race_scene.update(0.5)
    assert 0 < race.tick < race.countdown_ticks  # the lights come on after the grid screen


def test_a_key_skips_the_grid(app, ring_track, no_models):
    from game.ui.scenes.race_scene import RaceScene

    race_scene = RaceScene(app.ctx, ring_track, None, RaceConfig(laps=1, rivals=2, watch=True))
    grid = GridScene(app.ctx, race_scene)
    app.ctx.stack.replace(grid)
    grid.handle_event(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_SPACE, mod=0, unicode=" ", scancode=0))
    assert app.ctx.stack.top is race_scene


def test_a_new_race_gets_a_line_up_seed_and_a_restart_keeps_it():
    config = fresh_line_up(RaceConfig())
    assert config.seed is not None
    assert fresh_line_up(config) is config
