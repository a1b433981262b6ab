"""A background job's files: where they are, and its ``status.json`` (written atomically, read safely)."""

from __future__ import annotations

import json
import os
import time
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

import game.paths
from game.sim.files import atomic_write_text

JOBS_FOLDER = "finetune"  # in the data directory
STATUS_FILE = "status.json"
LOG_FILE = "train.log"
STAGING_FOLDER = "staging"
TRAINER_STATUS_FILE = "trainer_status.json"  # the trainer's --status-file, in the staging folder
CANCEL_GRACE = 5.0  # [s] the trainer gets to stop on SIGTERM before it is killed
START_TIMEOUT = 30.0  # [s] a job still "starting" without a supervisor after this has failed
ACTIVE_STATES = ("starting", "running", "installing")


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


def load_status(folder: Path) -> JobStatus | None:
    """The job's ``status.json``, or None when it is missing or unreadable."""
    try:
        return JobStatus.from_dict(json.loads((folder / STATUS_FILE).read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError):
        return None


def alive(pid: int | None) -> bool:
    """Whether a process with this id exists."""
    if pid is None:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
