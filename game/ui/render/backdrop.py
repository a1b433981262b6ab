"""The menus' backdrop: a striped sunset over a scrolling perspective grid, and the title logo."""

from __future__ import annotations

import math

import pygame

from game.ui.render.font import font
from game.ui.render.palette import BLACK, INK, NAVY, ORANGE, PINK, RED, SKY_LOW, SKY_MID, SKY_TOP, SUN, WHITE, YELLOW

_SKY_CACHE: dict[tuple[int, int], pygame.Surface] = {}


def _sky(size: tuple[int, int]) -> pygame.Surface:
    sky = _SKY_CACHE.get(size)
    if sky is not None:
        return sky
    w, h = size
    horizon = int(h * 0.58)
    sky = pygame.Surface(size)
    bands = (SKY_TOP, NAVY, SKY_MID, PINK, SKY_LOW)
    band_h = horizon / len(bands)
    for k, colour in enumerate(bands):
        sky.fill(colour, (0, int(k * band_h), w, int(band_h) + 1))
    cx, cy, r = w // 2, horizon, 64
    pygame.draw.circle(sky, SUN, (cx, cy), r)
    pygame.draw.circle(sky, YELLOW, (cx, cy), r - 10)
    for k in range(6):  # the retro sun's slots
        y = cy - 8 - k * 9
        sky.fill(sky.get_at((0, y)), (cx - r, y, 2 * r, 2 + k // 2))
    sky.fill(INK, (0, horizon, w, h - horizon))
    _SKY_CACHE[size] = sky
    return sky


def draw_backdrop(surface: pygame.Surface, time: float) -> None:
    """Sunset and a grid that scrolls towards the viewer with ``time`` [s]."""
    w, h = surface.get_size()
    surface.blit(_sky((w, h)), (0, 0))
    horizon = int(h * 0.58)
    depth = h - horizon
    for k in range(-14, 15):  # lines converging on the vanishing point
        x_far = w // 2 + k * 10
        x_near = w // 2 + k * 70
        pygame.draw.line(surface, PINK if k else ORANGE, (x_far, horizon), (x_near, h), 1)
    offset = (time * 0.8) % 1.0
    for k in range(10):  # rows coming closer
        z = (k + 1.0 - offset) / 10.0
        y = horizon + int(depth * z * z)
        pygame.draw.line(surface, PINK, (0, y), (w, y), 1)
    pygame.draw.line(surface, ORANGE, (0, horizon), (w, horizon), 1)


def draw_logo(surface: pygame.Surface, y: int, time: float) -> None:
    """RETRORACER in big pixel letters with a chequered underline."""
    f = font()
    w = surface.get_width()
    bob = int(round(math.sin(time * 2.0) * 2))
    f.draw(surface, "RETRORACER", (w // 2 + 3, y + 3 + bob), BLACK, 5, "center", shadow=None)
    f.draw(surface, "RETRORACER", (w // 2, y + bob), YELLOW, 5, "center", shadow=RED)
    x0 = w // 2 - 150
    for k in range(50):
        for row in range(2):
            colour = WHITE if (k + row) % 2 == 0 else BLACK
            surface.fill(colour, (x0 + k * 6, y + 42 + row * 3, 6, 3))
