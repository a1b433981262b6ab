"""The imitation diagnostic: a student fitted to the scripted driver's actions, saved for agents.evaluate."""

import json

import numpy as np
import pytest
import torch as th

from agents.imitate import main
from agents.models import load_sb3

TINY = ["--tracks", "1", "--episodes", "1", "--epochs", "150", "--episode-steps", "150"]


def test_the_student_learns_the_script_s_actions_and_is_saved_with_its_rounds(tmp_path):
    out = tmp_path / "student.zip"
    assert main(["--out", str(out), "--rounds", "2", *TINY]) == 0
    record = json.loads(out.with_suffix(".json").read_text())
    assert [r["round"] for r in record["rounds"]] == [0, 1] and all(r["samples"] > 0 for r in record["rounds"])
    student = load_sb3(out, device="cpu")  # loadable as any driver for agents.evaluate
    assert student.observation_space.shape == (22,)  # the shipped drivers' layout, v3
    # after the first round its mean actions are near the script's on the states it learned from (an untrained
    # network's squared error is about 0.2 here)
    assert record["rounds"][0]["loss"] < 0.05
    with th.no_grad():
        action = student.actor(th.zeros((1, 22)), deterministic=True).numpy()
    assert np.all(np.isfinite(action))


@pytest.mark.parametrize("bad", [["--speed-scale", "0"], ["--speed-scale", "1.5"], ["--rounds", "0"], ["--out-suffix"]])
def test_bad_input_is_refused_with_a_message(tmp_path, capsys, bad):
    out = tmp_path / ("student.txt" if bad == ["--out-suffix"] else "student.zip")
    argv = ["--out", str(out)] + ([] if bad == ["--out-suffix"] else bad)
    assert main(argv) == 2
    assert "error:" in capsys.readouterr().err and not out.exists()
