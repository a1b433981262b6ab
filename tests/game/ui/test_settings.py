"""Settings and best laps: persisted as JSON, atomically, and never a crash from a broken file."""

from __future__ import annotations

import json

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


def test_broken_best_laps_file(data_dir):
    data_dir.mkdir(parents=True)
    (data_dir / "best_laps.json").write_text("[1, 2")
    laps = BestLaps()
    assert laps.records == {} and "broken JSON" in laps.message
    assert laps.submit("ring", 1000.0, 60.0)
    assert json.loads((data_dir / "best_laps.json").read_text())["ring"]["time"] == 60.0
