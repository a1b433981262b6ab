"""A message screen: a title, a few lines, any key to go back. Used for errors and "coming soon"."""

from __future__ import annotations

import textwrap

import pygame

from game.ui.controls import menu_direction
from game.ui.render.font import font
from game.ui.render.palette import GREY, WHITE, YELLOW
from game.ui.render.panel import panel
from game.ui.scenes.backdrop_scene import BackdropScene
from game.ui.scenes.base import Context

WRAP = 60  # characters per line at scale 1


class MessageScene(BackdropScene):
    """Shows a title and a message; Enter, Esc or a click closes it (pops back to the scene below)."""

    def __init__(self, ctx: Context, title: str, message: str) -> None:
        super().__init__(ctx)
        self.title = title
        self.lines = []
        for paragraph in message.splitlines() or [""]:
            self.lines.extend(textwrap.wrap(paragraph, WRAP) or [""])
        self.lines = self.lines[:14]

    def handle_event(self, event: pygame.event.Event) -> None:
        """Any accept / back command closes the message."""
        if menu_direction(event) in ("accept", "back") or (event.type == pygame.MOUSEBUTTONDOWN and event.button == 1):
            self.ctx.audio.play("blip")
            self.ctx.stack.pop()

    def draw(self, surface: pygame.Surface) -> None:
        """The message on a panel over the backdrop."""
        super().draw(surface)
        f = font()
        w, h = surface.get_size()
        height = 60 + 10 * len(self.lines)
        top = (h - height) // 2
        panel(surface, (30, top, w - 60, height), 215)
        f.draw(surface, self.title, (w // 2, top + 10), YELLOW, 2, "center")
        for k, line in enumerate(self.lines):
            f.draw(surface, line, (w // 2, top + 34 + 10 * k), WHITE, 1, "center")
        f.draw(surface, "PRESS ENTER", (w // 2, top + height - 14), GREY, 1, "center")
