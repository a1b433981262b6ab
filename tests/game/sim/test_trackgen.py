"""Random track generator, layouts of straights and corners, and the surface overlap check."""

from __future__ import annotations

import math
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from game.sim.track import Track
from game.sim.track.generator import GeneratorSettings, generate_track
from game.sim.track.io import load_track, save_track
from game.sim.track.layout import Corner, LayoutError, Straight, close_loop, layout_track, sample_layout
from game.sim.track.overlap import clashing_pairs, surface_overlaps

SEEDS = range(30)
SETTINGS = GeneratorSettings()


@pytest.fixture(scope="module")
def generated() -> dict[int, Track]:
    return {seed: generate_track(seed) for seed in SEEDS}


def longest_straight(track: Track, max_curvature: float = 1.0 / 1000.0) -> float:
    """Longest run of nearly zero curvature [m], round the lap."""
    straight = np.abs(track.curvature) < max_curvature
    if straight.all():
        return track.length
    run = best = 0
    for flag in np.concatenate([straight, straight]):
        run = run + 1 if flag else 0
        best = max(best, run)
    return best * track.spacing


def test_same_seed_same_track() -> None:
    a, b = generate_track(123), generate_track(123)
    np.testing.assert_array_equal(a.control_points, b.control_points)
    np.testing.assert_array_equal(a.control_width_left, b.control_width_left)
    np.testing.assert_array_equal(a.table, b.table)
    assert a.metadata == b.metadata
    assert a.metadata["seed"] == 123
    assert a.name == "Generated 123"
    assert generate_track(5, name="Custom").name == "Custom"


def test_different_seeds_different_tracks(generated: dict[int, Track]) -> None:
    lengths = {round(t.length, 3) for t in generated.values()}
    assert len(lengths) == len(generated)


def test_every_track_is_valid_and_within_limits(generated: dict[int, Track]) -> None:
    for seed, track in generated.items():
        assert SETTINGS.min_length * 0.98 <= track.length <= SETTINGS.max_length * 1.02, seed
        radius = 1.0 / np.max(np.abs(track.curvature))
        assert radius >= SETTINGS.min_radius, seed
        width = track.width_left + track.width_right
        assert width.min() >= SETTINGS.min_width - 1e-9, seed
        assert width.max() <= SETTINGS.max_width + 1e-9, seed
        # The start/finish line is on a straight at the origin, heading along +x.
        np.testing.assert_allclose(track.control_points[0], [0.0, 0.0], atol=1e-9)
        assert abs(math.remainder(track.heading[0], 2.0 * math.pi)) < 0.02, seed
        assert np.all(np.abs(track.curvature[:5]) < 1e-3), seed


def test_no_track_overlaps_itself(generated: dict[int, Track]) -> None:
    for seed, track in generated.items():
        assert surface_overlaps(track) == [], seed
        assert surface_overlaps(track, clearance=SETTINGS.clearance - 0.5) == [], seed


def test_tracks_have_the_variety_of_real_circuits(generated: dict[int, Track]) -> None:
    tracks = list(generated.values())
    lengths = np.array([t.length for t in tracks])
    radii = np.array([1.0 / np.max(np.abs(t.curvature)) for t in tracks])
    straights = np.array([longest_straight(t) for t in tracks])
    width_spread = np.array([np.ptp(t.width_left + t.width_right) for t in tracks])
    turning = np.array([np.sum(t.curvature) * t.spacing for t in tracks])
    assert lengths.min() < 2000.0 and lengths.max() > 4500.0
    assert np.sum(radii < 14.0) >= 3  # hairpins of about 12 m
    assert np.sum(radii > 16.0) >= 5  # and tracks without any
    assert np.sum(straights > 500.0) >= 5  # long straights
    assert np.median(straights) > 200.0
    assert np.median(width_spread) > 1.5  # width varies along a track
    assert np.ptp([np.mean(t.width_left + t.width_right) for t in tracks]) > 3.0  # and between tracks
    assert np.sum(turning > 0.0) >= 5 and np.sum(turning < 0.0) >= 5  # both directions
    np.testing.assert_allclose(np.abs(turning), 2.0 * math.pi, atol=0.1)


def test_tracks_have_chicanes_and_sweepers(generated: dict[int, Track]) -> None:
    """A chicane: left and right corners (tighter than 60 m) within 60 m. A sweeper: a 150 m+ radius corner."""
    chicanes = sweepers = 0
    for track in generated.values():
        k = track.curvature
        window = int(60.0 / track.spacing)
        left = np.convolve(k > 1.0 / 60.0, np.ones(window), "same") > 0
        right = np.convolve(k < -1.0 / 60.0, np.ones(window), "same") > 0
        chicanes += bool(np.any(left & right))
        sweep = (np.abs(k) > 1.0 / 400.0) & (np.abs(k) < 1.0 / 150.0)
        sweepers += longest_run(sweep) * track.spacing > 60.0
    assert chicanes >= 10
    assert sweepers >= 10


def longest_run(flags: np.ndarray) -> int:
    run = best = 0
    for flag in flags:
        run = run + 1 if flag else 0
        best = max(best, run)
    return best


def test_custom_settings_are_respected() -> None:
    settings = GeneratorSettings(min_length=1200.0, max_length=1800.0, min_width=9.0, max_width=11.0)
    for seed in range(5):
        track = generate_track(seed, settings)
        assert 1200.0 * 0.98 <= track.length <= 1800.0 * 1.02
        width = track.width_left + track.width_right
        assert 9.0 - 1e-9 <= width.min() and width.max() <= 11.0 + 1e-9
    with pytest.raises(ValueError, match="min_length"):
        GeneratorSettings(min_length=3000.0, max_length=2000.0)


# -- layouts ----------------------------------------------------------------------------------------------------


def rectangle(radius: float = 30.0) -> list:
    quarter = math.pi / 2
    return [Straight(400.0), Corner(radius, quarter), Straight(100.0), Corner(radius, quarter)] * 2


def test_close_loop_meets_the_start_at_the_asked_length() -> None:
    elements = rectangle()
    elements[2] = Straight(300.0)  # not closed as drawn: the two short sides differ
    closed = close_loop(elements, total_length=2000.0)
    assert sum(e.length for e in closed) == pytest.approx(2000.0)
    samples = sample_layout(closed)
    step = np.diff(np.vstack([samples.points, samples.points[:1]]), axis=0)
    assert np.max(np.hypot(step[:, 0], step[:, 1])) < 5.5  # the last point leads back to the first
    track = layout_track("Rectangle", closed)
    assert track.length == pytest.approx(2000.0, rel=0.005)


def test_layout_keeps_the_corner_radius() -> None:
    track = layout_track("Rectangle", close_loop(rectangle(radius=25.0)))
    assert 1.0 / np.max(np.abs(track.curvature)) == pytest.approx(25.0, rel=0.08)


def test_fixed_straights_keep_their_length() -> None:
    elements = rectangle()
    elements[2] = Straight(100.0, adjustable=False)
    closed = close_loop(elements, total_length=1800.0)
    assert closed[2].length == 100.0


def test_layouts_that_cannot_close() -> None:
    with pytest.raises(LayoutError, match="not whole turns"):
        close_loop([Straight(100.0), Corner(30.0, math.pi)])
    with pytest.raises(LayoutError, match="no adjustable straight"):
        close_loop([Straight(100.0, adjustable=False), Corner(30.0, 2.0 * math.pi)])
    # Three left turns of 120 degrees with straights heading only one way out of three: too long to close.
    turn = 2.0 * math.pi / 3.0
    with pytest.raises(LayoutError, match="no straight lengths"):
        close_loop(
            [Straight(100.0), Corner(30.0, turn), Straight(100.0), Corner(30.0, turn), Corner(30.0, turn)],
            total_length=5000.0,
            max_straight=1000.0,
        )


# -- surface overlaps -------------------------------------------------------------------------------------------


def paperclip(gap: float, half_width: float) -> Track:
    """Two long straights ``gap`` metres apart (centre to centre), joined by semicircles."""
    radius = gap / 2.0
    elements = [Straight(500.0), Corner(radius, math.pi, 0.0), Straight(500.0), Corner(radius, math.pi, 0.0)]
    samples = sample_layout(close_loop(elements))
    half = np.full(len(samples.points), half_width)
    return Track("Paperclip", samples.points, half, half.copy())


def test_parallel_straights_overlap_only_when_their_edges_meet() -> None:
    assert surface_overlaps(paperclip(gap=30.0, half_width=6.0)) == []
    overlaps = surface_overlaps(paperclip(gap=30.0, half_width=16.0))
    assert len(overlaps) == 1  # one place, though it runs across the start/finish line
    assert overlaps[0].depth == pytest.approx(2.0, abs=0.1)  # 16 + 16 - 30


@pytest.mark.parametrize(
    ("gap", "clearance", "clash"),
    [(20.0, 0.0, False), (12.0, 0.0, True), (18.0, 3.0, True), (20.0, 3.0, False)],
)
def test_clashing_pairs_of_two_parallel_lines(gap: float, clearance: float, clash: bool) -> None:
    """Line a along +x with 5 m to its left; line b, ``gap`` to the left, driven the other way with 4 m to its right
    and 11 m to its left (the side facing a): the edges meet at a gap of 16 m, or 16 m + clearance."""
    x = np.arange(0.0, 100.0, 2.0)
    n = x.size
    points = np.concatenate([np.stack([x, np.zeros(n)], 1), np.stack([x[::-1], np.full(n, gap)], 1)])
    heading = np.concatenate([np.zeros(n), np.full(n, math.pi)])
    width_left = np.concatenate([np.full(n, 5.0), np.full(n, 11.0)])
    width_right = np.concatenate([np.full(n, 9.0), np.full(n, 4.0)])
    pairs, depth = clashing_pairs(points, heading, width_left, width_right, clearance)
    assert (pairs.shape[0] > 0) == clash
    assert np.all(pairs[:, 0] < n) and np.all(pairs[:, 1] >= n)  # only across, never along a line
    if clash:
        assert depth.max() == pytest.approx(16.0 + clearance - gap)


def test_a_fold_on_the_inside_of_a_corner_is_an_overlap() -> None:
    angles = np.linspace(0.0, 2.0 * math.pi, 40, endpoint=False)
    circle = np.stack([40.0 * np.cos(angles), 40.0 * np.sin(angles)], axis=1)  # counter-clockwise: inside is left
    assert surface_overlaps(Track("Ring", circle, np.full(40, 35.0), np.full(40, 5.0))) == []
    assert surface_overlaps(Track("Ring", circle, np.full(40, 45.0), np.full(40, 5.0))) != []


def test_a_figure_eight_overlaps_once_at_its_crossing() -> None:
    t = np.linspace(0.0, 2.0 * math.pi, 120, endpoint=False) + 0.3
    points = np.stack([300.0 * np.sin(t), 300.0 * np.sin(t) * np.cos(t)], axis=1)
    track = Track("Eight", points, np.full(120, 5.0), np.full(120, 5.0))
    overlaps = surface_overlaps(track)
    assert len(overlaps) == 1
    assert np.hypot(*overlaps[0].position) < 3.0
    assert overlaps[0].arc_length_b - overlaps[0].arc_length_a == pytest.approx(track.length / 2, rel=0.05)


def test_clashing_pairs_of_a_straight_line_of_samples_are_none() -> None:
    points = np.stack([np.arange(50.0) * 2.0, np.zeros(50)], axis=1)
    pairs, depth = clashing_pairs(points, np.zeros(50), np.full(50, 7.5), np.full(50, 7.5), clearance=3.0)
    assert pairs.shape == (0, 2) and depth.shape == (0,)


def test_a_generated_track_saves_and_loads(tmp_path: Path) -> None:
    track = generate_track(np.int64(42))
    save_track(track, tmp_path / "generated.json")
    loaded = load_track(tmp_path / "generated.json")
    assert loaded.metadata == {**track.metadata, "seed": 42}
    assert loaded.length == pytest.approx(track.length, abs=0.01)


def tight_corners_per_km(track: Track, radius: float = 22.0) -> float:
    tight = np.abs(track.curvature) > 1.0 / radius
    return np.sum(tight & ~np.roll(tight, 1)) / track.length * 1000.0


def test_track_variety_widens_the_mix_and_the_widths() -> None:
    varied = GeneratorSettings(feature_mix_spread=0.3, wide_share=1.0)
    tracks = [generate_track(seed, varied) for seed in range(30)]
    standard = [generate_track(seed) for seed in range(30)]
    for seed, track in enumerate(tracks):
        assert 1.0 / np.max(np.abs(track.curvature)) >= varied.min_radius, seed
        width = track.width_left + track.width_right
        assert varied.min_width - 1e-9 <= width.min() and width.max() <= varied.wide_max_width + 1e-9, seed
        assert surface_overlaps(track) == [], seed
    mean_widths = [np.mean(t.width_left + t.width_right) for t in tracks]
    assert max(mean_widths) > SETTINGS.max_width  # wider than any standard track can be
    density = [tight_corners_per_km(t) for t in tracks]
    assert np.std(density) > np.std([tight_corners_per_km(t) for t in standard])  # each track its own character


def test_standard_tracks_ignore_the_variety_settings_at_zero() -> None:
    a = generate_track(7, GeneratorSettings(feature_mix_spread=0.0, wide_share=0.0, wide_max_width=30.0))
    np.testing.assert_array_equal(a.table, generate_track(7).table)
    with pytest.raises(ValueError, match="wide_share"):
        GeneratorSettings(wide_share=1.5)
    with pytest.raises(ValueError, match="feature_mix_spread"):
        GeneratorSettings(feature_mix_spread=-1.0)


def test_circuit_corners_and_width_zones_are_off_at_zero() -> None:
    a = generate_track(11, GeneratorSettings(circuit_corner_share=0.0, width_zones=0.0, brake_zone_share=0.0))
    np.testing.assert_array_equal(a.table, generate_track(11).table)
    varied = GeneratorSettings(feature_mix_spread=0.3, wide_share=0.3)
    b = generate_track(11, GeneratorSettings(feature_mix_spread=0.3, wide_share=0.3, circuit_corner_share=0.0))
    np.testing.assert_array_equal(b.table, generate_track(11, varied).table)
    with pytest.raises(ValueError, match="circuit_corner_share"):
        GeneratorSettings(circuit_corner_share=1.5)
    with pytest.raises(ValueError, match="width_zones"):
        GeneratorSettings(width_zones=-1.0)
    with pytest.raises(ValueError, match="brake_zone_share"):
        GeneratorSettings(brake_zone_share=-0.1)


def test_circuit_corners_add_tight_and_long_corners() -> None:
    circuit = GeneratorSettings(circuit_corner_share=0.5)
    tracks = [generate_track(seed, circuit) for seed in SEEDS]
    standard = [generate_track(seed) for seed in SEEDS]
    for seed, track in enumerate(tracks):
        assert 1.0 / np.max(np.abs(track.curvature)) >= circuit.min_radius, seed
        assert surface_overlaps(track) == [], seed
    # corners tighter than 20 m per km: the standard mix has few outside its hairpins
    assert np.mean([tight_corners_per_km(t, 20.0) for t in tracks]) > 1.4 * np.mean(
        [tight_corners_per_km(t, 20.0) for t in standard]
    )


def test_linked_corners_are_off_at_zero_and_keep_tracks_valid() -> None:
    recipe = GeneratorSettings(feature_mix_spread=0.3, wide_share=0.3, circuit_corner_share=0.3)
    same = generate_track(5, replace(recipe, linked_corner_share=0.0))
    np.testing.assert_array_equal(same.table, generate_track(5, recipe).table)  # the recipe's tracks stay
    with pytest.raises(ValueError, match="linked_corner_share"):
        GeneratorSettings(linked_corner_share=1.5)
    with pytest.raises(ValueError, match="must not exceed 1"):
        GeneratorSettings(circuit_corner_share=0.7, linked_corner_share=0.4)
    linked = replace(recipe, linked_corner_share=0.3)
    for seed in range(12):
        track = generate_track(seed, linked)
        assert 1.0 / np.max(np.abs(track.curvature)) >= linked.min_radius, seed
        assert surface_overlaps(track) == [], seed


def test_width_zones_widen_parts_of_a_track() -> None:
    zoned = GeneratorSettings(width_zones=4.0)
    tracks = [generate_track(seed, zoned) for seed in SEEDS]
    ranges = [np.ptp(t.width_left + t.width_right) for t in tracks]
    standard = [np.ptp(t.width_left + t.width_right) for t in (generate_track(seed) for seed in SEEDS)]
    assert np.median(ranges) > np.median(standard) + 1.5
    assert max(np.max(t.width_left + t.width_right) for t in tracks) <= zoned.max_width + zoned.width_zones + 1e-9


def test_brake_zones_put_slow_corners_after_long_straights() -> None:
    from game.sim.track.generator import _slow_after_long

    slow = [[Corner(15.0, 1.5)], [Corner(20.0, -1.2)]]
    fast = [[Corner(150.0, 0.5)], [Corner(80.0, 0.8)], [Corner(30.0, 1.0), Straight(10.0), Corner(30.0, -1.0)]]
    features = [fast[0], slow[0], fast[1], slow[1], fast[2]]
    straights = np.array([600.0, 50.0, 350.0, 80.0, 100.0])
    rng = np.random.default_rng(0)
    swapped = _slow_after_long(rng, features, straights, share=1.0)
    assert swapped[0] in slow and swapped[2] in slow  # the two long straights now end slowly
    assert sorted(map(repr, swapped)) == sorted(map(repr, features))  # the same features, so the same turns
    assert _slow_after_long(rng, features, straights, share=0.0) == features
    track = generate_track(3, GeneratorSettings(brake_zone_share=1.0))
    assert 1.0 / np.max(np.abs(track.curvature)) >= SETTINGS.min_radius and surface_overlaps(track) == []
