"""The starting grid on its own: two staggered columns behind the line, every slot on the road."""

from __future__ import annotations

import pytest

from game.sim.grid import GRID_BEHIND_LINE, GRID_ROW_GAP, GRID_SLOTS, grid_slot
from game.sim.rules import MAX_CARS
from game.sim.track import widths_at


def test_there_is_a_slot_for_every_car_of_the_biggest_field():
    assert GRID_SLOTS == MAX_CARS


def test_slots_are_two_staggered_columns_behind_the_line(twisty_track):
    track = twisty_track
    arcs, offsets = zip(*(grid_slot(track, k) for k in range(GRID_SLOTS)), strict=True)
    assert arcs[0] == pytest.approx(track.length - GRID_BEHIND_LINE)
    for k in range(1, GRID_SLOTS):
        assert arcs[k - 1] - arcs[k] == pytest.approx(0.5 * GRID_ROW_GAP)  # half a row behind the car before
    for k, (arc, offset) in enumerate(zip(arcs, offsets, strict=True)):
        left, right = widths_at(track.table, track.spacing, arc)
        middle = 0.5 * (left - right)
        assert (offset > middle) == (k % 2 == 0)  # even slots left of the middle, odd ones right
        assert -right + 1.0 < offset < left - 1.0  # on the road, with room for the car


def test_a_negative_slot_is_refused(oval_track):
    with pytest.raises(ValueError, match="negative"):
        grid_slot(oval_track, -1)
