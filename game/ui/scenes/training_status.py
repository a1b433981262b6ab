"""Background driver training as the screens show it: a line of text per job, for the editor and the menus.

Job statuses come from the shared :class:`game.jobs.board.JobBoard` (``ctx.jobs``), polled by the app before each
update; drawing only reads it.
"""

from __future__ import annotations

import time

import pygame

from game.jobs.board import JobBoard
from game.jobs.finetune import JobStatus
from game.ui.render.font import font
from game.ui.render.palette import CYAN, GREY, LIGHT_GREY, LIME, RED, Colour
from game.ui.render.panel import panel

SHOW_FINISHED_S = 600.0  # [s] a finished job is still mentioned in the menus this long


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


def training_label(board: JobBoard, track: str) -> str | None:
    """A short label for a track list ("TRAINING 45%"), or None when no driver is being trained for it."""
    job = board.job_for(track)
    if job is None or not job.active:
        return None
    return f"TRAINING {100 * job.fraction:.0f}%"


def draw_training_status(surface: pygame.Surface, board: JobBoard, y: int = 4) -> None:
    """The running jobs (and those finished lately) as lines at the top right of a menu."""
    now = time.time()
    shown = [job for job in board.jobs if job.active or now - job.updated < SHOW_FINISHED_S][:3]
    f = font()
    w = surface.get_width()
    for k, job in enumerate(shown):
        text, colour = training_line(job)
        text = text[:70]
        width = 6 * len(text) + 8
        top = y + 11 * k
        panel(surface, (w - width - 4, top, width, 10), 190)
        f.draw(surface, text, (w - 8, top + 2), colour if colour != GREY else LIGHT_GREY, 1, "right")
