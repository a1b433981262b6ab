"""Numbers as the player reads them: the conversions at the edge of the game (SI inside, text outside)."""

from __future__ import annotations

import math


def format_time(seconds: float | None) -> str:
    """Lap-time text: 1:02.345, or -:--.--- when there is none."""
    if seconds is None or not math.isfinite(seconds):
        return "-:--.---"
    minutes = int(seconds // 60)
    return f"{minutes}:{seconds - 60 * minutes:06.3f}"
