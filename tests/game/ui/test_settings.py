"""Settings and best laps: persisted as JSON, atomically, and never a crash from a broken file."""

from __future__ import annotations

import json

import pytest

from game.ui.settings import BestLaps, Settings, load_settings, save_settings


def test_settings_round_trip(data_dir):
    settings = Settings(muted=True, volume=0.3, rivals=7, difficulty="hard", laps=5)
    settings.key_bindings["accelerate"] = ["i", "up"]
    assert save_settings(settings) is None
    loaded, message = load_settings()
    assert message is None and loaded == settings
    assert not list(data_dir.glob("*.tmp"))  # the atomic write left no temp file


def test_missing_settings_give_defaults():
    settings, message = load_settings()
    assert settings == Settings() and message is None


def test_broken_settings_give_defaults_and_a_message(data_dir):
    data_dir.mkdir(parents=True)
    (data_dir / "settings.json").write_text("{oops")
    settings, message = load_settings()
    assert settings == Settings() and "broken JSON" in message


def test_hand_edited_values_are_clamped(data_dir):
    data_dir.mkdir(parents=True)
    bad = {"volume": 9, "rivals": -3, "difficulty": "insane", "laps": "x", "key_bindings": {"brake": []}, "extra": 1}
    (data_dir / "settings.json").write_text(json.dumps(bad))
    settings, message = load_settings()
    assert message is None
    assert settings.volume == 1.0 and settings.rivals == 0 and settings.difficulty == "normal" and settings.laps == 3
    assert settings.key_bindings["brake"] == ["down", "s"]


def test_best_laps(data_dir):
    laps = BestLaps()
    assert laps.get("ring", 1000.0) is None
    assert laps.submit("ring", 1000.0, 62.5)
    assert not laps.submit("ring", 1000.0, 63.0)
    assert laps.submit("ring", 1000.0, 61.0)
    again = BestLaps()
    assert again.get("ring", 1000.0) == 61.0
    assert again.get("ring", 1200.0) is None  # the track changed shape: the old record does not count


def test_broken_best_laps_file_is_set_aside_never_overwritten(data_dir):
    """Issue 17 #3: one trailing comma must not cost every old record at the next best lap."""
    data_dir.mkdir(parents=True)
    broken = '{"ring": {"time": 61.0, "length": 1000.0},}'
    (data_dir / "best_laps.json").write_text(broken)
    laps = BestLaps()
    assert laps.records == {} and "broken JSON" in laps.message and "best_laps.json.bak" in laps.message
    assert (data_dir / "best_laps.json.bak").read_text() == broken
    assert laps.submit("ring", 1000.0, 60.0)
    assert json.loads((data_dir / "best_laps.json").read_text())["ring"]["time"] == 60.0
    assert (data_dir / "best_laps.json.bak").read_text() == broken  # the old records are still there


def test_a_second_broken_file_does_not_replace_the_first_backup(data_dir):
    data_dir.mkdir(parents=True)
    (data_dir / "best_laps.json.bak").write_text("first")
    (data_dir / "best_laps.json").write_text("second,")
    laps = BestLaps()
    assert (data_dir / "best_laps.json.bak").read_text() == "first"
    kept = [p for p in data_dir.iterdir() if p.name.startswith("best_laps.json.bak") and p.read_text() == "second,"]
    assert len(kept) == 1 and kept[0].name in laps.message


def test_broken_settings_are_set_aside_before_they_are_saved_over(data_dir):
    data_dir.mkdir(parents=True)
    (data_dir / "settings.json").write_text('{"rivals": 3,}')
    settings, message = load_settings()
    assert settings == Settings() and "settings.json.bak" in message
    assert (data_dir / "settings.json.bak").read_text() == '{"rivals": 3,}'


@pytest.mark.parametrize(
    "text", ['{"rivals": 1e400}', '{"laps": Infinity}', '{"volume": -Infinity, "window_scale": NaN}']
)
def test_infinite_numbers_in_settings_give_defaults(data_dir, text):
    """Issue 17 #7: an OverflowError from int(inf) crashed every start."""
    data_dir.mkdir(parents=True)
    (data_dir / "settings.json").write_text(text)
    settings, _ = load_settings()
    assert settings.rivals == Settings().rivals and settings.laps == Settings().laps
    assert settings.volume == Settings().volume and settings.window_scale == 0


def test_infinite_best_lap_is_ignored(data_dir):
    data_dir.mkdir(parents=True)
    (data_dir / "best_laps.json").write_text('{"ring": {"time": 1e400, "length": 1000.0}}')
    assert BestLaps().records == {}
