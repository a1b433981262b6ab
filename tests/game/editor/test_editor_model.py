"""The editor's model without pygame: edits and undo, geometry, validation rules, thinning, saving."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from game.editor.draft import DEFAULT_HALF_WIDTH, MAX_UNDO, TrackDraft
from game.editor.files import open_track, save_draft, track_file_name
from game.editor.geometry import build_geometry
from game.editor.simplify import simplify_track
from game.editor.validation import MIN_CORNER_RADIUS, car_turning_radius, check_draft, errors, refusal
from game.editor.view import EditorView, snap
from game.sim.track import MIN_TRACK_WIDTH, Track, TrackError
from game.sim.track.io import load_track

REPO = Path(__file__).resolve().parents[3]
SQUARE = [(0.0, 0.0), (200.0, 0.0), (200.0, 150.0), (0.0, 150.0)]


def draft_of(points, width: float = 6.0, **kwargs) -> TrackDraft:
    k = len(points)
    return TrackDraft(points, np.full(k, width), np.full(k, width), **kwargs)


def problems_of(draft: TrackDraft):
    geometry = build_geometry(draft.points, draft.width_left, draft.width_right)
    return check_draft(draft.points, draft.width_left, draft.width_right, geometry, draft.metadata)


def kinds(problems) -> list[str]:
    return [p.kind for p in problems if p.severity == "error"]


# -- edits and history ----------------------------------------------------------------------------------------------
def test_edits_give_the_expected_track_and_undo_redo_walk_back_and_forth():
    draft = TrackDraft()
    for x, y in SQUARE:
        draft.insert_point(draft.n_points, x, y)
    assert draft.points.tolist() == [list(p) for p in SQUARE]
    assert draft.width_left.tolist() == [DEFAULT_HALF_WIDTH] * 4
    draft.insert_point(2, 250.0, 75.0)  # between (200, 0) and (200, 150)
    draft.move_point(0, -10.0, 5.0)
    draft.change_width(1, 2.0)
    draft.remove_point(3)
    assert draft.points.tolist() == [[-10, 5], [200, 0], [250, 75], [0, 150]]
    assert draft.total_width(1) == pytest.approx(2 * DEFAULT_HALF_WIDTH + 2.0)
    history = []
    while draft.can_undo:
        history.append(draft.points.tolist())
        draft.undo()
    assert draft.n_points == 0 and not draft.undo()
    while draft.can_redo:
        draft.redo()
    assert draft.points.tolist() == history[0]
    assert draft.total_width(1) == pytest.approx(2 * DEFAULT_HALF_WIDTH + 2.0)
    draft.undo()
    draft.move_point(0, 1.0, 1.0)  # a new change forgets the undone one
    assert not draft.can_redo


def test_a_drag_is_one_undo_step_and_modified_follows_the_saved_state():
    draft = draft_of(SQUARE)
    assert not draft.modified
    draft.begin_gesture()
    for step in range(10):
        draft.move_point(2, 200.0 + step, 150.0 + step)
    draft.end_gesture()
    assert draft.modified
    draft.undo()
    assert draft.points[2].tolist() == [200.0, 150.0] and not draft.modified
    draft.redo()
    draft.mark_saved()
    assert not draft.modified
    draft.change_width(None, -2.0)
    assert draft.modified and np.all(draft.width_left == 5.0)
    draft.begin_gesture()
    draft.end_gesture()  # nothing changed: nothing recorded
    draft.undo()
    assert not draft.modified


def test_start_line_and_reverse_keep_the_shape():
    draft = TrackDraft(SQUARE, [1.0, 2.0, 3.0, 4.0], [5.0, 6.0, 7.0, 8.0])
    draft.set_start(2)
    assert draft.points.tolist() == [[200, 150], [0, 150], [0, 0], [200, 0]]
    assert draft.width_left.tolist() == [3, 4, 1, 2]
    draft.undo()
    draft.reverse()
    assert draft.points.tolist() == [[0, 0], [0, 150], [200, 150], [200, 0]]
    assert draft.width_left.tolist() == [5, 8, 7, 6]  # left and right swap when driving the other way
    assert draft.width_right.tolist() == [1, 4, 3, 2]
    forward = build_geometry(*[np.array(a) for a in (SQUARE, [1, 2, 3, 4], [5, 6, 7, 8])])
    backward = build_geometry(draft.points, draft.width_left, draft.width_right)
    assert backward.length == pytest.approx(forward.length, rel=1e-3)


def test_history_is_bounded():
    draft = draft_of(SQUARE)
    for k in range(MAX_UNDO + 50):
        draft.move_point(0, float(k), 0.0)
    undone = 0
    while draft.undo():
        undone += 1
    assert undone == MAX_UNDO


# -- geometry -------------------------------------------------------------------------------------------------------
def test_geometry_is_the_tracks_own_and_knows_its_control_points(ring_track):
    geometry = build_geometry(ring_track.control_points, ring_track.control_width_left, ring_track.control_width_right)
    np.testing.assert_array_equal(geometry.table, ring_track.table)
    assert geometry.length == pytest.approx(ring_track.length)
    for i, sample in enumerate(geometry.control_samples):
        assert np.hypot(*(geometry.centerline[sample] - ring_track.control_points[i])) < geometry.spacing
        assert geometry.segment_of_sample(int(sample) + 1) == i
    mid = geometry.segment_midpoint(0)
    assert 0 < mid[0] < ring_track.control_points[1][0]
    assert build_geometry(np.array(SQUARE[:3]), np.ones(3), np.ones(3)) is None


# -- validation -----------------------------------------------------------------------------------------------------
def test_a_good_track_has_no_problems_and_builds(ring_track):
    draft = TrackDraft.from_track(ring_track)
    assert errors(problems_of(draft)) == [] and refusal(problems_of(draft)) is None
    assert isinstance(draft.to_track(), Track)


@pytest.mark.parametrize("path", sorted((REPO / "tracks").glob("*.json")), ids=lambda p: p.stem)
def test_every_shipped_track_passes(path):
    track = load_track(path)
    assert errors(problems_of(TrackDraft.from_track(track))) == []


def test_too_few_points_and_double_points():
    assert kinds(problems_of(draft_of(SQUARE[:3]))) == ["points"]
    doubled = draft_of([*SQUARE[:2], SQUARE[1], *SQUARE[2:]])
    found = [p for p in problems_of(doubled) if p.kind == "points"]
    assert len(found) == 1 and found[0].position == SQUARE[1]


def test_too_narrow_is_marked_at_the_narrowest_point():
    draft = draft_of([(0, 0), (150, 0), (300, 0), (300, 200), (150, 200), (0, 200)])
    draft.change_width(4, -10.0)  # 12 m -> 2 m at point 5
    found = problems_of(draft)
    narrow = [p for p in found if p.kind == "narrow"]
    assert len(narrow) == 1 and narrow[0].position == (150.0, 200.0) and "point 5" in narrow[0].reason
    assert f"{MIN_TRACK_WIDTH:.0f} m" in narrow[0].reason
    draft.change_width(4, 3.0)  # 5 m: can be raced, cars cannot pass: a warning only
    assert [p.kind for p in problems_of(draft)] == ["passing"] and errors(problems_of(draft)) == []


def test_a_corner_too_tight_is_marked_with_its_radius():
    assert car_turning_radius() == pytest.approx(2.6 / math.tan(0.55))
    assert car_turning_radius() < MIN_CORNER_RADIUS
    # A hairpin: out along y = +-4 and back, the turn at x = 200 is a few metres across.
    points = [(0, -4), (100, -4), (200, -4), (204, 0), (200, 4), (100, 4), (0, 4), (-60, 40), (-60, -40)]
    draft = draft_of([(x * 1.0, y * 10.0 if abs(x) == 60 else y * 1.0) for x, y in points], width=1.5)
    tight = [p for p in problems_of(draft) if p.kind == "tight"]
    assert tight and tight[0].severity == "error"
    x, _ = tight[0].position
    assert x > 190  # at the hairpin
    assert "radius" in tight[0].reason and tight[0].label.startswith("TIGHT R")


def test_overlapping_surfaces_are_marked_where_they_meet():
    # A loop whose far side comes back across its own start: a figure of eight without a bridge.
    points = [(0, 0), (200, 200), (400, 0), (200, -200), (-200, 200), (-400, 0), (-200, -200)]
    draft = draft_of(points, width=5.0)
    overlaps = [p for p in problems_of(draft) if p.kind == "overlap"]
    assert overlaps
    assert min(np.hypot(*p.position) for p in overlaps) < 30.0  # the crossing is near the origin
    draft.set_metadata({"crossing": True})
    found = problems_of(draft)
    assert [p.kind for p in found if p.kind in ("crossing", "overlap")] == ["crossing"]
    assert errors(found) == []


def test_an_inside_edge_wider_than_the_corner_folds():
    # Two 60 m apart straights joined by 23 m-radius ends: fine at 20 m each side, folding at 25 m.
    points = [(0, 0), (150, 0), (300, 0), (330, 15), (330, 45), (300, 60), (150, 60), (0, 60), (-30, 45), (-30, 15)]
    assert errors(problems_of(draft_of(points, width=20.0))) == []
    found = errors(problems_of(draft_of(points, width=25.0)))
    assert found and {p.kind for p in found} == {"fold"} and "folds" in found[0].reason


def test_too_short():
    draft = draft_of([(0, 0), (40, 0), (40, 30), (0, 30)], width=4.0)
    found = problems_of(draft)
    assert "short" in kinds(found)
    assert "200 m" in refusal(found)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.floats(20.0, 400.0), st.floats(0.5, 8.0), st.floats(0.5, 8.0)), min_size=4, max_size=12))
def test_no_errors_means_the_game_accepts_the_track(spec):
    angles = np.linspace(0.0, 2.0 * np.pi, len(spec), endpoint=False)
    radius = np.array([s[0] for s in spec])
    points = np.stack([radius * np.cos(angles), radius * np.sin(angles)], axis=1)
    draft = TrackDraft(points, [s[1] for s in spec], [s[2] for s in spec])
    found = problems_of(draft)
    try:
        draft.to_track()
        built = True
    except TrackError:
        built = False
    if not errors(found):
        assert built
    if not built:
        assert errors(found)


# -- thinning -------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["hungaroring", "zandvoort", "norisring"])
def test_dense_circuits_are_thinned_keeping_their_shape(name):
    track = load_track(REPO / "tracks" / f"{name}.json")
    thin = simplify_track(track.control_points, track.control_width_left, track.control_width_right)
    assert 30 <= len(thin.kept) <= 150 and thin.kept[0] == 0
    assert thin.deviation < 2.5
    rebuilt = Track("thin", thin.points, thin.width_left, thin.width_right)
    assert rebuilt.length == pytest.approx(track.length, rel=0.005)
    tight_before = 1.0 / np.max(np.abs(track.curvature))
    tight_after = 1.0 / np.max(np.abs(rebuilt.curvature))
    assert tight_after == pytest.approx(tight_before, rel=0.15)


# -- files ----------------------------------------------------------------------------------------------------------
def test_save_and_open_round_trip(tmp_path, ring_track):
    draft = TrackDraft.from_track(ring_track)
    draft.move_point(3, 361.0, 90.0)
    path = tmp_path / track_file_name("My Ring!")
    assert path.name == "my_ring.json"
    assert save_draft(draft, path) is None
    assert not draft.modified and draft.path == path
    loaded = open_track(path)
    assert loaded.note is None and not loaded.draft.modified
    np.testing.assert_allclose(loaded.draft.points, draft.points)
    np.testing.assert_allclose(loaded.draft.width_right, draft.width_right)
    assert json.loads(path.read_text())["name"] == ring_track.name


def test_an_invalid_track_is_refused_and_nothing_is_written(tmp_path, ring_track):
    draft = TrackDraft.from_track(ring_track)
    draft.change_width(None, -10.0)  # 12 m -> 2 m everywhere
    path = tmp_path / "narrow.json"
    why = save_draft(draft, path)
    assert why is not None and "wide" in why
    assert not path.exists() and draft.modified


def test_dense_tracks_open_thinned(tmp_path):
    loaded = open_track(REPO / "tracks" / "brands_hatch.json")
    assert loaded.draft.n_points <= 150 and "SIMPLIFIED 781" in loaded.note
    assert not loaded.draft.modified


def test_view_round_trips_and_zooms_about_the_cursor():
    view = EditorView(centre_x=100.0, centre_y=50.0, zoom=2.0, width=480, height=246, top=12)
    sx, sy = view.to_screen(130.0, 40.0)
    assert view.to_world(sx, sy) == pytest.approx((130.0, 40.0))
    view.zoom_at(1.25, sx, sy)
    assert view.to_screen(130.0, 40.0) == pytest.approx((sx, sy))
    assert snap(14.0, -26.0) == (10.0, -30.0)
    view.fit(np.array(SQUARE))
    for x, y in SQUARE:
        px, py = view.to_screen(x, y)
        assert 0 <= px <= 480 and 12 <= py <= 258


@pytest.mark.parametrize("name", ["harbour_hairpins", "norisring", "zandvoort", "brands_hatch"])
def test_saving_an_unchanged_dense_track_leaves_the_file_as_it_was(tmp_path, name):
    """Issue 17 #2: Ctrl+S on a shipped track rewrote it with a fraction of its points (Norisring 460 -> 60)."""
    original = REPO / "tracks" / f"{name}.json"
    path = tmp_path / original.name
    path.write_bytes(original.read_bytes())
    loaded = open_track(path)
    assert save_draft(loaded.draft, path) is None and not loaded.draft.modified
    assert path.read_bytes() == original.read_bytes()
    copy = tmp_path / "copy.json"  # "save as" of the unchanged draft: the whole track, not the thinned one
    assert save_draft(loaded.draft, copy) is None
    assert len(load_track(copy).control_points) == len(load_track(original).control_points)
    assert load_track(copy).length == pytest.approx(load_track(original).length, abs=0.01)


def test_an_edit_undone_is_unchanged_again(tmp_path):
    original = REPO / "tracks" / "norisring.json"
    path = tmp_path / original.name
    path.write_bytes(original.read_bytes())
    draft = open_track(path).draft
    x, y = draft.points[5]
    draft.move_point(5, x + 3.0, y)
    draft.undo()
    assert save_draft(draft, path) is None
    assert path.read_bytes() == original.read_bytes()
