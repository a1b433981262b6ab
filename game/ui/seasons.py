"""The championship on disk: one season in the user's data folder, saved after every race, resumed from the menu.

``<data dir>/championship.json`` holds the season (:mod:`game.sim.championship` has the format), written
atomically. A broken file is set aside (``championship.json.bak``) with a message, never an exception.
"""

from __future__ import annotations

import random
from pathlib import Path

from game.paths import TRACKS_DIR, data_dir, portable_path
from game.sim.championship import Championship, ChampionshipError, load_championship, save_championship
from game.sim.characters import line_up
from game.sim.files import set_aside
from game.sim.race import PLAYER_NAME, RaceConfig

SEASON_FILE = "championship.json"


def season_path() -> Path:
    """Where the season is saved."""
    return data_dir() / SEASON_FILE


def default_calendar() -> list[Path]:
    """Every shipped track, in file-name order."""
    return sorted(TRACKS_DIR.glob("*.json"))


def new_season(calendar: list[Path], laps: int, rivals: int, difficulty: str) -> Championship:
    """A new season over ``calendar`` with these race settings.

    The rivals' line-up (who drives which character, from which grid slot) is drawn once for the season, so the
    same drivers race every round and the standings follow them.
    """
    seed = random.randrange(2**31)
    names = [PLAYER_NAME] + [character.name for character in line_up(rivals, seed)]
    config = RaceConfig(laps=laps, rivals=rivals, difficulty=difficulty, seed=seed)
    return Championship([portable_path(path) for path in calendar], config, names)


def load_season() -> tuple[Championship | None, str | None]:
    """(the saved season or None, message or None); a broken file is set aside with a message."""
    path = season_path()
    try:
        return load_championship(path), None
    except FileNotFoundError:
        return None, None
    except ChampionshipError as exc:
        aside = set_aside(path)
        where = f"moved to {aside.name}" if aside is not None else "left in place"
        return None, f"the saved championship is broken ({exc}); {where}"


def save_season(season: Championship) -> str | None:
    """Save atomically; returns an error message instead of raising."""
    try:
        save_championship(season, season_path())
    except OSError as exc:
        return f"could not save the championship: {exc}"
    return None
