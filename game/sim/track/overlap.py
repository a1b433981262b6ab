"""Where a track's surface runs into another part of itself.

The surface at a sample is its cross-section: the segment from the right edge to the left edge, square to the
driving direction. Two samples clash when their cross-sections, each reaching towards the other, meet:

    distance(a, b) < reach(a towards b) + reach(b towards a) + clearance

where a sample's reach towards a point is the width on that side times how squarely the point lies across the
track (the cosine between the normal and the direction to the point). For two parts running side by side this is
exactly "the edges touch"; for a part running into the side of another, only the other's width counts; two
samples on the same straight never clash (the direction between them is along the track); two samples in the same
corner clash only where the inside width exceeds the corner radius, i.e. where the inner edge folds over itself.
So no "neighbours along the track" exception is needed, and folds are found too.

This module never imports pygame.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components
from scipy.spatial import cKDTree

from game.sim.track import Track

MIN_CROSSING_ANGLE = math.radians(45.0)  # [rad] a bridge crossing meets the other branch at least this squarely
FOLD_ARC = 40.0  # [m] an overlap between parts of the track this close along it is a fold of one corner's edge


@dataclass(frozen=True)
class SurfaceOverlap:
    """One place where the track surface overlaps itself (or comes closer than the clearance).

    Attributes:
        index_a: Resampled index of the first part, the deepest clash of this place.
        index_b: Resampled index of the other part (index_b > index_a).
        arc_length_a: Arc length of index_a from the start/finish line [m].
        arc_length_b: Arc length of index_b [m].
        position: (x, y) midway between the two centre-line points [m], for an editor to mark.
        depth: How far the two surfaces (with the clearance) overlap [m].
        n_pairs: How many clashing sample pairs make up this place.
    """

    index_a: int
    index_b: int
    arc_length_a: float
    arc_length_b: float
    position: tuple[float, float]
    depth: float
    n_pairs: int


def clashing_pairs(
    points: np.ndarray,
    heading: np.ndarray,
    width_left: np.ndarray,
    width_right: np.ndarray,
    clearance: float = 0.0,
) -> tuple[np.ndarray, np.ndarray]:
    """All pairs of samples of a closed centre line whose cross-sections overlap.

    Args:
        points: (n, 2) centre-line samples, closely spaced (a few metres) [m].
        heading: (n,) direction of travel at each sample [rad].
        width_left: (n,) width to the left edge [m].
        width_right: (n,) width to the right edge [m].
        clearance: Extra gap required between different parts of the track [m]; half is added to each width.

    Returns:
        (pairs, depth): (m, 2) sample indices with i < j, and (m,) overlap depth of each pair [m].
    """
    points = np.asarray(points, dtype=np.float64)
    width_left = np.asarray(width_left, dtype=np.float64) + 0.5 * clearance
    width_right = np.asarray(width_right, dtype=np.float64) + 0.5 * clearance
    reach = 2.0 * float(max(np.max(width_left), np.max(width_right)))
    pairs = cKDTree(points).query_pairs(reach, output_type="ndarray")
    if pairs.shape[0] == 0:
        return np.zeros((0, 2), dtype=np.intp), np.zeros(0)
    i, j = pairs[:, 0], pairs[:, 1]
    normal = np.stack([-np.sin(heading), np.cos(heading)], axis=1)
    d = points[j] - points[i]
    distance = np.hypot(d[:, 0], d[:, 1])
    direction = d / np.maximum(distance, 1e-12)[:, None]
    cos_i = np.sum(direction * normal[i], axis=1)  # > 0: b lies to the left of a
    cos_j = -np.sum(direction * normal[j], axis=1)  # > 0: a lies to the left of b
    reach_i = np.where(cos_i > 0.0, cos_i * width_left[i], -cos_i * width_right[i])
    reach_j = np.where(cos_j > 0.0, cos_j * width_left[j], -cos_j * width_right[j])
    depth = reach_i + reach_j - distance
    clash = depth > 0.0
    pairs = np.sort(pairs[clash], axis=1)
    return pairs, depth[clash]


def surface_overlaps(track: Track, clearance: float = 0.0) -> list[SurfaceOverlap]:
    """Places where the track surface overlaps another part of the track, deepest first.

    A figure-eight with a bridge has one such place by design (its crossing); any other track should have none.

    Args:
        track: The track to check.
        clearance: Extra gap required between different parts [m]; 0 reports only true overlaps.

    Returns:
        One :class:`SurfaceOverlap` per connected group of clashing sample pairs.
    """
    pairs, depth = clashing_pairs(track.centerline, track.heading, track.width_left, track.width_right, clearance)
    if pairs.shape[0] == 0:
        return []
    n = track.n_samples
    m = pairs.shape[0]
    # Group pairs that touch in (index_a, index_b) space, indices wrapping round the lap; each pair appears as
    # (a, b) and (b, a), so that a group running across the start/finish line is not cut in two.
    both = np.vstack([pairs, pairs[:, ::-1]]).astype(np.float64)
    near = cKDTree(both, boxsize=[n, n]).query_pairs(2.5, p=np.inf, output_type="ndarray") % m
    graph = coo_matrix((np.ones(near.shape[0]), (near[:, 0], near[:, 1])), shape=(m, m))
    _, label = connected_components(graph, directed=False)
    overlaps = []
    for group in np.unique(label):
        members = np.flatnonzero(label == group)
        k = members[np.argmax(depth[members])]
        a, b = int(pairs[k, 0]), int(pairs[k, 1])
        mid = 0.5 * (track.centerline[a] + track.centerline[b])
        overlaps.append(
            SurfaceOverlap(
                index_a=a,
                index_b=b,
                arc_length_a=a * track.spacing,
                arc_length_b=b * track.spacing,
                position=(float(mid[0]), float(mid[1])),
                depth=float(depth[k]),
                n_pairs=int(members.size),
            )
        )
    overlaps.sort(key=lambda o: -o.depth)
    return overlaps


def crosses_squarely(heading_a: float, heading_b: float) -> bool:
    """Whether two parts of a track with these headings [rad] meet at least ``MIN_CROSSING_ANGLE`` squarely."""
    turn = heading_a - heading_b
    angle = abs((turn + math.pi) % (2.0 * math.pi) - math.pi)
    return MIN_CROSSING_ANGLE <= angle <= math.pi - MIN_CROSSING_ANGLE


def bridge_crossing(track: Track) -> dict[str, float] | None:
    """The bridge of a track that runs into itself exactly once, squarely, at parts far apart along it, else None.

    Returns:
        ``{"over_arc_length": s_over, "under_arc_length": s_under}`` [m], as a figure-eight's metadata holds it
        (``game.ui.render.bridge``): the later part of the lap runs over the earlier, as the editor saves it.
    """
    overlaps = surface_overlaps(track)
    if len(overlaps) != 1:
        return None
    crossing = overlaps[0]
    apart = abs(crossing.arc_length_b - crossing.arc_length_a)
    if min(apart, track.length - apart) <= FOLD_ARC:
        return None  # a corner's edge folding over itself
    if not crosses_squarely(float(track.heading[crossing.index_a]), float(track.heading[crossing.index_b])):
        return None
    return {
        "over_arc_length": round(crossing.arc_length_b, 1),
        "under_arc_length": round(crossing.arc_length_a, 1),
    }
