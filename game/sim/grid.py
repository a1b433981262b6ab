"""The starting grid: where each car stands before the green light, in the game and in training. No pygame here.

Two columns, staggered: slot 0 (pole) is left of the middle of the road, slot 1 half a row behind it on the right,
and so on back. Training draws its standing starts from the same slots (``agents.env``), so a driver has practised
every place the game may put it.
"""

from __future__ import annotations

from game.sim.rules import MAX_CARS
from game.sim.track import Track, widths_at

GRID_BEHIND_LINE = 6.0  # [m] pole position behind the start/finish line
GRID_ROW_GAP = 9.0  # [m] between grid rows (two cars a row)
GRID_LANE = 0.4  # share of the half-width either side of the middle for the two columns
GRID_SLOTS = MAX_CARS  # one slot for every car of the biggest field


def grid_slot(track: Track, slot: int) -> tuple[float, float]:
    """(arc length [m], lateral offset from the centre line [m], positive left) of grid slot ``slot`` (0 = pole)."""
    if slot < 0:
        raise ValueError(f"grid slot must not be negative, got {slot}")
    arc = track.length - GRID_BEHIND_LINE - (slot // 2) * GRID_ROW_GAP - (slot % 2) * 0.5 * GRID_ROW_GAP
    width_left, width_right = widths_at(track.table, track.spacing, arc)
    middle = 0.5 * (width_left - width_right)
    half = 0.5 * (width_left + width_right)
    side = 1.0 if slot % 2 == 0 else -1.0
    return arc, middle + side * GRID_LANE * half
