"""The jobs as the screens see them: one board, polled once a frame in the update phase, read while drawing.

Reading a job's status may change files (a job whose supervisor died is marked "failed" and its staging folder
deleted: :func:`game.jobs.finetune.read_status`), so it happens only in :meth:`JobBoard.poll`, which the app calls
before the top scene's ``update``; ``draw`` only reads :meth:`JobBoard.job_for` and :attr:`JobBoard.jobs`, which
touch no file. The files are read at most every :data:`REFRESH_S` seconds, however often the screens ask.
"""

from __future__ import annotations

import time

from game.jobs.finetune import JobStatus, all_jobs

REFRESH_S = 0.5  # [s] between reads of the status files


class JobBoard:
    """The latest status of every background job, shared by every screen (``Context.jobs``)."""

    def __init__(self) -> None:
        self.jobs: list[JobStatus] = []
        self._read_at = -1e9

    def poll(self, force: bool = False) -> None:
        """Re-read the job files when :data:`REFRESH_S` has passed (or at once with ``force``)."""
        now = time.monotonic()
        if not force and now - self._read_at < REFRESH_S:
            return
        self._read_at = now
        try:
            self.jobs = all_jobs()
        except OSError:
            self.jobs = []

    def job_for(self, track: str | None) -> JobStatus | None:
        """The job of a track (by file stem), as last polled; no file is read."""
        if track is None:
            return None
        return next((job for job in self.jobs if job.track == track), None)
