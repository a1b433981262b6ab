"""A full-screen scene over the animated sunset backdrop: the base of the menus, the results and the messages."""

from __future__ import annotations

import pygame

from game.ui.render.backdrop import draw_backdrop
from game.ui.scenes.base import Context, Scene


class BackdropScene(Scene):
    """Keeps the backdrop's clock and draws the backdrop; subclasses draw their content after ``super().draw``."""

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self.time = 0.0  # [s] since the scene opened: drives the backdrop's animation

    def update(self, dt: float) -> None:
        """Animate the backdrop."""
        self.time += dt

    def draw(self, surface: pygame.Surface) -> None:
        """The backdrop, filling the picture."""
        draw_backdrop(surface, self.time)
