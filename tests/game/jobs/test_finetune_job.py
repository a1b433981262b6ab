"""Background fine-tuning: a tiny run finishes and the game picks its model up; cancelling leaves nothing behind.

A tiny base model is trained once for the module (``agents.train base`` with a few hundred steps and small
networks); the fine-tunes use a few hundred steps too, so each real run takes seconds.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

import game.jobs.status as jobs
from game.jobs.finetune import FinetuneError, NoBaseModelError, cancel_finetune, read_status, start_finetune
from game.jobs.status import JobStatus, write_status
from game.jobs.supervisor import Supervisor
from game.sim.track import Track
from game.sim.track.io import save_track

REPO = Path(__file__).resolve().parents[3]
TINY = [
    "--n-envs", "2", "--buffer-size", "2000", "--batch-size", "32", "--eval-every", "0",
    "--final-eval-episodes", "0", "--policy-warmup-steps", "100", "--torch-threads", "1",
]  # fmt: skip
TIMEOUT = 180.0  # [s] generous: the machine is shared


@pytest.fixture(scope="module")
def base_models(tmp_path_factory) -> Path:
    """A models folder holding a tiny base model."""
    root = tmp_path_factory.mktemp("finetune")
    ring = root / "oval.json"
    angles = np.linspace(0.0, 2.0 * np.pi, 24, endpoint=False)
    points = np.stack([200.0 * np.cos(angles), 120.0 * np.sin(angles)], axis=1)
    save_track(Track("Oval", points, np.full(24, 6.0), np.full(24, 6.0)), ring)
    models = root / "models"
    command = [
        sys.executable, "-m", "agents.train", "base", "--steps", "300", "--out", str(models / "base.zip"),
        "--run-dir", str(root / "run"), "--tracks", str(ring), "--learning-starts", "50", "--net-arch", "32", "32",
        "--checkpoint-every", "0", "--logdir", "", "--no-progress", *TINY,
    ]  # fmt: skip
    subprocess.run(command, cwd=REPO, check=True, capture_output=True, timeout=TIMEOUT)
    return models


@pytest.fixture()
def models(base_models: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh models folder with the tiny base model, where the game looks for models."""
    import game.paths

    folder = tmp_path / "models"
    folder.mkdir()
    for name in ("base.zip", "base.npz", "base.json"):
        (folder / name).write_bytes((base_models / name).read_bytes())
    monkeypatch.setattr(game.paths, "MODELS_DIR", folder)
    return folder


def wait_for(track: str, predicate, timeout: float = TIMEOUT) -> JobStatus:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = read_status(track)
        if status is not None and predicate(status):
            return status
        time.sleep(0.2)
    log = jobs.job_dir(track) / jobs.LOG_FILE
    raise AssertionError(f"timed out; status {read_status(track)}; log:\n{log.read_text() if log.exists() else ''}")


def test_without_a_base_model_it_says_so(ring_file, no_models):
    with pytest.raises(NoBaseModelError, match="agents.train base"):
        start_finetune(ring_file)
    assert read_status(ring_file.stem) is None


def test_a_tiny_finetune_finishes_and_the_game_uses_its_model(ring_file, ring_track, models):
    from game.drivers.catalogue import driver_for_track, model_path_for_track
    from game.jobs.board import JobBoard
    from game.sim.physics import DEFAULT_CAR
    from game.ui.scenes.training_status import training_label, training_line

    assert model_path_for_track(ring_file) == models / "base.npz"
    status = start_finetune(ring_file, steps=400, extra_args=TINY)
    assert status.state == "starting" and status.track == ring_file.stem
    with pytest.raises(FinetuneError, match="already"):
        start_finetune(ring_file, steps=400, extra_args=TINY)
    board = JobBoard()
    board.poll(force=True)
    assert training_label(board, ring_file.stem) is not None  # the track list says it is training
    done = wait_for(ring_file.stem, lambda s: not s.active)
    assert done.state == "done", done.message
    assert done.steps == done.total_steps == 400 and done.fraction == 1.0
    tuned = models / "tracks" / f"{ring_file.stem}.npz"
    assert Path(done.model) == tuned and tuned.is_file()
    assert (models / "tracks" / f"{ring_file.stem}.zip").is_file()
    sidecar = json.loads((models / "tracks" / f"{ring_file.stem}.json").read_text())
    assert sidecar["kind"] == "finetune" and sidecar["steps"] == 400
    assert model_path_for_track(ring_file) == tuned
    choice = driver_for_track(ring_track, ring_file, DEFAULT_CAR)
    assert choice.kind == "model" and choice.model_path == tuned
    assert not (jobs.job_dir(ring_file.stem) / jobs.STAGING_FOLDER).exists()
    assert "NEW DRIVER READY" in training_line(done)[0]


def test_cancelling_stops_everything_and_writes_no_model(ring_file, models):
    start_finetune(ring_file, steps=1_000_000, extra_args=TINY)
    running = wait_for(ring_file.stem, lambda s: s.state == "running" and s.total_steps > 0)
    assert cancel_finetune(ring_file.stem)
    status = read_status(ring_file.stem)
    assert status.state == "cancelled"
    assert not jobs.alive(running.pid)
    assert not (jobs.job_dir(ring_file.stem) / jobs.STAGING_FOLDER).exists()
    assert not (models / "tracks").exists() or not any((models / "tracks").iterdir())
    assert not cancel_finetune(ring_file.stem)  # nothing left to cancel


def test_a_job_whose_process_died_reads_failed(tmp_path):
    folder = jobs.job_dir("ghost")
    folder.mkdir(parents=True)
    (folder / jobs.STAGING_FOLDER).mkdir()
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    write_status(folder, JobStatus("ghost", "ghost.json", state="running", pid=dead.pid, started=time.time()))
    status = read_status("ghost")
    assert status.state == "failed" and "unexpectedly" in status.message
    assert not (folder / jobs.STAGING_FOLDER).exists()


def test_progress_is_read_from_the_trainers_status_file(tmp_path):
    supervisor = Supervisor(tmp_path / "t.json", tmp_path / "b.zip", tmp_path, tmp_path, 1000, [])
    command = supervisor.command()
    assert "--no-save-replay-buffer" in command and "--steps" in command
    assert command[command.index("--status-file") + 1] == str(supervisor.trainer_status_file)
    assert supervisor._update_progress() is None  # no file yet: nothing changes
    assert (supervisor.status.steps, supervisor.status.total_steps) == (0, 0)
    supervisor.staging.mkdir()
    trainer = {
        "state": "running", "mode": "finetune", "steps": 450, "total_steps": 1000, "episodes": 3,
        "lap_completion": 0.67, "mean_reward": 12.5, "steps_per_s": 900.0, "wall_s": 1.5,
        "last_eval": {"kind": "periodic", "steps": 400, "completion_rate": 0.5}, "model": None, "error": None,
    }  # fmt: skip
    supervisor.trainer_status_file.write_text(json.dumps(trainer))
    assert supervisor._update_progress() == trainer
    assert (supervisor.status.steps, supervisor.status.total_steps) == (450, 1000)
    assert supervisor.status.lap_completion == pytest.approx(0.67)
    assert supervisor.status.eval_completion == pytest.approx(0.5)
    supervisor.trainer_status_file.write_text('{"state": "running", "steps": 5')  # not JSON: the last reading stays
    assert supervisor._update_progress() is None and supervisor.status.steps == 450
    failed = {**trainer, "state": "failed", "error": "tracks/x.json: no such track file"}
    assert "no such track file" in supervisor._failure(1, failed)
    (tmp_path / jobs.LOG_FILE).write_text("python -m agents.train ...\nerror: no base model\n")
    assert supervisor._failure(2, None) == "Training failed (exit status 2): error: no base model"


def test_menus_show_a_running_job(ring_file, monkeypatch):
    import os

    import game.ui.tracklist as tracklist
    from game.ui.app import App, LaunchOptions

    folder = jobs.job_dir(ring_file.stem)
    folder.mkdir(parents=True)
    running = JobStatus(ring_file.stem, str(ring_file), "running", 250, 1000, 0.4, pid=os.getpid(), started=time.time())
    write_status(folder, running)
    monkeypatch.setattr(tracklist, "track_dirs", lambda: [ring_file.parent])
    app = App(LaunchOptions(scale=1, mute=True))
    try:
        app.step(1 / 60, [])  # the main menu draws the job's line
        from game.ui.scenes.track_select import TrackSelectScene

        select = TrackSelectScene(app.ctx)
        assert select._ai_label(select.entry) == "TRAINING 25%"
        select.draw(app.low)
    finally:
        import pygame

        pygame.quit()


def test_a_supervisor_that_cannot_run_fails_at_once(ring_file, models):
    start_finetune(ring_file, python="/bin/false")
    status = wait_for(ring_file.stem, lambda s: not s.active, timeout=10.0)
    assert status.state == "failed" and "exit status 1" in status.message
    with pytest.raises(FinetuneError, match="Cannot start"):
        start_finetune(ring_file, python=str(ring_file.parent / "no-such-python"))
    assert read_status(ring_file.stem).state == "failed"


def test_drawing_never_changes_a_job_only_the_update_does(ring_file, monkeypatch):
    import game.ui.tracklist as tracklist
    from game.ui.app import App, LaunchOptions
    from game.ui.scenes.track_select import TrackSelectScene

    folder = jobs.job_dir(ring_file.stem)
    (folder / jobs.STAGING_FOLDER).mkdir(parents=True)
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    write_status(folder, JobStatus(ring_file.stem, str(ring_file), "running", 10, 100, pid=dead.pid, started=1.0))
    before = (folder / jobs.STATUS_FILE).read_bytes()
    monkeypatch.setattr(tracklist, "track_dirs", lambda: [ring_file.parent])
    app = App(LaunchOptions(scale=1, mute=True))
    try:
        app.ctx.stack.push(TrackSelectScene(app.ctx))
        for _ in range(3):
            app.draw()  # the menus below and the track list draw the job: nothing may be written
        assert (folder / jobs.STATUS_FILE).read_bytes() == before and (folder / jobs.STAGING_FOLDER).is_dir()
        app.step(1 / 60, [])  # the update phase polls: the dead job is found out
        assert read_status(ring_file.stem).state == "failed"
        assert app.ctx.jobs.job_for(ring_file.stem).state == "failed"
        assert not (folder / jobs.STAGING_FOLDER).exists()
    finally:
        import pygame

        pygame.quit()


@pytest.mark.parametrize(
    "new, base, refused",
    [
        ([1.0], [1.0], False),  # as sure as the base: installed
        ([1.0, 0.5], [0.5, 0.5], False),
        ([0.375], [1.0], True),  # faster, perhaps, but it leaves the road where the base does not
        ([0.9, 1.0], [1.0, 1.0], True),
        ([1.0], None, False),  # nothing to compare (a sidecar from before the check, no base driver file)
        (None, [1.0], False),  # no final evaluation
    ],
)
def test_a_driver_that_laps_less_than_its_base_is_not_installed(tmp_path, new, base, refused):
    from game.jobs.supervisor import worse_than_base

    sidecar = tmp_path / "track.json"
    record = {}
    if new is not None:
        record["evaluation"] = [{"completion_rate": rate} for rate in new]
    if base is not None:
        record["base_evaluation"] = [{"completion_rate": rate} for rate in base]
    sidecar.write_text(json.dumps(record))
    reason = worse_than_base(sidecar)
    assert (reason is not None) == refused
    if refused:
        assert reason == f"Base kept: it lapped {sum(new) / len(new):.0%}, base {sum(base) / len(base):.0%}"
    sidecar.write_text("{")  # unreadable: the install step says so, not this check
    assert worse_than_base(sidecar) is None
