"""Lap counting and timing from a car's progress (distance along the track since the start/finish line).

A lap is complete when progress reaches the next multiple of the track length. Progress only grows by what the
car really drives along the track (see game.sim.simulation.locate_car), so reversing over the line and driving over
it again, or cutting the course, completes nothing. This module never imports pygame.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field


@dataclass
class LapTimer:
    """Counts laps and times them.

    A standing start (on the grid, behind the line) times lap 1 from the race start. A flying start (somewhere
    on the track, for training variety) times nothing until the car first crosses the line.

    Args:
        track_length: [m].
        initial_progress: The car's progress at the start [m].
        standing_start: True for a grid start.
    """

    track_length: float
    initial_progress: float
    standing_start: bool = True
    lap_times: list[float] = field(default_factory=list)
    lap_start_time: float | None = field(init=False)
    next_line: float = field(init=False)

    def __post_init__(self) -> None:
        if self.standing_start:
            self.lap_start_time = 0.0
            self.next_line = max(math.floor(self.initial_progress / self.track_length) + 1, 1) * self.track_length
        else:
            self.lap_start_time = None
            self.next_line = math.floor(self.initial_progress / self.track_length + 1.0) * self.track_length

    @property
    def laps(self) -> int:
        """Completed, timed laps."""
        return len(self.lap_times)

    @property
    def best_lap(self) -> float | None:
        """Fastest completed lap [s], or None."""
        return min(self.lap_times) if self.lap_times else None

    @property
    def last_lap(self) -> float | None:
        """Most recent completed lap [s], or None."""
        return self.lap_times[-1] if self.lap_times else None

    def current_lap_time(self, now: float) -> float | None:
        """Time into the lap being driven [s], or None before timing starts."""
        return None if self.lap_start_time is None else now - self.lap_start_time

    def update(self, progress_before: float, progress_after: float, time_before: float, time_after: float) -> int:
        """Feed one simulation advance; returns how many laps it completed (0 or 1, rarely more).

        The crossing time is interpolated linearly between the two samples.
        """
        completed = 0
        while progress_after >= self.next_line:
            span = progress_after - progress_before
            fraction = (self.next_line - progress_before) / span if span > 0.0 else 1.0
            crossing = time_before + min(max(fraction, 0.0), 1.0) * (time_after - time_before)
            if self.lap_start_time is not None:
                self.lap_times.append(crossing - self.lap_start_time)
                completed += 1
            self.lap_start_time = crossing
            self.next_line += self.track_length
        return completed
