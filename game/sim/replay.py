"""Replays: what it takes to run a race again exactly, and running it. No pygame here.

A race is deterministic (:mod:`game.sim.race`): the same track, car, field, AI driver and player inputs per tick
give the same race. A :class:`Replay` keeps those: the player's controls at every tick where they changed, the
ticks where the player asked to be put back on the track, the race settings, the car, and the identities of the
track (its shape's fingerprint, :func:`game.sim.identity.track_fingerprint`) and of the AI model (its file's
SHA-256). Watching it re-simulates the race; a replay whose track or model is no longer the same says so
(:func:`replay_mismatch`) instead of showing a different race.

The file format is in :mod:`game.sim.replay_file`.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field

from game.sim.physics import DEFAULT_CAR, PHYSICS_DT, CarParams
from game.sim.race import CarResult, Driver, Race, RaceConfig
from game.sim.track import Track


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
