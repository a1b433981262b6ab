"""Training speed benchmark: ``python -m agents.bench_train``.

Prints the median env steps/s (and gradient updates/s) of SAC training, exactly as ``agents.train`` sets it up,
for a few settings of the number of envs, the update ratio and the PyTorch threads. Each setting first fills its
replay buffer with ``--warmup`` random steps, then times ``--repeats`` chunks of about ``--chunk-updates``
gradient updates; the chunks of all settings are interleaved, so a load that comes and goes on the machine
affects them alike.

A setting is ``N_ENVS:TRAIN_FREQ:GRADIENT_STEPS:THREADS``, e.g. ``16:1:1:1``; ``16:1:1:1:traffic`` trains in traffic
(``agents.train --traffic``: 4 fields of 4 learning cars and up to 4 opponents each), where an env step is one
learning car's step. ``--compare-traffic`` runs today's single-car default and the traffic default side by side.
A setting ending in ``:plain`` trains with SB3's own update, not :func:`agents.sac.fast_updates` (and, single-car,
SB3's ``DummyVecEnv``, not :class:`agents.fresh_info_vec_env.FreshInfoVecEnv`); ``--compare-updates`` runs the
fine-tune's setting (``32:1:1:1``) both ways, side by side.
"""

from __future__ import annotations

import argparse
import dataclasses
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from agents.config import TrainConfig, config_for_mode, updates_per_env_step

DEFAULT_SETTINGS = ("1:1:1:1", "8:1:1:1", "8:1:2:1", "16:1:1:1", "16:1:1:2", "32:1:1:1", "32:1:2:1")
TRAFFIC_COMPARISON = ("16:1:1:1", "16:1:1:1:traffic")
UPDATE_COMPARISON = ("32:1:1:1:plain", "32:1:1:1")
FLAGS = ("traffic", "plain")


@dataclass(frozen=True)
class Setting:
    """One benchmarked combination."""

    n_envs: int
    train_freq: int
    gradient_steps: int
    threads: int
    traffic: bool = False
    plain: bool = False  # SB3's own update, not agents.sac.fast_updates

    @classmethod
    def parse(cls, text: str) -> Setting:
        """From ``N_ENVS:TRAIN_FREQ:GRADIENT_STEPS:THREADS[:traffic][:plain]``."""
        parts = text.split(":")
        flags = parts[4:]
        try:
            if len(parts) < 4 or len(set(flags)) != len(flags) or not set(flags) <= set(FLAGS):
                raise ValueError
            n_envs, train_freq, gradient_steps, threads = (int(part) for part in parts[:4])
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"expected N_ENVS:TRAIN_FREQ:GRADIENT_STEPS:THREADS[:traffic][:plain], got {text!r}"
            ) from None
        return cls(n_envs, train_freq, gradient_steps, threads, "traffic" in flags, "plain" in flags)

    def label(self) -> str:
        """Short description."""
        flags = [flag for flag in FLAGS if getattr(self, flag)]
        return ":".join([f"{self.n_envs}:{self.train_freq}:{self.gradient_steps}:{self.threads}", *flags])


def measure(
    settings: list[Setting],
    repeats: int = 3,
    chunk_updates: int = 150,
    warmup: int = 1000,
    overrides: dict[str, Any] | None = None,
    announce: Callable[[str], None] | None = None,
) -> list[tuple[Setting, float, list[float]]]:
    """Each setting's updates per env step and env steps/s of its ``repeats`` timed chunks, interleaved.

    ``overrides`` are ``base`` settings (``tracks``, ``batch_size``, ``net_arch``); ``announce`` gets a line on
    what is measured.
    """
    import torch

    from agents.run_env import make_vec_env, training_tracks
    from agents.sac import new_model

    base = config_for_mode(
        "base", **{"learning_starts": warmup, "buffer_size": 100_000, "logdir": "", **(overrides or {})}
    )
    tracks = training_tracks(base)
    if announce is not None:
        where = "tracks " + " ".join(base.tracks) if tracks else "random tracks"
        announce(f"batch {base.batch_size}, net {base.net_arch}, {where}")
        announce(f"torch {torch.__version__}, {torch.get_num_threads()} threads available by default")
    runs = []
    for setting in settings:
        config: TrainConfig = dataclasses.replace(
            base,
            n_envs=setting.n_envs,
            train_freq=setting.train_freq,
            gradient_steps=setting.gradient_steps,
            traffic=setting.traffic,
        )
        torch.set_num_threads(setting.threads)
        venv = make_vec_env(config, tracks, plain=setting.plain)
        model = new_model(venv, config, fast=not setting.plain)
        model.learn(warmup + setting.n_envs * setting.train_freq * 5)  # fill the buffer, start updating
        ratio = updates_per_env_step(config)
        chunk = max(setting.n_envs, int(round(chunk_updates / ratio / setting.n_envs)) * setting.n_envs)
        runs.append((setting, model, ratio, chunk, []))
    for _ in range(repeats):
        for setting, model, _ratio, chunk, rates in runs:
            torch.set_num_threads(setting.threads)
            start_steps = model.num_timesteps
            started = time.perf_counter()
            model.learn(chunk, reset_num_timesteps=False)
            rates.append((model.num_timesteps - start_steps) / (time.perf_counter() - started))
    return [(setting, ratio, rates) for setting, _model, ratio, _chunk, rates in runs]


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print one line per setting."""
    parser = argparse.ArgumentParser(prog="python -m agents.bench_train", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "settings",
        nargs="*",
        type=Setting.parse,
        help="settings N_ENVS:TRAIN_FREQ:GRADIENT_STEPS:THREADS[:traffic][:plain] "
        f"[default: {' '.join(DEFAULT_SETTINGS)}]",
    )
    comparison = parser.add_mutually_exclusive_group()
    comparison.add_argument(
        "--compare-traffic", action="store_true", help=f"the settings {' '.join(TRAFFIC_COMPARISON)}, side by side"
    )
    comparison.add_argument(
        "--compare-updates", action="store_true", help=f"the settings {' '.join(UPDATE_COMPARISON)}, side by side"
    )
    parser.add_argument("--tracks", nargs="*", default=[], help="track files (default: random tracks, as in base)")
    parser.add_argument("--repeats", type=int, default=3, help="timed chunks per setting [default: 3]")
    parser.add_argument("--chunk-updates", type=int, default=150, help="gradient updates per chunk [default: 150]")
    parser.add_argument("--warmup", type=int, default=1000, help="random env steps before timing [default: 1000]")
    parser.add_argument("--batch-size", type=int, default=None, help="override the default batch size")
    parser.add_argument("--net-arch", type=int, nargs="*", default=None, help="override the default hidden layers")
    args = parser.parse_args(argv)
    chosen = {"--compare-traffic": TRAFFIC_COMPARISON, "--compare-updates": UPDATE_COMPARISON}
    flag = "--compare-traffic" if args.compare_traffic else "--compare-updates" if args.compare_updates else None
    if flag and args.settings:
        parser.error(f"{flag} chooses the settings: give it or settings, not both")
    args.settings = args.settings or [Setting.parse(s) for s in chosen.get(flag, DEFAULT_SETTINGS)]

    overrides = {"tracks": args.tracks}
    if args.batch_size:
        overrides["batch_size"] = args.batch_size
    if args.net_arch:
        overrides["net_arch"] = args.net_arch
    results = measure(args.settings, args.repeats, args.chunk_updates, args.warmup, overrides, announce=print)
    print(
        f"{'n_envs:train_freq:grad_steps:threads':>38}  {'updates/env step':>16}  {'env steps/s':>11}  "
        f"{'updates/s':>9}  (median of {args.repeats})"
    )
    for setting, ratio, rates in results:
        median = statistics.median(rates)
        print(
            f"{setting.label():>38}  {ratio:>16.4f}  {median:>11.0f}  {median * ratio:>9.0f}"
            f"  [{' '.join(f'{r:.0f}' for r in rates)}]"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
