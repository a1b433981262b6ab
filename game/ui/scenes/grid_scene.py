"""The starting grid before the lights: who starts where, in which colour, and how each rival drives.

Shown for ``GRID_SECONDS`` (or until a key or gamepad button), then it hands over to the race scene it was given,
whose countdown starts only then. The race itself is built before this screen (it knows the grid and the
characters); nothing here changes it. A new race from the menus gets a new line-up (:func:`fresh_line_up`); a
restart keeps its seed and skips this screen.
"""

from __future__ import annotations

import dataclasses
import random
from typing import TYPE_CHECKING

import pygame

from game.sim.race import RaceConfig
from game.ui.render.font import font
from game.ui.render.palette import GREY, HIGHLIGHT, LIGHT_GREY, WHITE, YELLOW
from game.ui.render.panel import panel
from game.ui.scenes.backdrop_scene import BackdropScene
from game.ui.scenes.base import Context

if TYPE_CHECKING:
    from game.ui.scenes.race_scene import RaceScene

GRID_SECONDS = 4.0  # [s] the grid is shown this long unless a key is pressed
PLAYER_LINE = "your car: all yours, never held back"
ROW_HEIGHT = 16  # [px]


def fresh_line_up(config: RaceConfig) -> RaceConfig:
    """``config`` with a new seed for who gets which character and grid slot, unless it has one already."""
    return config if config.seed is not None else dataclasses.replace(config, seed=random.randrange(2**31))


class GridScene(BackdropScene):
    """The starting grid of a race that is about to start; then the race."""

    def __init__(self, ctx: Context, race_scene: RaceScene) -> None:
        super().__init__(ctx)
        self.race_scene = race_scene
        race = race_scene.race
        self.rows = []  # (grid position, colour, name, line, the player's)
        for slot, car in enumerate(race.grid_order(), start=1):
            character = race.characters[car]
            line = PLAYER_LINE if character is None else character.line
            self.rows.append((slot, race_scene.colours[car], race.names[car], line, car == race.human))
        config = race.config
        self.subtitle = f"{race.track.name}   {config.laps} LAP{'S' if config.laps > 1 else ''}   {config.difficulty}"

    def handle_event(self, event: pygame.event.Event) -> None:
        """Any key or gamepad button: to the race."""
        self.ctx.controls.handle_event(event)
        if event.type in (pygame.KEYDOWN, pygame.JOYBUTTONDOWN):
            self.start()

    def update(self, dt: float) -> None:
        """Count down the time on the grid screen."""
        super().update(dt)
        if self.time >= GRID_SECONDS:
            self.start()

    def start(self) -> None:
        """Hand over to the race (its countdown starts now)."""
        if self.ctx.stack.top is self:
            self.ctx.stack.replace(self.race_scene)

    def draw(self, surface: pygame.Surface) -> None:
        """Title, the grid table, and how long until the lights."""
        super().draw(surface)
        f = font()
        w, h = surface.get_size()
        f.draw(surface, "STARTING GRID", (w // 2, 8), YELLOW, 2, "center")
        f.draw(surface, self.subtitle.upper(), (w // 2, 28), LIGHT_GREY, 1, "center")
        top = 42
        panel(surface, (16, top, w - 32, 22 + ROW_HEIGHT * len(self.rows)), 210)
        for x, label in ((24, "POS"), (52, "DRIVER"), (118, "HOW THEY DRIVE")):
            f.draw(surface, label, (x, top + 6), GREY, 1)
        for k, (slot, colour, name, line, mine) in enumerate(self.rows):
            y = top + 21 + ROW_HEIGHT * k
            if mine:
                surface.fill(HIGHLIGHT, (20, y - 4, w - 40, ROW_HEIGHT - 2))
            text = YELLOW if mine else WHITE
            f.draw(surface, f"P{slot}", (24, y), text, 1)
            surface.fill(colour, (52, y - 1, 10, 9))
            pygame.draw.rect(surface, WHITE, (52, y - 1, 10, 9), 1)
            f.draw(surface, name, (68, y), text, 1)
            f.draw(surface, line.upper(), (118, y), LIGHT_GREY if not mine else YELLOW, 1)
        seconds = max(int(GRID_SECONDS - self.time) + 1, 1)
        f.draw(surface, f"LIGHTS IN {seconds}   ANY KEY: RACE NOW", (w // 2, h - 14), LIGHT_GREY, 1, "center")
