"""The results table after a race: positions, total times, best laps, gaps."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pygame

from game.ui.controls import menu_direction
from game.ui.render.font import font
from game.ui.render.palette import GREY, HIGHLIGHT, LIGHT_GREY, LIME, WHITE, YELLOW
from game.ui.render.panel import panel
from game.ui.scenes.backdrop_scene import BackdropScene
from game.ui.scenes.base import Context
from game.ui.text import format_time

if TYPE_CHECKING:
    from game.ui.scenes.race_scene import RaceScene


class ResultsScene(BackdropScene):
    """Shows the classification; Enter goes back to the menu, R races again."""

    def __init__(
        self,
        ctx: Context,
        race_scene: RaceScene,
        next_scene: Callable[[], None] | None = None,
        can_restart: bool = True,
    ) -> None:
        """The results of ``race_scene``'s race.

        Args:
            ctx: The shared context.
            race_scene: The race.
            next_scene: Called on Enter instead of going back to the menu (a championship's standings).
            can_restart: False takes R (race again) away.
        """
        super().__init__(ctx)
        self.race_scene = race_scene
        self.next_scene = next_scene
        self.can_restart = can_restart
        race = race_scene.race
        self.results = race.results()
        self.names_colours = race_scene.colours
        self.human = race.human
        self.title = race.track.name.upper()
        self.fastest = race.fastest_lap
        self.replay = race_scene.replay()  # taken now: the race as it ended
        self.saved_to: str | None = None

    def handle_event(self, event: pygame.event.Event) -> None:
        """Enter / Esc: menu; R: race again; V: watch the replay; S: save it."""
        if event.type == pygame.KEYDOWN and event.key == pygame.K_r and self.can_restart:
            self.race_scene.restart()
            return
        if event.type == pygame.KEYDOWN and event.key == pygame.K_v and self.replay is not None:
            from game.ui.replays import open_replay

            self.ctx.audio.play("blip", 0.5)
            self.ctx.stack.push(open_replay(self.ctx, self.replay, back=True))
            return
        if event.type == pygame.KEYDOWN and event.key == pygame.K_s and self.replay is not None:
            from game.ui.replays import save_to_data_dir

            path, message = save_to_data_dir(self.replay)
            self.saved_to = path.name if path is not None else None
            self.ctx.toast(message.upper(), 4.0)
            return
        if menu_direction(event) in ("accept", "back"):
            from game.ui.scenes.menu import MainMenuScene

            self.ctx.audio.play("blip", 0.5)
            if self.next_scene is not None:
                self.next_scene()
            else:
                self.ctx.stack.reset(MainMenuScene(self.ctx))

    def draw(self, surface: pygame.Surface) -> None:
        """The table."""
        super().draw(surface)
        f = font()
        w, h = surface.get_size()
        f.draw(surface, "RESULTS", (w // 2, 10), YELLOW, 3, "center")
        f.draw(surface, self.title, (w // 2, 36), LIGHT_GREY, 1, "center")
        top = 50
        panel(surface, (24, top, w - 48, 24 + 16 * len(self.results)), 210)
        columns = ((34, "POS"), (70, "DRIVER"), (160, "LAPS"), (214, "TIME"), (300, "BEST LAP"), (390, "GAP"))
        for x, label in columns:
            f.draw(surface, label, (x, top + 6), GREY, 1)
        for k, row in enumerate(self.results):
            y = top + 22 + 16 * k
            mine = row.car == self.human
            if mine:
                surface.fill(HIGHLIGHT, (28, y - 3, w - 56, 13))
            colour = YELLOW if mine else WHITE
            f.draw(surface, f"P{row.position}", (34, y), colour, 1)
            surface.fill(self.names_colours[row.car], (70, y, 6, 7))
            f.draw(surface, row.name, (80, y), colour, 1)
            f.draw(surface, str(row.laps), (160, y), colour, 1)
            f.draw(surface, format_time(row.total_time) if row.total_time is not None else "-", (214, y), colour, 1)
            best_colour = LIME if self.fastest is not None and self.fastest[1] == row.car else colour
            f.draw(surface, format_time(row.best_lap), (300, y), best_colour, 1)
            f.draw(surface, row.gap, (390, y), colour, 1)
        keys = "ENTER: STANDINGS" if self.next_scene is not None else "ENTER: MENU"
        if self.can_restart:
            keys += "   R: RACE AGAIN"
        if self.replay is not None:
            keys += "   V: WATCH REPLAY   S: SAVE REPLAY"
        f.draw(surface, keys, (w // 2, h - 14), LIGHT_GREY, 1, "center")
