"""The championship's pictures: the standings table and the podium at the end of the season."""

from __future__ import annotations

from collections.abc import Sequence

import pygame

from game.sim.championship import Standing
from game.ui.render.font import font
from game.ui.render.palette import (
    CAR_COLOURS,
    GREY,
    HIGHLIGHT,
    INK,
    LIGHT_GREY,
    LIME,
    ORANGE,
    WHITE,
    YELLOW,
    darker,
)
from game.ui.render.panel import panel
from game.ui.render.sprites import car_art

PODIUM_HEIGHTS = (56, 44, 36)  # [px] the steps for P1, P2, P3
PODIUM_COLOURS = (YELLOW, LIGHT_GREY, ORANGE)


def car_colour(car: int) -> tuple[int, int, int]:
    """A car's body colour (as in the race)."""
    return CAR_COLOURS[car % len(CAR_COLOURS)]


def draw_standings(
    surface: pygame.Surface,
    table: Sequence[Standing],
    last_round: dict[int, int],
    top: int,
    player: int = 0,
    first: int = 1,
) -> None:
    """The standings from position ``first``: position, driver, points in the last round, wins, total points."""
    f = font()
    w = surface.get_width()
    panel(surface, (60, top, w - 120, 22 + 15 * len(table)), 210)
    for x, label, align in ((70, "POS", "left"), (104, "DRIVER", "left"), (250, "LAST", "right")):
        if label != "LAST" or last_round:
            f.draw(surface, label, (x, top + 6), GREY, 1, align)
    f.draw(surface, "WINS", (320, top + 6), GREY, 1, "right")
    f.draw(surface, "POINTS", (w - 70, top + 6), GREY, 1, "right")
    for k, row in enumerate(table):
        y = top + 21 + 15 * k
        mine = row.car == player
        if mine:
            surface.fill(HIGHLIGHT, (64, y - 3, w - 128, 13))
        colour = YELLOW if mine else WHITE
        f.draw(surface, f"P{k + first}", (70, y), colour, 1)
        surface.fill(car_colour(row.car), (104, y, 6, 7))
        f.draw(surface, row.name, (114, y), colour, 1)
        gained = last_round.get(row.car)
        if gained is not None:
            f.draw(surface, f"+{gained}", (250, y), LIME if gained else GREY, 1, "right")
        f.draw(surface, str(row.wins), (320, y), colour, 1, "right")
        f.draw(surface, str(row.points), (w - 70, y), colour, 1, "right")


def draw_podium(surface: pygame.Surface, table: Sequence[Standing], base: int) -> None:
    """The first three on their steps (P2 left, P1 middle, P3 right), each with their car and points."""
    f = font()
    w = surface.get_width()
    step_w = 90
    for rank, x in ((1, w // 2 - step_w * 3 // 2), (0, w // 2 - step_w // 2), (2, w // 2 + step_w // 2)):
        if rank >= len(table):
            continue
        row = table[rank]
        height = PODIUM_HEIGHTS[rank]
        top = base - height
        surface.fill(darker(PODIUM_COLOURS[rank]), (x, top, step_w, height))
        surface.fill(PODIUM_COLOURS[rank], (x + 2, top + 2, step_w - 4, height - 2))
        f.draw(surface, str(rank + 1), (x + step_w // 2, top + 6), INK, 2, "center")
        car = pygame.transform.scale_by(pygame.transform.rotate(car_art(car_colour(row.car)), 90), 2)
        surface.blit(car, (x + step_w // 2 - car.get_width() // 2, top - car.get_height() - 16))
        f.draw(surface, row.name, (x + step_w // 2, top - 13), WHITE, 1, "center")
        f.draw(surface, f"{row.points} PTS", (x + step_w // 2, top + 24), INK, 1, "center")
