"""The limited palette every picture is drawn with (32 colours, in the spirit of 16-bit arcade boards)."""

from __future__ import annotations

Colour = tuple[int, int, int]

BLACK: Colour = (12, 12, 20)
INK: Colour = (26, 28, 44)
DARK_GREY: Colour = (56, 58, 74)
TARMAC: Colour = (84, 86, 100)
TARMAC_LIGHT: Colour = (98, 100, 114)
GREY: Colour = (138, 140, 156)
LIGHT_GREY: Colour = (190, 192, 204)
WHITE: Colour = (244, 244, 240)
GRASS_DARK: Colour = (38, 110, 52)
GRASS: Colour = (52, 130, 62)
GRASS_LIGHT: Colour = (66, 148, 72)
TREE_DARK: Colour = (24, 78, 44)
TREE: Colour = (34, 104, 52)
TREE_LIGHT: Colour = (86, 162, 78)
SAND: Colour = (214, 186, 124)
SAND_DARK: Colour = (186, 156, 100)
KERB_RED: Colour = (214, 44, 52)
RED: Colour = (230, 57, 70)
ORANGE: Colour = (247, 127, 0)
YELLOW: Colour = (255, 200, 40)
LIME: Colour = (150, 220, 60)
CYAN: Colour = (60, 200, 230)
BLUE: Colour = (52, 96, 220)
NAVY: Colour = (28, 40, 96)
PURPLE: Colour = (140, 70, 200)
PINK: Colour = (240, 110, 170)
SKID: Colour = (40, 40, 48)
SHADOW: Colour = (0, 0, 0)
SKY_TOP: Colour = (24, 20, 60)
SKY_MID: Colour = (90, 40, 110)
SKY_LOW: Colour = (230, 96, 90)
SUN: Colour = (255, 190, 80)
HIGHLIGHT: Colour = (60, 50, 110)  # the bar behind the selected row of a menu or list

# One colour per car slot; the player's car (slot 0) is red.
CAR_COLOURS: tuple[Colour, ...] = (RED, BLUE, YELLOW, LIME, ORANGE, PURPLE, CYAN, PINK)


def darker(colour: Colour, amount: float = 0.65) -> Colour:
    """A shade of a palette colour (for outlines and shading of sprites)."""
    return (int(colour[0] * amount), int(colour[1] * amount), int(colour[2] * amount))


def lighter(colour: Colour, amount: float = 0.45) -> Colour:
    """A tint of a palette colour (for highlights)."""
    return tuple(int(c + (255 - c) * amount) for c in colour)  # type: ignore[return-value]
