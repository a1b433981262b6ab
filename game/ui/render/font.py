"""A 5x7 pixel font drawn in code: crisp at any whole-number scale, no font file needed.

Letters are upper-case only (lower case is drawn as upper case); unknown characters draw as a box.
Rendered strings are cached, so drawing the same HUD text every frame costs one blit.
"""

from __future__ import annotations

import pygame

from game.ui.render.palette import BLACK, WHITE, Colour

GLYPH_WIDTH = 5
GLYPH_HEIGHT = 7
SPACING = 1  # [font pixels] between characters

_GLYPHS: dict[str, tuple[str, ...]] = {
    "A": (".###.", "#...#", "#...#", "#####", "#...#", "#...#", "#...#"),
    "B": ("####.", "#...#", "#...#", "####.", "#...#", "#...#", "####."),
    "C": (".###.", "#...#", "#....", "#....", "#....", "#...#", ".###."),
    "D": ("####.", "#...#", "#...#", "#...#", "#...#", "#...#", "####."),
    "E": ("#####", "#....", "#....", "####.", "#....", "#....", "#####"),
    "F": ("#####", "#....", "#....", "####.", "#....", "#....", "#...."),
    "G": (".###.", "#...#", "#....", "#.###", "#...#", "#...#", ".####"),
    "H": ("#...#", "#...#", "#...#", "#####", "#...#", "#...#", "#...#"),
    "I": (".###.", "..#..", "..#..", "..#..", "..#..", "..#..", ".###."),
    "J": ("..###", "...#.", "...#.", "...#.", "...#.", "#..#.", ".##.."),
    "K": ("#...#", "#..#.", "#.#..", "##...", "#.#..", "#..#.", "#...#"),
    "L": ("#....", "#....", "#....", "#....", "#....", "#....", "#####"),
    "M": ("#...#", "##.##", "#.#.#", "#.#.#", "#...#", "#...#", "#...#"),
    "N": ("#...#", "#...#", "##..#", "#.#.#", "#..##", "#...#", "#...#"),
    "O": (".###.", "#...#", "#...#", "#...#", "#...#", "#...#", ".###."),
    "P": ("####.", "#...#", "#...#", "####.", "#....", "#....", "#...."),
    "Q": (".###.", "#...#", "#...#", "#...#", "#.#.#", "#..#.", ".##.#"),
    "R": ("####.", "#...#", "#...#", "####.", "#.#..", "#..#.", "#...#"),
    "S": (".####", "#....", "#....", ".###.", "....#", "....#", "####."),
    "T": ("#####", "..#..", "..#..", "..#..", "..#..", "..#..", "..#.."),
    "U": ("#...#", "#...#", "#...#", "#...#", "#...#", "#...#", ".###."),
    "V": ("#...#", "#...#", "#...#", "#...#", "#...#", ".#.#.", "..#.."),
    "W": ("#...#", "#...#", "#...#", "#.#.#", "#.#.#", "#.#.#", ".#.#."),
    "X": ("#...#", "#...#", ".#.#.", "..#..", ".#.#.", "#...#", "#...#"),
    "Y": ("#...#", "#...#", ".#.#.", "..#..", "..#..", "..#..", "..#.."),
    "Z": ("#####", "....#", "...#.", "..#..", ".#...", "#....", "#####"),
    "0": (".###.", "#...#", "#..##", "#.#.#", "##..#", "#...#", ".###."),
    "1": ("..#..", ".##..", "..#..", "..#..", "..#..", "..#..", ".###."),
    "2": (".###.", "#...#", "....#", "...#.", "..#..", ".#...", "#####"),
    "3": ("#####", "...#.", "..#..", "...#.", "....#", "#...#", ".###."),
    "4": ("...#.", "..##.", ".#.#.", "#..#.", "#####", "...#.", "...#."),
    "5": ("#####", "#....", "####.", "....#", "....#", "#...#", ".###."),
    "6": ("..##.", ".#...", "#....", "####.", "#...#", "#...#", ".###."),
    "7": ("#####", "....#", "...#.", "..#..", ".#...", ".#...", ".#..."),
    "8": (".###.", "#...#", "#...#", ".###.", "#...#", "#...#", ".###."),
    "9": (".###.", "#...#", "#...#", ".####", "....#", "...#.", ".##.."),
    " ": (".....", ".....", ".....", ".....", ".....", ".....", "....."),
    ".": (".....", ".....", ".....", ".....", ".....", ".##..", ".##.."),
    ",": (".....", ".....", ".....", ".....", ".##..", "..#..", ".#..."),
    ":": (".....", ".##..", ".##..", ".....", ".##..", ".##..", "....."),
    ";": (".....", ".##..", ".##..", ".....", ".##..", "..#..", ".#..."),
    "!": ("..#..", "..#..", "..#..", "..#..", "..#..", ".....", "..#.."),
    "?": (".###.", "#...#", "....#", "...#.", "..#..", ".....", "..#.."),
    "-": (".....", ".....", ".....", "#####", ".....", ".....", "....."),
    "+": (".....", "..#..", "..#..", "#####", "..#..", "..#..", "....."),
    "/": (".....", "....#", "...#.", "..#..", ".#...", "#....", "....."),
    "'": ("..#..", "..#..", ".#...", ".....", ".....", ".....", "....."),
    '"': (".#.#.", ".#.#.", ".....", ".....", ".....", ".....", "....."),
    "(": ("...#.", "..#..", ".#...", ".#...", ".#...", "..#..", "...#."),
    ")": (".#...", "..#..", "...#.", "...#.", "...#.", "..#..", ".#..."),
    "<": ("...#.", "..#..", ".#...", "#....", ".#...", "..#..", "...#."),
    ">": (".#...", "..#..", "...#.", "....#", "...#.", "..#..", ".#..."),
    "=": (".....", ".....", "#####", ".....", "#####", ".....", "....."),
    "%": ("##...", "##..#", "...#.", "..#..", ".#...", "#..##", "...##"),
    "#": (".#.#.", ".#.#.", "#####", ".#.#.", "#####", ".#.#.", ".#.#."),
    "_": (".....", ".....", ".....", ".....", ".....", ".....", "#####"),
    "*": (".....", "#.#.#", ".###.", "#####", ".###.", "#.#.#", "....."),
    "[": (".###.", ".#...", ".#...", ".#...", ".#...", ".#...", ".###."),
    "]": (".###.", "...#.", "...#.", "...#.", "...#.", "...#.", ".###."),
    "&": (".##..", "#..#.", "#.#..", ".#...", "#.#.#", "#..#.", ".##.#"),
    "^": ("..#..", ".#.#.", "#...#", ".....", ".....", ".....", "....."),
}
_UNKNOWN = ("#####", "#...#", "#...#", "#...#", "#...#", "#...#", "#####")


def text_width(text: str, scale: int = 1) -> int:
    """Width in pixels of ``text`` drawn at ``scale``."""
    if not text:
        return 0
    return (len(text) * (GLYPH_WIDTH + SPACING) - SPACING) * scale


def text_height(scale: int = 1) -> int:
    """Height in pixels of a line at ``scale``."""
    return GLYPH_HEIGHT * scale


class PixelFont:
    """Renders strings with the built-in glyphs; caches every (text, colour, scale, shadow) it has drawn."""

    MAX_CACHE = 512

    def __init__(self) -> None:
        self._cache: dict[tuple[str, Colour, int, Colour | None], pygame.Surface] = {}

    def render(
        self, text: str, colour: Colour = WHITE, scale: int = 1, shadow: Colour | None = BLACK
    ) -> pygame.Surface:
        """A surface with the text (transparent background), with a one-pixel drop shadow unless None."""
        key = (text, colour, scale, shadow)
        surface = self._cache.get(key)
        if surface is not None:
            return surface
        text = text.upper()
        width = max(text_width(text, scale), 1) + (scale if shadow else 0)
        height = text_height(scale) + (scale if shadow else 0)
        surface = pygame.Surface((width, height), pygame.SRCALPHA)
        layers = ((scale, shadow), (0, colour)) if shadow else ((0, colour),)
        for offset, ink in layers:
            x = offset
            for char in text:
                rows = _GLYPHS.get(char, _UNKNOWN)
                for row, line in enumerate(rows):
                    for col, bit in enumerate(line):
                        if bit == "#":
                            surface.fill(ink, (x + col * scale, offset + row * scale, scale, scale))
                x += (GLYPH_WIDTH + SPACING) * scale
        if len(self._cache) >= self.MAX_CACHE:
            self._cache.clear()
        self._cache[key] = surface
        return surface

    def draw(
        self,
        surface: pygame.Surface,
        text: str,
        pos: tuple[int, int],
        colour: Colour = WHITE,
        scale: int = 1,
        align: str = "left",
        shadow: Colour | None = BLACK,
    ) -> pygame.Rect:
        """Draw text at ``pos`` (its top-left, top-centre or top-right for align left / center / right)."""
        image = self.render(text, colour, scale, shadow)
        x, y = pos
        if align == "center":
            x -= image.get_width() // 2
        elif align == "right":
            x -= image.get_width()
        return surface.blit(image, (x, y))


_FONT: PixelFont | None = None


def font() -> PixelFont:
    """The shared font (created on first use, after pygame is initialised)."""
    global _FONT
    if _FONT is None:
        _FONT = PixelFont()
    return _FONT
