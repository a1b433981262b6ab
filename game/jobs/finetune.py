"""Training a driver for one track in the background: start it, follow it, cancel it, install the result.

In the game::

    status = start_finetune(Path("tracks/my_track.json"))   # returns at once; NoBaseModelError if no base model
    status = read_status("my_track")                          # state, steps, total steps, lap completion
    cancel_finetune("my_track")

How it works. :func:`start_finetune` spawns a small supervisor, ``python -m game.jobs.supervisor``, in a session of
its own (so it goes on when the game quits, and the next start of the game shows it again). The supervisor runs
``python -m agents.train finetune --track TRACK --base BASE.zip --out STAGING/<stem>.zip``: everything the
trainer writes goes to a staging folder, never to the models folder. It reads the trainer's status file
(``--status-file``, JSON written atomically about once a second: steps done and to do, share of recent training
episodes that completed a lap, the last evaluation, the error if it failed) and writes ``status.json``
atomically every half second into the job folder ``<data dir>/finetune/<track stem>/``, beside the trainer's
log ``train.log``.

When the trainer succeeds, the supervisor installs the model into ``<models>/tracks/``: all its files together
(:func:`game.sim.files.install_together`: temp files, then renames, the ``.npz`` that the game loads last), so
the game sees either the old model or the whole new one, and the files it replaces are kept in
``<models>/backup/``; :func:`game.drivers.catalogue.model_path_for_track` finds it at the next race. Cancelling
(SIGTERM to the supervisor) stops the trainer, deletes the staging folder and leaves the models folder as it
was: no half-written model, ever.

This module never imports pygame (nor torch: the trainer is another process).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import game.paths
from game.jobs.status import (
    CANCEL_GRACE,
    STAGING_FOLDER,
    START_TIMEOUT,
    STATUS_FILE,
    JobStatus,
    alive,
    job_dir,
    jobs_dir,
    load_status,
    write_status,
)
from game.paths import REPO_ROOT

_children: dict[str, subprocess.Popen] = {}  # supervisors started by this process, reaped by read_status


class FinetuneError(RuntimeError):
    """A fine-tune that cannot start (the message says why, for the screen)."""


class NoBaseModelError(FinetuneError):
    """Fine-tuning needs a base model, and there is none."""


def _reap() -> None:
    """Collect supervisors that have exited; one that died before writing a final state leaves "failed"."""
    for track, child in list(_children.items()):
        if child.poll() is None:
            continue
        del _children[track]
        folder = job_dir(track)
        status = load_status(folder)
        if status is not None and status.active:
            try:
                tail = (folder / "supervisor.log").read_text(encoding="utf-8").strip().splitlines()[-1:]
            except OSError:
                tail = []
            status.state = "failed"
            status.message = f"The training process stopped (exit status {child.returncode}). {' '.join(tail)}"[:300]
            shutil.rmtree(folder / STAGING_FOLDER, ignore_errors=True)
            with contextlib.suppress(OSError):
                write_status(folder, status)


# -- the game's side ------------------------------------------------------------------------------------------------
def read_status(track: str) -> JobStatus | None:
    """The status of a track's job (None when it never had one); a job whose supervisor died reads "failed"."""
    _reap()
    folder = job_dir(track)
    status = load_status(folder)
    if status is None or not status.active:
        return status
    ours = track in _children
    if status.pid is not None and not ours and not alive(status.pid):
        lost = True
    elif status.pid is None and not ours:
        lost = time.time() - status.started > START_TIMEOUT
    else:
        lost = False
    if lost:
        shutil.rmtree(folder / STAGING_FOLDER, ignore_errors=True)
        status.state = "failed"
        status.message = "The training process stopped unexpectedly (see train.log)."
        with contextlib.suppress(OSError):
            write_status(folder, status)
    return status


def all_jobs() -> list[JobStatus]:
    """Every job with a status, most recently updated first."""
    folder = jobs_dir()
    if not folder.is_dir():
        return []
    found = [read_status(path.name) for path in folder.iterdir() if (path / STATUS_FILE).is_file()]
    return sorted((s for s in found if s is not None), key=lambda s: -s.updated)


def start_finetune(
    track_path: str | os.PathLike[str],
    steps: int | None = None,
    models_dir: Path | None = None,
    extra_args: Sequence[str] = (),
    python: str | None = None,
) -> JobStatus:
    """Start fine-tuning a driver for a saved track, in the background; returns at once.

    Args:
        track_path: The track file (its stem names the model).
        steps: Environment steps (default: the trainer's finetune default).
        models_dir: Where the base model is and the fine-tuned one goes (default :data:`game.paths.MODELS_DIR`).
        extra_args: More options for ``python -m agents.train finetune`` (tests pass tiny settings).
        python: The Python interpreter (default: this one).

    Raises:
        NoBaseModelError: There is no base model to start from.
        FinetuneError: The track file is missing, or a job for this track is already running.
    """
    track_path = Path(track_path).resolve()
    if not track_path.is_file():
        raise FinetuneError(f"Save the track first: {track_path} does not exist.")
    models_dir = Path(game.paths.MODELS_DIR if models_dir is None else models_dir).resolve()
    base = game.paths.base_model(models_dir, suffix=".zip")
    if not base.is_file():
        raise NoBaseModelError(
            f"No base model to start from: {base} is missing. Train one first with: python -m agents.train base"
        )
    track = track_path.stem
    previous = read_status(track)
    if previous is not None and previous.active:
        raise FinetuneError(f"A driver for {track} is already being trained ({previous.steps} steps so far).")
    folder = job_dir(track)
    folder.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(folder / STAGING_FOLDER, ignore_errors=True)
    status = JobStatus(track=track, track_file=str(track_path), state="starting", started=time.time())
    write_status(folder, status)
    command = [
        python or sys.executable, "-m", "game.jobs.supervisor",
        "--track", str(track_path), "--base", str(base), "--models-dir", str(models_dir), "--job-dir", str(folder),
    ]  # fmt: skip
    if steps is not None:
        command += ["--steps", str(int(steps))]
    command += ["--", *extra_args]
    with open(folder / "supervisor.log", "w", encoding="utf-8") as log:
        try:
            _children[track] = subprocess.Popen(
                command, cwd=REPO_ROOT, stdin=subprocess.DEVNULL, stdout=log, stderr=log, start_new_session=True
            )
        except OSError as exc:
            status.state, status.message = "failed", f"Cannot start the training process: {exc}"
            write_status(folder, status)
            raise FinetuneError(status.message) from None
    return status


def cancel_finetune(track: str, wait: float = CANCEL_GRACE + 5.0) -> bool:
    """Stop a track's job, if it runs: the trainer is stopped, the staging folder deleted, no model installed.

    Returns:
        True when a running job was cancelled.
    """
    status = read_status(track)
    if status is None or not status.active:
        return False
    child = _children.pop(track, None)  # waited for here, so that _reap does not call it a failure
    pid = status.pid if status.pid is not None else (child.pid if child is not None else None)

    def running() -> bool:
        return child.poll() is None if child is not None else alive(pid)

    if pid is not None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + wait
    while running() and time.monotonic() < deadline:
        time.sleep(0.05)
    if running() and pid is not None:  # it did not stop in time: end its process group (it and the trainer)
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pid, signal.SIGKILL)
    if child is not None:
        with contextlib.suppress(subprocess.TimeoutExpired):
            child.wait(timeout=5.0)
    folder = job_dir(track)
    shutil.rmtree(folder / STAGING_FOLDER, ignore_errors=True)
    current = load_status(folder)
    if current is not None and current.active:
        current.state = "cancelled"
        current.message = "Cancelled."
        write_status(folder, current)
    return True
