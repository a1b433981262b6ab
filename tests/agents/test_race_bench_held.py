"""The held-speed benchmark: a car held to a share of the reference speed laps that much slower; bad input exits 2."""

import json

import pytest

import game.paths
from agents.race_bench.held import held_drive, main
from game.sim.track.io import save_track


def test_a_held_car_laps_slower_by_about_its_share_and_stays_on_the_oval(oval_track, tmp_path):
    path = tmp_path / "oval.json"
    free = held_drive(oval_track, path, 1.0, laps=1, models=game.paths.MODELS_DIR)
    held = held_drive(oval_track, path, 0.6, laps=1, models=game.paths.MODELS_DIR)
    assert free["finished"] and held["finished"]
    assert held["off_road_s"] == 0.0 and held["rescues"] == 0
    # The free lap is the model's own pace, above the reference's; held to 0.6 of the reference speed everywhere, the
    # lap is at least 1 / 0.6 of the reference lap, and slower than the free one.
    assert held["best_lap_ratio"] >= 1 / 0.6 > free["best_lap_ratio"]


def test_cli_prints_one_json_object_per_share(oval_track, tmp_path, capsys, no_models):
    save_track(oval_track, tmp_path / "oval.json")
    assert main(["--track", str(tmp_path / "oval.json"), "--shares", "1", "0.8", "--laps", "1", "--json"]) == 0
    results = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["share"] for r in results] == [1.0, 0.8]
    assert all({"off_road_s", "rescues", "best_lap_ratio", "finished", "driver"} <= set(r) for r in results)


@pytest.mark.parametrize(
    "args",
    [
        ["--shares", "0"],
        ["--shares", "1.2"],
        ["--laps", "0"],
        ["--models", "nowhere"],
        ["--track", "missing.json"],
    ],
)
def test_cli_bad_input_exits_2_with_an_error_line(tmp_path, capsys, monkeypatch, args):
    monkeypatch.chdir(tmp_path)
    assert main(args) == 2
    assert capsys.readouterr().err.startswith("error:")
