"""Replays: what it takes to run a race again exactly, and running it. No pygame here.

A race is deterministic (:mod:`game.sim.race`): the same track, car, field, AI driver and player inputs per tick
give the same race. A :class:`Replay` keeps those: the player's controls at every tick where they changed, the
ticks where the player asked to be put back on the track, the race settings, the car, and the identities of the
track (its shape's fingerprint, :func:`game.sim.identity.track_fingerprint`) and of the AI model (its file's
SHA-256). Watching it re-simulates the race; a replay whose track or model is no longer the same says so
(:func:`replay_mismatch`) instead of showing a different race.

File format (version 1)::

    {
      "format": "retroracer-replay",
      "version": 1,
      "track": {"path": "tracks/norisring.json", "name": "Norisring", "fingerprint": "<sha256>"},
      "driver": {"kind": "model", "path": "assets/models/tracks/norisring.npz", "sha256": "<sha256>"},
      "config": {"laps": 3, "rivals": 5, "difficulty": "normal", "watch": false},
      "autopilot": false,
      "physics": {"dt": 0.016666666666666666, "car": {...CarParams...}},
      "ticks": 9012,                                   # the race was left (results shown) after this many ticks
      "inputs": [[tick, steer, throttle], ...],        # from that tick on, until the next row
      "rescues": [tick, ...],                          # the player's car put back on the track before that tick
      "results": [[position, car, name, laps, total_time, best_lap, gap], ...]
    }
"""

from __future__ import annotations

import bisect
import json
import math
import os
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from game.sim.files import atomic_write_text, read_text_file
from game.sim.physics import DEFAULT_CAR, PHYSICS_DT, CarParams
from game.sim.race import CarResult, Driver, Race, RaceConfig
from game.sim.rules import DIFFICULTIES, MAX_LAPS, MAX_RIVALS
from game.sim.track import Track

REPLAY_FORMAT = "retroracer-replay"
REPLAY_VERSION = 1
MAX_TICKS = 10_000_000  # about 46 hours of racing: more is a broken file


class ReplayError(ValueError):
    """A replay file that cannot be used (unreadable, broken, another version)."""


@dataclass
class InputRecorder:
    """The player's inputs, tick by tick, kept only where they change."""

    inputs: list[tuple[int, float, float]] = field(default_factory=list)
    rescues: list[int] = field(default_factory=list)

    def record(self, tick: int, controls: tuple[float, float], rescue: bool = False) -> None:
        """The controls given for tick ``tick`` (and whether the car was put back on the track before it)."""
        steer, throttle = float(controls[0]), float(controls[1])
        if not self.inputs or self.inputs[-1][1:] != (steer, throttle):
            self.inputs.append((tick, steer, throttle))
        if rescue:
            self.rescues.append(tick)


@dataclass(frozen=True)
class Replay:
    """Everything needed to run a race again.

    Attributes:
        track_path: The track file as recorded (relative to the game's folder when it was inside it).
        track_name: For the screen.
        track_fingerprint: The track's shape.
        driver_kind: "model" or "scripted".
        model_path: The model file as recorded, or None.
        model_sha256: The model file's SHA-256, or None.
        config: The race settings.
        autopilot: The AI drove the player's car.
        car: The car's physical constants.
        ticks: Physics ticks the race ran before its results were shown.
        inputs: (tick, steer, throttle) where the player's controls changed.
        rescues: Ticks before which the player's car was put back on the track.
        results: The results table as recorded (to compare with).
        dt: The physics timestep it was recorded at [s].
    """

    track_path: str
    track_name: str
    track_fingerprint: str
    driver_kind: str
    model_path: str | None
    model_sha256: str | None
    config: RaceConfig
    autopilot: bool
    car: CarParams
    ticks: int
    inputs: tuple[tuple[int, float, float], ...]
    rescues: tuple[int, ...]
    results: tuple[CarResult, ...]
    dt: float = PHYSICS_DT

    def __post_init__(self) -> None:
        object.__setattr__(self, "_input_ticks", [row[0] for row in self.inputs])
        object.__setattr__(self, "_rescue_set", frozenset(self.rescues))

    def controls_at(self, tick: int) -> tuple[float, float]:
        """The player's controls for tick ``tick``."""
        k = bisect.bisect_right(self._input_ticks, tick) - 1  # type: ignore[attr-defined]
        if k < 0:
            return 0.0, 0.0
        return self.inputs[k][1], self.inputs[k][2]

    def rescue_at(self, tick: int) -> bool:
        """Was the player's car put back on the track before tick ``tick``?"""
        return tick in self._rescue_set  # type: ignore[attr-defined]

    def to_dict(self) -> dict[str, Any]:
        """The JSON-ready form."""
        return {
            "format": REPLAY_FORMAT,
            "version": REPLAY_VERSION,
            "track": {"path": self.track_path, "name": self.track_name, "fingerprint": self.track_fingerprint},
            "driver": {"kind": self.driver_kind, "path": self.model_path, "sha256": self.model_sha256},
            "config": asdict(self.config),
            "autopilot": self.autopilot,
            "physics": {"dt": self.dt, "car": asdict(self.car)},
            "ticks": self.ticks,
            "inputs": [list(row) for row in self.inputs],
            "rescues": list(self.rescues),
            "results": [list(astuple_result(row)) for row in self.results],
        }


def astuple_result(row: CarResult) -> tuple:
    """A results row as a tuple (JSON lists keep floats exactly: Python writes the shortest repr)."""
    return (row.position, row.car, row.name, row.laps, row.total_time, row.best_lap, row.gap)


def build_replay(
    race: Race,
    recorder: InputRecorder,
    track_path: str,
    driver_kind: str,
    model_path: str | None,
    model_sha256: str | None,
) -> Replay:
    """The replay of a race as it stands now (its results are taken now)."""
    from game.sim.identity import track_fingerprint

    return Replay(
        track_path=track_path,
        track_name=race.track.name,
        track_fingerprint=track_fingerprint(race.track),
        driver_kind=driver_kind,
        model_path=model_path,
        model_sha256=model_sha256,
        config=race.config,
        autopilot=race.autopilot,
        car=race.params,
        ticks=race.tick,
        inputs=tuple(recorder.inputs),
        rescues=tuple(recorder.rescues),
        results=tuple(race.results()),
    )


def replay_race(replay: Replay, track: Track, driver: Driver) -> Race:
    """A fresh race set up as the replay's (run it with :func:`step_replay`)."""
    return Race(track, replay.config, driver, replay.car, autopilot=replay.autopilot)


def step_replay(race: Race, replay: Replay, rescue: bool = True) -> None:
    """One tick of a replayed race: the recorded rescue, then the recorded controls."""
    if rescue and race.human is not None and replay.rescue_at(race.tick):
        race.put_back(race.human)
    race.step(replay.controls_at(race.tick))


def resimulate(replay: Replay, track: Track, driver: Driver) -> Race:
    """Run the whole replay headless; returns the race at the tick its results were taken."""
    race = replay_race(replay, track, driver)
    while race.tick < replay.ticks:
        step_replay(race, replay)
    return race


def replay_mismatch(replay: Replay, track: Track, driver_kind: str, model_sha256: str | None) -> str | None:
    """Why the replay would not show the race it recorded (track, model, car or timestep changed), or None."""
    from game.sim.identity import track_fingerprint

    if track_fingerprint(track) != replay.track_fingerprint:
        return f"The track {replay.track_name} has changed since this replay was recorded."
    if driver_kind != replay.driver_kind or model_sha256 != replay.model_sha256:
        return f"The AI driver of {replay.track_name} has changed since this replay was recorded."
    if replay.car != DEFAULT_CAR or replay.dt != PHYSICS_DT:
        return "The car's physics have changed since this replay was recorded."
    return None


# -- files --------------------------------------------------------------------------------------------------------
def _number(value: Any, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ReplayError(f"{what} must be a finite number, got {value!r}")
    return float(value)


def _tick(value: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_TICKS:
        raise ReplayError(f"{what} must be a tick number, got {value!r}")
    return value


def _config(data: Any) -> RaceConfig:
    if not isinstance(data, dict):
        raise ReplayError("config missing")
    laps, rivals = data.get("laps"), data.get("rivals")
    if not isinstance(laps, int) or not 1 <= laps <= MAX_LAPS or not isinstance(rivals, int):
        raise ReplayError(f"bad race distance {laps!r}")
    if not 0 <= rivals <= MAX_RIVALS:
        raise ReplayError(f"bad number of rivals {rivals!r}")
    if data.get("difficulty") not in DIFFICULTIES:
        raise ReplayError(f"bad difficulty {data.get('difficulty')!r}")
    return RaceConfig(laps=laps, rivals=rivals, difficulty=data["difficulty"], watch=bool(data.get("watch")))


def _car(data: Any) -> CarParams:
    if not isinstance(data, dict) or set(data) != {f.name for f in fields(CarParams)}:
        raise ReplayError("car parameters missing or of another version")
    return CarParams(**{name: _number(value, f"car {name}") for name, value in data.items()})


def _results(rows: Any) -> tuple[CarResult, ...]:
    if not isinstance(rows, list) or len(rows) > MAX_RIVALS + 1:
        raise ReplayError("results missing")
    out = []
    for row in rows:
        if not isinstance(row, list) or len(row) != 7:
            raise ReplayError("a results row must have 7 fields")
        position, car, name, laps, total, best, gap = row
        total = None if total is None else _number(total, "total time")
        best = None if best is None else _number(best, "best lap")
        out.append(
            CarResult(
                _tick(position, "position"), _tick(car, "car"), str(name), _tick(laps, "laps"), total, best, str(gap)
            )
        )
    return tuple(out)


def replay_from_dict(data: Any) -> Replay:
    """Check a replay's JSON form and build it (raises ReplayError saying what is wrong)."""
    if not isinstance(data, dict) or data.get("format") != REPLAY_FORMAT:
        raise ReplayError("not a replay file")
    if data.get("version") != REPLAY_VERSION:
        raise ReplayError(f"replay version {data.get('version')!r}, this game reads version {REPLAY_VERSION}")
    track, driver, physics = data.get("track"), data.get("driver"), data.get("physics")
    if not isinstance(track, dict) or not all(isinstance(track.get(k), str) for k in ("path", "name", "fingerprint")):
        raise ReplayError("track identity missing")
    if not isinstance(driver, dict) or driver.get("kind") not in ("model", "scripted"):
        raise ReplayError("driver identity missing")
    for key in ("path", "sha256"):
        if driver.get(key) is not None and not isinstance(driver.get(key), str):
            raise ReplayError(f"driver {key} must be text")
    if not isinstance(physics, dict):
        raise ReplayError("physics missing")
    inputs = data.get("inputs")
    rescues = data.get("rescues", [])
    if not isinstance(inputs, list) or not isinstance(rescues, list):
        raise ReplayError("inputs missing")
    rows = []
    for row in inputs:
        if not isinstance(row, list) or len(row) != 3:
            raise ReplayError("an input row must be [tick, steer, throttle]")
        rows.append((_tick(row[0], "input tick"), _number(row[1], "steer"), _number(row[2], "throttle")))
    if any(b[0] <= a[0] for a, b in zip(rows, rows[1:], strict=False)):
        raise ReplayError("input ticks must increase")
    return Replay(
        track_path=track["path"],
        track_name=track["name"],
        track_fingerprint=track["fingerprint"],
        driver_kind=driver["kind"],
        model_path=driver.get("path"),
        model_sha256=driver.get("sha256"),
        config=_config(data.get("config")),
        autopilot=bool(data.get("autopilot")),
        car=_car(physics.get("car")),
        ticks=_tick(data.get("ticks"), "ticks"),
        inputs=tuple(rows),
        rescues=tuple(_tick(t, "rescue tick") for t in rescues),
        results=_results(data.get("results")),
        dt=_number(physics.get("dt"), "dt"),
    )


def save_replay(replay: Replay, path: str | os.PathLike[str]) -> None:
    """Write a replay file atomically (raises OSError)."""
    atomic_write_text(path, json.dumps(replay.to_dict(), separators=(",", ":")) + "\n")


def load_replay(path: str | os.PathLike[str]) -> Replay:
    """Read and check a replay file; raises ReplayError."""
    text = read_text_file(path, "replay file", ReplayError)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ReplayError(f"{path}: broken JSON at line {exc.lineno}") from None
    try:
        return replay_from_dict(data)
    except ReplayError as exc:
        raise ReplayError(f"{path}: {exc}") from None
