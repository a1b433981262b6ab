"""The race benchmark: its counters on races made by hand, a short recorded race, the CLI's JSON and its errors."""

import json

import numpy as np
import pytest

import game.paths
from agents.race_bench.cli import main
from agents.race_bench.counting import (
    BUMP_GAP_S,
    CLEAN_WINDOW_S,
    PASS_MARGIN,
    count_bumps,
    find_passes,
    lap_ratios,
    mark_clean,
    rivals_ever_ahead,
    rivals_past,
)
from agents.race_bench.record import RaceRecord, make_race, record_race
from agents.race_bench.scenarios import SLOW_PACE, measure, rescue_log, run_scenarios
from game.drivers.scripted import ScriptedDriver
from game.sim.physics import PHYSICS_DT
from game.sim.rules import DIFFICULTY_PACE
from game.sim.track.io import save_track

DT = PHYSICS_DT
SCENARIO_KEYS = {"contacts", "rescues", "passes", "clean_passes", "best_lap_ratios"}


def ticks(start: float, stop: float) -> list[float]:
    """Race times of the ticks in [start, stop)."""
    return [round(k * DT, 9) for k in range(int(round(start / DT)), int(round(stop / DT)))]


# -- contacts ---------------------------------------------------------------------------------------------------
def test_a_two_car_knock_is_one_contact_not_two_events():
    contacts = [(1.0, 2, 3.0), (1.0, 5, 3.0)]  # Race emits one event per car
    touches = [(1.0, 2, 5)]
    bumps = count_bumps(contacts, touches)
    assert [(b.a, b.b) for b in bumps] == [(2, 5)]


def test_sustained_contact_is_one_bump_however_many_events():
    times = ticks(1.0, 3.0)  # two seconds nose to tail, knocking every tick
    contacts = [(t, car, 1.5) for t in times for car in (0, 1)]
    touches = [(t, 0, 1) for t in times]
    assert len(count_bumps(contacts, touches)) == 1


def test_light_touching_before_the_knock_is_the_same_bump():
    touches = [(t, 0, 1) for t in ticks(1.0, 2.0)]
    contacts = [(touches[-1][0], 0, 2.0), (touches[-1][0], 1, 2.0)]
    bumps = count_bumps(contacts, touches)
    assert len(bumps) == 1 and bumps[0].time == touches[-1][0]


def test_a_touch_without_a_knock_is_no_contact():
    assert count_bumps([], [(t, 0, 1) for t in ticks(1.0, 2.0)]) == []


def test_apart_long_enough_then_touching_again_is_a_second_bump():
    first = 1.0
    just_after = first + 0.5 * BUMP_GAP_S  # bridged: the same bump
    second = just_after + BUMP_GAP_S + 0.1
    contacts = [(t, car, 2.0) for t in (first, just_after, second) for car in (3, 4)]
    touches = [(t, 3, 4) for t in (first, just_after, second)]
    assert [b.time for b in count_bumps(contacts, touches)] == [first, second]


def test_a_pile_up_counts_each_pair_and_a_lone_event_counts_once():
    contacts = [(2.0, 0, 2.0), (2.0, 1, 3.0), (2.0, 2, 1.5), (5.0, 6, 1.2), (5.0 + DT, 6, 1.2)]
    touches = [(2.0, 0, 1), (2.0, 1, 2)]
    bumps = count_bumps(contacts, touches)
    assert [(b.a, b.b) for b in bumps] == [(0, 1), (1, 2), (6, -1)]


# -- passes -----------------------------------------------------------------------------------------------------
def two_cars(lead: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Times, progress and racing flags of car 0 at a steady 50 m/s and car 1 ``lead`` metres ahead of it."""
    times = np.arange(len(lead)) * 0.1
    car0 = 50.0 * times
    progress = np.stack([car0, car0 + lead], axis=1)
    return times, progress, np.ones_like(progress, dtype=bool)


def test_getting_from_behind_to_ahead_is_one_pass():
    times, progress, racing = two_cars(np.linspace(-10.0, 10.0, 50))
    passes = find_passes(times, progress, racing)
    assert [(p.car, p.passed) for p in passes] == [(1, 0)]
    assert progress[np.searchsorted(times, passes[0].time), 1] - progress[0, 0] > 0  # counted once it is ahead
    assert passes[0].time == pytest.approx(times[np.argmax(np.linspace(-10.0, 10.0, 50) > PASS_MARGIN)])


def test_side_by_side_jitter_is_no_pass_but_a_repass_is_one():
    jitter = 0.9 * PASS_MARGIN * np.sin(np.arange(200))  # swaps the order many times, never by the margin
    times, progress, racing = two_cars(np.concatenate([np.full(10, -5.0), jitter, np.full(10, -5.0)]))
    assert find_passes(times, progress, racing) == []
    times, progress, racing = two_cars(np.array([-5.0, 5.0, 5.0, -5.0, -5.0]))
    assert [(p.car, p.passed) for p in find_passes(times, progress, racing)] == [(1, 0), (0, 1)]


def test_lapping_a_back_marker_is_no_pass():
    # Car 1 is a lap (1000 m) behind in race progress; on the road the leader catches and drives by it.
    times = np.arange(100) * 0.1
    leader = 60.0 * times + 1000.0
    backmarker = 30.0 * times + 120.0
    progress = np.stack([backmarker, leader], axis=1)
    assert find_passes(times, progress, np.ones_like(progress, dtype=bool)) == []


def test_after_the_flag_positions_change_without_passes():
    times, progress, racing = two_cars(np.linspace(-10.0, 10.0, 50))
    racing[20:, 0] = False  # car 0 took the flag before car 1 got by
    assert find_passes(times, progress, racing) == []


def test_a_pass_is_clean_only_without_contact_just_before():
    times, progress, racing = two_cars(np.linspace(-10.0, 10.0, 50))
    (raw,) = find_passes(times, progress, racing)
    assert mark_clean([raw], [])[0].clean
    assert mark_clean([raw], [(raw.time - CLEAN_WINDOW_S - 0.1, 0, 2.0)])[0].clean
    assert mark_clean([raw], [(raw.time + 0.1, 1, 2.0), (raw.time - 1.0, 5, 2.0)])[0].clean  # after, someone else
    assert not mark_clean([raw], [(raw.time - 0.5 * CLEAN_WINDOW_S, 0, 2.0)])[0].clean
    assert not mark_clean([raw], [(raw.time, 1, 1.0)])[0].clean


# -- the slow car, lap ratios ----------------------------------------------------------------------------------
def test_rivals_past_the_slow_car():
    assert rivals_past([3, 1, 0, 2], slow_car=0) == 2
    assert rivals_past([0, 1, 2], slow_car=0) == 0
    progress = np.array([[0.0, -5.0, -9.0, -14.0], [10.0, 13.0, 9.0, 5.0], [20.0, 15.0, 16.0, 25.0]])
    assert rivals_ever_ahead(progress, np.ones_like(progress, dtype=bool), slow_car=0) == 2  # cars 1 and 3
    racing = np.ones_like(progress, dtype=bool)
    racing[2, 0] = False  # the slow car finished before car 3 got by
    assert rivals_ever_ahead(progress, racing, slow_car=0) == 1


def test_lap_ratios():
    assert lap_ratios([50.0, None, 55.0], 50.0) == [1.0, None, 1.1]
    assert lap_ratios([50.0], None) == [None]


# -- a real race ------------------------------------------------------------------------------------------------
def test_the_rescue_log_says_where_why_and_whether_a_knock_came_first():
    times = np.array(ticks(0.0, 10.0))
    progress = np.tile(np.array([[0.0, 0.0]]), (len(times), 1)) + times[:, None] * 10.0  # 10 m/s each
    record = RaceRecord(
        names=["A", "B"], times=times, progress=progress, positions=np.ones((len(times), 2), dtype=int),
        racing=np.ones((len(times), 2), dtype=bool),
        contacts=[(4.0, 1, 3.0)],
        rescues=[(3.0, 0), (5.0, 1), (9.0, 1)], rescue_kinds=["off track", "stuck", "off track"],
    )  # fmt: skip
    log = rescue_log(record, track_length=60.0)
    assert [(r["car"], r["kind"], r["after_contact"]) for r in log] == [
        (0, "off track", False),
        (1, "stuck", True),  # a knock 1 s before
        (1, "off track", False),  # the knock was 5 s before
    ]
    assert [r["at_m"] for r in log] == pytest.approx([30.0, 50.0, 30.0], abs=0.2)  # 90 m into a 60 m lap: 30


def test_a_recorded_race_with_a_slow_car(oval_track):
    race = make_race(oval_track, ScriptedDriver(oval_track), 1, "hard", 8, slow_car=0, slow_hold=0.7)
    assert race.held_to[0] == 0.7 and np.all(np.isinf(race.held_to[1:]))  # only the slow car is held
    assert race.pace[0] == pytest.approx(DIFFICULTY_PACE["hard"])  # its levers at the level, as in a field race
    record = record_race(race)
    assert record.done and all(record.finished)
    n = len(record.times)
    assert record.progress.shape == (n, 8) and record.racing.shape == (n, 8)
    assert all(sorted(row) == list(range(1, 9)) for row in record.positions[:: max(n // 20, 1)])
    assert record.times[0] == 0.0 and np.all(np.diff(record.times) > 0)
    result = measure(record, reference_lap_s=40.0, track_length=oval_track.length, slow_car=0)
    assert result.slow_car_position == result.positions[0] == record.final_order.index(0) + 1
    assert result.rivals_past == result.slow_car_position - 1
    assert result.passes >= result.rivals_past  # nobody gets by without passing (a rescue keeps progress)
    assert result.contact_events >= result.contacts
    best = record.best_laps()
    assert result.best_lap_ratios[3] == pytest.approx(best[3] / 40.0)
    assert len(result.rescue_log) == result.rescues == len(record.rescue_kinds)


def test_the_same_seed_gives_the_same_race_and_no_seed_the_game_grid(oval_track):
    driver = ScriptedDriver(oval_track)
    game_grid = make_race(oval_track, driver, 1, "hard", 8).cars.copy()
    a = make_race(oval_track, driver, 1, "hard", 8, seed=3).cars
    b = make_race(oval_track, driver, 1, "hard", 8, seed=3).cars
    c = make_race(oval_track, driver, 1, "hard", 8, seed=4).cars
    assert np.array_equal(a, b) and not np.array_equal(a, c) and not np.array_equal(a, game_grid)
    assert np.abs(a[:, :2] - game_grid[:, :2]).max() < 1.5


# -- the command line ----------------------------------------------------------------------------------------------
def test_cli_json_has_the_keys_and_draws_the_picture(oval_track, tmp_path, capsys, no_models):
    save_track(oval_track, tmp_path / "oval.json")
    png = tmp_path / "pictures" / "race.png"
    assert main(["--track", str(tmp_path / "oval.json"), "--laps", "1", "--json", "--plot", str(png)]) == 0
    data = json.loads(capsys.readouterr().out)  # one JSON object, nothing else on stdout
    assert data["driver"] == "scripted" and data["model"] is None and data["laps"] == 1 and data["racecraft"]
    assert data["field"]["complete"] and data["slow_car"]["complete"]
    assert SCENARIO_KEYS <= set(data["field"]) and "rivals_past" not in data["field"]
    assert SCENARIO_KEYS | {"rivals_past", "slow_car_position"} <= set(data["slow_car"])
    assert 0 <= data["slow_car"]["rivals_past"] <= 7 and 1 <= data["slow_car"]["slow_car_position"] <= 8
    assert len(data["field"]["best_lap_ratios"]) == 8 and all(r > 0.9 for r in data["field"]["best_lap_ratios"])
    slow = data["slow_car"]
    assert slow["slow_car_pace"] == pytest.approx(SLOW_PACE, abs=0.03)  # held to 80% of its own pace, measured
    assert slow["slow_car_held_to"] < SLOW_PACE  # of the reference lap's speed: its own pace is below the limit
    assert "slow_car_pace" not in data["field"]
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert [p.name for p in png.parent.iterdir()] == ["race.png"]  # written atomically: no temp file left


@pytest.mark.parametrize(
    ("content", "laps", "expected"),
    [
        (None, "2", "no such track file"),
        ("{not json", "2", "broken JSON"),
        ('{"format": "retroracer-track"}', "2", "missing field"),
        ("good", "0", "--laps must be 1..20"),
        ("good", "2 --seed -1", "--seed must not be negative"),
    ],
    ids=["missing file", "broken JSON", "not a track", "zero laps", "negative seed"],
)
def test_cli_bad_input_exits_2_with_an_error_line(oval_track, tmp_path, capsys, content, laps, expected):
    path = tmp_path / "track.json"
    if content == "good":
        save_track(oval_track, path)
    elif content is not None:
        path.write_text(content)
    assert main(["--track", str(path), "--laps", *laps.split()]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("error: ") and expected in captured.err and "Traceback" not in captured.err


def test_a_race_stopped_at_the_time_limit_says_so(oval_track):
    record = record_race(make_race(oval_track, ScriptedDriver(oval_track), 1, "hard", 2), max_time=3.0)
    assert not record.done and not any(record.finished) and record.times[-1] == pytest.approx(3.0, abs=2 * DT)
    result = measure(record, reference_lap_s=None, track_length=oval_track.length)
    assert not result.complete and result.best_lap_ratios == [None, None] and result.slow_car is None


def test_cli_models_folder_must_exist(oval_track, tmp_path, capsys):
    path = tmp_path / "track.json"
    save_track(oval_track, path)
    assert main(["--track", str(path), "--models", str(tmp_path / "nowhere")]) == 2
    assert "is not a folder" in capsys.readouterr().err


def test_cli_levels_prints_each_rivals_lap_ratio_per_level(oval_track, tmp_path, capsys, no_models):
    save_track(oval_track, tmp_path / "oval.json")
    assert main(["--track", str(tmp_path / "oval.json"), "--laps", "1", "--levels", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert list(data["levels"]) == list(DIFFICULTY_PACE) and data["level"] == DIFFICULTY_PACE
    for level, result in data["levels"].items():
        assert result["complete"] and len(result["best_lap_ratios"]) == 8 and "slow_car" not in result
        assert result["pace"][0] == result["corner_pace"][0] == pytest.approx(DIFFICULTY_PACE[level])
    assert data["levels"]["easy"]["names"] == data["levels"]["hard"]["names"]  # the same line-up at every level
    assert main(["--track", str(tmp_path / "oval.json"), "--laps", "1", "--levels"]) == 0
    text = capsys.readouterr().out
    assert all(name in text for name in data["levels"]["hard"]["names"]) and "rivals" in text
    assert main(["--track", str(tmp_path / "oval.json"), "--levels", "--plot", str(tmp_path / "x.png")]) == 2


def test_the_table_tallies_the_goals_over_tracks(tmp_path, capsys):
    from agents.race_bench.table import main as table_main

    def result(track, contacts, rescues, past, passes, clean):
        race = {"contacts": contacts, "rescues": rescues, "passes": passes, "clean_passes": clean}
        return {
            "track": track,
            "model": "m/base.npz",
            "field": {**race, "best_lap_ratios": [1.1, None, 1.2]},
            "slow_car": {**race, "rescues": 0, "rivals_past": past, "slow_car_position": 8 - past},
        }

    files = []
    for i, r in enumerate([result("A", 8, 0, 7, 10, 10), result("B", 9, 1, 3, 10, 5)]):
        files.append(tmp_path / f"{i}.json")
        files[-1].write_text(json.dumps(r))
    assert table_main([str(f) for f in files]) == 0
    out = capsys.readouterr().out
    assert "| A | m | 8 | 0 | 10 (10) | 1.100-1.200 |" in out
    assert "all 7 past the slow car on 1, field contacts <= 8 on 1, no rescue in either race on 1" in out
    assert "clean passes 30 of 40 (75%)" in out
    assert table_main(["--summary", str(tmp_path)]) == 0
    assert "| " + tmp_path.name + " | 2 | 8.5 (9) | 1 | 1 | 8.5 | 0 | 5.00 | 1 | 40 | 75% |" in capsys.readouterr().out
    (tmp_path / "bad.json").write_text("{")
    assert table_main([str(tmp_path / "bad.json")]) == 2
    assert table_main(["--summary", str(tmp_path / "empty")]) == 2


def test_cli_no_racecraft_says_so(oval_track, tmp_path, capsys):
    save_track(oval_track, tmp_path / "oval.json")
    assert main(["--track", str(tmp_path / "oval.json"), "--laps", "1", "--no-racecraft"]) == 0
    assert "base.npz (no racecraft)" in capsys.readouterr().out.splitlines()[0]


def test_the_shipped_driver_races_cleanly_with_racecraft_and_bumps_without(oval_track):
    """The game's driver on the test oval, both races, with the game's racecraft and with the model alone."""
    models = game.paths.MODELS_DIR  # the shipped models: the oval has no fine-tune, the base drives
    raced = run_scenarios(oval_track, None, 2, "hard", None, models_dir=models)
    alone = run_scenarios(oval_track, None, 2, "hard", None, models_dir=models, racecraft=False)
    assert raced.driver == alone.driver == "model"
    for with_it, without in ((raced.field, alone.field), (raced.slow_car, alone.slow_car)):
        # Issue 14's bar (at most 8), and fewer than the model alone. The seeing base (v4-o) rubs side by side into
        # the oval's corner (4 in the field race, stage 6 none; docs/RACING.md, twenty-seventh session).
        assert with_it.contacts <= 8 and with_it.contacts < without.contacts
        assert with_it.rescues == 0
        assert with_it.clean_passes >= 0.9 * with_it.passes
    # Every rival gets past the slow car with racecraft. (Alone, the base shipped before stage 6 got 3 or more fewer
    # past; stage 6, trained on moved lines and held paces, gets by with bumps: the contacts above tell them apart.)
    assert raced.slow_car.rivals_past == 7 >= alone.slow_car.rivals_past
