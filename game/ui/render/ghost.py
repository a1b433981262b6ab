"""Ghost cars and the time-trial panels: a translucent car, the live gap and the splits in green or red."""

from __future__ import annotations

import math

import pygame

from game.ui.render import PIXELS_PER_METRE
from game.ui.render.font import font
from game.ui.render.palette import GREY, LIGHT_GREY, LIME, RED, WHITE, Colour
from game.ui.render.panel import panel
from game.ui.render.sprites import N_HEADINGS, car_art, rotsprite
from game.ui.render.world import world_to_screen
from game.ui.text import format_time

GHOST_ALPHA = 150  # of 255: the track shows through the ghost
GHOST_BODY: Colour = (200, 220, 255)  # a pale car, unlike any rival's


class GhostSprites:
    """The pale translucent car at 64 headings, made on first use."""

    def __init__(self, body: Colour = GHOST_BODY, alpha: int = GHOST_ALPHA) -> None:
        self.body = body
        self.alpha = alpha
        self._images: list[pygame.Surface] = []

    def get(self, heading: float) -> pygame.Surface:
        """The sprite for a world heading [rad], counter-clockwise from +x."""
        if not self._images:
            art = car_art(self.body)
            for k in range(N_HEADINGS):
                image = rotsprite(art, 360.0 * k / N_HEADINGS)
                image.set_alpha(self.alpha)
                self._images.append(image)
        k = int(round(heading / (2.0 * math.pi) * N_HEADINGS)) % N_HEADINGS
        return self._images[k]


def draw_ghost(
    surface: pygame.Surface,
    sprites: GhostSprites,
    pose: tuple[float, float, float],
    camera: tuple[float, float],
    ppm: float = PIXELS_PER_METRE,
) -> None:
    """The ghost car at a world pose (x, y [m], heading [rad]); nothing when it is off screen."""
    size = surface.get_size()
    sx, sy = world_to_screen(pose[0], pose[1], camera, size, ppm)
    if -20 <= sx <= size[0] + 20 and -20 <= sy <= size[1] + 20:
        image = sprites.get(pose[2])
        surface.blit(image, (sx - image.get_width() // 2, sy - image.get_height() // 2))


def gap_text(gap: float) -> str:
    """A gap as racing games show it: -0.123 ahead, +0.456 behind."""
    return f"{'-' if gap < 0.0 else '+'}{abs(gap):.3f}"


def gap_colour(gap: float) -> Colour:
    """Green when ahead of the ghost (or level), red when behind."""
    return LIME if gap <= 0.0 else RED


def draw_ghost_panel(surface: pygame.Surface, label: str, ghost_time: float | None, gap: float | None) -> None:
    """Top centre: which ghost is chased, its lap time and the live gap to it."""
    f = font()
    w = surface.get_width()
    panel(surface, (w // 2 - 70, 4, 140, 30))
    f.draw(surface, label, (w // 2 - 64, 8), GREY, 1)
    f.draw(surface, format_time(ghost_time), (w // 2 + 64, 8), LIGHT_GREY, 1, "right")
    if gap is None:
        f.draw(surface, "GAP  --.---", (w // 2, 20), WHITE, 1, "center")
    else:
        f.draw(surface, gap_text(gap), (w // 2, 19), gap_colour(gap), 2, "center")


def draw_split(surface: pygame.Surface, name: str, gap: float, y: int = 44) -> None:
    """A split just taken, big, under the ghost panel."""
    f = font()
    w = surface.get_width()
    panel(surface, (w // 2 - 60, y, 120, 26), 200)
    f.draw(surface, name, (w // 2, y + 3), LIGHT_GREY, 1, "center")
    f.draw(surface, gap_text(gap), (w // 2, y + 12), gap_colour(gap), 1, "center")
