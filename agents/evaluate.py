"""Evaluate a driver: two laps from a standing start, lap times against the physical-limit reference lap.

Command line::

    python -m agents.evaluate --model assets/models/base.npz --track tracks/NAME.json [--episodes N] [--json]

MODEL is a saved SB3 ``.zip`` or an exported weights-only ``.npz`` actor; TRACK a track JSON or a circuit CSV in
the racetrack-database format. Each episode starts on the grid, from one of the game's grid slots, with a small
random perturbation (``reset(options={"start": "grid", "slot": k, "perturb": True})``), and runs the deterministic
policy until the car has driven two laps, left the track, got stuck, or run out of time. Lap 1 is the
standing-start lap, lap 2 the flying lap; the best and mean lap are over flying laps. The reference lap
(``game.sim.reference``) is the fastest lap the car's physics allow; ``ratio`` is the best flying lap over it (1.0
would be perfect).

Episode i starts where the game may put the car: from grid slot ``i mod 8`` (``game.sim.grid``; slot 0 is pole, left
of the middle, slot 1 half a row back on the right, and so on), plus the small random perturbation.

An SB3 model is evaluated through its NumPy actor (the same deterministic actions as ``model.predict``, tested
to 1e-5), so the training callback, this command and the game all drive the same code.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import sys
import time
import warnings
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from agents.env import FRAME_SKIP, RetroRacerEnv
from game.drivers.actor import Actor, ModelError, load_actor
from game.sim.grid import GRID_SLOTS
from game.sim.observation_layout import LINE_CLEARANCE, OBSERVATION_VERSION
from game.sim.physics import DEFAULT_CAR, PHYSICS_DT, CarParams
from game.sim.track import Track, TrackError

LAPS_PER_EPISODE = 2
MIN_AVERAGE_SPEED = 8.0  # [m/s] the time limit of an episode allows two laps at this average speed


@dataclass
class EvalResult:
    """What :func:`evaluate` measured. Times in seconds; ``None`` where nothing was measured."""

    track: str
    episodes: int
    seed: int
    laps_attempted: int
    laps_completed: int
    completion_rate: float
    """laps_completed / laps_attempted (two laps per episode)."""
    episodes_finished: int
    """Episodes that completed both laps."""
    lap_times_s: list[list[float]] = field(default_factory=list)
    """Per episode, the completed lap times (standing-start lap first)."""
    flying_lap_times_s: list[float] = field(default_factory=list)
    best_lap_s: float | None = None
    mean_lap_s: float | None = None
    reference_lap_s: float | None = None
    ratio: float | None = None
    """best_lap_s / reference_lap_s."""
    off_track_episodes: int = 0
    off_track_rate: float = 0.0
    stuck_episodes: int = 0
    max_episode_steps: int = 0
    wall_time_s: float = 0.0
    line_clearance: float = LINE_CLEARANCE
    """[m] The racing line the driver followed kept the car's side this far from the edges (the driver's own)."""
    incidents: list[dict[str, Any]] = field(default_factory=list)
    """Where each episode that left the track or got stuck ended: ``episode``, grid ``slot``, ``kind`` ("off
    track" or "stuck"), ``lap`` (laps completed before), ``at_m`` (distance along the lap from the start line)
    and ``speed_m_s``. The same corner in every episode is a driving failure there, not bad luck."""

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return asdict(self)

    def summary(self) -> str:
        """A few human-readable lines."""

        def fmt(t: float | None) -> str:
            return "-" if t is None else f"{t:.2f} s"

        lines = [
            f"track {self.track}: {self.episodes} episodes x {LAPS_PER_EPISODE} laps, seed {self.seed}",
            f"  laps completed   {self.laps_completed}/{self.laps_attempted} ({100 * self.completion_rate:.0f}%),"
            f" {self.episodes_finished} episodes finished",
            f"  flying laps      {', '.join(f'{t:.2f}' for t in self.flying_lap_times_s) or '-'}",
            f"  best / mean lap  {fmt(self.best_lap_s)} / {fmt(self.mean_lap_s)}",
            f"  racing line      the car's side {self.line_clearance:.2f} m from the edges",
            f"  reference lap    {fmt(self.reference_lap_s)}"
            + (f"   ratio {self.ratio:.3f}" if self.ratio is not None else ""),
            f"  left the track   {self.off_track_episodes}/{self.episodes} episodes; stuck {self.stuck_episodes}",
        ]
        if self.incidents:
            lines.append(f"  where            {incident_places(self.incidents)}")
        return "\n".join(lines)


def incident_places(
    incidents: list[dict[str, Any]], limit: int = 3, within_m: float = 15.0, with_kind: bool = True
) -> str:
    """Where episodes ended, grouped by place: "off track at 263 m x8 (130 km/h); stuck at 1907 m x1 (12 km/h)".

    Incidents of one kind within ``within_m`` of each other are one place (the first one's); the most frequent
    ``limit`` places are named, with their mean speed, and the number of other places. Without ``with_kind``
    (incidents all of one kind) a place reads "at 263 m x8 (130 km/h)".
    """
    places: list[list[dict[str, Any]]] = []
    for incident in sorted(incidents, key=lambda i: (i["kind"], i["at_m"])):
        last = places[-1] if places else None
        if last and last[0]["kind"] == incident["kind"] and incident["at_m"] - last[-1]["at_m"] <= within_m:
            last.append(incident)
        else:
            places.append([incident])
    places.sort(key=lambda group: -len(group))
    text = [
        f"{group[0]['kind'] + ' ' if with_kind else ''}at {group[0]['at_m']:.0f} m x{len(group)}"
        f" ({3.6 * statistics.fmean(i['speed_m_s'] for i in group):.0f} km/h)"
        for group in places[:limit]
    ]
    if len(places) > limit:
        text.append(f"{len(places) - limit} other places")
    return "; ".join(text)


def load_track_file(path: str | os.PathLike[str], rules: bool = True) -> Track:
    """A track JSON or a racetrack-database circuit CSV (:func:`game.editor.track_files.load_race_track`).

    Args:
        path: The file.
        rules: Apply the editor's rules, as the game does (a track that runs into itself without a bridge, a
            corner tighter than 10 m, ... is refused). ``agents.report`` measures the shared circuits as they are.

    Raises:
        TrackError: Unreadable or invalid track.
    """
    from game.editor.track_files import load_race_track, read_track_file

    return load_race_track(path) if rules else read_track_file(path)


def load_driver(path: str | os.PathLike[str]) -> Actor:
    """A driver from an exported ``.npz`` actor (no pickle) or an SB3 ``.zip`` (unpickles: our own files only).

    Raises:
        ModelError: Missing, corrupt, truncated or foreign file.
    """
    path = Path(path)
    if path.suffix.lower() == ".zip":
        from agents.models import actor_from_model, load_sb3

        return actor_from_model(load_sb3(path, device="cpu"))
    return load_actor(path)


def as_actor(actor_or_model: Any) -> Actor:
    """An :class:`Actor` from an actor, an SB3 model, or a model file path."""
    if isinstance(actor_or_model, Actor):
        return actor_or_model
    if isinstance(actor_or_model, str | os.PathLike):
        return load_driver(actor_or_model)
    if hasattr(actor_or_model, "policy"):
        from agents.models import actor_from_model

        return actor_from_model(actor_or_model)
    if hasattr(actor_or_model, "act"):
        return actor_or_model
    raise TypeError(f"expected an Actor, an SB3 model or a path, got {type(actor_or_model).__name__}")


def reference_lap_time(track: Track, car: CarParams = DEFAULT_CAR) -> float | None:
    """The physical-limit lap time from ``game.sim.reference`` [s], or None if it fails."""
    from game.sim.reference import reference_lap

    try:
        lap_time = float(reference_lap(track, car).lap_time_s)
    except Exception as exc:  # noqa: BLE001  (a broken reference must not stop an evaluation)
        warnings.warn(f"reference lap failed on {track.name}: {exc}", stacklevel=2)
        return None
    return lap_time if math.isfinite(lap_time) and lap_time > 0 else None


def episode_step_limit(track: Track) -> int:
    """Actions that allow two laps at :data:`MIN_AVERAGE_SPEED` (a stuck car is stopped sooner by the env)."""
    seconds = LAPS_PER_EPISODE * track.length / MIN_AVERAGE_SPEED
    return int(math.ceil(seconds / (FRAME_SKIP * PHYSICS_DT))) + 100


def evaluate(
    actor_or_model: Any,
    track: Track | str | os.PathLike[str],
    episodes: int = 5,
    seed: int = 0,
    car: CarParams = DEFAULT_CAR,
    reference_lap_s: float | None = None,
    with_reference: bool = True,
) -> EvalResult:
    """Drive ``episodes`` two-lap runs with the deterministic policy, all episodes stepped together.

    Args:
        actor_or_model: An :class:`Actor`, an SB3 SAC model, or a path to a ``.npz`` / ``.zip`` model.
        track: A :class:`Track`, or a track JSON / circuit CSV path.
        episodes: Number of episodes; episode i resets with seed ``seed + i``.
        seed: First seed.
        car: Car parameters.
        reference_lap_s: The reference lap time, if already known; else it is computed (``with_reference``).
        with_reference: Compute the reference lap when ``reference_lap_s`` is None.
    """
    if episodes < 1:
        raise ValueError(f"episodes must be at least 1, got {episodes}")
    started = time.perf_counter()
    actor = as_actor(actor_or_model)
    if not isinstance(track, Track):
        track = load_track_file(track)
    limit = episode_step_limit(track)
    version = getattr(actor, "observation_version", OBSERVATION_VERSION)  # a v3 driver gets v3 observations
    clearance = getattr(actor, "line_clearance", LINE_CLEARANCE)  # the line the driver drives on
    envs = [
        RetroRacerEnv(
            track=track,
            start="grid",
            max_episode_steps=limit,
            car=car,
            observation_version=version,
            line_clearance=clearance,
        )
        for _ in range(episodes)
    ]
    obs = np.stack(
        [
            env.reset(seed=seed + i, options={"start": "grid", "slot": i % GRID_SLOTS, "perturb": True})[0]
            for i, env in enumerate(envs)
        ]
    )
    running = np.ones(episodes, dtype=bool)
    lap_times: list[list[float]] = [[] for _ in range(episodes)]
    off_track = np.zeros(episodes, dtype=bool)
    stuck = np.zeros(episodes, dtype=bool)
    incidents: list[dict[str, Any]] = []
    while running.any():
        idx = np.flatnonzero(running)
        actions = actor.act(obs[idx])
        for k, i in enumerate(idx):
            obs[i], _, terminated, truncated, info = envs[i].step(actions[k])
            lap_times[i] = [float(t) for t in info["lap_times"][:LAPS_PER_EPISODE]]
            if len(lap_times[i]) >= LAPS_PER_EPISODE or terminated or truncated:
                running[i] = False
                off_track[i] = info["off_track"]
                stuck[i] = info["stuck"]
                if off_track[i] or stuck[i]:
                    incidents.append(_incident(i, info, track))
    flying = [times[1] for times in lap_times if len(times) >= 2]
    laps_completed = sum(len(times) for times in lap_times)
    if reference_lap_s is None and with_reference:
        reference_lap_s = reference_lap_time(track, car)
    best = min(flying) if flying else None
    return EvalResult(
        track=track.name,
        episodes=episodes,
        seed=seed,
        laps_attempted=LAPS_PER_EPISODE * episodes,
        laps_completed=laps_completed,
        completion_rate=laps_completed / (LAPS_PER_EPISODE * episodes),
        episodes_finished=len(flying),
        lap_times_s=lap_times,
        flying_lap_times_s=flying,
        best_lap_s=best,
        mean_lap_s=statistics.fmean(flying) if flying else None,
        reference_lap_s=reference_lap_s,
        ratio=best / reference_lap_s if best is not None and reference_lap_s else None,
        off_track_episodes=int(off_track.sum()),
        off_track_rate=float(off_track.mean()),
        stuck_episodes=int(stuck.sum()),
        max_episode_steps=limit,
        wall_time_s=time.perf_counter() - started,
        line_clearance=float(clearance),
        incidents=sorted(incidents, key=lambda incident: incident["episode"]),
    )


def _incident(episode: int, info: dict[str, Any], track: Track) -> dict[str, Any]:
    return {
        "episode": int(episode),
        "slot": int(episode) % GRID_SLOTS,
        "kind": "off track" if info["off_track"] else "stuck",
        "lap": int(info["laps"]),
        "at_m": round(float(info["progress"]) % track.length, 1),
        "speed_m_s": round(float(info["speed"]), 2),
    }


def _at_least_one(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def build_parser() -> argparse.ArgumentParser:
    """The command-line interface."""
    parser = argparse.ArgumentParser(
        prog="python -m agents.evaluate",
        description="Drive two laps per episode with a trained driver and compare its best flying lap with the "
        "physical-limit reference lap.",
    )
    parser.add_argument("--model", required=True, help="an SB3 .zip or an exported weights-only .npz actor")
    parser.add_argument("--track", required=True, help="a track JSON or a racetrack-database circuit CSV")
    parser.add_argument("--episodes", type=_at_least_one, default=5, help="episodes, two laps each [default: 5]")
    parser.add_argument("--seed", type=int, default=0, help="seed of the first episode's start perturbation")
    parser.add_argument("--json", action="store_true", help="print one JSON object on stdout instead of text")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    args = build_parser().parse_args(argv)
    try:
        result = evaluate(args.model, args.track, episodes=args.episodes, seed=args.seed)
    except (ModelError, TrackError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(result.to_dict(), allow_nan=False))
    else:
        print(result.summary())
    return 0


if __name__ == "__main__":
    sys.exit(main())
