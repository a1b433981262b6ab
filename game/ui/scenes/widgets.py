"""A vertical menu list: items with an optional value changed by left/right, chosen with Enter."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pygame

from game.ui.controls import menu_direction
from game.ui.render.font import font
from game.ui.render.palette import DARK_GREY, GREY, HIGHLIGHT, WHITE, YELLOW
from game.ui.render.panel import panel


@dataclass
class MenuItem:
    """One line of a menu.

    Attributes:
        label: Text on the left.
        on_accept: Called with no argument on Enter.
        on_change: Called with -1 or +1 on left / right.
        value: Returns the text shown on the right (e.g. "< NORMAL >").
        enabled: Returns False to grey the item out.
    """

    label: str
    on_accept: Callable[[], None] | None = None
    on_change: Callable[[int], None] | None = None
    value: Callable[[], str] | None = None
    enabled: Callable[[], bool] | None = None


class MenuList:
    """Keyboard / gamepad / mouse navigation over a list of :class:`MenuItem`."""

    def __init__(self, items: list[MenuItem], on_back: Callable[[], None] | None = None, blip=None) -> None:  # noqa: ANN001
        self.items = items
        self.index = 0
        self.on_back = on_back
        self.blip = blip or (lambda: None)
        self._rects: list[pygame.Rect] = []

    @property
    def current(self) -> MenuItem:
        """The highlighted item."""
        return self.items[self.index]

    def _usable(self, item: MenuItem) -> bool:
        return item.enabled is None or item.enabled()

    def move(self, step: int) -> None:
        """Highlight the next usable item up (-1) or down (+1)."""
        for _ in range(len(self.items)):
            self.index = (self.index + step) % len(self.items)
            if self._usable(self.current):
                break
        self.blip()

    def handle_event(self, event: pygame.event.Event) -> bool:
        """Returns True when the event was used."""
        command = menu_direction(event)
        item = self.current
        if command == "up":
            self.move(-1)
        elif command == "down":
            self.move(1)
        elif command in ("left", "right") and item.on_change and self._usable(item):
            item.on_change(-1 if command == "left" else 1)
            self.blip()
        elif command == "accept" and self._usable(item):
            if item.on_accept:
                self.blip()
                item.on_accept()
            elif item.on_change:
                item.on_change(1)
                self.blip()
        elif command == "back" and self.on_back:
            self.on_back()
        elif event.type == pygame.MOUSEBUTTONDOWN and event.button == 1:
            for k, rect in enumerate(self._rects):
                if rect.collidepoint(event.pos) and self._usable(self.items[k]):
                    self.index = k
                    return self.handle_event(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_RETURN))
            return False
        else:
            return False
        return True

    def draw(self, surface: pygame.Surface, x: int, y: int, width: int, scale: int = 1, gap: int = 4) -> None:
        """Draw the list with its top-left at (x, y); values right-aligned within ``width``."""
        f = font()
        line = 7 * scale + gap
        panel(surface, (x - 8, y - 6, width + 16, len(self.items) * line + 12 - gap), 180)
        self._rects = []
        for k, item in enumerate(self.items):
            top = y + k * line
            usable = self._usable(item)
            selected = k == self.index
            colour = (YELLOW if selected else WHITE) if usable else DARK_GREY
            if selected:
                surface.fill(HIGHLIGHT, (x - 6, top - 2, width + 12, 7 * scale + 4))
                f.draw(surface, ">", (x - 4, top), YELLOW, scale)
            f.draw(surface, item.label, (x + 8 * scale, top), colour, scale)
            if item.value is not None:
                f.draw(surface, item.value(), (x + width, top), colour if selected else GREY, scale, "right")
            self._rects.append(pygame.Rect(x - 6, top - 2, width + 12, 7 * scale + 4))
