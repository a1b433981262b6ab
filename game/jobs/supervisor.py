"""The supervisor of one fine-tune job (``python -m game.jobs.supervisor``), a process apart from the game.

It runs the trainer into a staging folder, turns the trainer's status file into the job's ``status.json``, and
installs the model when the trainer succeeds, or cleans up when it fails or is cancelled (see
:mod:`game.jobs.finetune` for the whole story).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from game.jobs.status import (
    CANCEL_GRACE,
    LOG_FILE,
    STAGING_FOLDER,
    TRAINER_STATUS_FILE,
    JobStatus,
    load_status,
    write_status,
)
from game.paths import REPO_ROOT, TRACK_MODELS_FOLDER, model_backup_dir
from game.sim.files import install_together

STATUS_INTERVAL = 0.5  # [s] between status writes of the supervisor
LOG_TAIL_BYTES = 4000  # of train.log, read for the message when the trainer fails without saying why


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
        previous = load_status(folder)
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
        refusal = worse_than_base(self.staging / f"{self.track_file.stem}.json")
        if refusal is not None:
            shutil.rmtree(self.staging, ignore_errors=True)
            self._write("failed", refusal)
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
        target = self.models_dir / TRACK_MODELS_FOLDER
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


def worse_than_base(sidecar: Path) -> str | None:
    """Why a trained driver must not replace its base on the track, or None.

    The trainer's sidecar holds the new driver's final evaluation and its base's on the same starts
    (``agents.install.base_evaluation``); a driver that completes fewer laps than the base is refused, whatever its
    lap time: rivals that leave the road are worse than slower ones. Without both evaluations there is nothing to
    compare, and the driver is installed as before.
    """
    try:
        record = json.loads(sidecar.read_text(encoding="utf-8"))
        new = [float(e["completion_rate"]) for e in record.get("evaluation") or []]
        old = [float(e["completion_rate"]) for e in record.get("base_evaluation") or []]
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return None  # the install step reports a sidecar it cannot use
    if not new or not old or sum(new) / len(new) >= sum(old) / len(old):
        return None
    # Short, the verdict first: the menus show the first 70 characters of "TRAINING FOR <TRACK> FAILED: <this>".
    return f"Base kept: it lapped {sum(new) / len(new):.0%}, base {sum(old) / len(old):.0%}"


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m game.jobs.supervisor --track T --base B --models-dir M --job-dir J [--steps N] [-- OPTIONS]``."""
    argv = list(sys.argv[1:] if argv is None else argv)
    extra: list[str] = []
    if "--" in argv:
        cut = argv.index("--")
        argv, extra = argv[:cut], argv[cut + 1 :]
    parser = argparse.ArgumentParser(prog="python -m game.jobs.supervisor", description=__doc__.splitlines()[0])
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
