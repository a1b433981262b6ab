"""Drawing the track editor: the map (grid, tarmac, kerbs, start line), points, problems, toolbar, bars, help.

The map layer (everything that changes only when the draft or the view does) is drawn into a cached surface and
blitted while nothing moves; points, markers and the bars are drawn on top every frame. World metres become
screen pixels through :class:`game.editor.view.EditorView` only.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pygame

from game.editor.draft import TrackDraft
from game.editor.geometry import DraftGeometry
from game.editor.validation import ERROR, NOTE, WARNING, Problem
from game.editor.view import EditorView
from game.ui.render.font import font, text_width
from game.ui.render.palette import (
    BLACK,
    CYAN,
    DARK_GREY,
    GRASS,
    GRASS_DARK,
    GREY,
    HIGHLIGHT,
    INK,
    KERB_RED,
    LIGHT_GREY,
    LIME,
    ORANGE,
    RED,
    TARMAC,
    TARMAC_LIGHT,
    WHITE,
    YELLOW,
    Colour,
)
from game.ui.render.panel import panel
from game.ui.render.world import KERB_CURVATURE, KERB_WIDTH

TOOLBAR_HEIGHT = 12  # [px]
STATUS_HEIGHT = 12  # [px]
POINT_SIZE = 5  # [px] side of a control point's square
SMALL_POINT_SIZE = 3  # [px] when the points crowd together (zoomed out)
CROWDED_PIXELS = 12  # [px] points closer than this on screen (median) are drawn small
QUAD_PIXELS = 3.0  # [px] shortest stretch of road drawn as one quad (samples are skipped when zoomed out)
CHEVRON_SPACING = 56  # [px] between the arrows that show the driving direction
SEVERITY_COLOURS: dict[str, Colour] = {ERROR: RED, WARNING: ORANGE, NOTE: CYAN}
GRID_MINOR: Colour = (45, 120, 57)  # between GRASS_DARK and GRASS
BACKGROUND: Colour = GRASS_DARK


# -- the map --------------------------------------------------------------------------------------------------------
class MapLayer:
    """The grid and the track at the current view, redrawn only when the draft or the view changes."""

    def __init__(self) -> None:
        self._key: tuple | None = None
        self._surface: pygame.Surface | None = None

    def draw(
        self,
        surface: pygame.Surface,
        view: EditorView,
        geometry: DraftGeometry | None,
        version: int,
        grid: bool,
    ) -> None:
        """Blit the layer, rendering it first if the draft (``version``) or the view has changed."""
        key = (version, view.centre_x, view.centre_y, view.zoom, view.width, view.height, view.top, grid)
        if self._surface is None or self._surface.get_size() != surface.get_size():
            self._surface = pygame.Surface(surface.get_size())
            self._key = None
        if key != self._key:
            self._render(self._surface, view, geometry, grid)
            self._key = key
        surface.blit(self._surface, (0, 0))

    def _render(self, target: pygame.Surface, view: EditorView, geometry: DraftGeometry | None, grid: bool) -> None:
        area = pygame.Rect(0, view.top, view.width, view.height)
        target.fill(BACKGROUND)
        target.set_clip(area)
        if grid:
            draw_grid(target, view)
        draw_axes(target, view)
        if geometry is not None:
            draw_track(target, view, geometry)
        target.set_clip(None)


def draw_grid(surface: pygame.Surface, view: EditorView) -> None:
    """Grid lines at the snapping step (every fifth brighter), thinned out when zoomed out."""
    step = view.grid_step()
    x0, y1 = view.to_world(0, view.top)
    x1, y0 = view.to_world(view.width, view.top + view.height)
    for k in range(math.floor(x0 / step), math.ceil(x1 / step) + 1):
        sx = round(view.to_screen(k * step, 0.0)[0])
        colour = GRASS if k % 5 == 0 else GRID_MINOR
        pygame.draw.line(surface, colour, (sx, view.top), (sx, view.top + view.height))
    for k in range(math.floor(y0 / step), math.ceil(y1 / step) + 1):
        sy = round(view.to_screen(0.0, k * step)[1])
        colour = GRASS if k % 5 == 0 else GRID_MINOR
        pygame.draw.line(surface, colour, (0, sy), (view.width, sy))


def draw_axes(surface: pygame.Surface, view: EditorView) -> None:
    """A small cross at the world origin."""
    ox, oy = (round(v) for v in view.to_screen(0.0, 0.0))
    pygame.draw.line(surface, GRASS, (ox - 4, oy), (ox + 4, oy))
    pygame.draw.line(surface, GRASS, (ox, oy - 4), (ox, oy + 4))


def _visible(polys: np.ndarray, view: EditorView) -> np.ndarray:
    lo = polys.min(axis=1)
    hi = polys.max(axis=1)
    return (hi[:, 0] >= 0) & (lo[:, 0] <= view.width) & (hi[:, 1] >= view.top) & (lo[:, 1] <= view.top + view.height)


def draw_track(surface: pygame.Surface, view: EditorView, geometry: DraftGeometry) -> None:
    """Tarmac, kerbs at the corners, edge lines, the centre line, direction arrows and the start line."""
    n = geometry.n_samples
    px_per_sample = geometry.spacing * view.zoom
    stride = max(1, int(math.ceil(QUAD_PIXELS / max(px_per_sample, 1e-9))))
    index = np.arange(0, n, stride)
    following = np.roll(index, -1)
    left = view.to_screen_array(geometry.left_edge)
    right = view.to_screen_array(geometry.right_edge)
    centre = view.to_screen_array(geometry.centerline)
    road = np.stack([left[index], left[following], right[following], right[index]], axis=1)
    for quad in road[_visible(road, view)]:
        pygame.draw.polygon(surface, TARMAC, quad)
    if view.zoom * KERB_WIDTH >= 1.5:
        _draw_kerbs(surface, view, geometry, left, right)
    narrow = float(np.median(geometry.width_left + geometry.width_right)) * view.zoom < 4.0
    if narrow:  # zoomed far out: the road is a line
        pygame.draw.lines(surface, LIGHT_GREY, True, centre[index], 2)
    else:
        pygame.draw.lines(surface, LIGHT_GREY, True, left[index])
        pygame.draw.lines(surface, LIGHT_GREY, True, right[index])
        dash = max(1, int(round(4.0 / max(px_per_sample, 1e-9))))
        for a in range(0, n - dash, 2 * dash):
            pygame.draw.line(surface, TARMAC_LIGHT, centre[a], centre[a + dash])
        _draw_chevrons(surface, view, geometry, centre)
    _draw_start_line(surface, view, geometry)


def _draw_kerbs(
    surface: pygame.Surface, view: EditorView, geometry: DraftGeometry, left: np.ndarray, right: np.ndarray
) -> None:
    n = geometry.n_samples
    kerb = np.abs(geometry.curvature) > KERB_CURVATURE
    if not kerb.any():
        return
    normals = geometry.normals * (KERB_WIDTH * view.zoom)
    normals[:, 1] *= -1.0  # screen y points down
    following = (np.arange(n) + 1) % n
    for edge, sign in ((left, 1.0), (right, -1.0)):
        outer = edge + sign * normals
        quads = np.stack([edge, edge[following], outer[following], outer], axis=1)
        show = kerb & _visible(quads, view)
        for i in np.flatnonzero(show):
            pygame.draw.polygon(surface, WHITE if i % 2 == 0 else KERB_RED, quads[i])


def _draw_chevrons(surface: pygame.Surface, view: EditorView, geometry: DraftGeometry, centre: np.ndarray) -> None:
    """Small arrows along the centre line pointing the way the cars drive."""
    every = max(1, int(CHEVRON_SPACING / max(geometry.spacing * view.zoom, 1e-9)))
    for i in range(every // 2, geometry.n_samples, every):
        x, y = centre[i]
        if not (0 <= x <= view.width and view.top <= y <= view.top + view.height):
            continue
        h = geometry.heading[i]
        dx, dy = math.cos(h), -math.sin(h)
        tip = (x + 3 * dx, y + 3 * dy)
        for side in (1.0, -1.0):
            tail = (x - 2 * dx + side * 3 * dy, y - 2 * dy - side * 3 * dx)
            pygame.draw.line(surface, WHITE, tail, tip)


def _draw_start_line(surface: pygame.Surface, view: EditorView, geometry: DraftGeometry) -> None:
    """A chequered band across the road at the first sample, and a flag."""
    (cx, cy), h = geometry.centerline[0], geometry.heading[0]
    wl, wr = float(geometry.width_left[0]), float(geometry.width_right[0])
    nx, ny = -math.sin(h), math.cos(h)
    fx, fy = math.cos(h), math.sin(h)
    total = wl + wr
    cells = int(min(max(total * view.zoom / 3.0, 2), 16))
    size = total / cells
    for row in range(2):
        for col in range(cells):
            lat0 = -wr + col * size
            corners = []
            for along, lat in ((-row * size, lat0), (-(row + 1) * size, lat0), (-(row + 1) * size, lat0 + size),
                               (-row * size, lat0 + size)):  # fmt: skip
                corners.append(view.to_screen(cx + fx * along + nx * lat, cy + fy * along + ny * lat))
            pygame.draw.polygon(surface, WHITE if (row + col) % 2 == 0 else BLACK, corners)
    a = view.to_screen(cx + nx * wl, cy + ny * wl)
    b = view.to_screen(cx - nx * wr, cy - ny * wr)
    pygame.draw.line(surface, WHITE, a, b, 2 if total * view.zoom < 6 else 1)
    # A flag on a pole beside the left edge.
    pole = view.to_screen(cx + nx * (wl + 1.0), cy + ny * (wl + 1.0))
    px, py = round(pole[0]), round(pole[1])
    pygame.draw.line(surface, WHITE, (px, py), (px, py - 9))
    for k in range(3):
        for j in range(2):
            surface.fill(WHITE if (k + j) % 2 == 0 else BLACK, (px + 1 + 2 * k, py - 9 + 2 * j, 2, 2))


# -- on top of the map ----------------------------------------------------------------------------------------------
def draw_points(
    surface: pygame.Surface, view: EditorView, draft: TrackDraft, selected: int | None, hovered: int | None
) -> None:
    """The control points: the start point lime, the selected one yellow, the hovered one ringed."""
    if draft.n_points == 0:
        return
    screen = view.to_screen_array(draft.points)
    if 1 < draft.n_points < 4:  # no spline yet: show the order
        pygame.draw.lines(surface, LIGHT_GREY, False, screen)
    gaps = np.linalg.norm(np.diff(screen, axis=0), axis=1) if draft.n_points > 1 else np.array([99.0])
    size = POINT_SIZE if float(np.median(gaps)) >= CROWDED_PIXELS else SMALL_POINT_SIZE
    for i, (x, y) in enumerate(screen):
        if not (-5 <= x <= view.width + 5 and view.top - 5 <= y <= view.top + view.height + 5):
            continue
        colour = YELLOW if i == selected else (LIME if i == 0 else WHITE)
        s = POINT_SIZE if i in (selected, hovered, 0) else size
        rx, ry = round(x) - s // 2, round(y) - s // 2
        surface.fill(BLACK, (rx - 1, ry - 1, s + 2, s + 2))
        surface.fill(colour, (rx, ry, s, s))
        if i == hovered or i == selected:
            pygame.draw.rect(surface, CYAN if i == hovered else YELLOW, (rx - 3, ry - 3, s + 6, s + 6), 1)


def draw_ghost(surface: pygame.Surface, pos: tuple[int, int], inserting: bool) -> None:
    """Where a click would put a new point: a hollow square (cyan when it would be inserted into the track)."""
    x, y = pos
    colour = CYAN if inserting else WHITE
    pygame.draw.rect(surface, colour, (x - 2, y - 2, POINT_SIZE, POINT_SIZE), 1)


def draw_problems(surface: pygame.Surface, view: EditorView, problems: Sequence[Problem]) -> None:
    """A ring at each problem's place and its label beside it (labels that would overlap are left out)."""
    f = font()
    taken: list[pygame.Rect] = []
    for problem in problems:
        if problem.position is None:
            continue
        x, y = (round(v) for v in view.to_screen(*problem.position))
        if not (-20 <= x <= view.width + 20 and view.top - 20 <= y <= view.top + view.height + 20):
            continue
        colour = SEVERITY_COLOURS[problem.severity]
        pygame.draw.circle(surface, BLACK, (x, y), 9, 1)
        pygame.draw.circle(surface, colour, (x, y), 8, 2)
        label = problem.label
        rect = pygame.Rect(x + 11, y - 5, text_width(label) + 4, 10)
        if rect.right > view.width:
            rect.right = x - 11
        if any(rect.colliderect(other) for other in taken):
            continue
        taken.append(rect)
        panel(surface, rect, 200)
        f.draw(surface, label, (rect.x + 2, rect.y + 2), colour, 1)


# -- toolbar and bars -----------------------------------------------------------------------------------------------
@dataclass
class Button:
    """A toolbar button.

    Attributes:
        label: Its text.
        action: What a click does.
        enabled: Returns False to grey it out.
        lit: Returns True to show it switched on (the grid).
    """

    label: str
    action: Callable[[], None]
    enabled: Callable[[], bool] | None = None
    lit: Callable[[], bool] | None = None
    rect: pygame.Rect | None = None


class Toolbar:
    """A row of buttons along the top of the screen."""

    def __init__(self, buttons: list[Button], right: list[Button] | None = None) -> None:
        self.buttons = buttons
        self.right = right or []

    def layout(self, width: int) -> None:
        """Place the buttons: ``buttons`` from the left, ``right`` from the right edge."""
        x = 1
        for button in self.buttons:
            button.rect = pygame.Rect(x, 0, text_width(button.label) + 6, TOOLBAR_HEIGHT - 1)
            x = button.rect.right + 1
        x = width - 1
        for button in reversed(self.right):
            w = text_width(button.label) + 6
            button.rect = pygame.Rect(x - w, 0, w, TOOLBAR_HEIGHT - 1)
            x = button.rect.left - 1

    def at(self, pos: tuple[int, int]) -> Button | None:
        """The button under a screen point."""
        for button in self.buttons + self.right:
            if button.rect is not None and button.rect.collidepoint(pos):
                return button
        return None

    def draw(self, surface: pygame.Surface, mouse: tuple[int, int]) -> None:
        """The bar and its buttons (the one under the mouse highlighted)."""
        w = surface.get_width()
        surface.fill(INK, (0, 0, w, TOOLBAR_HEIGHT))
        f = font()
        hover = self.at(mouse)
        for button in self.buttons + self.right:
            if button.rect is None:
                continue
            usable = button.enabled is None or button.enabled()
            lit = button.lit is not None and button.lit()
            fill = HIGHLIGHT if button is hover and usable else (DARK_GREY if lit else (40, 42, 62))
            surface.fill(fill, button.rect)
            colour = (YELLOW if lit or button is hover else WHITE) if usable else GREY
            f.draw(surface, button.label, (button.rect.x + 3, button.rect.y + 2), colour, 1, shadow=None)


def draw_status_bar(surface: pygame.Surface, left: str, right: str, colour: Colour = LIGHT_GREY) -> None:
    """The bottom bar: file and track facts on the left, a hint on the right."""
    w, h = surface.get_size()
    surface.fill(INK, (0, h - STATUS_HEIGHT, w, STATUS_HEIGHT))
    f = font()
    f.draw(surface, right, (w - 3, h - STATUS_HEIGHT + 3), GREY, 1, "right", shadow=None)
    room = (w - text_width(right) - 12) // 6
    f.draw(surface, left[:room], (3, h - STATUS_HEIGHT + 3), colour, 1, shadow=None)


def draw_message_line(
    surface: pygame.Surface, row: int, text: str, colour: Colour, fraction: float | None = None
) -> None:
    """A line of text on a dark band just above the status bar (``row`` 0 is the lowest), with a progress bar."""
    w, h = surface.get_size()
    y = h - STATUS_HEIGHT - 11 * (row + 1)
    panel(surface, (0, y, w, 11), 200)
    x = 3
    if fraction is not None:
        pygame.draw.rect(surface, DARK_GREY, (3, y + 2, 52, 7))
        pygame.draw.rect(surface, LIME, (4, y + 3, round(50 * min(max(fraction, 0.0), 1.0)), 5))
        x = 60
    font().draw(surface, text[: (w - x - 3) // 6], (x, y + 2), colour, 1)


HELP_LINES: tuple[tuple[str, str], ...] = (
    ("CLICK", "ADD A POINT AFTER THE SELECTED ONE"),
    ("CLICK ON ROAD", "INSERT A POINT THERE"),
    ("DRAG POINT", "MOVE IT"),
    ("RIGHT CLICK / DEL", "DELETE POINT"),
    ("INS / I", "INSERT POINT AFTER SELECTED"),
    ("TAB / SHIFT+TAB", "SELECT NEXT / PREVIOUS"),
    ("WHEEL ON POINT / [ ]", "POINT WIDTH -/+ 1 M"),
    ("SHIFT + [ ]", "WHOLE TRACK WIDTH -/+ 1 M"),
    ("W", "WIDTH: BOTH SIDES / LEFT / RIGHT ONLY"),
    ("SHIFT + ARROWS", "NUDGE SELECTED POINT"),
    ("S", "START LINE AT SELECTED POINT"),
    ("R", "REVERSE DIRECTION"),
    ("WHEEL / + -", "ZOOM"),
    ("RIGHT/MIDDLE DRAG, ARROWS", "PAN"),
    ("F / HOME", "FIT TRACK TO SCREEN"),
    ("G", "GRID AND SNAPPING ON / OFF"),
    ("CTRL+Z / CTRL+Y", "UNDO / REDO"),
    ("CTRL+N / O / S", "NEW / OPEN / SAVE"),
    ("CTRL+SHIFT+S", "SAVE AS"),
    ("CTRL+I", "IMPORT CIRCUIT CSV"),
    ("F5", "TEST DRIVE"),
    ("T", "TRAIN A DRIVER (OR CANCEL)"),
    ("H / F1", "THIS HELP"),
    ("ESC", "LEAVE THE EDITOR"),
)


def draw_help(surface: pygame.Surface) -> None:
    """The shortcuts, over a dimmed editor."""
    w, h = surface.get_size()
    shade = pygame.Surface((w, h), pygame.SRCALPHA)
    shade.fill((0, 0, 0, 150))
    surface.blit(shade, (0, 0))
    top = 18
    height = 30 + 9 * len(HELP_LINES)
    panel(surface, (40, top, w - 80, height), 235)
    f = font()
    f.draw(surface, "TRACK EDITOR KEYS", (w // 2, top + 6), YELLOW, 1, "center")
    for k, (keys, what) in enumerate(HELP_LINES):
        y = top + 20 + 9 * k
        f.draw(surface, keys, (196, y), CYAN, 1, "right")
        f.draw(surface, what, (206, y), WHITE, 1)
    f.draw(surface, "ANY KEY OR CLICK CLOSES THIS", (w // 2, top + height - 9), GREY, 1, "center")
