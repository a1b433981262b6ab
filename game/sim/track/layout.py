"""Track layouts from racing primitives: straights and corners with clothoid transitions, closed exactly.

A layout is a loop of elements, :class:`Straight` and :class:`Corner`, in driving order. A corner has a radius and
a turn angle; its curvature ramps linearly from zero to 1/radius (a clothoid, as road designers use, so the
steering changes smoothly), holds, and ramps back. A hairpin, a chicane or a sweeper is a corner or a few corners
with short straights between them.

The loop is closed exactly by :func:`close_loop`: the adjustable straights are lengthened or shortened, as little
as possible, until the end meets the start (and, if asked, the loop has a given length). Corners are never
distorted, so every radius a layout asks for is a radius of the track. :func:`layout_track` then samples the loop
into control points and builds the :class:`~game.sim.track.Track`.

Units: metres and radians, turns positive to the left. This module never imports pygame.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from game.sim.track import Track, TrackError

CONTROL_SPACING = 5.0  # [m] distance between the control points of a laid-out track (real circuit files use 5 m)
TRACE_STEP = 0.5  # [m] integration step when tracing a loop
DEFAULT_WIDTH = 10.0  # [m] total width where a layout gives none


@dataclass(frozen=True)
class Straight:
    """A straight.

    Attributes:
        length: [m].
        adjustable: Whether :func:`close_loop` may change the length to close the loop.
        width: Total track width (left + right) in the middle of the straight [m]; None to interpolate.
    """

    length: float
    adjustable: bool = True
    width: float | None = None


@dataclass(frozen=True)
class Corner:
    """A corner: a clothoid in, an arc of constant radius, a clothoid out.

    Attributes:
        radius: Radius of the arc [m].
        turn: Change of heading through the corner [rad], positive to the left.
        transition: Share of the corner's turn made in the two clothoids together (0: a bare arc, 1: no arc).
        width: Total track width at the apex [m]; None to interpolate.
    """

    radius: float
    turn: float
    transition: float = 0.4
    width: float | None = None

    @property
    def length(self) -> float:
        """Length of the corner along the centre line [m]."""
        return self.radius * abs(self.turn) * (1.0 + self.transition)


Element = Straight | Corner


class LayoutError(TrackError):
    """A layout that cannot be closed or laid out."""


def _pieces(element: Element) -> list[tuple[float, float, float]]:
    """(length, curvature at start, curvature at end) of the element's constant or linear-curvature pieces."""
    if isinstance(element, Straight):
        return [(element.length, 0.0, 0.0)]
    kappa = math.copysign(1.0 / element.radius, element.turn)
    arc = element.radius * abs(element.turn) * (1.0 - element.transition)
    clothoid = element.radius * abs(element.turn) * element.transition
    pieces = [(clothoid, 0.0, kappa), (arc, kappa, kappa), (clothoid, kappa, 0.0)]
    return [p for p in pieces if p[0] > 0.0]


def _turn(element: Element) -> float:
    return 0.0 if isinstance(element, Straight) else element.turn


@dataclass(frozen=True)
class _Pieces:
    """The loop as pieces of constant or linearly varying curvature, in driving order."""

    length: np.ndarray  # (p,) [m]
    kappa_start: np.ndarray  # (p,) [1/m]
    kappa_end: np.ndarray  # (p,) [1/m]
    start: np.ndarray  # (p,) arc length where each piece begins [m]
    heading: np.ndarray  # (p,) heading where each piece begins [rad]
    element: np.ndarray  # (p,) index of the element each piece belongs to

    @classmethod
    def of(cls, elements: Sequence[Element]) -> _Pieces:
        rows = [(*p, k) for k, e in enumerate(elements) for p in _pieces(e) if p[0] > 0.0]
        if not rows:
            raise LayoutError("the layout has no length")
        length, k0, k1, element = (np.array(c) for c in zip(*rows, strict=True))
        turn = 0.5 * (k0 + k1) * length
        start = np.concatenate([[0.0], np.cumsum(length)[:-1]])
        heading = np.concatenate([[0.0], np.cumsum(turn)[:-1]])
        return cls(length, k0, k1, start, heading, element.astype(np.intp))

    def heading_at(self, s: np.ndarray) -> np.ndarray:
        """Heading at arc lengths s in [0, total] [rad]."""
        k = np.clip(np.searchsorted(self.start, s, side="right") - 1, 0, self.length.size - 1)
        t = s - self.start[k]
        dk = self.kappa_end[k] - self.kappa_start[k]
        return self.heading[k] + self.kappa_start[k] * t + dk * t**2 / (2.0 * self.length[k])

    def steps(self, step: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Integration steps of at most ``step`` metres: (piece index, length [m], heading at the middle [rad])."""
        n = np.maximum(np.ceil(self.length / step).astype(np.intp), 1)
        piece = np.repeat(np.arange(n.size), n)
        h = (self.length / n)[piece]
        first = np.concatenate([[0], np.cumsum(n)[:-1]])
        t_mid = (np.arange(piece.size) - first[piece] + 0.5) * h
        return piece, h, self.heading_at(self.start[piece] + t_mid)


def close_loop(
    elements: Sequence[Element],
    total_length: float | None = None,
    min_straight: float = 5.0,
    max_straight: float = 1500.0,
) -> list[Element]:
    """Adjust the adjustable straights so that the loop ends where it starts, heading the same way.

    The headings do not depend on the straights, so closing the loop is linear in their lengths. Among the
    solutions, the one changing the lengths least (relative to each length) is taken, within the bounds.

    Args:
        elements: The loop, with turns summing to a whole number of full turns (2 pi for a circuit, 0 for a
            figure-eight).
        total_length: Length the loop must have [m]; None to leave it free.
        min_straight: Shortest an adjustable straight may become [m].
        max_straight: Longest an adjustable straight may become [m].

    Returns:
        The elements with the adjustable straights' lengths changed.

    Raises:
        LayoutError: The turns do not close, or no lengths within the bounds close the loop.
    """
    turns = np.array([_turn(e) for e in elements])
    total_turn = float(np.sum(turns))
    if abs(total_turn - 2.0 * math.pi * round(total_turn / (2.0 * math.pi))) > 1e-6:
        raise LayoutError(f"turns add up to {math.degrees(total_turn):.1f} degrees, not whole turns")
    start_heading = np.concatenate([[0.0], np.cumsum(turns)[:-1]])
    free = np.array([isinstance(e, Straight) and e.adjustable for e in elements])
    if not np.any(free):
        raise LayoutError("no adjustable straight to close the loop with")
    pieces = _Pieces.of(elements)
    piece, h, theta = pieces.steps(TRACE_STEP)
    fixed = ~free[pieces.element[piece]]
    fixed_end = np.array([np.sum(h[fixed] * np.cos(theta[fixed])), np.sum(h[fixed] * np.sin(theta[fixed]))])
    fixed_length = float(sum(e.length for e, f in zip(elements, free, strict=True) if not f))
    rows = [np.cos(start_heading[free]), np.sin(start_heading[free])]
    rhs = [-fixed_end[0], -fixed_end[1]]
    if total_length is not None:
        rows.append(np.ones(int(np.sum(free))))
        rhs.append(total_length - fixed_length)
    lengths = _bounded_min_change(
        np.array(rows),
        np.array(rhs),
        np.array([e.length for e, f in zip(elements, free, strict=True) if f]),
        min_straight,
        max_straight,
    )
    closed = list(elements)
    for k, length in zip(np.flatnonzero(free), lengths, strict=True):
        closed[k] = replace(closed[k], length=float(length))
    return closed


def _bounded_min_change(a: np.ndarray, b: np.ndarray, x0: np.ndarray, lo: float, hi: float) -> np.ndarray:
    """Solve a @ x = b with lo <= x <= hi, changing x0 as little as possible (weighted by x0): an active set."""
    weight = np.maximum(x0, 10.0)
    x = np.clip(x0, lo, hi)
    free = np.ones(x.shape[0], dtype=bool)
    tolerance = 1e-6 * (1.0 + float(np.max(np.abs(b))))
    while np.any(free):
        af = a[:, free]
        gram = (af * weight[free]) @ af.T
        multipliers = np.linalg.lstsq(gram, b - a @ x, rcond=1e-10)[0]
        x[free] += weight[free] * (af.T @ multipliers)
        low, high = free & (x < lo - 1e-9), free & (x > hi + 1e-9)
        if not np.any(low | high):
            break
        x[low], x[high] = lo, hi
        free &= ~(low | high)
    if np.max(np.abs(a @ x - b)) > tolerance or np.any(x < lo - 1e-6) or np.any(x > hi + 1e-6):
        raise LayoutError("no straight lengths within the limits close the loop")
    return x


@dataclass(frozen=True)
class LayoutSamples:
    """A closed layout sampled at about :data:`CONTROL_SPACING`, from the start/finish line.

    Attributes:
        points: (n, 2) centre line, the start/finish line at the origin heading along +x [m].
        heading: (n,) direction of travel [rad].
        width: (n,) total track width [m].
    """

    points: np.ndarray
    heading: np.ndarray
    width: np.ndarray


def sample_layout(elements: Sequence[Element], start_element: int = 0, start_fraction: float = 0.5) -> LayoutSamples:
    """Sample a closed layout into the control points of a track.

    Args:
        elements: A closed loop (see :func:`close_loop`).
        start_element: Index of the element on which the start/finish line lies.
        start_fraction: How far along that element the line lies (0 to 1).

    Raises:
        LayoutError: The loop does not close.
    """
    pieces = _Pieces.of(elements)
    _, h, theta = pieces.steps(TRACE_STEP)
    step_s = np.concatenate([[0.0], np.cumsum(h)])
    path = np.zeros((step_s.size, 2))
    path[1:, 0] = np.cumsum(h * np.cos(theta))
    path[1:, 1] = np.cumsum(h * np.sin(theta))
    total = float(step_s[-1])
    gap = float(np.hypot(*path[-1]))
    if gap > 1e-3 * total + 0.05:
        raise LayoutError(f"the layout does not close: its end is {gap:.1f} m from its start")
    path -= np.outer(step_s / total, path[-1])  # spread the integration error (millimetres) round the lap

    lengths = np.array([e.length for e in elements])
    starts = np.concatenate([[0.0], np.cumsum(lengths)])
    n = max(int(round(total / CONTROL_SPACING)), 8)
    s_start = starts[start_element] + start_fraction * lengths[start_element]
    s = (s_start + np.arange(n) * total / n) % total
    points = np.stack([np.interp(s, step_s, path[:, 0]), np.interp(s, step_s, path[:, 1])], axis=1)
    heading = pieces.heading_at(s)
    cos0, sin0 = math.cos(heading[0]), math.sin(heading[0])
    points = (points - points[0]) @ np.array([[cos0, -sin0], [sin0, cos0]])
    heading = np.unwrap(heading - heading[0])
    return LayoutSamples(points, heading, _width_profile(elements, starts, total, s))


def layout_track(
    name: str,
    elements: Sequence[Element],
    start_element: int = 0,
    start_fraction: float = 0.5,
    metadata: dict[str, Any] | None = None,
) -> Track:
    """Sample a closed layout into control points and build the track.

    Args:
        name: The track's name.
        elements: A closed loop (see :func:`close_loop`).
        start_element: Index of the element on which the start/finish line lies.
        start_fraction: How far along that element the line lies (0 to 1).
        metadata: Saved with the track.

    Returns:
        The track, its start/finish line at the origin heading along +x.

    Raises:
        LayoutError: The loop does not close.
        TrackError: The track is not valid (too short, too narrow, ...).
    """
    samples = sample_layout(elements, start_element, start_fraction)
    half = 0.5 * samples.width
    return Track(name, samples.points, half, half.copy(), dict(metadata or {}))


def _width_profile(elements: Sequence[Element], starts: np.ndarray, total: float, s: np.ndarray) -> np.ndarray:
    """Total width at arc lengths s: linear between the widths the elements give at their middles, round the lap."""
    knots = [(starts[k] + 0.5 * e.length, e.width) for k, e in enumerate(elements) if e.width is not None]
    if not knots:
        return np.full(s.shape, DEFAULT_WIDTH)
    knot_s = np.array([k[0] for k in knots])
    knot_w = np.array([k[1] for k in knots])
    return np.interp(s, knot_s, knot_w, period=total)
