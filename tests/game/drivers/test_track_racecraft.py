"""A track's own racecraft file: read, checked, applied where that track is raced, and never a reason to stop."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

import game.paths
from agents.race_bench.cli import settings_on_track
from game.drivers.catalogue import driver_for_track
from game.drivers.racecraft import RacecraftSettings
from game.drivers.track_racecraft import RACECRAFT_SUFFIX, read_racecraft_file, track_racecraft
from game.sim.physics import DEFAULT_CAR

ROOT = Path(__file__).resolve().parents[3]


def write(models: Path, stem: str, text: str) -> Path:
    (models / "tracks").mkdir(exist_ok=True)
    path = models / "tracks" / f"{stem}{RACECRAFT_SUFFIX}"
    path.write_text(text)
    return path


def racecraft_text(settings: dict) -> str:
    return json.dumps({"format": "retroracer-racecraft", "version": 1, "track": "test_ring", "settings": settings})


def test_a_track_without_a_file_races_the_games_settings(tmp_path):
    assert track_racecraft("tracks/test_ring.json", tmp_path) == (RacecraftSettings(), None)
    assert track_racecraft(None, tmp_path) == (RacecraftSettings(), None)


def test_a_tracks_file_changes_only_the_settings_it_names(tmp_path):
    write(tmp_path, "test_ring", racecraft_text({"open_side": 80, "lane_look": 1.5}))
    settings, message = track_racecraft("somewhere/test_ring.json", tmp_path)
    assert message is None
    assert settings.open_side == 80.0 and settings.lane_look == 1.5
    assert settings.max_shift == RacecraftSettings().max_shift
    assert track_racecraft("tracks/other.json", tmp_path) == (RacecraftSettings(), None)  # by the track's file stem


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("{not json", "cannot be read"),
        (json.dumps({"format": "something-else", "version": 1, "settings": {}}), "not a racecraft file"),
        (json.dumps({"format": "retroracer-racecraft", "version": 9, "settings": {}}), "version 9"),
        (json.dumps({"format": "retroracer-racecraft", "version": 1, "settings": [1]}), "'settings' must be"),
        (racecraft_text({"warp_speed": 2.0}), "unknown setting 'warp_speed'"),
        (racecraft_text({"open_side": "far"}), "finite number"),
        (racecraft_text({"open_side": True}), "finite number"),
        (racecraft_text({"open_side": float("nan")}), "finite number"),
    ],
)
def test_a_file_that_cannot_be_used_races_the_games_settings_with_a_message(tmp_path, text, reason):
    path = write(tmp_path, "test_ring", text)
    settings, message = track_racecraft("tracks/test_ring.json", tmp_path)
    assert settings == RacecraftSettings()
    assert reason in message and "test_ring.racecraft.json" in message
    with pytest.raises(ValueError, match=reason):
        settings_on_track("tracks/test_ring.json", tmp_path, [])  # the benchmark stops instead
    assert path.read_text() == text  # left as it was


def test_the_benchmark_changes_a_tracks_settings_on_top_of_its_file(tmp_path):
    write(tmp_path, "test_ring", racecraft_text({"open_side": 80, "lane_look": 1.5}))
    settings = settings_on_track("tracks/test_ring.json", tmp_path, ["lane_look=0", "max_shift=6"])
    assert (settings.open_side, settings.lane_look, settings.max_shift) == (80.0, 0.0, 6.0)


def test_every_shipped_racecraft_file_is_usable_and_names_a_shipped_track():
    files = sorted((game.paths.MODELS_DIR / "tracks").glob(f"*{RACECRAFT_SUFFIX}"))
    assert files, "Harbour Hairpins ships one"
    for path in files:
        stem = path.name.removesuffix(RACECRAFT_SUFFIX)
        assert read_racecraft_file(path), path.name
        assert (ROOT / "tracks" / f"{stem}.json").is_file(), path.name
        assert json.loads(path.read_text())["track"] == stem


def test_the_game_races_a_tracks_own_settings_there_and_the_games_elsewhere(ring_track, tmp_path):
    shutil.copy(game.paths.base_model(), tmp_path / "base.npz")
    write(tmp_path, "test_ring", racecraft_text({"open_side": 80}))
    own = driver_for_track(ring_track, "tracks/test_ring.json", DEFAULT_CAR, models_dir=tmp_path)
    other = driver_for_track(ring_track, "tracks/another.json", DEFAULT_CAR, models_dir=tmp_path)
    given = driver_for_track(
        ring_track, "tracks/test_ring.json", DEFAULT_CAR, models_dir=tmp_path, settings=RacecraftSettings()
    )
    assert own.kind == "model" and own.message is None
    assert own.driver.primary.racecraft.settings.open_side == 80.0
    assert other.driver.primary.racecraft.settings == RacecraftSettings()
    assert given.driver.primary.racecraft.settings == RacecraftSettings()  # settings given are used as given


def test_a_broken_file_still_races_the_model_with_the_games_settings_and_says_so(ring_track, tmp_path):
    shutil.copy(game.paths.base_model(), tmp_path / "base.npz")
    write(tmp_path, "test_ring", "{broken")
    choice = driver_for_track(ring_track, "tracks/test_ring.json", DEFAULT_CAR, models_dir=tmp_path)
    assert choice.kind == "model" and "test_ring.racecraft.json" in choice.message
    assert choice.driver.primary.racecraft.settings == RacecraftSettings()


def test_the_benchmarks_report_names_the_settings_that_differ_from_the_games():
    from agents.race_bench.cli import _driver

    header = {"model": "tracks/x.npz", "driver": "model", "racecraft": True, "racecraft_changes": {}}
    assert _driver(header) == "tracks/x.npz"
    header["racecraft_changes"] = {"open_side": 80.0, "lane_look": 1.5}
    assert _driver(header) == "tracks/x.npz (racecraft: lane_look=1.5, open_side=80)"
    assert _driver({**header, "racecraft": False}) == "tracks/x.npz (no racecraft)"
