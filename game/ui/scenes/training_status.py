"""Background driver training as the screens show it: a line of text per job, for the editor and the menus.

Job statuses come from :mod:`game.jobs.finetune` (files written by the background process); they are read at
most every :data:`REFRESH_S` seconds, however often the screens ask.
"""

from __future__ import annotations

import time

import pygame

from game.jobs.finetune import JobStatus, all_jobs, jobs_dir
from game.ui.render.font import font
from game.ui.render.hud import panel
from game.ui.render.palette import CYAN, GREY, LIGHT_GREY, LIME, RED, Colour

REFRESH_S = 0.5  # [s] between reads of the status files
SHOW_FINISHED_S = 600.0  # [s] a finished job is still mentioned in the menus this long

_cache: dict[str, object] = {"at": -1e9, "jobs": [], "folder": None}


def training_jobs(force: bool = False) -> list[JobStatus]:
    """Every job, most recent first (re-read at most every REFRESH_S seconds unless ``force``)."""
    now = time.monotonic()
    folder = jobs_dir()
    if force or folder != _cache["folder"] or now - float(_cache["at"]) >= REFRESH_S:  # type: ignore[arg-type]
        try:
            _cache["jobs"] = all_jobs()
        except OSError:
            _cache["jobs"] = []
        _cache["at"] = now
        _cache["folder"] = folder
    return list(_cache["jobs"])  # type: ignore[call-overload]


def job_for(track: str, force: bool = False) -> JobStatus | None:
    """The job of a track (by file stem), if it has one."""
    return next((job for job in training_jobs(force) if job.track == track), None)


def training_line(job: JobStatus) -> tuple[str, Colour]:
    """What to say about a job, and in which colour."""
    name = job.track.replace("_", " ").upper()
    if job.state == "starting":
        return f"TRAINING A DRIVER FOR {name}: STARTING...", CYAN
    if job.state in ("running", "installing"):
        if job.total_steps <= 0:
            return f"TRAINING A DRIVER FOR {name}: LOADING...", CYAN
        laps = f"  LAPS {100 * job.lap_completion:.0f}%" if job.lap_completion is not None else ""
        if job.eval_completion is not None:
            laps += f"  TEST LAPS {100 * job.eval_completion:.0f}%"
        if job.state == "installing":
            laps += "  SAVING"
        elif job.steps >= job.total_steps:
            laps += "  TESTING AND SAVING"
        return f"TRAINING {name}: {job.steps:,}/{job.total_steps:,} STEPS{laps}", CYAN
    if job.state == "done":
        return f"NEW DRIVER READY FOR {name}: RIVALS USE IT THERE", LIME
    if job.state == "cancelled":
        return f"TRAINING FOR {name} CANCELLED", GREY
    return f"TRAINING FOR {name} FAILED: {job.message.upper()}", RED


def training_label(track: str) -> str | None:
    """A short label for a track list ("TRAINING 45%"), or None when no driver is being trained for it."""
    job = job_for(track)
    if job is None or not job.active:
        return None
    return f"TRAINING {100 * job.fraction:.0f}%"


def draw_training_status(surface: pygame.Surface, y: int = 4) -> None:
    """The running jobs (and those finished lately) as lines at the top right of a menu."""
    now = time.time()
    shown = [job for job in training_jobs() if job.active or now - job.updated < SHOW_FINISHED_S][:3]
    f = font()
    w = surface.get_width()
    for k, job in enumerate(shown):
        text, colour = training_line(job)
        text = text[:70]
        width = 6 * len(text) + 8
        top = y + 11 * k
        panel(surface, (w - width - 4, top, width, 10), 190)
        f.draw(surface, text, (w - 8, top + 2), colour if colour != GREY else LIGHT_GREY, 1, "right")
