"""The bridge of a figure-eight: the upper road's deck drawn over the lower road, with its cars drawn above it.

A track whose metadata holds ``"bridge": {"over_arc_length": s_over, "under_arc_length": s_under}`` crosses
itself: near ``s_over`` the road runs over the road near ``s_under``. The tiles draw both roads flat; this deck,
drawn every frame between the cars below it and the cars on it, puts the upper road on top, with parapets on its
sides and its shadow on the road below.
"""

from __future__ import annotations

import math

import numpy as np
import pygame

from game.sim.physics import CAR_ARC_LENGTH
from game.sim.track import Track
from game.ui.render import PIXELS_PER_METRE
from game.ui.render.palette import DARK_GREY, LIGHT_GREY, TARMAC, WHITE

DECK_MARGIN = 6.0  # [m] the deck runs this far beyond the lower road's edges
SEARCH = 80.0  # [m] either side of each crossing point where the two roads are looked for
PARAPET = 0.8  # [m] wall on each side of the deck
SHADOW_OFFSET = (4, 4)  # [px] the sun is up and to the left
SHADOW_ALPHA = 70


class Bridge:
    """The deck over a figure-eight's crossing (see the module docstring).

    Args:
        track: A track whose metadata describes a bridge (else use :func:`bridge_for`, which returns None).
        ppm: Pixels per metre.
    """

    def __init__(self, track: Track, ppm: float = PIXELS_PER_METRE) -> None:
        info = track.metadata["bridge"]
        self.track = track
        self.ppm = ppm
        over, under = float(info["over_arc_length"]), float(info["under_arc_length"])
        length, spacing = track.length, track.spacing
        n = track.n_samples
        upper = (np.arange(-int(SEARCH / spacing), int(SEARCH / spacing) + 1) + int(over / spacing)) % n
        lower = (np.arange(-int(SEARCH / spacing), int(SEARCH / spacing) + 1) + int(under / spacing)) % n
        centre = track.centerline
        # Upper-road samples over the lower road (with a margin): distance to the lower centre line under its
        # half width plus the margin.
        d = np.sqrt(((centre[upper][:, None, :] - centre[lower][None, :, :]) ** 2).sum(axis=2))
        nearest = np.argmin(d, axis=1)
        reach = 0.5 * (track.width_left[lower] + track.width_right[lower])[nearest] + DECK_MARGIN
        on_deck = upper[d[np.arange(len(upper)), nearest] < reach]
        if len(on_deck) == 0:
            on_deck = upper[len(upper) // 2 : len(upper) // 2 + 1]
        offsets = ((on_deck - int(over / spacing) + n // 2) % n) - n // 2
        first, last = int(offsets.min()), int(offsets.max())
        self.start = (over + first * spacing) % length  # [m] arc length where the deck begins
        self.span = (last - first) * spacing  # [m] its length along the upper road
        samples = (np.arange(first, last + 2) + int(over / spacing)) % n
        self.surface, self.shadow, self.origin = self._paint(samples)

    def _paint(self, samples: np.ndarray) -> tuple[pygame.Surface, pygame.Surface, tuple[int, int]]:
        track, ppm = self.track, self.ppm
        normals = track.normals[samples]
        left = track.left_edge[samples]
        right = track.right_edge[samples]
        wall_left = left + normals * PARAPET
        wall_right = right - normals * PARAPET
        points = np.concatenate([wall_left, wall_right]) * np.array([ppm, -ppm])
        lo = np.floor(points.min(axis=0)) - 2
        hi = np.ceil(points.max(axis=0)) + 2
        size = (int(hi[0] - lo[0]), int(hi[1] - lo[1]))

        def px(xy: np.ndarray) -> list[tuple[float, float]]:
            return [(x * ppm - lo[0], -y * ppm - lo[1]) for x, y in xy]

        deck = pygame.Surface(size, pygame.SRCALPHA)
        outline = px(wall_left) + px(wall_right)[::-1]
        pygame.draw.polygon(deck, DARK_GREY, outline)
        pygame.draw.polygon(deck, TARMAC, px(left) + px(right)[::-1])
        pygame.draw.lines(deck, LIGHT_GREY, False, px(wall_left), 2)
        pygame.draw.lines(deck, LIGHT_GREY, False, px(wall_right), 2)
        pygame.draw.lines(deck, WHITE, False, px(left), 1)
        pygame.draw.lines(deck, WHITE, False, px(right), 1)
        shadow = pygame.Surface(size, pygame.SRCALPHA)
        pygame.draw.polygon(shadow, (0, 0, 0, SHADOW_ALPHA), outline)
        return deck, shadow, (int(lo[0]), int(lo[1]))

    def on_deck(self, cars: np.ndarray) -> np.ndarray:
        """Which cars are on the bridge (by how far along the track each one is)."""
        ahead = (cars[:, CAR_ARC_LENGTH] - self.start) % self.track.length
        return ahead <= self.span

    def draw(self, surface: pygame.Surface, camera: tuple[float, float]) -> None:
        """The deck's shadow and the deck, for a camera at world pixel ``camera``."""
        w, h = surface.get_size()
        x = self.origin[0] - math.floor(camera[0] - w / 2)
        y = self.origin[1] - math.floor(camera[1] - h / 2)
        if x > w or y > h or x + self.surface.get_width() < 0 or y + self.surface.get_height() < 0:
            return
        surface.blit(self.shadow, (x + SHADOW_OFFSET[0], y + SHADOW_OFFSET[1]))
        surface.blit(self.surface, (x, y))


def bridge_for(track: Track, ppm: float = PIXELS_PER_METRE) -> Bridge | None:
    """The track's bridge, or None when it has none (or its metadata cannot be read)."""
    info = track.metadata.get("bridge") if isinstance(track.metadata, dict) else None
    if not isinstance(info, dict):
        return None
    try:
        return Bridge(track, ppm)
    except (KeyError, TypeError, ValueError):
        return None
