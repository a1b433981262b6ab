"""Drivers on generated tracks: the summary row, the settings, a run on one track, bad models and values refused."""

from __future__ import annotations

import json

import pytest

from agents.report.generated import SETTINGS, main, summarise
from game.sim.track.generator import generate_track


def test_summary_counts_tracks_lapped_in_full_and_their_median():
    results = [
        {"completion_rate": 1.0, "ratio": 1.10},
        {"completion_rate": 0.5, "ratio": 1.02},  # a fast lap on a track not lapped in full is not in the median
        {"completion_rate": 1.0, "ratio": 1.20},
    ]
    row = summarise("m", "varied", results)
    assert (row.tracks, row.lapped, row.median) == (3, 2, pytest.approx(1.15))
    assert row.laps == pytest.approx(2.5 / 3)
    assert summarise("m", "varied", [{"completion_rate": 0.0, "ratio": None}]).median is None


def test_settings_draw_valid_tracks_and_linked_differs_from_circuits():
    assert generate_track(700_000, SETTINGS["linked"]).length > 0
    circuits = generate_track(700_001, SETTINGS["circuits"])
    linked = generate_track(700_001, SETTINGS["linked"])
    assert circuits.length != linked.length or (circuits.curvature != linked.curvature).any()


def test_the_shipped_base_on_a_generated_track(capsys):
    assert main(["assets/models/base.npz", "--count", "1", "--episodes", "1", "--settings", "varied", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    (row,) = out["rows"]
    assert row["setting"] == "varied" and row["tracks"] == 1
    (result,) = out["tracks"]["assets/models/base.npz"]["varied"]
    assert 0.0 <= result["completion_rate"] <= 1.0


def test_a_corrupt_model_and_wrong_values_are_refused(tmp_path, capsys):
    broken = tmp_path / "driver.npz"
    broken.write_bytes(b"not a model")
    assert main([str(broken), "--count", "1"]) == 2
    assert "error" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_:
        main(["assets/models/base.npz", "--count", "0"])
    assert exit_.value.code == 2
    with pytest.raises(SystemExit):
        main(["assets/models/base.npz", "--settings", "nonsense"])
