"""The rules of a race that several rooms need: field size, race length, difficulty levels. No imports.

One home for each of these numbers, cheap to import (no numpy, no numba), so the command line, the settings, the
grid, the race and the training config all read them from here instead of keeping copies.
"""

from __future__ import annotations

MAX_CARS = 8  # the biggest field: the player and seven rivals; also the number of grid slots
MAX_RIVALS = MAX_CARS - 1
MAX_LAPS = 20
DIFFICULTY_PACE = {"easy": 0.80, "normal": 0.93, "hard": 1.0}  # the level: scales every character's two paces
DIFFICULTIES = tuple(DIFFICULTY_PACE)  # ("easy", "normal", "hard"), slowest first
CHAMPIONSHIP_POINTS = (10, 8, 6, 5, 4, 3, 2, 1)  # for P1..P8 of a championship round; a DNF scores nothing
