"""The hot path's wrap helpers give the very numbers of the modulo they stand for (so no race changes by a bit)."""

from __future__ import annotations

import math

from hypothesis import given
from hypothesis import strategies as st

from game.sim.track import wrap_angle, wrap_arc, wrap_index

FINITE = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False)


@given(FINITE)
def test_wrap_angle_is_the_modulo_formula(angle):
    assert wrap_angle(angle) == (angle + math.pi) % (2.0 * math.pi) - math.pi


@given(FINITE, st.floats(min_value=1.0, max_value=3e4))
def test_wrap_arc_is_the_modulo(arc, length):
    assert wrap_arc(arc, length) == arc % length


@given(st.integers(min_value=-(10**6), max_value=10**6), st.integers(min_value=1, max_value=10**5))
def test_wrap_index_is_the_modulo(i, n):
    assert wrap_index(i, n) == i % n


def test_nan_stays_nan():
    assert math.isnan(wrap_angle(math.nan)) and math.isnan(wrap_arc(math.nan, 100.0))
