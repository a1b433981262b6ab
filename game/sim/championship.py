"""A championship: a season of races over a calendar of tracks, points per position, standings. No pygame here.

The same field drives every round (the player as car 0, the rivals by name), with the same race settings. After
each round its classification is added (:meth:`Championship.add_round`) and the whole season is saved
(:func:`save_championship`, atomically), so it can be resumed after any race. Points per position are
``game.sim.rules.CHAMPIONSHIP_POINTS``; a car that did not finish scores nothing. The standings order drivers by
points, then by wins, then by second places and so on (countback), then by car number.

File format (version 1)::

    {
      "format": "retroracer-championship",
      "version": 1,
      "calendar": ["tracks/norisring.json", ...],
      "config": {"laps": 3, "rivals": 5, "difficulty": "normal"},
      "names": ["YOU", "BLAZE", ...],          # by car number
      "rounds": [[[car, position, finished], ...], ...]   # one list per round raced, in finishing order
    }
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from typing import Any

from game.sim.files import atomic_write_text, read_json_file
from game.sim.race import CarResult, RaceConfig
from game.sim.rules import CHAMPIONSHIP_POINTS, DIFFICULTIES, MAX_LAPS, MAX_RIVALS

CHAMPIONSHIP_FORMAT = "retroracer-championship"
CHAMPIONSHIP_VERSION = 1
MAX_ROUNDS = 64


class ChampionshipError(ValueError):
    """A championship file that cannot be used."""


def points_for(position: int, finished: bool) -> int:
    """Points for a finishing position (1-based); nothing for a DNF or beyond the table."""
    if not finished or not 1 <= position <= len(CHAMPIONSHIP_POINTS):
        return 0
    return CHAMPIONSHIP_POINTS[position - 1]


@dataclass(frozen=True)
class Standing:
    """One line of the standings.

    Attributes:
        car: Car number (0 is the player).
        name: Driver's name.
        points: Season total.
        positions: Finishing position per round raced (None: did not finish).
    """

    car: int
    name: str
    points: int
    positions: tuple[int | None, ...]

    @property
    def wins(self) -> int:
        """Rounds won."""
        return sum(1 for p in self.positions if p == 1)


@dataclass
class Championship:
    """A season: its calendar, its settings, the rounds raced so far."""

    calendar: list[str]
    config: RaceConfig
    names: list[str]
    rounds: list[list[tuple[int, int, bool]]] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not 1 <= len(self.calendar) <= MAX_ROUNDS:
            raise ChampionshipError(f"a calendar needs 1 to {MAX_ROUNDS} tracks, got {len(self.calendar)}")
        if len(self.names) != self.config.rivals + 1:
            raise ChampionshipError("one name per car")

    @property
    def round_index(self) -> int:
        """0-based index of the next round to race (== len(calendar) when the season is over)."""
        return len(self.rounds)

    @property
    def finished(self) -> bool:
        """Every round has been raced."""
        return self.round_index >= len(self.calendar)

    @property
    def next_track(self) -> str | None:
        """The track of the next round, or None when the season is over."""
        return None if self.finished else self.calendar[self.round_index]

    def add_round(self, results: list[CarResult]) -> None:
        """Add the classification of the round just raced."""
        if self.finished:
            raise ChampionshipError("the season is over")
        cars = sorted(row.car for row in results)
        if cars != list(range(len(self.names))):
            raise ChampionshipError(f"results for cars {cars}, the field is {len(self.names)} cars")
        self.rounds.append([(row.car, row.position, row.total_time is not None) for row in results])

    def round_points(self, index: int) -> dict[int, int]:
        """Points per car scored in round ``index``."""
        return {car: points_for(position, done) for car, position, done in self.rounds[index]}

    def standings(self) -> list[Standing]:
        """Every driver, leader first (points, then countback on positions, then car number)."""
        n = len(self.names)
        totals = [0] * n
        positions: list[list[int | None]] = [[] for _ in range(n)]
        for round_ in self.rounds:
            for car, position, done in round_:
                totals[car] += points_for(position, done)
                positions[car].append(position if done else None)
        rows = [Standing(car, self.names[car], totals[car], tuple(positions[car])) for car in range(n)]

        def key(row: Standing) -> tuple:
            counts = tuple(-sum(1 for p in row.positions if p == k) for k in range(1, n + 1))
            return (-row.points, *counts, row.car)

        return sorted(rows, key=key)

    def to_dict(self) -> dict[str, Any]:
        """The JSON-ready form."""
        config = asdict(self.config)
        config.pop("watch")
        return {
            "format": CHAMPIONSHIP_FORMAT,
            "version": CHAMPIONSHIP_VERSION,
            "calendar": list(self.calendar),
            "config": config,
            "names": list(self.names),
            "rounds": [[[car, position, done] for car, position, done in round_] for round_ in self.rounds],
        }


def championship_from_dict(data: Any) -> Championship:
    """Check a championship's JSON form and build it (raises ChampionshipError saying what is wrong)."""
    if not isinstance(data, dict) or data.get("format") != CHAMPIONSHIP_FORMAT:
        raise ChampionshipError("not a championship file")
    if data.get("version") != CHAMPIONSHIP_VERSION:
        raise ChampionshipError(f"version {data.get('version')!r}, this game reads version {CHAMPIONSHIP_VERSION}")
    calendar = data.get("calendar")
    if not isinstance(calendar, list) or not all(isinstance(t, str) and t for t in calendar):
        raise ChampionshipError("the calendar must be a list of track files")
    config = data.get("config")
    if not isinstance(config, dict):
        raise ChampionshipError("race settings missing")
    laps, rivals, difficulty = config.get("laps"), config.get("rivals"), config.get("difficulty")
    if not isinstance(laps, int) or isinstance(laps, bool) or not 1 <= laps <= MAX_LAPS:
        raise ChampionshipError(f"bad race distance {laps!r}")
    if not isinstance(rivals, int) or isinstance(rivals, bool) or not 0 <= rivals <= MAX_RIVALS:
        raise ChampionshipError(f"bad number of rivals {rivals!r}")
    if difficulty not in DIFFICULTIES:
        raise ChampionshipError(f"bad difficulty {difficulty!r}")
    seed = config.get("seed")
    if seed is not None and (not isinstance(seed, int) or isinstance(seed, bool) or seed < 0):
        raise ChampionshipError(f"bad line-up seed {seed!r}")
    names = data.get("names")
    if not isinstance(names, list) or not all(isinstance(name, str) for name in names):
        raise ChampionshipError("driver names missing")
    n = len(names)
    rounds = data.get("rounds")
    if not isinstance(rounds, list) or len(rounds) > len(calendar):
        raise ChampionshipError("rounds missing, or more rounds than the calendar holds")
    parsed = []
    for round_ in rounds:
        if not isinstance(round_, list) or len(round_) != n:
            raise ChampionshipError("a round must classify every car once")
        rows = []
        for row in round_:
            if (
                not isinstance(row, list)
                or len(row) != 3
                or not all(isinstance(v, int) and not isinstance(v, bool) for v in row[:2])
                or not isinstance(row[2], bool)
            ):
                raise ChampionshipError("a round's row must be [car, position, finished]")
            rows.append((row[0], row[1], row[2]))
        if sorted(r[0] for r in rows) != list(range(n)) or sorted(r[1] for r in rows) != list(range(1, n + 1)):
            raise ChampionshipError("a round must classify every car once")
        parsed.append(rows)
    try:
        config = RaceConfig(laps=laps, rivals=rivals, difficulty=difficulty, seed=seed)
        return Championship(list(calendar), config, names, parsed)
    except ChampionshipError:
        raise
    except (TypeError, ValueError) as exc:
        raise ChampionshipError(str(exc)) from None


def save_championship(championship: Championship, path: str | os.PathLike[str]) -> None:
    """Write the season atomically (raises OSError)."""
    atomic_write_text(path, json.dumps(championship.to_dict(), indent=1) + "\n")


def load_championship(path: str | os.PathLike[str]) -> Championship:
    """Read and check a season file; raises ChampionshipError (FileNotFoundError when there is none)."""
    if not os.path.exists(path):
        raise FileNotFoundError(path)
    return championship_from_dict(read_json_file(path, "championship file", ChampionshipError))
