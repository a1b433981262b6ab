"""Track geometry and the track file format: validation errors, round trip, atomic save, projection."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import game.sim.files
import game.sim.track.io
from game.sim.track import Track, TrackError
from game.sim.track.io import load_track, save_track, track_to_dict

REPO_ROOT = Path(__file__).resolve().parents[3]


def circle_data(radius: float = 100.0, n: int = 24, width: float = 5.0) -> dict[str, Any]:
    """A valid track file's content: a circle."""
    angles = np.linspace(0.0, 2.0 * math.pi, n, endpoint=False)
    return {
        "format": "retroracer-track",
        "version": 1,
        "name": "Circle",
        "centerline": [[radius * math.cos(a), radius * math.sin(a)] for a in angles],
        "width_left": [width] * n,
        "width_right": [width] * n,
        "metadata": {"author": "test"},
    }


def with_changes(**changes: Any) -> dict[str, Any]:
    data = circle_data()
    for key, value in changes.items():
        if value is None:
            del data[key]
        else:
            data[key] = value
    return data


BAD_TRACKS = {
    "missing centre line": (with_changes(centerline=None), "missing field(s): centerline"),
    "missing widths": (with_changes(width_left=None, width_right=None), "missing field(s): width_left, width_right"),
    "top level not an object": ([1, 2, 3], "top level must be a JSON object"),
    "not a track": (with_changes(format="spreadsheet"), "not a RetroRacer track"),
    "version as text": (with_changes(version="1"), "version must be a positive integer"),
    "newer version": (with_changes(version=99), "newer than this game understands"),
    "name not text": (with_changes(name=5), "name must be a non-empty string"),
    "empty name": (with_changes(name="  "), "name must be a non-empty string"),
    "centre line not a list": (with_changes(centerline="round"), "centerline must be a list"),
    "centre line of text": (with_changes(centerline=[["a", "b"]] * 5), "centerline must contain only numbers"),
    "centre line of triples": (with_changes(centerline=[[0, 0, 0]] * 5), "centerline must be a list of [x, y] pairs"),
    "width not a number": (with_changes(width_left=["wide"] * 24), "width_left must contain only numbers"),
    "widths nested": (with_changes(width_right=[[5.0]] * 24), "width_right must be a list of numbers"),
    "metadata not an object": (with_changes(metadata=[1]), "metadata must be a JSON object"),
    "too few points": (
        with_changes(centerline=[[0, 0], [100, 0], [50, 80]], width_left=[5] * 3, width_right=[5] * 3),
        "too few centre-line points: 3",
    ),
    "one width missing": (with_changes(width_left=[5.0] * 23), "width_left must have one value per centre-line point"),
    "negative width": (with_changes(width_right=[5.0] * 23 + [-1.0]), "negative width"),
    "narrower than a car": (with_changes(width_left=[1.0] * 24, width_right=[1.0] * 24), "narrower than a car"),
    "too short": (circle_data(radius=20.0), "track is too short"),
    "repeated point": (
        with_changes(
            centerline=[[0, 0], [0, 0], [100, 0], [100, 100], [0, 100]], width_left=[5] * 5, width_right=[5] * 5
        ),
        "two consecutive identical points",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_TRACKS))
def test_bad_track_error_names_the_file_and_the_problem(tmp_path: Path, case: str) -> None:
    data, problem = BAD_TRACKS[case]
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(TrackError) as error:
        load_track(path)
    assert str(path) in str(error.value)
    assert problem in str(error.value)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ('{"version": 1, "name": "Circle",', "broken JSON at line 1"),
        ("", "broken JSON"),
        ('{"version": 1}\n{"version": 2}', "broken JSON at line 2"),
    ],
)
def test_broken_json_names_the_file_and_the_line(tmp_path: Path, text: str, problem: str) -> None:
    path = tmp_path / "broken.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(TrackError, match="broken JSON") as error:
        load_track(path)
    assert str(path) in str(error.value)
    assert problem in str(error.value)


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
@pytest.mark.parametrize("field", ["centerline", "width_left"])
def test_non_finite_numbers_are_rejected(tmp_path: Path, constant: str, field: str) -> None:
    marker = "123456.5"
    data = circle_data()
    if field == "centerline":
        data["centerline"][3][1] = float(marker)
    else:
        data["width_left"][3] = float(marker)
    text = json.dumps(data).replace(marker, constant)
    path = tmp_path / "nan.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(TrackError) as error:
        load_track(path)
    assert str(path) in str(error.value)
    assert f"non-finite number {constant}" in str(error.value)


def test_non_finite_numbers_are_rejected_in_code() -> None:
    data = circle_data()
    data["width_right"][0] = math.inf
    with pytest.raises(TrackError, match="width_right contains a non-finite number"):
        game.sim.track.io.track_from_dict(data)


def test_missing_and_unreadable_files(tmp_path: Path) -> None:
    with pytest.raises(TrackError, match="no such track file") as error:
        load_track(tmp_path / "nowhere.json")
    assert "nowhere.json" in str(error.value)
    binary = tmp_path / "binary.json"
    binary.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(TrackError, match="cannot read the file"):
        load_track(binary)


def test_save_load_round_trip(tmp_path: Path, twisty_track: Track) -> None:
    track = Track(
        "Round Trip",
        twisty_track.control_points,
        twisty_track.control_width_left,
        twisty_track.control_width_right,
        {"author": "test", "nested": {"laps": 3}},
    )
    path = tmp_path / "sub" / "round_trip.json"
    save_track(track, path)
    loaded = load_track(path)
    assert loaded.name == track.name
    assert loaded.metadata == track.metadata
    np.testing.assert_allclose(loaded.control_points, track.control_points, atol=1e-4)
    np.testing.assert_allclose(loaded.control_width_left, track.control_width_left, atol=1e-4)
    np.testing.assert_allclose(loaded.control_width_right, track.control_width_right, atol=1e-4)
    assert loaded.n_samples == track.n_samples
    np.testing.assert_allclose(loaded.table, track.table, atol=1e-3)
    # Saving what was loaded gives the same file.
    save_track(loaded, tmp_path / "again.json")
    assert (tmp_path / "again.json").read_text() == path.read_text()


def test_interrupted_save_leaves_the_old_file(tmp_path: Path, oval_track: Track, monkeypatch) -> None:
    path = tmp_path / "track.json"
    save_track(oval_track, path)
    before = path.read_bytes()

    def failing_dumps(*args: Any, **kwargs: Any) -> str:
        raise RuntimeError("interrupted while encoding")

    with monkeypatch.context() as patch:
        patch.setattr(game.sim.track.io.json, "dumps", failing_dumps)
        with pytest.raises(RuntimeError):
            save_track(oval_track, path)
    assert path.read_bytes() == before

    def failing_fsync(fd: int) -> None:
        raise OSError("disk full")  # after the new text is written to the temp file, before the rename

    with monkeypatch.context() as patch:
        patch.setattr(game.sim.files.os, "fsync", failing_fsync)
        renamed = Track(
            "Renamed", oval_track.control_points, oval_track.control_width_left, oval_track.control_width_right
        )
        with pytest.raises(OSError, match="disk full"):
            save_track(renamed, path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["track.json"]  # no temp file left behind
    assert load_track(path).name == oval_track.name


def test_track_to_dict_is_json_ready(oval_track: Track) -> None:
    data = track_to_dict(oval_track)
    assert data["version"] == 1
    assert len(data["centerline"]) == len(data["width_left"]) == len(data["width_right"])
    json.dumps(data, allow_nan=False)


def lemniscate(scale: float = 300.0, n: int = 120) -> Track:
    """A figure-eight (lemniscate of Gerono) crossing itself at the origin at right angles."""
    t = np.linspace(0.0, 2.0 * math.pi, n, endpoint=False) + 0.3
    points = np.stack([scale * np.sin(t), scale * np.sin(t) * np.cos(t)], axis=1)
    return Track("Eight", points, np.full(n, 5.0), np.full(n, 5.0), {"crossing": True})


def walk_and_project(track: Track, lateral: float, step: float = 0.7) -> float:
    """Drive along the track at a lateral offset, projecting with the last segment as hint; worst arc error [m]."""
    x, y, _ = track.pose_at(0.0, lateral)
    hint = track.nearest_index(x, y)
    worst = 0.0
    for s in np.arange(0.0, track.length, step):
        x, y, _ = track.pose_at(float(s), lateral)
        hint, s_projected, lateral_projected = track.project(x, y, hint)
        error = (s_projected - s + 0.5 * track.length) % track.length - 0.5 * track.length
        worst = max(worst, abs(error))
        assert abs(lateral_projected - lateral) < 0.5, f"at s={s:.1f} m"
    return worst


@pytest.mark.parametrize("lateral", [0.0, 3.0, -3.0])
def test_projection_stays_on_its_branch_through_a_crossing(lateral: float) -> None:
    track = lemniscate()
    assert walk_and_project(track, lateral) < 1.0


def test_projection_at_the_crossing_point_follows_the_hint() -> None:
    track = lemniscate()
    d = np.hypot(track.centerline[:, 0], track.centerline[:, 1])
    near = np.flatnonzero(d < 3.0)
    branch_a, branch_b = near[0], near[-1]
    assert branch_b - branch_a > 10  # two branches, not one
    for hint in (branch_a, branch_b):
        segment, s, lateral = track.project(0.0, 0.0, int(hint))
        assert abs(segment - hint) <= 2
        assert abs(s - hint * track.spacing) < 2.0 * track.spacing
        assert abs(lateral) < 2.0


def test_projection_on_the_shipped_figure_eight() -> None:
    track = load_track(REPO_ROOT / "tracks" / "viaduct_eight.json")
    assert track.metadata["crossing"] is True
    assert walk_and_project(track, 2.0) < 1.0


def _circle(length_m: float, points: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    radius = length_m / (2.0 * np.pi)
    angles = np.linspace(0.0, 2.0 * np.pi, points, endpoint=False)
    return (
        np.stack([radius * np.cos(angles), radius * np.sin(angles)], axis=1),
        np.full(points, 6.0),
        np.full(points, 6.0),
    )


@pytest.mark.parametrize(
    "length_m, points, message",
    [(1_005_000.0, 21_344, "too (long|many)"), (100_000.0, 2_000, "too long"), (20_000.0, 50_000, "too many")],
)
def test_huge_tracks_are_refused_before_anything_big_is_built(length_m, points, message) -> None:
    """Issue 17 #6: a 20 KB file describing a 1,005 km circle took 8.4 GB and 51 s."""
    import time

    from game.sim.track import MAX_CONTROL_POINTS, MAX_TRACK_LENGTH

    centre, left, right = _circle(length_m, points)
    started = time.perf_counter()
    with pytest.raises(TrackError, match=message) as caught:
        Track("Huge", centre, left, right)
    assert time.perf_counter() - started < 0.5
    assert f"{MAX_TRACK_LENGTH / 1000:.0f} km" in str(caught.value) or str(MAX_CONTROL_POINTS) in str(caught.value)


def test_a_long_real_circuit_is_still_allowed() -> None:
    centre, left, right = _circle(25_000.0, 2_500)  # the longest real circuits are about 25 km
    assert Track("Long", centre, left, right).length == pytest.approx(25_000.0, rel=1e-3)
