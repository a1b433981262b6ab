"""Pixel-art sprites drawn in code: cars in every colour at 64 headings, and trees.

Rotation uses the RotSprite idea: enlarge the pixel art 8x with Scale2x (pygame's ``scale2x``, which keeps
edges sharp), rotate, and shrink back with nearest-neighbour sampling, so a rotated car still looks like
hand-placed pixels instead of a jagged smear.
"""

from __future__ import annotations

import math

import pygame

from game.ui.render.palette import BLACK, NAVY, RED, WHITE, YELLOW, Colour, darker, lighter

N_HEADINGS = 64
SHADOW_ALPHA = 90
SHADOW_OFFSET = (2, 2)  # [px] a car's shadow: the sun is up and to the left
TREE_SHADOW_OFFSET = (3, 3)  # [px] trees are taller than cars

# Facing right (+x). k wheel, B body, D body shade, L roof, g glass, w stripe, r tail light, h headlight.
CAR_ART = (
    ".kkk....kkk...",
    "DDBBBBBBBBBBD.",
    "rBBgLLLLggBBBh",
    "DBBgwwwwggwwwB",
    "rBBgLLLLggBBBh",
    "DDBBBBBBBBBBD.",
    ".kkk....kkk...",
)

TREE_ART = (
    "...ddd...",
    ".ddmmmdd.",
    ".dmmlmmd.",
    "dmmllmmmd",
    "dmmlmmmmd",
    "dmmmmmmmd",
    ".dmmmmmd.",
    ".ddmmmdd.",
    "...ddd...",
)


def paint(art: tuple[str, ...], colours: dict[str, Colour]) -> pygame.Surface:
    """A surface from character art; '.' is transparent."""
    surface = pygame.Surface((len(art[0]), len(art)), pygame.SRCALPHA)
    for y, row in enumerate(art):
        for x, char in enumerate(row):
            if char != ".":
                surface.set_at((x, y), colours[char])
    return surface


def car_art(body: Colour) -> pygame.Surface:
    """The unrotated car in a body colour."""
    return paint(
        CAR_ART,
        {
            "k": BLACK,
            "B": body,
            "D": darker(body),
            "L": lighter(body, 0.3),
            "g": NAVY,
            "w": WHITE if sum(body) < 600 else darker(body, 0.5),
            "r": darker(RED, 0.8),
            "h": YELLOW,
        },
    )


def rotsprite(image: pygame.Surface, degrees: float) -> pygame.Surface:
    """Rotate pixel art counter-clockwise with Scale2x x3, rotate, shrink 8x (nearest)."""
    big = pygame.transform.scale2x(pygame.transform.scale2x(pygame.transform.scale2x(image)))
    turned = pygame.transform.rotate(big, degrees)
    w, h = turned.get_size()
    return pygame.transform.scale(turned, (max(w // 8, 1), max(h // 8, 1)))


def shadow_of(image: pygame.Surface) -> pygame.Surface:
    """A flat translucent black copy of a sprite's shape."""
    mask = pygame.mask.from_surface(image)
    return mask.to_surface(setcolor=(0, 0, 0, SHADOW_ALPHA), unsetcolor=(0, 0, 0, 0))


class CarSprites:
    """Pre-rotated car sprites and their shadows, per body colour, made on first use."""

    def __init__(self) -> None:
        self._sets: dict[Colour, tuple[list[pygame.Surface], list[pygame.Surface]]] = {}

    def prepare(self, colour: Colour) -> None:
        """Make the 64 headings of one colour now (about a few milliseconds)."""
        if colour in self._sets:
            return
        art = car_art(colour)
        cars = [rotsprite(art, 360.0 * k / N_HEADINGS) for k in range(N_HEADINGS)]
        shadows = [shadow_of(image) for image in cars]
        self._sets[colour] = (cars, shadows)

    def get(self, colour: Colour, heading: float) -> tuple[pygame.Surface, pygame.Surface]:
        """(sprite, shadow) for a world heading [rad], counter-clockwise from +x."""
        self.prepare(colour)
        cars, shadows = self._sets[colour]
        k = int(round(heading / (2.0 * math.pi) * N_HEADINGS)) % N_HEADINGS
        return cars[k], shadows[k]


def tree_sprite(variant: int) -> tuple[pygame.Surface, pygame.Surface]:
    """(tree, shadow) in one of a few shades."""
    shades = (
        ((24, 78, 44), (34, 104, 52), (86, 162, 78)),
        ((20, 70, 40), (40, 112, 50), (100, 170, 80)),
        ((28, 84, 36), (46, 120, 46), (120, 180, 76)),
    )
    dark, mid, light = shades[variant % len(shades)]
    image = paint(TREE_ART, {"d": dark, "m": mid, "l": light})
    return image, shadow_of(image)
