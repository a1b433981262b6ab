"""The fine-tune benchmark: it runs agents.train finetune, reads the run's evaluation and judges issue 15's goal."""

import json

import pytest

from agents.bench_finetune import FinetuneRun, main
from agents.bench_train import Setting, measure
from game.sim.track.io import save_track

TINY = ["--steps", "64", "--n-envs", "2", "--batch-size", "32", "--buffer-size", "500", "--eval-every", "0"]
TINY += ["--checkpoint-every", "0", "--final-eval-episodes", "1", "--policy-warmup-steps", "0"]


def test_a_run_meets_the_goal_only_with_every_lap_near_the_limit_in_five_minutes_at_the_yardstick():
    fast = FinetuneRun("t.json", 1, 0, wall_s=400.0, completion_rate=1.0, ratio=1.05)
    assert fast.minutes_at_yardstick(90.0) == pytest.approx(5.0)  # 400 s here is 300 s where SAC runs 120/s
    assert fast.meets_goal(90.0) and not fast.meets_goal(91.0)
    assert not FinetuneRun("t.json", 1, 0, 100.0, completion_rate=0.94, ratio=1.05).meets_goal(120.0)
    assert not FinetuneRun("t.json", 1, 0, 100.0, completion_rate=1.0, ratio=1.07).meets_goal(120.0)
    assert not FinetuneRun("t.json", 1, 1, 100.0).meets_goal(120.0)


def test_it_times_a_real_fine_tune_and_reports_its_evaluation(tmp_path, oval_track, capsys):
    save_track(oval_track, tmp_path / "oval.json")
    argv = ["--tracks", str(tmp_path / "oval.json"), "--seeds", "3", "--out", str(tmp_path / "runs")]
    assert main([*argv, "--yardstick", "60", "--json", "--", *TINY]) == 0
    report = json.loads(capsys.readouterr().out)
    (run,) = report["runs"]
    assert run["seed"] == 3 and run["returncode"] == 0 and 0.0 <= run["completion_rate"] <= 1.0
    assert run["minutes_at_yardstick"] == pytest.approx(run["wall_s"] / 2 / 60)
    sidecar = json.loads((tmp_path / "runs" / "oval-seed3" / "oval.json").read_text())  # beside the model
    assert sidecar["config"]["seed"] == 3 and sidecar["config"]["steps"] == 64


def test_a_failed_run_is_reported_and_the_exit_status_says_so(tmp_path, oval_track, capsys):
    save_track(oval_track, tmp_path / "oval.json")
    argv = ["--tracks", str(tmp_path / "oval.json"), "--out", str(tmp_path / "runs"), "--yardstick", "60"]
    assert main([*argv, "--", "--steps", "-5"]) == 1
    assert "failed" in capsys.readouterr().out


def test_bad_input_is_refused_with_a_message(tmp_path, capsys):
    assert main(["--tracks", str(tmp_path / "none.json"), "--yardstick", "60"]) == 2
    assert "no such track file" in capsys.readouterr().err
    (tmp_path / "t.json").write_text("{}")
    assert main(["--tracks", str(tmp_path / "t.json"), "--parallel", "0"]) == 2


def test_the_yardstick_measures_plain_sac_steps_per_second():
    ((setting, ratio, rates),) = measure([Setting.parse("1:1:1:1:plain")], repeats=2, chunk_updates=5, warmup=40)
    assert setting.n_envs == 1 and ratio == 1.0 and len(rates) == 2 and all(rate > 0 for rate in rates)


def test_the_yardstick_is_sb3s_own_update_not_ours(monkeypatch):
    import agents.bench_finetune as bench
    import agents.bench_train

    seen = []
    monkeypatch.setattr(agents.bench_train, "measure", lambda settings, repeats: seen.extend(settings) or [(0, 1, [9])])
    assert bench.measure_yardstick(3) == 9
    assert [setting.plain for setting in seen] == [True]
