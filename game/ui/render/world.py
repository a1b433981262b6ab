"""The world seen from above: the track pre-drawn into tiles, skid marks painted into them, cars on top.

World coordinates are metres with y up; world pixels are ``(x * ppm, -y * ppm)``. The track is drawn once,
into 256-pixel tiles (grass, gravel traps, kerbs at corners, tarmac with edge lines, the start line, grid
slots and trees); a frame blits the few tiles the camera sees. Tiles far from the track share one grass tile.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pygame
from scipy.spatial import cKDTree

from game.sim.physics import CAR_HEADING, CAR_X, CAR_Y
from game.sim.track import Track
from game.ui.render import PIXELS_PER_METRE
from game.ui.render.palette import (
    BLACK,
    GRASS,
    GRASS_DARK,
    GRASS_LIGHT,
    KERB_RED,
    LIGHT_GREY,
    SAND,
    SAND_DARK,
    SKID,
    TARMAC,
    TARMAC_LIGHT,
    WHITE,
    Colour,
)
from game.ui.render.sprites import SHADOW_OFFSET, TREE_SHADOW_OFFSET, CarSprites, tree_sprite

TILE = 256  # [px]
KERB_CURVATURE = 1.0 / 110.0  # [1/m] corners tighter than this get kerbs
KERB_WIDTH = 1.2  # [m]
GRAVEL_CURVATURE = 1.0 / 55.0  # [1/m] corners tighter than this get a gravel trap on the outside
GRAVEL_WIDTH = 8.0  # [m]
TREE_SPACING = 15.0  # [m] between candidate tree spots
TREE_NEAR = 14.0  # [m] beyond the widest edge: no tree closer to the centre line than this
TREE_FAR = 75.0  # [m] and none further out than this
MOW_STRIPE = 16  # [px] width of a mowing stripe in the grass


def _boxes(polys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(lo, hi) corners of each polygon's bounding box [px]."""
    if len(polys) == 0:
        return np.zeros((0, 2)), np.zeros((0, 2))
    return polys.min(axis=1), polys.max(axis=1)


def _dilate(mask: np.ndarray, reach: int) -> np.ndarray:
    out = mask.copy()
    for k in range(1, reach + 1):
        out |= np.roll(mask, k) | np.roll(mask, -k)
    return out


class TrackArt:
    """Tiles of the drawn track, made on first sight (or all at once with :meth:`prerender`)."""

    def __init__(
        self,
        track: Track,
        grid_slots: Sequence[tuple[float, float]] = (),
        ppm: float = PIXELS_PER_METRE,
        seed: int = 7,
    ) -> None:
        self.track = track
        self.ppm = ppm
        self.tiles: dict[tuple[int, int], pygame.Surface] = {}
        self.skids_painted = 0
        self._grass = self._grass_tile(seed)
        self._rng = np.random.default_rng(seed)
        n = track.n_samples
        normals = track.normals
        left, right = track.left_edge, track.right_edge
        kerb = _dilate(np.abs(track.curvature) > KERB_CURVATURE, 3)
        gravel = _dilate(np.abs(track.curvature) > GRAVEL_CURVATURE, 6)
        nxt = (np.arange(n) + 1) % n
        self._road = self._px(np.stack([left, left[nxt], right[nxt], right], axis=1))
        kerb_left = left + normals * KERB_WIDTH
        kerb_right = right - normals * KERB_WIDTH
        self._kerbs = np.concatenate(
            [
                self._px(np.stack([left, left[nxt], kerb_left[nxt], kerb_left], axis=1))[kerb],
                self._px(np.stack([right, right[nxt], kerb_right[nxt], kerb_right], axis=1))[kerb],
            ]
        )
        stripe = (np.arange(n) % 2 == 0)[kerb]
        self._kerb_colours = np.concatenate([stripe, stripe])
        # Gravel on the outside of tight corners: right of a left-hander, left of a right-hander. The side is set
        # by the tightest point nearby, so the run-in and run-out of a corner keep the corner's side.
        reach = np.arange(-8, 9)
        window = track.curvature[(np.arange(n)[:, None] + reach[None, :]) % n]
        corner = window[np.arange(n), np.argmax(np.abs(window), axis=1)]
        outside_left = corner < 0.0
        edge = np.where(outside_left[:, None], left, right)
        out_dir = np.where(outside_left[:, None], normals, -normals)
        inner = edge + out_dir * KERB_WIDTH
        outer = edge + out_dir * (KERB_WIDTH + GRAVEL_WIDTH)
        same_side = outside_left == outside_left[nxt]
        use = gravel & same_side
        self._gravel = self._px(np.stack([inner, inner[nxt], outer[nxt], outer], axis=1))[use]
        self._edges = np.concatenate(
            [self._px(np.stack([left, left[nxt]], axis=1)), self._px(np.stack([right, right[nxt]], axis=1))]
        )
        self._start = self._start_line()
        self._marks = self._grid_marks(grid_slots)
        self._trees = self._place_trees()
        self._tree_sprites = [tree_sprite(k) for k in range(3)]
        everything = np.concatenate(
            [self._road.reshape(-1, 2), self._gravel.reshape(-1, 2), self._kerbs.reshape(-1, 2)]
        )
        self.bounds = (everything.min(axis=0) - TILE, everything.max(axis=0) + TILE)
        # Bounding boxes of every road, kerb, gravel and edge polygon, computed once (per tile, computing them
        # cost as much as the whole track, so a long track's tiles took minutes).
        self._boxes = {
            "road": _boxes(self._road),
            "kerbs": _boxes(self._kerbs),
            "gravel": _boxes(self._gravel),
            "edges": _boxes(self._edges),
        }

    # -- geometry ----------------------------------------------------------------------------------------------
    def _px(self, points: np.ndarray) -> np.ndarray:
        out = np.empty_like(points)
        out[..., 0] = points[..., 0] * self.ppm
        out[..., 1] = -points[..., 1] * self.ppm
        return out

    def _quad(self, arc0: float, arc1: float, lat0: float, lat1: float) -> np.ndarray:
        track = self.track
        corners = [track.pose_at(a, lat)[:2] for a, lat in ((arc0, lat0), (arc1, lat0), (arc1, lat1), (arc0, lat1))]
        return self._px(np.array(corners))

    def _start_line(self) -> list[tuple[np.ndarray, Colour]]:
        """A chequered band across the road at the start/finish line."""
        track = self.track
        width_left, width_right = float(track.width_left[0]), float(track.width_right[0])
        squares = []
        cells = max(int((width_left + width_right) / 1.0), 2)
        size = (width_left + width_right) / cells
        for row in range(2):
            for col in range(cells):
                lat0 = -width_right + col * size
                quad = self._quad(row * size - size, row * size, lat0, lat0 + size)
                squares.append((quad, WHITE if (row + col) % 2 == 0 else BLACK))
        return squares

    def _grid_marks(self, slots: Sequence[tuple[float, float]]) -> list[np.ndarray]:
        """White brackets in front of each grid slot."""
        marks = []
        for arc, lateral in slots:
            marks.append(self._quad(arc + 2.6, arc + 3.0, lateral - 1.4, lateral + 1.4))
            marks.append(self._quad(arc + 0.6, arc + 3.0, lateral - 1.4, lateral - 1.1))
            marks.append(self._quad(arc + 0.6, arc + 3.0, lateral + 1.1, lateral + 1.4))
        return marks

    def _place_trees(self) -> np.ndarray:
        """(k, 3) tree spots in world pixels (x, y, variant): on the grass near, never on, the track."""
        track = self.track
        centre = track.centerline
        margin = float(np.max(track.width_left + track.width_right)) * 0.5
        lo = centre.min(axis=0) - TREE_FAR
        hi = centre.max(axis=0) + TREE_FAR
        xs = np.arange(lo[0], hi[0], TREE_SPACING)
        ys = np.arange(lo[1], hi[1], TREE_SPACING)
        gx, gy = np.meshgrid(xs, ys)
        spots = np.stack([gx.ravel(), gy.ravel()], axis=1)
        spots += self._rng.uniform(-0.45, 0.45, spots.shape) * TREE_SPACING
        coarse = centre[:: max(int(4.0 / track.spacing), 1)]
        # Nearest centre-line point of every spot through a k-d tree: O(n log n), where a brute-force search
        # grew with the track's length times its area (a 30 km track took minutes to load).
        nearest, _ = cKDTree(coarse).query(spots, distance_upper_bound=margin + TREE_FAR)
        keep = (nearest > margin + TREE_NEAR) & (nearest < margin + TREE_FAR)
        keep &= self._rng.random(len(spots)) < 0.55
        spots = self._px(spots[keep])
        variants = self._rng.integers(0, 3, len(spots))
        return np.column_stack([spots, variants])

    # -- tiles --------------------------------------------------------------------------------------------------
    def _grass_tile(self, seed: int) -> pygame.Surface:
        tile = pygame.Surface((TILE, TILE))
        for y in range(0, TILE, MOW_STRIPE):
            tile.fill(GRASS if (y // MOW_STRIPE) % 2 == 0 else GRASS_LIGHT, (0, y, TILE, MOW_STRIPE))
        rng = np.random.default_rng(seed)
        for x, y in rng.integers(0, TILE, (220, 2)):
            tile.set_at((int(x), int(y)), GRASS_DARK)
        return tile

    def _touching(self, kind: str, x0: float, y0: float) -> np.ndarray:
        lo, hi = self._boxes[kind]
        return (hi[:, 0] >= x0) & (lo[:, 0] <= x0 + TILE) & (hi[:, 1] >= y0) & (lo[:, 1] <= y0 + TILE)

    def near_track(self, ix: int, iy: int) -> bool:
        """Does the tile hold any part of the track (or its trees)?"""
        (lx, ly), (hx, hy) = self.bounds
        return lx <= ix * TILE <= hx and ly <= iy * TILE <= hy

    def tile(self, ix: int, iy: int, create: bool = True) -> pygame.Surface:
        """The tile at tile coordinates (ix, iy), drawn if needed."""
        key = (ix, iy)
        surface = self.tiles.get(key)
        if surface is not None:
            return surface
        if not create and not self.near_track(ix, iy):
            return self._grass
        surface = self._render_tile(ix, iy)
        self.tiles[key] = surface
        return surface

    def _render_tile(self, ix: int, iy: int) -> pygame.Surface:
        x0, y0 = ix * TILE, iy * TILE
        origin = np.array([x0, y0], dtype=np.float64)
        surface = self._grass.copy()
        draw_polygon = pygame.draw.polygon
        for quad in self._gravel[self._touching("gravel", x0, y0)]:
            draw_polygon(surface, SAND, quad - origin)
        kerb_touch = self._touching("kerbs", x0, y0)
        for quad, white in zip(self._kerbs[kerb_touch], self._kerb_colours[kerb_touch], strict=True):
            draw_polygon(surface, WHITE if white else KERB_RED, quad - origin)
        road_touch = self._touching("road", x0, y0)
        for quad in self._road[road_touch]:
            draw_polygon(surface, TARMAC, quad - origin)
        if road_touch.any() or len(self._gravel):
            self._texture(surface)
        for a, b in self._edges[self._touching("edges", x0, y0)] - origin:
            pygame.draw.line(surface, LIGHT_GREY, a, b)
        for quad, colour in self._start:
            draw_polygon(surface, colour, quad - origin)
        for quad in self._marks:
            draw_polygon(surface, WHITE, quad - origin)
        tx, ty = self._trees[:, 0], self._trees[:, 1]
        near = (tx >= x0 - 12) & (tx <= x0 + TILE + 12) & (ty >= y0 - 12) & (ty <= y0 + TILE + 12)
        for x, y, variant in self._trees[near]:
            image, shadow = self._tree_sprites[int(variant)]
            px, py = int(x - x0) - image.get_width() // 2, int(y - y0) - image.get_height() // 2
            surface.blit(shadow, (px + TREE_SHADOW_OFFSET[0], py + TREE_SHADOW_OFFSET[1]))
            surface.blit(image, (px, py))
        return surface

    def _texture(self, surface: pygame.Surface) -> None:
        """Speckle the tarmac and the gravel so they read as surfaces, not flat fills."""
        pixels = pygame.surfarray.pixels2d(surface)  # one mapped integer per pixel: one comparison, not three
        noise = self._rng.random(pixels.shape)
        pixels[(noise < 0.06) & (pixels == surface.map_rgb(TARMAC))] = surface.map_rgb(TARMAC_LIGHT)
        pixels[(noise < 0.15) & (pixels == surface.map_rgb(SAND))] = surface.map_rgb(SAND_DARK)
        del pixels

    def prerender(self) -> None:
        """Draw every tile the track touches now, so no frame has to."""
        polys = np.concatenate([self._road, self._kerbs, self._gravel]) if len(self._gravel) else self._road
        lo = np.floor(polys.min(axis=1) / TILE).astype(int)
        hi = np.floor(polys.max(axis=1) / TILE).astype(int)
        keys = set()
        for (ax, ay), (bx, by) in zip(lo, hi, strict=True):
            for ix in range(ax, bx + 1):
                for iy in range(ay, by + 1):
                    keys.add((ix, iy))
        for key in sorted(keys):
            self.tile(*key)

    # -- skid marks ---------------------------------------------------------------------------------------------
    def paint_skids(self, marks: Sequence[tuple[float, float, float, float, float]], serial: int) -> None:
        """Paint the marks made since the last call into the tiles (``serial``: total marks ever made)."""
        new = min(serial - self.skids_painted, len(marks))
        self.skids_painted = serial
        if new <= 0:
            return
        ppm = self.ppm
        for k in range(len(marks) - new, len(marks)):
            x0, y0, x1, y1, strength = marks[k]
            a = (x0 * ppm, -y0 * ppm)
            b = (x1 * ppm, -y1 * ppm)
            colour = SKID if strength > 0.5 else (60, 60, 70)
            for ix in {math.floor(a[0] / TILE), math.floor(b[0] / TILE)}:
                for iy in {math.floor(a[1] / TILE), math.floor(b[1] / TILE)}:
                    tile = self.tile(ix, iy)
                    ox, oy = ix * TILE, iy * TILE
                    pygame.draw.line(tile, colour, (a[0] - ox, a[1] - oy), (b[0] - ox, b[1] - oy))

    # -- drawing ------------------------------------------------------------------------------------------------
    def draw(self, surface: pygame.Surface, camera: tuple[float, float]) -> None:
        """Blit the tiles around ``camera`` (world pixels at the centre of ``surface``)."""
        w, h = surface.get_size()
        left = int(math.floor(camera[0] - w / 2))
        top = int(math.floor(camera[1] - h / 2))
        for ix in range(math.floor(left / TILE), math.floor((left + w) / TILE) + 1):
            for iy in range(math.floor(top / TILE), math.floor((top + h) / TILE) + 1):
                surface.blit(self.tile(ix, iy, create=False), (ix * TILE - left, iy * TILE - top))


def world_to_screen(
    x: float, y: float, camera: tuple[float, float], size: tuple[int, int], ppm: float
) -> tuple[int, int]:
    """Screen pixel of a world point [m] for a camera at world pixel ``camera``."""
    left = math.floor(camera[0] - size[0] / 2)
    top = math.floor(camera[1] - size[1] / 2)
    return int(round(x * ppm)) - left, int(round(-y * ppm)) - top


def draw_cars(
    surface: pygame.Surface,
    cars: np.ndarray,
    colours: Sequence[Colour],
    sprites: CarSprites,
    camera: tuple[float, float],
    ppm: float = PIXELS_PER_METRE,
) -> None:
    """Shadows first, then the cars, so no shadow falls on a car."""
    size = surface.get_size()
    placed = []
    for i in range(cars.shape[0]):
        sx, sy = world_to_screen(cars[i, CAR_X], cars[i, CAR_Y], camera, size, ppm)
        if -20 <= sx <= size[0] + 20 and -20 <= sy <= size[1] + 20:
            image, shadow = sprites.get(colours[i], cars[i, CAR_HEADING])
            placed.append((sx - image.get_width() // 2, sy - image.get_height() // 2, image, shadow))
    for x, y, _, shadow in placed:
        surface.blit(shadow, (x + SHADOW_OFFSET[0], y + SHADOW_OFFSET[1]))
    for x, y, image, _ in placed:
        surface.blit(image, (x, y))


def interpolate_cars(previous: np.ndarray, current: np.ndarray, alpha: float, out: np.ndarray) -> np.ndarray:
    """Positions and headings between two physics ticks (``alpha`` in [0, 1]), into ``out``."""
    np.copyto(out, current)
    out[:, CAR_X] = previous[:, CAR_X] + alpha * (current[:, CAR_X] - previous[:, CAR_X])
    out[:, CAR_Y] = previous[:, CAR_Y] + alpha * (current[:, CAR_Y] - previous[:, CAR_Y])
    turn = (current[:, CAR_HEADING] - previous[:, CAR_HEADING] + np.pi) % (2.0 * np.pi) - np.pi
    out[:, CAR_HEADING] = previous[:, CAR_HEADING] + alpha * turn
    return out
