"""Replay files: the versioned JSON form of a :class:`game.sim.replay.Replay`, checked on load. No pygame here.

File format (version 2)::

    {
      "format": "retroracer-replay",
      "version": 2,
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

Versions: 1, races with contact between circles and rivals without racecraft; 2 (2026-12-02), contact between
capsules (:func:`game.sim.physics.car_gap`) and rivals with :mod:`game.drivers.racecraft`. The fields are the same,
but a race recorded by version 1 would not replay the same, so it is refused with a message.
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import asdict, fields
from typing import Any

from game.sim.files import atomic_write_text, read_json_file
from game.sim.physics import CarParams
from game.sim.race import CarResult, RaceConfig
from game.sim.replay import Replay, astuple_result
from game.sim.rules import DIFFICULTIES, MAX_LAPS, MAX_RIVALS

REPLAY_FORMAT = "retroracer-replay"
REPLAY_VERSION = 2
MAX_TICKS = 10_000_000  # about 46 hours of racing: more is a broken file


class ReplayError(ValueError):
    """A replay file that cannot be used (unreadable, broken, another version)."""


def replay_to_dict(replay: Replay) -> dict[str, Any]:
    """The JSON-ready form of a replay."""
    return {
        "format": REPLAY_FORMAT,
        "version": REPLAY_VERSION,
        "track": {"path": replay.track_path, "name": replay.track_name, "fingerprint": replay.track_fingerprint},
        "driver": {"kind": replay.driver_kind, "path": replay.model_path, "sha256": replay.model_sha256},
        "config": asdict(replay.config),
        "autopilot": replay.autopilot,
        "physics": {"dt": replay.dt, "car": asdict(replay.car)},
        "ticks": replay.ticks,
        "inputs": [list(row) for row in replay.inputs],
        "rescues": list(replay.rescues),
        "results": [list(astuple_result(row)) for row in replay.results],
    }


# -- reading --------------------------------------------------------------------------------------------------------
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
    version = data.get("version")
    if isinstance(version, int) and 0 < version < REPLAY_VERSION:
        raise ReplayError(
            f"recorded by an older version of the game (replay version {version}; cars now touch as their shape "
            "and rivals race with racecraft), so it would not show the same race"
        )
    if version != REPLAY_VERSION:
        raise ReplayError(f"replay version {version!r}, this game reads version {REPLAY_VERSION}")
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
    atomic_write_text(path, json.dumps(replay_to_dict(replay), separators=(",", ":")) + "\n")


def load_replay(path: str | os.PathLike[str]) -> Replay:
    """Read and check a replay file; raises ReplayError."""
    data = read_json_file(path, "replay file", ReplayError)
    try:
        return replay_from_dict(data)
    except ReplayError as exc:
        raise ReplayError(f"{path}: {exc}") from None
