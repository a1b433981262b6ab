"""Training a driver for one track in the background: start it, follow it, cancel it, install the result.

In the game::

    status = start_finetune(Path("tracks/my_track.json"))   # returns at once; NoBaseModelError if no base model
    status = read_status("my_track")                          # state, steps, total steps, lap completion
    cancel_finetune("my_track")

How it works. :func:`start_finetune` spawns a small supervisor, ``python -m game.jobs.finetune``, in a session of
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

import argparse
import contextlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

import game.paths
from game.paths import REPO_ROOT, model_backup_dir
from game.sim.files import atomic_write_text, install_together

JOBS_FOLDER = "finetune"  # in the data directory
STATUS_FILE = "status.json"
LOG_FILE = "train.log"
STAGING_FOLDER = "staging"
TRAINER_STATUS_FILE = "trainer_status.json"  # the trainer's --status-file, in the staging folder
BASE_MODEL_ZIP = "base.zip"  # the SB3 model that fine-tuning starts from, in the models folder
STATUS_INTERVAL = 0.5  # [s] between status writes of the supervisor
CANCEL_GRACE = 5.0  # [s] the trainer gets to stop on SIGTERM before it is killed
START_TIMEOUT = 30.0  # [s] a job still "starting" without a supervisor after this has failed
ACTIVE_STATES = ("starting", "running", "installing")
FINAL_STATES = ("done", "failed", "cancelled")
LOG_TAIL_BYTES = 4000  # of train.log, read for the message when the trainer fails without saying why

_children: dict[str, subprocess.Popen] = {}  # supervisors started by this process, reaped by read_status


class FinetuneError(RuntimeError):
    """A fine-tune that cannot start (the message says why, for the screen)."""


class NoBaseModelError(FinetuneError):
    """Fine-tuning needs a base model, and there is none."""


@dataclass
class JobStatus:
    """What a fine-tune job is doing (the content of its ``status.json``).

    Attributes:
        track: The track file's stem: it names the fine-tuned model (``<models>/tracks/<track>.npz``).
        track_file: The track file trained on.
        state: "starting", "running", "installing" (copying the model into place), "done", "failed" or
            "cancelled".
        steps: Environment steps done.
        total_steps: Environment steps to do (0 until the trainer says).
        lap_completion: Share of recent training episodes that completed a lap, 0..1 (None before the first).
        eval_completion: Completion rate of the last periodic evaluation, 0..1 (None before the first).
        message: What went wrong, or what was made.
        pid: Process id of the supervisor.
        started: When the job started (seconds since the epoch).
        updated: When the status was last written.
        model: The installed ``.npz`` when done.
    """

    track: str
    track_file: str
    state: str = "starting"
    steps: int = 0
    total_steps: int = 0
    lap_completion: float | None = None
    eval_completion: float | None = None
    message: str = ""
    pid: int | None = None
    started: float = 0.0
    updated: float = 0.0
    model: str | None = None

    @property
    def active(self) -> bool:
        """Still going (starting, running or installing)?"""
        return self.state in ACTIVE_STATES

    @property
    def fraction(self) -> float:
        """Share of the steps done, 0..1 (1 when done)."""
        if self.state == "done":
            return 1.0
        return min(self.steps / self.total_steps, 1.0) if self.total_steps > 0 else 0.0

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> JobStatus:
        """From the JSON form; unknown keys are ignored."""
        names = {f.name for f in fields(cls)}
        return cls(**{key: value for key, value in data.items() if key in names})


# -- where things are -----------------------------------------------------------------------------------------------
def default_models_dir() -> Path:
    """The game's models folder (:data:`game.paths.MODELS_DIR`, read at call time)."""
    return Path(game.paths.MODELS_DIR)


def base_model_path(models_dir: Path | None = None) -> Path:
    """The SB3 base model that fine-tuning starts from."""
    return (default_models_dir() if models_dir is None else Path(models_dir)) / BASE_MODEL_ZIP


def jobs_dir() -> Path:
    """Folder of every job's status and log: ``<data dir>/finetune``."""
    return game.paths.data_dir() / JOBS_FOLDER


def job_dir(track: str) -> Path:
    """The job folder of a track (by file stem)."""
    return jobs_dir() / track


def write_status(folder: Path, status: JobStatus) -> None:
    """Write ``status.json`` atomically (stamped with the time)."""
    status.updated = time.time()
    atomic_write_text(folder / STATUS_FILE, json.dumps(asdict(status), indent=1) + "\n")


def _load_status(folder: Path) -> JobStatus | None:
    try:
        return JobStatus.from_dict(json.loads((folder / STATUS_FILE).read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError):
        return None


def _alive(pid: int | None) -> bool:
    if pid is None:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _reap() -> None:
    """Collect supervisors that have exited; one that died before writing a final state leaves "failed"."""
    for track, child in list(_children.items()):
        if child.poll() is None:
            continue
        del _children[track]
        folder = job_dir(track)
        status = _load_status(folder)
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
    status = _load_status(folder)
    if status is None or not status.active:
        return status
    ours = track in _children
    if status.pid is not None and not ours and not _alive(status.pid):
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
    models_dir = (default_models_dir() if models_dir is None else Path(models_dir)).resolve()
    base = base_model_path(models_dir)
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
        python or sys.executable, "-m", "game.jobs.finetune",
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
        return child.poll() is None if child is not None else _alive(pid)

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
    current = _load_status(folder)
    if current is not None and current.active:
        current.state = "cancelled"
        current.message = "Cancelled."
        write_status(folder, current)
    return True


# -- the supervisor (python -m game.jobs.finetune) -------------------------------------------------------------------
class Supervisor:
    """Runs the trainer into a staging folder, reports progress, installs the model or cleans up."""

    def __init__(
        self, track_file: Path, base: Path, models_dir: Path, folder: Path, steps: int | None, extra: list[str]
    ) -> None:
        self.track_file = track_file
        self.base = base
        self.models_dir = models_dir
        self.folder = folder
        self.staging = folder / STAGING_FOLDER
        self.steps = steps
        self.extra = extra
        self.status = JobStatus(track=track_file.stem, track_file=str(track_file), pid=os.getpid())
        previous = _load_status(folder)
        self.status.started = previous.started if previous is not None and previous.started else time.time()
        self.cancel_requested = False

    @property
    def trainer_status_file(self) -> Path:
        """Where the trainer writes its state (``--status-file``)."""
        return self.staging / TRAINER_STATUS_FILE

    def command(self) -> list[str]:
        """The trainer's command line."""
        stem = self.track_file.stem
        command = [
            sys.executable, "-m", "agents.train", "finetune",
            "--track", str(self.track_file), "--base", str(self.base),
            "--out", str(self.staging / f"{stem}.zip"), "--run-dir", str(self.staging / "run"),
            "--status-file", str(self.trainer_status_file),
            "--logdir", "", "--checkpoint-every", "0", "--no-save-replay-buffer", "--no-progress",
        ]  # fmt: skip
        if self.steps is not None:
            command += ["--steps", str(self.steps)]
        return command + self.extra

    def _on_signal(self, signum: int, frame: Any) -> None:
        self.cancel_requested = True

    def read_trainer_status(self) -> dict[str, Any] | None:
        """The trainer's status file, or None while there is none (written atomically: never half a file)."""
        try:
            data = json.loads(self.trainer_status_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return data if isinstance(data, dict) else None

    def _update_progress(self) -> dict[str, Any] | None:
        """Take steps, lap completion and the last evaluation from the trainer's status file."""
        data = self.read_trainer_status()
        if data is None:
            return None
        try:
            self.status.steps = int(data.get("steps") or 0)
            self.status.total_steps = int(data.get("total_steps") or 0)
            laps = data.get("lap_completion")
            self.status.lap_completion = None if laps is None else float(laps)
            last_eval = data.get("last_eval")
            completion = last_eval.get("completion_rate") if isinstance(last_eval, dict) else None
            self.status.eval_completion = None if completion is None else float(completion)
        except (TypeError, ValueError, AttributeError):
            pass  # a file from a trainer that writes something else: keep what we had
        return data

    def _write(self, state: str | None = None, message: str | None = None) -> None:
        if state is not None:
            self.status.state = state
        if message is not None:
            self.status.message = message
        write_status(self.folder, self.status)

    def run(self) -> int:
        """Train, then install or clean up; returns the exit status (0 when a model was installed)."""
        signal.signal(signal.SIGTERM, self._on_signal)
        signal.signal(signal.SIGINT, self._on_signal)
        shutil.rmtree(self.staging, ignore_errors=True)
        self.staging.mkdir(parents=True)
        self._write("running", "")
        with open(self.folder / LOG_FILE, "w", encoding="utf-8") as log:
            log.write(" ".join(self.command()) + "\n")
            log.flush()
            trainer = subprocess.Popen(
                self.command(), cwd=REPO_ROOT, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT
            )
            next_write = time.monotonic() + STATUS_INTERVAL
            while trainer.poll() is None:
                if self.cancel_requested:
                    self._stop(trainer)
                    break
                if time.monotonic() >= next_write:
                    self._update_progress()
                    self._write()
                    next_write = time.monotonic() + STATUS_INTERVAL
                time.sleep(0.05)
        code = trainer.returncode
        final = self._update_progress()
        if self.cancel_requested:
            shutil.rmtree(self.staging, ignore_errors=True)
            self._write("cancelled", "Cancelled.")
            return 130
        if code != 0:
            shutil.rmtree(self.staging, ignore_errors=True)
            self._write("failed", self._failure(code, final))
            return 1
        try:
            model = self.install()
        except OSError as exc:
            shutil.rmtree(self.staging, ignore_errors=True)
            self._write("failed", f"Could not install the model: {exc}")
            return 1
        shutil.rmtree(self.staging, ignore_errors=True)
        self.status.model = str(model)
        self.status.steps = max(self.status.steps, self.status.total_steps)
        self._write("done", f"New driver for {self.track_file.stem}: {model.name}")
        return 0

    def _stop(self, trainer: subprocess.Popen) -> None:
        trainer.terminate()
        try:
            trainer.wait(timeout=CANCEL_GRACE)
        except subprocess.TimeoutExpired:
            trainer.kill()
            trainer.wait()

    def _failure(self, code: int, trainer_status: dict[str, Any] | None) -> str:
        """Why the trainer failed: the error of its status file, else the last error line of its log."""
        detail = trainer_status.get("error") if trainer_status is not None else None
        if not detail:
            lines = [line.strip() for line in re.split(r"[\r\n]", self._log_tail()) if line.strip()]
            errors = [line for line in lines if line.lower().startswith("error") or "Error:" in line]
            detail = errors[-1] if errors else (lines[-1] if lines else "")
        return f"Training failed (exit status {code}): {detail}"[:300]

    def _log_tail(self) -> str:
        try:
            with open(self.folder / LOG_FILE, "rb") as log:
                log.seek(max(0, log.seek(0, os.SEEK_END) - LOG_TAIL_BYTES))
                return log.read().decode("utf-8", "replace")
        except OSError:
            return ""

    def install(self) -> Path:
        """Copy the staged model files into ``<models>/tracks/`` together, the ``.npz`` last.

        :func:`game.sim.files.install_together`: all files or none; the ones they replace are kept in
        ``<models>/backup/<date-time>-<track>/``.
        """
        self._write("installing")
        stem = self.track_file.stem
        target = self.models_dir / "tracks"
        for name in (f"{stem}.zip", f"{stem}.npz", f"{stem}.json"):
            if not (self.staging / name).is_file():
                raise OSError(f"the trainer did not write {name}")
        curve = self.staging / f"{stem}.curve.csv"
        sources: dict[Path, Path | None] = {
            target / f"{stem}.zip": self.staging / f"{stem}.zip",
            target / f"{stem}.json": self.staging / f"{stem}.json",
            target / curve.name: curve if curve.is_file() else None,  # an old curve would describe another model
            target / f"{stem}.npz": self.staging / f"{stem}.npz",
        }
        install_together(sources, backup_dir=model_backup_dir(stem, self.models_dir))
        return target / f"{stem}.npz"


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m game.jobs.finetune --track T --base B --models-dir M --job-dir J [--steps N] [-- OPTIONS]``."""
    argv = list(sys.argv[1:] if argv is None else argv)
    extra: list[str] = []
    if "--" in argv:
        cut = argv.index("--")
        argv, extra = argv[:cut], argv[cut + 1 :]
    parser = argparse.ArgumentParser(prog="python -m game.jobs.finetune", description=__doc__.splitlines()[0])
    parser.add_argument("--track", type=Path, required=True)
    parser.add_argument("--base", type=Path, required=True)
    parser.add_argument("--models-dir", type=Path, required=True)
    parser.add_argument("--job-dir", type=Path, required=True)
    parser.add_argument("--steps", type=int)
    args = parser.parse_args(argv)
    supervisor = Supervisor(args.track, args.base, args.models_dir, args.job_dir, args.steps, extra)
    return supervisor.run()


if __name__ == "__main__":
    sys.exit(main())
