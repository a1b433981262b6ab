"""Sets of tracks side by side: the distributions of :mod:`agents.track_stats.measures` in one markdown table.

Figures "per km" pool the set (all corners over all kilometres); "median (p10-p90)" are over the pooled items
(corners, straights, or width samples weighted by length); "per track" figures give the median over tracks, with
the 10th and 90th percentiles across tracks.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from agents.track_stats.measures import CORNER_MAX_RADIUS, RADIUS_BANDS, TrackStats

KMH = 3.6  # km/h per m/s
SPEED_DROP_BANDS = (60.0, 100.0, 150.0)  # [km/h] thresholds of "hard braking" counts
LONG_STRAIGHT = 500.0  # [m]
SLOW_CORNER = 25.0  # [m] apex radius of the slow corners counted after long straights
BRAKING_STRAIGHT = 300.0  # [m]
LINK_GAP = 150.0  # [m] longest straight between two linked corners
LINK_SPEED = 20.0  # [km/h] speed gained out of the first corner, and lost again into the second, to be linked


@dataclass(frozen=True)
class Row:
    """One line of the table: a label and how to compute it from a set."""

    label: str
    compute: Callable[[Sequence[TrackStats]], str]


def _km(stats: Sequence[TrackStats]) -> float:
    return sum(s.length for s in stats) / 1000.0


def _per_km(count: Callable[[TrackStats], float]) -> Callable[[Sequence[TrackStats]], str]:
    return lambda stats: f"{sum(count(s) for s in stats) / _km(stats):.2f}"


def _spread(values: Sequence[float], digits: int = 0) -> str:
    if len(values) == 0:
        return "-"
    p10, p50, p90 = np.percentile(values, [10, 50, 90])
    return f"{p50:.{digits}f} ({p10:.{digits}f}-{p90:.{digits}f})"


def _corners(stats: Sequence[TrackStats]) -> list:
    return [c for s in stats for c in s.corners]


def _band_label(k: int) -> str:
    low, high = RADIUS_BANDS[k], RADIUS_BANDS[k + 1]
    return f"< {high:.0f} m" if low == 0.0 else f"{low:.0f}-{high:.0f} m"


def _band_count(k: int) -> Callable[[TrackStats], float]:
    low, high = RADIUS_BANDS[k], RADIUS_BANDS[k + 1]
    return lambda s: sum(low <= c.apex_radius < high for c in s.corners)


def _length_share(k: int) -> Callable[[Sequence[TrackStats]], str]:
    return lambda stats: f"{100.0 * sum(s.band_length[k] for s in stats) / (1000.0 * _km(stats)):.1f}%"


def _widths(stats: Sequence[TrackStats]) -> np.ndarray:
    return np.concatenate([s.width for s in stats])  # samples are ~2 m apart on every track: length-weighted


ROWS: tuple[Row, ...] = (
    Row("tracks", lambda st: str(len(st))),
    Row("length per track [km]", lambda st: _spread([s.length / 1000.0 for s in st], 1)),
    Row("corners per km", _per_km(lambda s: len(s.corners))),
    *(Row(f"corners per km, apex radius {_band_label(k)}", _per_km(_band_count(k))) for k in range(5)),
    Row("apex radius of a corner [m]", lambda st: _spread([c.apex_radius for c in _corners(st)])),
    Row("turn of a corner [deg]", lambda st: _spread([np.degrees(c.turn) for c in _corners(st)])),
    Row("turn of a corner, apex radius < 35 m [deg]", lambda st: _spread(_turns(st, 0.0, 35.0))),
    Row("turn of a corner, apex radius 35-100 m [deg]", lambda st: _spread(_turns(st, 35.0, 100.0))),
    *(Row(f"share of length at radius {_band_label(k)}", _length_share(k)) for k in range(5)),
    Row(f"share of length straighter than {CORNER_MAX_RADIUS:.0f} m", _length_share(5)),
    Row("straight between corners [m]", lambda st: _spread([x for s in st for x in s.straights])),
    Row("longest straight per track [m]", lambda st: _spread([max(s.straights, default=0.0) for s in st])),
    Row(f"straights >= {LONG_STRAIGHT:.0f} m per km", _per_km(lambda s: sum(x >= LONG_STRAIGHT for x in s.straights))),
    Row("speed drop into a corner [km/h]", lambda st: _spread([KMH * c.speed_drop for c in _corners(st)])),
    *(
        Row(f"corners per km with a drop >= {d:.0f} km/h", _per_km(lambda s, d=d: _drops(s, d)))
        for d in SPEED_DROP_BANDS
    ),
    Row(
        f"corners per km under {SLOW_CORNER:.0f} m after a straight >= {BRAKING_STRAIGHT:.0f} m",
        _per_km(lambda s: sum(c.apex_radius < SLOW_CORNER and c.gap_before >= BRAKING_STRAIGHT for c in s.corners)),
    ),
    Row(
        f"linked corners per km (+/- {LINK_SPEED:.0f} km/h within {LINK_GAP:.0f} m, the other way)",
        _per_km(lambda s: linked_corners(s)),
    ),
    Row(
        f"linked corners per km, one of the two under {SLOW_CORNER:.0f} m",
        _per_km(lambda s: linked_corners(s, tighter_than=SLOW_CORNER)),
    ),
    Row("apex speed [km/h]", lambda st: _spread([KMH * c.apex_speed for c in _corners(st)])),
    Row("quick direction changes per km (< 50 m apart)", _per_km(lambda s: sum(c.quick_change for c in s.corners))),
    Row("width [m]", lambda st: _spread(_widths(st), 1)),
    Row("width range per track (max - min) [m]", lambda st: _spread([np.ptp(s.width) for s in st], 1)),
    Row("narrowings per km (>= 2 m within 100 m)", _per_km(lambda s: s.narrowings)),
)


def _turns(stats: Sequence[TrackStats], low: float, high: float) -> list[float]:
    return [float(np.degrees(c.turn)) for c in _corners(stats) if low <= c.apex_radius < high]


def linked_corners(stats: TrackStats, tighter_than: float = float("inf")) -> int:
    """Linked corners: those turning the other way from the corner before and braked into right after accelerating.

    A chicane with room between, a tightening corner into a flick: LINK_SPEED gained out of the corner before and
    lost again into this one, less than LINK_GAP after it; only pairs with a corner tighter than ``tighter_than`` [m].
    """
    corners = stats.corners
    count = 0
    for k, corner in enumerate(corners[1:] + corners[:1] if len(corners) > 1 else ()):
        before = corners[k]
        gained = KMH * (corner.entry_speed - before.apex_speed)
        count += (
            corner.sign != before.sign
            and corner.gap_before < LINK_GAP
            and gained >= LINK_SPEED
            and KMH * corner.speed_drop >= LINK_SPEED
            and min(corner.apex_radius, before.apex_radius) < tighter_than
        )
    return count


def _drops(stats: TrackStats, threshold_kmh: float) -> int:
    return sum(KMH * c.speed_drop >= threshold_kmh for c in stats.corners)


def comparison_table(sets: dict[str, Sequence[TrackStats]]) -> str:
    """A markdown table: one row per measure, one column per set of tracks."""
    names = list(sets)
    lines = ["| measure | " + " | ".join(names) + " |", "|---|" + "---|" * len(names)]
    for row in ROWS:
        lines.append(f"| {row.label} | " + " | ".join(row.compute(sets[name]) for name in names) + " |")
    return "\n".join(lines) + "\n"


def per_track_table(stats: Sequence[TrackStats]) -> str:
    """A markdown table with a line per track: length, corners per km, tightest corner, longest straight, widths."""
    lines = [
        "| track | km | corners/km | tightest [m] | longest straight [m] | drops >= 100 km/h | quick changes | "
        "width [m] | narrowings |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for s in stats:
        km = s.length / 1000.0
        tightest = min((c.apex_radius for c in s.corners), default=float("nan"))
        lines.append(
            f"| {s.name} | {km:.2f} | {len(s.corners) / km:.2f} | {tightest:.0f} | {max(s.straights, default=0):.0f} "
            f"| {_drops(s, 100.0)} | {sum(c.quick_change for c in s.corners)} "
            f"| {s.width.min():.1f}-{s.width.max():.1f} | {s.narrowings} |"
        )
    return "\n".join(lines) + "\n"
