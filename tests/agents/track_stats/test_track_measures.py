"""Track measures on tracks built from a known curvature profile: corners, straights, chicanes, speed drops, widths."""

import math
from dataclasses import replace

import numpy as np
import pytest

from agents.track_stats.compare import comparison_table, linked_corners, per_track_table
from agents.track_stats.measures import corner_runs, count_narrowings, measure
from game.sim.track import Track
from game.sim.track.generator import GeneratorSettings, generate_track

R = 60.0  # [m] the stadium's half circles
STRAIGHT = 300.0  # [m]
LINKED = [(math.radians(90.0) * 25.0, 25.0), (80.0, math.inf), (math.radians(90.0) * 12.0, -12.0)]
CHICANE = [(math.radians(30.0) * 30.0, 30.0), (10.0, math.inf), (math.radians(30.0) * 30.0, -30.0)]


def from_profile(pieces, widths=None, step=5.0):
    """A closed track from (length, signed radius) pieces (inf: straight), points every ``step`` metres."""
    x = y = heading = 0.0
    points = []
    for length, radius in pieces:
        n = max(1, round(length / step))
        for _ in range(n):
            points.append((x, y))
            heading_change = 0.0 if math.isinf(radius) else (length / n) / radius
            mid = heading + 0.5 * heading_change
            x, y = x + length / n * math.cos(mid), y + length / n * math.sin(mid)
            heading += heading_change
    points = np.array(points)
    half = np.full(len(points), 6.0) if widths is None else widths(np.arange(len(points)) * step) / 2.0
    return Track("profile", points, half, half.copy())


@pytest.fixture(scope="module")
def stadium():
    return from_profile([(STRAIGHT, math.inf), (math.pi * R, R), (STRAIGHT, math.inf), (math.pi * R, R)])


@pytest.fixture(scope="module")
def chicanes():
    """The stadium with a left-right chicane on each straight (the two shifts cancel, so the loop closes)."""
    straight = [(145.0, math.inf), *CHICANE, (145.0, math.inf)]
    return from_profile([*straight, (math.pi * R, R), *straight, (math.pi * R, R)])


def test_a_stadium_has_two_half_circle_corners_and_two_straights(stadium):
    stats = measure(stadium)
    assert len(stats.corners) == 2
    for corner in stats.corners:
        assert corner.apex_radius == pytest.approx(R, rel=0.06)
        assert math.degrees(corner.turn) == pytest.approx(180.0, abs=3.0)
        assert corner.sign == 1 and not corner.quick_change
        assert corner.entry_speed > corner.apex_speed  # the reference lap brakes into it
    assert stats.straights == pytest.approx([STRAIGHT, STRAIGHT], abs=25.0)
    assert sum(stats.band_length[3:5]) == pytest.approx(2 * math.pi * R, rel=0.1)  # 60-100 m, 100-250 m
    assert stats.narrowings == 0 and np.allclose(stats.width, 12.0)


def test_chicanes_are_quick_direction_changes(chicanes):
    stats = measure(chicanes)
    assert [c.sign for c in stats.corners].count(-1) == 2 and len(stats.corners) == 6
    quick = [c for c in stats.corners if c.quick_change]
    assert len(quick) == 2 and all(c.sign == -1 and c.gap_before < 50.0 for c in quick)
    assert all(c.apex_radius == pytest.approx(30.0, rel=0.15) for c in stats.corners if c.sign == -1)


def test_speed_drop_is_the_straights_top_speed_minus_the_corners_lowest(stadium):
    cornering = np.abs(stadium.curvature) > 1.0 / 250.0
    speed = np.where(cornering, 10.0, 50.0)
    stats = measure(stadium, speed=speed)
    assert [c.speed_drop for c in stats.corners] == [40.0, 40.0]


def test_a_corner_must_turn_enough_and_one_of_the_other_way_is_another_corner():
    curvature = np.zeros(500)
    curvature[100:110] = 1.0 / 200.0  # 20 m at 200 m radius: 5.7 degrees, not a corner
    curvature[200:260] = 1.0 / 50.0
    curvature[263:300] = 1.0 / 40.0  # 4 m later, the same way: the same corner
    curvature[300:340] = -1.0 / 40.0  # the other way: another corner
    assert corner_runs(curvature, 2.0) == [(200, 299), (300, 339)]
    with pytest.raises(ValueError):
        corner_runs(np.full(100, 0.1), 2.0)


def test_narrowings_count_stretches_where_the_road_loses_2_m_within_100_m():
    width = np.full(1000, 12.0)
    width[200:400] = 9.0  # one step down (and up again, which is no narrowing)
    width[600:700] = np.linspace(12.0, 10.5, 100)  # 1.5 m: not enough
    assert count_narrowings(width, 2.0) == 1
    track = from_profile(
        [(STRAIGHT, math.inf), (math.pi * R, R), (STRAIGHT, math.inf), (math.pi * R, R)],
        widths=lambda s: np.where((s > 100.0) & (s < 200.0), 8.0, 14.0),
    )
    assert measure(track).narrowings == 1


def test_the_tables_compare_sets(stadium, chicanes):
    sets = {"stadium": [measure(stadium)], "chicanes": [measure(chicanes)]}
    table = comparison_table(sets)
    assert table.splitlines()[0] == "| measure | stadium | chicanes |"
    per_km = {name: f"{len(s[0].corners) / (s[0].length / 1000.0):.2f}" for name, s in sets.items()}
    assert f"| corners per km | {per_km['stadium']} | {per_km['chicanes']} |" in table
    assert "| quick direction changes per km (< 50 m apart) | 0.00 |" in table
    assert per_track_table(sets["stadium"]).count("\n") == 3


def test_linked_corners_are_braked_into_right_after_accelerating_out_of_the_one_before(chicanes):
    """A 25 m left, 80 m on, a 12 m right, on each straight: two linked corners; the quick chicanes are not."""
    straight = [(200.0, math.inf), *LINKED, (200.0, math.inf)]
    linked = measure(from_profile([*straight, (math.pi * R, R), *straight, (math.pi * R, R)]))
    assert linked_corners(linked) == 2
    assert linked_corners(linked, tighter_than=20.0) == 2  # the 12 m one
    assert linked_corners(linked, tighter_than=10.0) == 0
    assert linked_corners(measure(chicanes)) == 0  # no room to gain speed between


def test_the_generators_linked_corners_are_linked_corners():
    """GeneratorSettings.linked_corner_share adds what linked_corners counts (the recipe's tracks have some already)."""
    recipe = GeneratorSettings(feature_mix_spread=0.3, wide_share=0.3, circuit_corner_share=0.3)

    def per_km(settings: GeneratorSettings) -> float:
        tracks = [generate_track(seed, settings) for seed in range(12)]
        return sum(linked_corners(measure(t), tighter_than=25.0) for t in tracks) / sum(t.length for t in tracks)

    assert per_km(replace(recipe, linked_corner_share=0.3)) > 1.4 * per_km(recipe)
