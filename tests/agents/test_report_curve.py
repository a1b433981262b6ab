"""A run's evaluations read back from its curve file: laps, the median with a missed track counted worst, the goal."""

from __future__ import annotations

import math

from agents.report.curve import main, read_curve

HEADER = "steps,wall_time_min,track,completion_rate,best_lap_s,mean_lap_s,reference_lap_s,ratio,off_track_rate\n"


def test_laps_median_and_goal_per_evaluation(tmp_path, capsys):
    curve = tmp_path / "base.curve.csv"
    curve.write_text(
        HEADER
        + "100000,1.0,A,1.0000,110,110,100,1.1000,0\n100000,1.0,B,0.5000,,,100,,0.5\n"
        + "100000,1.0,C,1.0000,111,111,100,1.1100,0\n"
        + "200000,2.0,A,1.0000,105,105,100,1.0500,0\n200000,2.0,B,1.0000,112,112,100,1.1200,0\n"
        + "200000,2.0,C,0.9000,108,108,100,1.0800,0.1\n"
        + "300000,3.0,A,1.0000,105,105,100,1.0500,0\n300000,3.0,B,1.0000,112,112,100,1.1200,0\n"
        + "300000,3.0,C,1.0000,108,108,100,1.0800,0\n"
    )
    first, second, third = read_curve(curve)
    assert (first.steps, first.laps, first.median, first.missed) == (100_000, 2.5 / 3, 1.11, ("B 50%",))
    assert not first.meets_goal
    assert second.median == 1.12 and second.missed == ("C 90%",)  # a track not lapped in full counts as the worst
    assert math.isclose(second.laps, 2.9 / 3) and not second.meets_goal  # 97% of all laps, but C is not lapped
    assert third.median == 1.08 and third.meets_goal
    assert main([str(curve)]) == 0
    assert "goal" in capsys.readouterr().out


def test_a_file_that_is_not_a_curve_is_refused(tmp_path, capsys):
    broken = tmp_path / "notes.csv"
    broken.write_text("name,value\nx,1\n")
    assert main([str(broken)]) == 2
    assert "missing column(s) steps, wall_time_min, completion_rate, track, ratio" in capsys.readouterr().err
    assert main([str(tmp_path / "missing.csv")]) == 2
