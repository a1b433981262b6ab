"""The translucent dark box that every screen puts behind its text."""

from __future__ import annotations

import pygame

from game.ui.render.palette import INK


def panel(surface: pygame.Surface, rect: tuple[int, int, int, int], alpha: int = 170) -> None:
    """A translucent dark box behind HUD text."""
    box = pygame.Surface(rect[2:], pygame.SRCALPHA)
    box.fill((*INK, alpha))
    surface.blit(box, rect[:2])
