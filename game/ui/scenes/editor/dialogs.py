"""The editor's small dialogs, drawn over it: a name prompt, a choice of actions, a file list.

Each closes itself (pops) before it calls back, so a callback may open the next dialog.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import pygame

from game.ui.render.font import font
from game.ui.render.palette import CYAN, GREY, HIGHLIGHT, LIGHT_GREY, WHITE, YELLOW
from game.ui.render.panel import panel
from game.ui.scenes.base import Context, Scene
from game.ui.scenes.widgets import MenuItem, MenuList

MAX_TEXT = 40  # characters in a name
PATH_TEXT = 120  # characters in a typed file path
LIST_ROWS = 14  # files shown at once


def _shade(surface: pygame.Surface, alpha: int = 140) -> None:
    shade = pygame.Surface(surface.get_size(), pygame.SRCALPHA)
    shade.fill((0, 0, 0, alpha))
    surface.blit(shade, (0, 0))


def _typed(event: pygame.event.Event) -> str:
    """The printable character of a key press ('' for none)."""
    char = getattr(event, "unicode", "") or ""
    return char if len(char) == 1 and char.isprintable() else ""


class TextPromptScene(Scene):
    """Asks for a line of text (a track name): Enter accepts, Esc cancels."""

    opaque = False
    wants_all_keys = True

    def __init__(
        self,
        ctx: Context,
        title: str,
        text: str,
        on_accept: Callable[[str], None],
        hint: str = "ENTER: OK   ESC: CANCEL",
        max_length: int = MAX_TEXT,
    ) -> None:
        super().__init__(ctx)
        self.title = title
        self.text = text[:max_length]
        self.on_accept = on_accept
        self.hint = hint
        self.max_length = max_length
        self.time = 0.0

    def handle_event(self, event: pygame.event.Event) -> None:
        """Typing, Backspace, Enter, Esc."""
        if event.type != pygame.KEYDOWN:
            return
        if event.key in (pygame.K_RETURN, pygame.K_KP_ENTER):
            if self.text.strip():
                self.ctx.stack.pop()
                self.on_accept(self.text.strip())
        elif event.key == pygame.K_ESCAPE:
            self.ctx.stack.pop()
        elif event.key == pygame.K_BACKSPACE:
            self.text = self.text[:-1]
        elif _typed(event) and len(self.text) < self.max_length:
            self.text += _typed(event)

    def update(self, dt: float) -> None:
        """Blink the cursor."""
        self.time += dt

    def draw(self, surface: pygame.Surface) -> None:
        """The prompt in a box."""
        _shade(surface)
        w, h = surface.get_size()
        panel(surface, (40, h // 2 - 30, w - 80, 58), 235)
        f = font()
        f.draw(surface, self.title, (w // 2, h // 2 - 24), YELLOW, 1, "center")
        shown = self.text[-((w - 100) // 6) :]
        cursor = "_" if int(self.time * 3) % 2 == 0 else " "
        surface.fill((12, 12, 20), (48, h // 2 - 10, w - 96, 13))
        f.draw(surface, shown + cursor, (52, h // 2 - 7), WHITE, 1)
        f.draw(surface, self.hint, (w // 2, h // 2 + 12), GREY, 1, "center")


class ChoiceScene(Scene):
    """A question with a few answers (SAVE / DISCARD / CANCEL); Esc picks the last one."""

    opaque = False

    def __init__(
        self, ctx: Context, title: str, message: str, options: Sequence[tuple[str, Callable[[], None] | None]]
    ) -> None:
        super().__init__(ctx)
        self.title = title
        self.message = message
        self.options = list(options)
        items = [MenuItem(label, on_accept=lambda k=k: self._choose(k)) for k, (label, _) in enumerate(self.options)]
        self.menu = MenuList(items, on_back=lambda: self._choose(len(self.options) - 1))

    def _choose(self, index: int) -> None:
        self.ctx.stack.pop()
        action = self.options[index][1]
        if action is not None:
            action()

    def handle_event(self, event: pygame.event.Event) -> None:
        """Menu navigation."""
        self.menu.handle_event(event)

    def draw(self, surface: pygame.Surface) -> None:
        """The question and the answers."""
        import textwrap

        _shade(surface)
        w, h = surface.get_size()
        lines = textwrap.wrap(self.message, 60)[:5]
        height = 40 + 10 * len(lines) + 13 * len(self.options)
        top = (h - height) // 2
        panel(surface, (30, top, w - 60, height), 235)
        f = font()
        f.draw(surface, self.title, (w // 2, top + 8), YELLOW, 1, "center")
        for k, line in enumerate(lines):
            f.draw(surface, line, (w // 2, top + 22 + 10 * k), LIGHT_GREY, 1, "center")
        self.menu.draw(surface, w // 2 - 80, top + 30 + 10 * len(lines), 160, scale=1, gap=6)


class FilePickerScene(Scene):
    """Choose a file from a list; typing filters the list, or types a path; Enter opens, Esc cancels."""

    opaque = False
    wants_all_keys = True

    def __init__(self, ctx: Context, title: str, files: Sequence[Path], on_pick: Callable[[Path], None]) -> None:
        super().__init__(ctx)
        self.title = title
        self.files = list(files)
        self.on_pick = on_pick
        self.text = ""
        self.index = 0
        self._rows: list[tuple[pygame.Rect, Path]] = []

    @property
    def shown(self) -> list[Path]:
        """The files whose name contains what was typed."""
        needle = self.text.lower()
        return [p for p in self.files if needle in p.name.lower() or needle in str(p).lower()]

    def _pick(self, path: Path) -> None:
        self.ctx.stack.pop()
        self.on_pick(path)

    def handle_event(self, event: pygame.event.Event) -> None:
        """Arrows, typing, Enter, Esc, clicks."""
        shown = self.shown
        if event.type == pygame.MOUSEBUTTONDOWN and event.button == 1:
            for rect, path in self._rows:
                if rect.collidepoint(event.pos):
                    self._pick(path)
                    return
        if event.type != pygame.KEYDOWN:
            return
        if event.key == pygame.K_ESCAPE:
            self.ctx.stack.pop()
        elif event.key in (pygame.K_RETURN, pygame.K_KP_ENTER):
            typed = Path(self.text).expanduser()
            if self.text and typed.is_file():
                self._pick(typed)
            elif shown:
                self._pick(shown[min(self.index, len(shown) - 1)])
        elif event.key == pygame.K_UP:
            self.index = max(self.index - 1, 0)
        elif event.key == pygame.K_DOWN:
            self.index = min(self.index + 1, max(len(shown) - 1, 0))
        elif event.key == pygame.K_BACKSPACE:
            self.text = self.text[:-1]
            self.index = 0
        elif _typed(event) and len(self.text) < PATH_TEXT:
            self.text += _typed(event)
            self.index = 0

    def draw(self, surface: pygame.Surface) -> None:
        """The list, with the typed filter above it."""
        _shade(surface)
        w, h = surface.get_size()
        panel(surface, (30, 16, w - 60, h - 32), 235)
        f = font()
        f.draw(surface, self.title, (w // 2, 22), YELLOW, 1, "center")
        surface.fill((12, 12, 20), (38, 34, w - 76, 12))
        f.draw(surface, (self.text or "TYPE TO FILTER, OR A PATH")[-((w - 90) // 6) :], (42, 37), WHITE if self.text
               else GREY, 1)  # fmt: skip
        shown = self.shown
        first = max(0, min(self.index - LIST_ROWS // 2, len(shown) - LIST_ROWS))
        self._rows = []
        for row, path in enumerate(shown[first : first + LIST_ROWS]):
            y = 52 + 12 * row
            k = first + row
            rect = pygame.Rect(38, y - 2, w - 76, 11)
            if k == self.index:
                surface.fill(HIGHLIGHT, rect)
            f.draw(surface, path.name, (42, y), YELLOW if k == self.index else WHITE, 1)
            f.draw(surface, str(path.parent)[-30:], (w - 42, y), CYAN if k == self.index else GREY, 1, "right")
            self._rows.append((rect, path))
        if not shown:
            f.draw(surface, "NO FILES FOUND", (w // 2, 70), GREY, 1, "center")
        f.draw(surface, "UP/DOWN  ENTER: OPEN  ESC: CANCEL", (w // 2, h - 26), GREY, 1, "center")
