"""The rivals' characters: a name, a way of driving and a line that says it. No pygame here.

Every rival is the same driver (one model for the field); what makes them differ is how much of the car each one
may use, through the two levers of :func:`game.sim.pace.apply_pace`, never the physics: a straight-line pace
(the throttle cap: power, hence acceleration and top speed) and a cornering pace (how close to the reference
speed of each point of the track it goes: how late it lifts before a corner; 1.0 sets no limit, it brakes as
late as the model does). A character holds both at the top level; the difficulty scales them
(:data:`game.sim.rules.DIFFICULTY_PACE`, the level: 1.0 is the model's best for the ace). A rival's paces are
fixed for the whole race: they never depend on where the player is.

Which rival gets which character, hence which grid slot, is drawn from the race's seed
(:func:`line_up`), the same for the same seed, so a race can be raced again exactly.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from game.sim.rules import DIFFICULTY_PACE


@dataclass(frozen=True)
class Character:
    """One rival's way of driving.

    Attributes:
        name: Shown on the grid, the HUD and the results (upper case, short).
        pace: Straight-line pace at the top level (throttle at most ``pace**3``).
        corner_pace: Cornering pace at the top level (no throttle above ``corner_pace`` x the reference speed).
        line: One line that tells the player how it drives.
    """

    name: str
    pace: float
    corner_pace: float
    line: str


CHARACTERS: tuple[Character, ...] = (
    Character("NOVA", 1.00, 1.00, "the ace: flat out everywhere, the model's best"),
    Character("BLAZE", 0.93, 1.00, "late braker, brave in corners, down on power"),
    Character("TURBO", 1.00, 0.88, "all engine, but lifts early for every corner"),
    Character("VOLT", 0.97, 0.96, "smooth and tidy, a touch off the limit everywhere"),
    Character("ZIPPY", 0.97, 1.00, "late on the brakes, a touch short of power"),
    Character("COMET", 0.99, 0.93, "strong on power, cautious into corners"),
    Character("RUSTY", 0.95, 0.94, "the veteran: steady, never the fastest anywhere"),
)
# The player's car when the AI drives it in a watch race: no character, the level's pace on both levers.
AUTOPILOT = Character("AUTO", 1.00, 1.00, "your car on autopilot, at the level's pace")


def line_up(n_rivals: int, seed: int | None = None) -> list[Character]:
    """The characters of ``n_rivals`` rivals (at most ``len(CHARACTERS)``), from the front of the grid back.

    Args:
        n_rivals: How many rivals race.
        seed: None: :data:`CHARACTERS` in order; a number: a shuffle drawn from it (the same for the same seed).
    """
    if not 0 <= n_rivals <= len(CHARACTERS):
        raise ValueError(f"at most {len(CHARACTERS)} rivals, got {n_rivals}")
    if seed is None:
        return list(CHARACTERS[:n_rivals])
    order = np.random.default_rng(seed).permutation(len(CHARACTERS))
    return [CHARACTERS[k] for k in order[:n_rivals]]


def character_paces(characters: list[Character], difficulty: str) -> tuple[np.ndarray, np.ndarray]:
    """(straight-line paces, cornering paces), each (len(characters),), at the difficulty's level."""
    level = DIFFICULTY_PACE[difficulty]
    pace = np.array([level * c.pace for c in characters], dtype=np.float64)
    corner = np.array([level * c.corner_pace for c in characters], dtype=np.float64)
    return pace, corner
