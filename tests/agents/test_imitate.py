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
    assert student.line_clearance == 0.15  # the line the script follows, saved with the student
    assert student.observation_space.shape == (22,)  # the shipped drivers' layout, v3
    # after the first round its mean actions are near the script's on the states it learned from (an untrained
    # network's squared error is about 0.2 here)
    assert record["rounds"][0]["loss"] < 0.05
    with th.no_grad():
        action = student.actor(th.zeros((1, 22)), deterministic=True).numpy()
    assert np.all(np.isfinite(action))


@pytest.mark.parametrize(
    "bad",
    [
        ["--speed-scale", "0"],
        ["--speed-scale", "1.5"],
        ["--rounds", "0"],
        ["--out-suffix"],
        ["--noise", "-0.1"],
        ["--teacher-share", "1.5"],
        ["--teacher-share", "nan"],
    ],
)
def test_bad_input_is_refused_with_a_message(tmp_path, capsys, bad):
    out = tmp_path / ("student.txt" if bad == ["--out-suffix"] else "student.zip")
    argv = ["--out", str(out)] + ([] if bad == ["--out-suffix"] else bad)
    assert main(argv) == 2
    assert "error:" in capsys.readouterr().err and not out.exists()


def _teacher(folder, track_path, model="assets/models/base.npz"):
    """A driver fine-tuned on ``track_path`` as agents.train leaves it: the .npz and a sidecar naming the track."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "teacher.npz").write_bytes(open(model, "rb").read())
    (folder / "teacher.json").write_text(json.dumps({"track_file": str(track_path)}))


def test_per_track_teachers_are_distilled_into_one_student(tmp_path, oval_track, twisty_track):
    from game.sim.track.io import save_track

    for name, track in (("oval", oval_track), ("twisty", twisty_track)):
        save_track(track, tmp_path / f"{name}.json")
        _teacher(tmp_path / "teachers" / name, tmp_path / f"{name}.json")
    out = tmp_path / "student.zip"
    argv = ["--out", str(out), "--teachers", str(tmp_path / "teachers"), "--rounds", "1", *TINY[2:]]
    assert main(argv) == 0
    record = json.loads(out.with_suffix(".json").read_text())
    assert record["rounds"][0]["samples"] > 150  # both teachers drove (an episode of at most 150 steps each)
    assert record["rounds"][0]["loss"] < 0.05  # it learned the teachers' (the shipped base's) actions
    assert load_sb3(out, device="cpu").observation_space.shape == (22,)
    from game.drivers.actor import load_actor

    assert load_actor(out.with_suffix(".npz")).line_clearance == 1.0  # the teachers' line (the shipped base's)


def test_a_teacher_of_a_validation_circuit_or_without_a_track_is_refused(tmp_path, capsys):
    _teacher(tmp_path / "circuit", "tracks/circuits/Monza.csv")
    _teacher(tmp_path / "shipped", "tracks/zandvoort.json")  # a shipped track that is a real circuit
    (tmp_path / "nameless").mkdir()
    (tmp_path / "nameless" / "t.npz").write_bytes(open("assets/models/base.npz", "rb").read())
    for folder, words in [("circuit", "validation circuit"), ("shipped", "validation circuit"), ("nameless", "name")]:
        out = tmp_path / "student.zip"
        assert main(["--out", str(out), "--teachers", str(tmp_path / folder), *TINY]) == 2
        assert words in capsys.readouterr().err and not out.exists()
    assert main(["--out", str(out), "--teachers", str(tmp_path / "empty")]) == 2
    assert "no .npz model" in capsys.readouterr().err
