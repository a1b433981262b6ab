"""Training never loses or mixes model files, and says clearly what is wrong with bad options (issue 17).

Tiny settings throughout (2 envs, small nets and buffers, a few hundred steps), in temporary folders; the models
folder is a temporary copy wherever installing is tried (the shipped models are never touched).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

import game.paths
from agents.config import config_for_mode, resolved
from agents.models import ModelPaths, read_sidecar
from agents.train import main
from game.sim.track.io import save_track

TINY = [
    "--n-envs", "2", "--buffer-size", "2000", "--batch-size", "32", "--net-arch", "32", "32", "--logdir", "",
    "--no-progress", "--final-eval-episodes", "1", "--eval-every", "0", "--learning-starts", "50",
]  # fmt: skip


@pytest.fixture(scope="module")
def oval_file(tmp_path_factory, oval_track) -> Path:
    path = tmp_path_factory.mktemp("tracks") / "oval.json"
    save_track(oval_track, path)
    return path


@pytest.fixture(scope="module")
def tiny_base(tmp_path_factory, oval_file) -> Path:
    """A tiny base model (2 x 32), not evaluated."""
    folder = tmp_path_factory.mktemp("base")
    argv = ["base", "--steps", "100", "--out", str(folder / "base.zip"), "--run-dir", str(folder)]
    assert main([*argv, *TINY, "--final-eval-episodes", "0", "--checkpoint-every", "0"]) == 0
    return folder / "base.zip"


@pytest.fixture(scope="module")
def finished_run(tmp_path_factory, oval_file) -> Path:
    """A scratch run of 200 steps with checkpoints at 100 and 200 (its model in the run folder): copy before use."""
    run_dir = tmp_path_factory.mktemp("finished") / "run"
    assert main(scratch(oval_file, run_dir, "--checkpoint-every", "100")) == 0
    return run_dir


@pytest.fixture()
def run_copy(finished_run, tmp_path) -> Path:
    """A copy of the finished run, in a folder of its own."""
    return Path(shutil.copytree(finished_run, tmp_path / "copy"))


@pytest.fixture()
def models_dir(tmp_path, monkeypatch) -> Path:
    """A models folder of our own (``game.paths.MODELS_DIR`` points at it)."""
    folder = tmp_path / "models"
    (folder / "tracks").mkdir(parents=True)
    monkeypatch.setattr(game.paths, "MODELS_DIR", folder)
    return folder


def scratch(oval_file: Path, run_dir: Path, *extra: str, steps: int = 200) -> list[str]:
    return ["scratch", "--track", str(oval_file), "--steps", str(steps), "--run-dir", str(run_dir), *TINY, *extra]


def temp_files(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.name.endswith(".tmp")]


# -- 1: a run never replaces a shipped or installed model unless asked to -----------------------------------------
def test_training_goes_into_the_run_folder_by_default(tmp_path, monkeypatch):
    monkeypatch.setattr(game.paths, "RUNS_DIR", tmp_path / "runs")
    import agents.config

    monkeypatch.setattr(agents.config, "RUNS_DIR", tmp_path / "runs")
    for mode, track in (("base", None), ("finetune", "tracks/norisring.json"), ("scratch", "tracks/norisring.json")):
        config = resolved(config_for_mode(mode, track=track))
        assert Path(config.out).parent == Path(config.run_dir), mode
        assert not Path(config.out).is_relative_to(game.paths.MODELS_DIR), mode


def test_out_into_the_models_folder_needs_install(tmp_path, models_dir, oval_file, capsys):
    out = models_dir / "tracks" / "oval.zip"
    assert main(scratch(oval_file, tmp_path / "run", "--out", str(out))) == 2
    assert "--install" in capsys.readouterr().err
    assert list(models_dir.rglob("*.*")) == []


def test_install_replaces_the_model_together_and_keeps_the_old_files(
    tmp_path, models_dir, oval_file, tiny_base, capsys
):
    old = {}
    for suffix in (".zip", ".npz", ".json", ".curve.csv"):
        old[suffix] = f"old {suffix}".encode()
        (models_dir / "tracks" / f"oval{suffix}").write_bytes(old[suffix])
    argv = ["finetune", "--track", str(oval_file), "--run-dir", str(tmp_path / "run"), "--steps", "100", *TINY]
    assert main([*argv, "--base", str(tiny_base), "--install", "--policy-warmup-steps", "0"]) == 0
    installed = ModelPaths.of(models_dir / "tracks" / "oval.zip")
    run = ModelPaths.of(tmp_path / "run" / "oval.zip")
    for name in ("zip", "npz", "sidecar"):
        assert getattr(installed, name).read_bytes() == getattr(run, name).read_bytes(), name
    assert read_sidecar(installed.sidecar)["evaluation"]  # only an evaluated model is installed
    backups = list((models_dir / "backup").rglob("oval*"))
    assert sorted(p.read_bytes() for p in backups) == sorted(old.values())
    assert "installed" in capsys.readouterr().out
    assert temp_files(models_dir) == []


def test_install_needs_an_evaluation_and_is_not_for_scratch(tmp_path, models_dir, oval_file, capsys):
    argv = ["finetune", "--track", str(oval_file), "--install", "--final-eval-episodes", "0"]
    with pytest.raises(SystemExit, match="evaluat"):
        main([*argv, "--run-dir", str(tmp_path / "run")])
    with pytest.raises(SystemExit, match="scratch"):
        main(scratch(oval_file, tmp_path / "run", "--install", steps=100))


def test_an_interrupted_run_is_not_installed(tmp_path, models_dir, oval_file, monkeypatch, capsys):
    (models_dir / "base.npz").write_bytes(b"old")
    from stable_baselines3 import SAC

    def interrupted(self, *args, **kwargs):
        raise KeyboardInterrupt  # Ctrl-C during training

    monkeypatch.setattr(SAC, "learn", interrupted)
    assert main(["base", "--steps", "100", "--run-dir", str(tmp_path / "run"), "--install", *TINY]) == 130
    assert (models_dir / "base.npz").read_bytes() == b"old" and list(models_dir.rglob("*.*")) == [
        models_dir / "base.npz"
    ]
    assert "not installed" in capsys.readouterr().out


# -- 4: a model's files are written together or not at all; no temp file is left --------------------------------
def test_an_interrupted_final_save_leaves_the_previous_model_whole(tmp_path, run_copy, oval_file, monkeypatch):
    out = run_copy / "oval.zip"  # the model of an earlier run
    before = {p.name: p.read_bytes() for p in out.parent.iterdir()}
    import agents.models

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(agents.models, "export_actor", interrupted)  # after the .zip was written
    with pytest.raises(KeyboardInterrupt):
        main(scratch(oval_file, tmp_path / "run2", "--out", str(out), "--checkpoint-every", "0", steps=100))
    after = {p.name: p.read_bytes() for p in out.parent.iterdir()}
    assert after == before  # the old .zip, .npz and .json, nothing new, no temp file


def test_resume_removes_orphan_temp_files(tmp_path, run_copy, oval_file):
    run_dir = run_copy
    orphan = run_dir / ".ckpt_000000300_replay.pkl.abc123.tmp"  # what a kill during a checkpoint leaves
    orphan.write_bytes(b"x" * 1000)
    assert main(scratch(oval_file, run_dir, "--checkpoint-every", "100", "--resume", steps=300)) == 0
    assert temp_files(tmp_path) == []


# -- 5: --resume uses the folder it is given -------------------------------------------------------------------
def test_resume_of_a_moved_run_folder_continues_there(tmp_path, finished_run, oval_file):
    """A moved folder started again from step 0 (re-creating the old one); a copy wrote into the original."""
    original = {p.name: p.read_bytes() for p in finished_run.iterdir()}
    first = Path(shutil.copytree(finished_run, tmp_path / "first"))
    moved = tmp_path / "moved"
    shutil.move(first, moved)
    assert main(scratch(oval_file, moved, "--checkpoint-every", "100", "--resume", steps=300)) == 0
    assert not first.exists()  # nothing re-created there
    assert {p.name: p.read_bytes() for p in finished_run.iterdir()} == original  # nor written into the original
    state = json.loads((moved / "checkpoint.json").read_text())
    assert state["num_timesteps"] == 300
    assert read_sidecar(moved / "oval.json")["steps"] == 300  # went on from step 200, into the moved folder


# -- 8: a damaged checkpoint falls back to the previous one, or says what is wrong -----------------------------
def test_resume_with_a_truncated_checkpoint_json_falls_back(run_copy, oval_file, capsys):
    run_dir = run_copy
    text = (run_dir / "checkpoint.json").read_text()
    (run_dir / "checkpoint.json").write_text(text[: len(text) // 2])
    assert main(scratch(oval_file, run_dir, "--checkpoint-every", "100", "--resume", steps=300)) == 0
    assert read_sidecar(run_dir / "oval.json")["steps"] == 300
    assert "checkpoint.json" in capsys.readouterr().err


def test_resume_with_a_truncated_replay_buffer_falls_back_to_the_previous_checkpoint(run_copy, oval_file, capsys):
    run_dir = run_copy
    replay = run_dir / "ckpt_000000200_replay.pkl"
    replay.write_bytes(replay.read_bytes()[:1000])
    assert main(scratch(oval_file, run_dir, "--checkpoint-every", "100", "--resume", steps=300)) == 0
    err = capsys.readouterr().err
    assert "ckpt_000000200" in err and "ckpt_000000100" in err
    assert read_sidecar(run_dir / "oval.json")["steps"] == 300


def test_resume_with_nothing_usable_is_a_clear_error(tmp_path, oval_file, capsys):
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    (run_dir / "checkpoint.json").write_text('{"model": "ckpt_0')
    with pytest.raises(SystemExit) as caught:
        main(scratch(oval_file, run_dir, "--resume"))
    assert "checkpoint.json" in str(caught.value) and "Traceback" not in str(caught.value)


# -- 9: outputs are checked before training --------------------------------------------------------------------
@pytest.mark.parametrize("option", ["--out", "--run-dir", "--logdir", "--status-file"])
def test_unwritable_outputs_are_refused_before_training(tmp_path, oval_file, capsys, option):
    blocker = tmp_path / "a_file"
    blocker.write_text("")  # a folder below a file cannot be made, even by root
    target = blocker / ("x.zip" if option == "--out" else "sub")
    argv = scratch(oval_file, tmp_path / "run", "--checkpoint-every", "0", option, str(target))
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "error:" in err and "a_file" in err


def test_an_output_that_would_overwrite_an_input_is_refused_before_training(tmp_path, capsys, oval_track):
    """--out beside the track with the track's stem wrote the sidecar over the track file it trained on."""
    track = tmp_path / "oval.json"
    save_track(oval_track, track)
    before = track.read_bytes()
    argv = scratch(track, tmp_path / "run", "--checkpoint-every", "0", "--out", str(tmp_path / "oval.zip"))
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "--out would overwrite --track" in err and "oval.json" in err
    assert track.read_bytes() == before and not (tmp_path / "oval.zip").exists()


# -- 11: settings that cannot work are refused ------------------------------------------------------------------
@pytest.mark.parametrize(
    "options, message",
    [
        (["--gamma", "2"], "gamma"),
        (["--gamma", "0"], "gamma"),
        (["--tau", "5"], "tau"),
        (["--buffer-size", "10"], "buffer_size"),
        (["--net-arch", "0"], "net_arch"),
        (["--learning-rate", "inf"], "learning_rate"),
        (["--edge-zone", "1"], "edge_zone"),
        (["--edge-penalty", "-1"], "edge_penalty"),
        (["--limit-bonus", "-1"], "limit_bonus"),
        (["--limit-zone", "0"], "limit_zone"),
        (["--drive-line-clearance", "-1"], "drive_line_clearance"),
        (["--anchor-weight", "-1"], "anchor_weight"),
        (["--anchor-alone-within", "0"], "anchor_alone_within"),
    ],
)
def test_settings_that_cannot_work_are_refused(tmp_path, oval_file, options, message):
    with pytest.raises(SystemExit, match=message):
        main(scratch(oval_file, tmp_path / "run", "--checkpoint-every", "0", *options, steps=100))


def test_retries_without_traffic_are_refused(tmp_path, oval_file, capsys):
    assert main(scratch(oval_file, tmp_path / "run", "--checkpoint-every", "0", "--retry-share", "0.5")) == 2
    assert "retry_share is for training in traffic" in capsys.readouterr().err
    assert not (tmp_path / "run").exists() or not list((tmp_path / "run").glob("*.zip"))


def test_an_anchor_without_a_driver_to_start_from_is_refused(tmp_path, oval_file, capsys):
    assert main(scratch(oval_file, tmp_path / "run", "--checkpoint-every", "0", "--anchor-weight", "1")) == 2
    assert "give --init-from" in capsys.readouterr().err


def test_anchor_alone_without_an_anchor_is_refused(tmp_path, oval_file, capsys):
    assert main(scratch(oval_file, tmp_path / "run", "--checkpoint-every", "0", "--anchor-alone")) == 2
    assert "give --anchor-weight" in capsys.readouterr().err


def test_net_arch_for_a_finetune_is_refused(tmp_path, oval_file, tiny_base, capsys):
    """--net-arch 64 64 for a fine-tune of a 32 x 32 base was ignored without a word."""
    argv = ["finetune", "--track", str(oval_file), "--base", str(tiny_base), "--run-dir", str(tmp_path / "run")]
    assert main([*argv, *TINY, "--steps", "100", "--net-arch", "64", "64"]) == 2
    assert "--net-arch 64 64" in capsys.readouterr().err
    assert not (tmp_path / "run" / "oval.zip").exists()


def test_cuda_without_cuda_is_refused(tmp_path, oval_file, capsys):
    import torch

    if torch.cuda.is_available():
        pytest.skip("this machine has CUDA")
    assert main(scratch(oval_file, tmp_path / "run", "--device", "cuda")) == 2
    assert "cuda" in capsys.readouterr().err.lower()


def test_a_self_crossing_track_without_a_bridge_is_not_trained_on(tmp_path, capsys):
    """Issue 17 #12: the editor refused it, train trained on it."""
    data = json.loads((Path(__file__).resolve().parents[2] / "tracks" / "viaduct_eight.json").read_text())
    data["metadata"] = {}
    track = tmp_path / "crossing.json"
    track.write_text(json.dumps(data))
    assert main(scratch(track, tmp_path / "run", steps=100)) == 2
    assert "runs into itself" in capsys.readouterr().err
