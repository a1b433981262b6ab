"""Racing with changed racecraft settings, and the sweep over tracks and grids that tunes them."""

import json
import math
import shutil

import pytest

from agents.race_bench.cli import main as bench_main
from agents.race_bench.cli import racecraft_settings
from agents.race_bench.sweep import GAME_GRID, main, misses, race_name
from game.drivers.racecraft import RacecraftSettings
from game.paths import CIRCUITS_DIR, REPO_ROOT, TRACKS_DIR
from game.sim.track.io import save_track


def test_settings_change_by_name_and_bad_ones_are_refused():
    settings = racecraft_settings(["max_shift=6", "pass_gap=12.5"])
    assert settings.max_shift == 6.0 and settings.pass_gap == 12.5
    assert settings.follow_gap == RacecraftSettings().follow_gap  # the rest as the game's
    assert racecraft_settings([]) == RacecraftSettings()
    for bad, words in [("nope=1", "NAME one of"), ("max_shift", "NAME=VALUE"), ("max_shift=x", "not a number")]:
        with pytest.raises(ValueError, match=words):
            racecraft_settings([bad])
    with pytest.raises(ValueError, match="finite"):
        racecraft_settings([f"max_shift={math.nan}"])


def test_the_benchmark_races_with_changed_settings_and_says_which(oval_track, tmp_path, capsys, no_models):
    save_track(oval_track, tmp_path / "oval.json")
    track = str(tmp_path / "oval.json")
    assert bench_main(["--track", track, "--laps", "1", "--json", "--racecraft-set", "max_shift=2"]) == 0
    assert json.loads(capsys.readouterr().out)["racecraft_changes"] == {"max_shift": 2.0}
    assert bench_main(["--track", track, "--racecraft-set", "wobble=2"]) == 2
    assert bench_main(["--track", track, "--no-racecraft", "--racecraft-set", "max_shift=2"]) == 2
    err = capsys.readouterr().err
    assert "wobble" in err and "does not go with --no-racecraft" in err


def test_race_files_are_named_by_track_and_grid():
    assert race_name(TRACKS_DIR / "norisring.json", GAME_GRID) == "norisring-ggame.json"
    assert race_name(CIRCUITS_DIR / "Norisring.csv", "3") == "circuits-Norisring-g3.json"


def test_misses_names_each_goal_a_track_misses():
    race = {"contacts": 9, "rescues": 1}
    assert misses({"field": race, "slow_car": {"rescues": 0, "rivals_past": 5}}) == [
        "5 of 7 past",
        "9 field contacts",
        "rescues 1 + 0",
    ]
    assert misses({"field": {"contacts": 8, "rescues": 0}, "slow_car": {"rescues": 0, "rivals_past": 7}}) == []


def test_a_sweep_races_each_track_and_grid_once_and_resumes(oval_track, tmp_path, capsys):
    save_track(oval_track, tmp_path / "oval.json")
    models = tmp_path / "models"  # empty: the scripted driver, fast and independent of the shipped models
    models.mkdir()
    out = tmp_path / "sweep"
    argv = ["--out", str(out), "--tracks", str(tmp_path / "oval.json"), "--grids", "game", "1", "--laps", "1"]
    argv += ["--models", str(models), "--racecraft-set", "max_shift=3"]
    assert main(argv) == 0
    files = sorted(p.name for p in out.iterdir())
    assert files == ["oval-g1.json", "oval-ggame.json"]  # nothing half-written left
    first = {name: (out / name).stat().st_mtime_ns for name in files}
    results = [json.loads((out / name).read_text()) for name in files]
    assert [r["seed"] for r in results] == [1, None] and all(
        r["racecraft_changes"] == {"max_shift": 3.0} for r in results
    )
    assert all(r["driver"] == "scripted" and r["laps"] == 1 for r in results)
    assert f"| {out.name} | 2 |" in capsys.readouterr().out
    assert main(argv) == 0  # resumed: nothing raced again
    assert {name: (out / name).stat().st_mtime_ns for name in files} == first


@pytest.mark.parametrize(
    "extra",
    [["--grids", "first"], ["--racecraft-set", "nope=1"], ["--jobs", "0"], ["--laps", "0"], ["--models", "nowhere"]],
)
def test_a_sweep_refuses_bad_input_with_exit_2(oval_track, tmp_path, capsys, extra):
    save_track(oval_track, tmp_path / "oval.json")
    assert main(["--out", str(tmp_path / "out"), "--tracks", str(tmp_path / "oval.json"), *extra]) == 2
    assert capsys.readouterr().err.startswith("error: ")
    assert not (tmp_path / "out").exists()


def test_a_sweep_refuses_a_missing_track(tmp_path, capsys):
    assert main(["--out", str(tmp_path / "out"), "--tracks", str(tmp_path / "none.json")]) == 2
    assert "no such track file" in capsys.readouterr().err


def test_the_trace_follows_chosen_cars_through_a_race(oval_track, tmp_path, capsys):
    from agents.race_bench.trace import main as trace_main

    save_track(oval_track, tmp_path / "oval.json")
    track = str(tmp_path / "oval.json")  # no fine-tune for it: the shipped base drives, with racecraft
    assert trace_main(["--track", track, "--cars", "0,3", "--from", "1", "--to", "2", "--every", "6"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) in (10, 11)  # a line every 6 ticks of 1/60 s, for one second (both ends may count)
    assert all("car 0: at" in line and "car 3: at" in line and "passing" in line for line in lines)
    assert all(line.count("(line ") == 2 and line.count("(line's limit ") == 2 for line in lines)
    assert trace_main(["--track", track, "--cars", "2", "--from", "1", "--to", "1.2", "--controls"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines and all("model steer " in line and ", cap " in line for line in lines)
    for bad in (["--cars", "8"], ["--cars", "x"], ["--cars", "0", "--every", "0"], ["--cars", "0", "--from", "3"]):
        assert trace_main(["--track", track, "--to", "2", *bad]) == 2
        assert capsys.readouterr().err.startswith("error: ")


def test_the_trace_needs_a_model_to_trace(oval_track, tmp_path, capsys, no_models):
    from agents.race_bench.trace import main as trace_main

    save_track(oval_track, tmp_path / "oval.json")
    assert trace_main(["--track", str(tmp_path / "oval.json"), "--cars", "0", "--to", "1"]) == 2
    assert "nothing to trace" in capsys.readouterr().err


def test_the_trace_races_the_models_of_a_folder(oval_track, tmp_path, capsys, no_models):
    from agents.race_bench.trace import main as trace_main

    save_track(oval_track, tmp_path / "oval.json")
    candidate = tmp_path / "candidate"
    candidate.mkdir()
    shutil.copy(REPO_ROOT / "assets" / "models" / "base.npz", candidate / "base.npz")  # the game has none here
    argv = ["--track", str(tmp_path / "oval.json"), "--cars", "0", "--to", "1"]
    assert trace_main([*argv, "--models", str(candidate)]) == 0
    assert "car 0: at" in capsys.readouterr().out
    assert trace_main([*argv, "--models", str(tmp_path / "missing")]) == 2
    assert "not a folder" in capsys.readouterr().err


def test_the_trace_of_the_slow_car_race_holds_the_pole_car(oval_track, tmp_path, capsys):
    import re

    from agents.race_bench.trace import main as trace_main

    save_track(oval_track, tmp_path / "oval.json")
    speeds = {}
    for extra in ([], ["--slow-car"]):
        argv = ["--track", str(tmp_path / "oval.json"), "--cars", "0", "--from", "20", "--to", "30", "--every", "60"]
        assert trace_main([*argv, *extra]) == 0
        out = capsys.readouterr().out
        speeds[bool(extra)] = [float(v) for v in re.findall(r"([\d.]+) m/s \(line's", out)]
    assert len(speeds[True]) == len(speeds[False]) >= 10
    assert sum(speeds[True]) < 0.9 * sum(speeds[False])  # held to 80% of its pace (the field race first sets it)
