"""The race HUD: position, lap, lap times, speed, the minimap, the start lights and banners."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pygame

from game.sim.physics import CAR_X, CAR_Y
from game.sim.race import N_LIGHTS, Race
from game.sim.track import Track
from game.ui.render.font import font, text_width
from game.ui.render.palette import (
    BLACK,
    DARK_GREY,
    GREY,
    INK,
    LIGHT_GREY,
    LIME,
    RED,
    WHITE,
    YELLOW,
    Colour,
)
from game.ui.render.panel import panel
from game.ui.text import format_time

MINIMAP_SIZE = 84  # [px]


def track_outline(track: Track, size: tuple[int, int], colour: Colour = LIGHT_GREY, width: int = 3) -> pygame.Surface:
    """The track's shape fitted into ``size`` (transparent background), with the start line marked."""
    surface = pygame.Surface(size, pygame.SRCALPHA)
    points = _fit(track.centerline, size, margin=width + 2)
    pygame.draw.lines(surface, BLACK, True, points, width + 2)
    pygame.draw.lines(surface, colour, True, points, width)
    sx, sy = points[0]
    pygame.draw.rect(surface, WHITE, (sx - 1, sy - 1, 3, 3))
    return surface


def _fit(xy: np.ndarray, size: tuple[int, int], margin: int) -> list[tuple[float, float]]:
    transform = fit_transform(xy, size, margin)
    return [transform(x, y) for x, y in xy[:: max(len(xy) // 300, 1)]]


def fit_transform(xy: np.ndarray, size: tuple[int, int], margin: int):  # noqa: ANN201
    """A function (x, y) [m] -> pixel that fits the points' bounding box into ``size`` (y up -> down)."""
    lo = xy.min(axis=0)
    hi = xy.max(axis=0)
    span = np.maximum(hi - lo, 1.0)
    scale = min((size[0] - 2 * margin) / span[0], (size[1] - 2 * margin) / span[1])
    ox = (size[0] - span[0] * scale) / 2.0
    oy = (size[1] - span[1] * scale) / 2.0

    def transform(x: float, y: float) -> tuple[float, float]:
        return ox + (x - lo[0]) * scale, size[1] - (oy + (y - lo[1]) * scale)

    return transform


class Minimap:
    """The whole track in a corner, with a dot per car."""

    def __init__(self, track: Track, size: int = MINIMAP_SIZE) -> None:
        self.size = size
        self.background = pygame.Surface((size, size), pygame.SRCALPHA)
        self.background.fill((*INK, 150))
        self.background.blit(track_outline(track, (size, size), GREY, 2), (0, 0))
        self._transform = fit_transform(track.centerline, (size, size), margin=4)

    def draw(
        self,
        surface: pygame.Surface,
        pos: tuple[int, int],
        cars: np.ndarray,
        colours: Sequence[Colour],
        focus: int | None,
    ) -> None:
        """Blit the map at ``pos`` and the cars on it; the focused car last, ringed in white."""
        surface.blit(self.background, pos)
        order = [i for i in range(cars.shape[0]) if i != focus] + ([focus] if focus is not None else [])
        for i in order:
            x, y = self._transform(cars[i, CAR_X], cars[i, CAR_Y])
            px, py = int(pos[0] + x), int(pos[1] + y)
            if i == focus:
                pygame.draw.rect(surface, WHITE, (px - 2, py - 2, 5, 5))
            pygame.draw.rect(surface, colours[i], (px - 1, py - 1, 3, 3))

    def draw_dot(self, surface: pygame.Surface, pos: tuple[int, int], x: float, y: float, colour: Colour) -> None:
        """A small dot at world point (x, y) [m] on the map drawn at ``pos`` (a ghost)."""
        mx, my = self._transform(x, y)
        pygame.draw.rect(surface, colour, (int(pos[0] + mx) - 1, int(pos[1] + my) - 1, 2, 2))


def draw_lights(surface: pygame.Surface, lights_on: int, go: bool) -> None:
    """The start gantry at the top of the screen: red lights, then all green."""
    f = font()
    w = surface.get_width()
    box_w = N_LIGHTS * 22 + 10
    x0 = (w - box_w) // 2
    panel(surface, (x0, 26, box_w, 28), 200)
    for k in range(N_LIGHTS):
        colour = LIME if go else (RED if k < lights_on else DARK_GREY)
        cx = x0 + 16 + k * 22
        pygame.draw.circle(surface, BLACK, (cx, 40), 9)
        pygame.draw.circle(surface, colour, (cx, 40), 7)
        if go or k < lights_on:
            pygame.draw.circle(surface, WHITE, (cx - 2, 38), 2)
    if go:
        f.draw(surface, "GO!", (w // 2, 62), LIME, 3, "center")


class Hud:
    """Draws the HUD for the car the camera follows."""

    def __init__(self, race: Race, colours: Sequence[Colour], time_trial: bool = False) -> None:
        self.race = race
        self.colours = colours
        self.time_trial = time_trial  # no position and no race distance: "TIME TRIAL" and the lap number
        self.minimap = Minimap(race.track)

    def draw(self, surface: pygame.Surface, cars: np.ndarray, focus: int, best_lap: float | None, flash: bool) -> None:
        """Position, lap, times, speed and minimap for car ``focus``; ``best_lap`` is the saved record."""
        race = self.race
        f = font()
        w, h = surface.get_size()
        n = race.n_cars
        position = race.position_of(focus)
        timer = race.timers[focus]
        panel(surface, (4, 4, 112, 40))
        if self.time_trial:
            f.draw(surface, "TIME TRIAL", (8, 8), YELLOW, 1)
            f.draw(surface, f"LAP {timer.laps + 1}" if timer.laps else "OUT LAP", (8, 20), WHITE, 2)
        else:
            f.draw(surface, f"P{position}", (8, 8), YELLOW, 3)
            f.draw(surface, f"/{n}", (8 + 6 * 3 * len(f"P{position}"), 15), LIGHT_GREY, 1)
            lap = race.lap_of(focus)
            f.draw(surface, f"LAP {lap}/{race.config.laps}", (60, 10), WHITE, 1)
            f.draw(surface, race.names[focus], (60, 22), self.colours[focus], 1)
            if race.finished(focus):
                f.draw(surface, "FINISHED", (60, 32), LIME, 1)

        panel(surface, (w - 128, 4, 124, 44))
        current = timer.current_lap_time(race.race_time) if race.started and not race.finished(focus) else None
        session_best = timer.best_lap
        if self.time_trial:  # the out lap, from the grid, is no lap to beat
            session_best = min(timer.lap_times[1:]) if len(timer.lap_times) > 1 else None
        for row, (label, value, colour) in enumerate(
            (
                ("TIME", current, WHITE),
                ("LAST", timer.last_lap, LIGHT_GREY),
                ("BEST", session_best if best_lap is None else min(best_lap, session_best or best_lap), YELLOW),
            )
        ):
            f.draw(surface, label, (w - 124, 8 + row * 13), GREY, 1)
            f.draw(surface, format_time(value), (w - 8, 8 + row * 13), colour, 1, "right")

        speed_kmh = race.speed(focus) * 3.6
        panel(surface, (4, h - 26, 118, 22))
        f.draw(surface, f"{speed_kmh:3.0f}", (8, h - 22), WHITE, 2)
        f.draw(surface, "KM/H", (46, h - 15), GREY, 1)
        bar = int(min(speed_kmh / 320.0, 1.0) * 36)
        pygame.draw.rect(surface, DARK_GREY, (78, h - 19, 38, 8))
        pygame.draw.rect(surface, YELLOW if speed_kmh < 250 else RED, (79, h - 18, bar, 6))

        self.minimap.draw(surface, (w - MINIMAP_SIZE - 4, h - MINIMAP_SIZE - 4), cars, self.colours, focus)

        if not race.started:
            draw_lights(surface, race.lights_on, False)
        elif race.race_time < 1.0:
            draw_lights(surface, N_LIGHTS, True)
        if race.wrong_way(focus) and flash:
            panel(surface, (w // 2 - 80, h // 2 - 40, 160, 24), 200)
            f.draw(surface, "WRONG WAY!", (w // 2, h // 2 - 35), RED, 2, "center")


def banner(surface: pygame.Surface, lines: Sequence[tuple[str, Colour]], y: int, scale: int = 1) -> None:
    """Centered lines of text on a dark band."""
    f = font()
    w = surface.get_width()
    height = len(lines) * (8 * scale + 3) + 6
    width = max(text_width(text, scale) for text, _ in lines) + 16
    panel(surface, ((w - width) // 2, y, width, height), 190)
    for k, (text, colour) in enumerate(lines):
        f.draw(surface, text, (w // 2, y + 4 + k * (8 * scale + 3)), colour, scale, "center")
