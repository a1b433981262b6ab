"""One network from many teachers: ``python -m agents.imitate --out runs/imitate/student.zip [--teachers DIR ...]``.

Behaviour cloning with DAgger (Ross et al., 2011) of the scripted line follower (:mod:`game.drivers.scripted`) on
generated tracks, never the validation circuits: the env's own observation (layout v3, the shipped drivers'), the
scripted driver's action at ``--speed-scale`` of the line's limit speed as the label. Round 0 is driven by the
scripted driver with noise on its actions, later rounds by the student (with noise on a share of its steps), each
round's states labelled by the scripted driver and added to the data, and the student (the actor of a fresh SB3 SAC
model, 256x256) fitted to all of it by least squares on its mean action. The model is saved as an SB3 ``.zip`` (its
critics untrained) with the line it reads, its weights-only ``.npz`` (a driver file) and a JSON of the settings and
every round beside it.

It answers whether the network and its inputs can drive an unseen track near the limit (docs/FINETUNE.md, "What the
network can learn"); it is not how the game's drivers are made, which teach themselves (SAC).

With ``--teachers DIR ...`` the teachers are drivers that taught themselves instead: every model under those folders
that ``agents.train`` fine-tuned on one track (its ``.npz``, and the ``.json`` sidecar that names the track), each
driving its own track, and the student, on the line the teachers follow, learns all of them at once: distillation of
per-track SAC drivers into one (issue 15's lead). A teacher of a validation circuit is refused (the base must not
learn from them).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

EPISODE_STEPS = 1500  # 75 s of driving per episode
ACTION_NOISE = 0.15  # std of the noise on the driven action (round 0: every step; later: NOISY_SHARE of them)
NOISY_SHARE = 0.3


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m agents.imitate", description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, required=True, help="the student, an SB3 .zip (a .json goes beside it)")
    parser.add_argument("--tracks", type=int, default=64, help="generated tracks to learn on [default: 64]")
    parser.add_argument("--rounds", type=int, default=5, help="DAgger rounds, the first driven by the script [5]")
    parser.add_argument("--episodes", type=int, default=2, help="episodes per track and round [default: 2]")
    parser.add_argument("--speed-scale", type=float, default=0.95, help="the script's share of the limit [0.95]")
    parser.add_argument("--epochs", type=int, default=8, help="passes over all the data after each round [8]")
    parser.add_argument("--seed", type=int, default=0, help="tracks, starts and noise [default: 0]")
    parser.add_argument(
        "--noise", type=float, default=ACTION_NOISE, help=f"std of the noise on driven actions [{ACTION_NOISE}]"
    )
    parser.add_argument(
        "--teacher-share",
        type=float,
        default=0.0,
        help="after round 0, the share of steps the teacher drives instead of the student [default: 0]",
    )
    parser.add_argument("--episode-steps", type=int, default=EPISODE_STEPS, help=argparse.SUPPRESS)
    parser.add_argument(
        "--teachers",
        type=Path,
        nargs="+",
        metavar="DIR",
        help="distil the per-track fine-tunes under these folders (their sidecars name the tracks) instead of "
        "imitating the line follower on generated tracks (--tracks and --speed-scale then do nothing)",
    )
    return parser


def _check(args: argparse.Namespace) -> str | None:
    if min(args.tracks, args.rounds, args.episodes, args.epochs, args.episode_steps) < 1:
        return "--tracks, --rounds, --episodes and --epochs must be at least 1"
    if not (0.0 <= args.noise <= 1.0 and 0.0 <= args.teacher_share <= 1.0):
        return "--noise and --teacher-share must be in [0, 1]"
    if not 0.0 < args.speed_scale <= 1.0:
        return f"--speed-scale must be in (0, 1], got {args.speed_scale}"
    if args.out.suffix != ".zip":
        return f"--out must be a .zip, got {args.out}"
    return None


def drive_round(envs: list[Any], teachers: list[Any], student: Any, args: argparse.Namespace, rng: Any) -> tuple:
    """One round's states, the teacher's labels for them, and the laps driven.

    Driven by the teacher with noise on every action (``student`` None, round 0), else by the student with noise on
    :data:`NOISY_SHARE` of its actions; ``args.episodes`` episodes of at most ``args.episode_steps`` per track.
    """
    import torch as th

    states, labels, laps = [], [], 0
    for env, teacher in zip(envs, teachers, strict=True):
        for _ in range(args.episodes):
            obs, info = env.reset(seed=int(rng.integers(2**31)))
            for _ in range(args.episode_steps):
                label = np.clip(teacher.act(env.cars)[0], -1.0, 1.0).astype(np.float32)
                states.append(obs.copy())
                labels.append(label)
                if student is None:
                    action = label + rng.normal(0.0, args.noise, 2)
                elif rng.random() < args.teacher_share:
                    action = label  # DAgger's mixture: the teacher drives some steps, so that episodes go on
                else:
                    with th.no_grad():
                        action = student(th.as_tensor(obs[None]), deterministic=True).numpy()[0]
                    if rng.random() < NOISY_SHARE:
                        action = action + rng.normal(0.0, args.noise, 2)
                obs, _, terminated, truncated, info = env.step(np.clip(action, -1.0, 1.0))
                if terminated or truncated:
                    break
            laps += info["laps"]
    return states, labels, laps


def fit(student: Any, optimizer: Any, states: np.ndarray, labels: np.ndarray, epochs: int) -> float:
    """Least squares of the student's mean action on every state, ``epochs`` passes; the last batch's error."""
    import torch as th

    x = th.as_tensor(states)
    y = th.as_tensor(np.clip(labels, -0.999, 0.999))  # the squashed mean cannot reach +-1
    loss = float("nan")
    for _ in range(epochs):
        order = th.randperm(len(x))
        for start in range(0, len(x), 512):
            batch = order[start : start + 512]
            error = ((student(x[batch], deterministic=True) - y[batch]) ** 2).mean()
            optimizer.zero_grad()
            error.backward()
            optimizer.step()
            loss = float(error.detach())
    return loss


def self_taught_teachers(folders: list[Path]) -> tuple[list[Any], list[Any], float]:
    """(tracks, teachers, the line they follow) from the per-track fine-tunes under ``folders``.

    Raises:
        ValueError: No teacher found, a sidecar or model unreadable, a teacher of a validation circuit, or teachers
            on different lines.
    """
    from agents.evaluate import load_track_file
    from game.drivers.actor import ModelError, load_actor
    from game.drivers.model import ActorDriver
    from game.paths import REPO_ROOT
    from game.sim.physics import DEFAULT_CAR
    from game.sim.track import TrackError

    found = sorted(npz for folder in folders for npz in Path(folder).rglob("*.npz"))
    if not found:
        raise ValueError(f"no .npz model under {', '.join(map(str, folders))}")
    circuits = _validation_circuits()
    tracks, teachers, clearances = [], [], set()
    for npz in found:
        try:
            record = json.loads(npz.with_suffix(".json").read_text(encoding="utf-8"))
            track_file = Path(record["track_file"])
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise ValueError(f"{npz}: its sidecar does not name the track it was trained on ({exc})") from None
        track_path = track_file if track_file.is_absolute() else REPO_ROOT / track_file
        try:
            track = load_track_file(track_path)
            actor = load_actor(npz, observation_version=None)  # a v4 teacher drives alone here: as its v3 part
        except (TrackError, ModelError) as exc:
            raise ValueError(f"{npz}: {exc}") from None
        names = (_plain(track.name), _plain(track_path.stem))
        if track_path.suffix == ".csv" or any(circuit in name for circuit in circuits for name in names):
            raise ValueError(f"{npz} drives {track.name}, a validation circuit: the base must not learn from it")
        tracks.append(track)
        teachers.append(ActorDriver(actor, track, DEFAULT_CAR, racecraft=False))
        clearances.add(float(actor.line_clearance))
    if len(clearances) != 1:
        raise ValueError(f"the teachers follow different lines ({sorted(clearances)} m): distil one kind")
    return tracks, teachers, clearances.pop()


def _validation_circuits() -> set[str]:
    """The names of the circuits a base is measured on and must never learn from (``_plain`` form)."""
    from game.paths import CIRCUITS_DIR  # the repository's copy of the shared validation set

    return {_plain(path.stem) for path in CIRCUITS_DIR.glob("*.csv")}


def _plain(name: str) -> str:
    """A track or circuit name compared loosely: letters and digits only, lower case."""
    return "".join(c for c in name.lower() if c.isalnum())


def main(argv: list[str] | None = None) -> int:
    """Train the student round by round, save it, and print each round; 2 on bad input."""
    args = _parser().parse_args(argv)
    problem = _check(args)
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return 2
    import torch as th
    from stable_baselines3 import SAC

    from agents.env import RetroRacerEnv
    from agents.models import export_actor, save_model
    from game.drivers.scripted import ScriptedDriver
    from game.sim.files import atomic_write_text
    from game.sim.observation_layout import LINE_CLEARANCE
    from game.sim.track.generator import GeneratorSettings, generate_track

    th.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    if args.teachers:
        try:
            tracks, teachers, line_clearance = self_taught_teachers(args.teachers)
        except ValueError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
    else:
        settings = GeneratorSettings(feature_mix_spread=0.3, wide_share=0.3)  # the shipped base's last stages'
        tracks = [generate_track(args.seed * 100_000 + 1000 + k, settings) for k in range(args.tracks)]
        teachers = [ScriptedDriver.from_reference(track, speed_scale=args.speed_scale) for track in tracks]
        line_clearance = LINE_CLEARANCE  # the line the script follows
    envs = [
        RetroRacerEnv(
            track=track, line_clearance=line_clearance, max_episode_steps=args.episode_steps, observation_version=3
        )
        for track in tracks
    ]
    model = SAC(
        "MlpPolicy", envs[0], policy_kwargs={"net_arch": [256, 256]}, device="cpu", buffer_size=1, seed=args.seed
    )
    student = model.actor
    optimizer = th.optim.Adam(student.parameters(), lr=1e-3)

    size = envs[0].observation_space.shape[0]  # layout v3: 22
    all_states, all_labels = np.zeros((0, size), np.float32), np.zeros((0, 2), np.float32)
    rounds: list[dict[str, Any]] = []
    for round_ in range(args.rounds):
        started = time.perf_counter()
        states, labels, laps = drive_round(envs, teachers, None if round_ == 0 else student, args, rng)
        all_states = np.concatenate([all_states, np.asarray(states, np.float32)])
        all_labels = np.concatenate([all_labels, np.asarray(labels, np.float32)])
        loss = fit(student, optimizer, all_states, all_labels, args.epochs)
        rounds.append({"round": round_, "samples": len(states), "laps": laps, "loss": loss})
        print(f"round {round_}: {len(states)} states ({len(all_states)} in all), {laps} laps, loss {loss:.4f}, "
              f"{time.perf_counter() - started:.0f} s", flush=True)  # fmt: skip
    args.out.parent.mkdir(parents=True, exist_ok=True)
    model.line_clearance = line_clearance  # saved with it: the line its drivers read (agents.models)
    save_model(model, args.out)  # whole or not at all
    export_actor(model, args.out.with_suffix(".npz"), {"kind": "imitation", "teachers": len(teachers)})
    settings_out = {k: json.loads(json.dumps(v, default=str)) for k, v in vars(args).items()}
    record = {"command": "python -m agents.imitate " + " ".join(sys.argv[1:] if argv is None else argv)}
    record.update(settings=settings_out, line_clearance=line_clearance, tracks=[t.name for t in tracks], rounds=rounds)
    atomic_write_text(args.out.with_suffix(".json"), json.dumps(record, indent=1))
    print(f"saved {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
