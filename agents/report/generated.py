"""Drivers on generated tracks nobody chose them by: ``python -m agents.report.generated MODEL [MODEL ...]``.

A base model is chosen by the validation circuits; how it drives a track it was not chosen by is the honest check.
This drives every model on the same generated tracks (seeds ``--first-seed`` on, ``--count`` of them), from the
game's grid slots, under one or more generator settings, and prints per model and setting: tracks lapped in full,
share of all laps completed, and the median best-lap ratio over the tracks lapped in full. ``--json`` prints one
object with every track's numbers.

The settings: ``varied`` (the shipped base's last stage: ``--track-mix-spread 0.3 --wide-track-share 0.3``),
``circuits`` (the base recipe's tracks shaped like circuits, docs/BASE.md), ``linked`` (those plus linked corners,
``--linked-corner-share 0.1``).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from dataclasses import dataclass, replace
from pathlib import Path

from agents.run_env import FINAL_EVAL_SEED
from game.drivers.actor import ModelError
from game.sim.track.generator import GeneratorSettings, generate_track

VARIED = GeneratorSettings(feature_mix_spread=0.3, wide_share=0.3)
CIRCUITS = replace(VARIED, circuit_corner_share=0.3, width_zones=4.0, brake_zone_share=0.7)
SETTINGS = {"varied": VARIED, "circuits": CIRCUITS, "linked": replace(CIRCUITS, linked_corner_share=0.1)}
FIRST_SEED = 700_000


@dataclass(frozen=True)
class Summary:
    """One model on one setting's tracks."""

    model: str
    setting: str
    tracks: int
    lapped: int  # tracks lapped in full
    laps: float  # share of all laps completed
    median: float | None  # median best-lap ratio over the tracks lapped in full


def summarise(model: str, setting: str, results: list[dict]) -> Summary:
    """The row of one model and setting from its per-track :meth:`EvalResult.to_dict` results."""
    full = [r for r in results if r["completion_rate"] >= 1.0]
    ratios = [r["ratio"] for r in full if r["ratio"] is not None]
    return Summary(
        model=model,
        setting=setting,
        tracks=len(results),
        lapped=len(full),
        laps=statistics.fmean(r["completion_rate"] for r in results),
        median=statistics.median(ratios) if ratios else None,
    )


def main(argv: list[str] | None = None) -> int:
    """Print the table (or JSON); 2 on a model that cannot be read or a wrong value."""
    from agents.evaluate import evaluate, load_driver, reference_lap_time

    parser = argparse.ArgumentParser(prog="python -m agents.report.generated", description=__doc__.splitlines()[0])
    parser.add_argument("models", nargs="+", type=Path, help="exported .npz drivers (or SB3 .zip)")
    parser.add_argument("--settings", nargs="+", choices=sorted(SETTINGS), default=["varied", "circuits"])
    parser.add_argument("--count", type=int, default=40, help="tracks per setting [default: 40]")
    parser.add_argument("--first-seed", type=int, default=FIRST_SEED, help=f"[default: {FIRST_SEED}]")
    parser.add_argument("--episodes", type=int, default=8, help="per track, one per grid slot [default: 8]")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of the table")
    args = parser.parse_args(argv)
    if args.count < 1 or args.episodes < 1:
        parser.error("--count and --episodes must be at least 1")
    try:
        drivers = {str(path): load_driver(path) for path in args.models}
    except ModelError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    rows: list[Summary] = []
    per_track: dict[str, dict[str, list[dict]]] = {}
    for setting in args.settings:
        tracks = [generate_track(args.first_seed + i, SETTINGS[setting]) for i in range(args.count)]
        references = [reference_lap_time(track) for track in tracks]  # once per track, not once per model
        for name, driver in drivers.items():
            results = [
                evaluate(
                    driver, track, episodes=args.episodes, seed=FINAL_EVAL_SEED, reference_lap_s=reference
                ).to_dict()
                for track, reference in zip(tracks, references, strict=True)
            ]
            per_track.setdefault(name, {})[setting] = results
            rows.append(summarise(name, setting, results))
            if not args.json:
                _print_row(rows[-1])
    if args.json:
        print(json.dumps({"rows": [r.__dict__ for r in rows], "tracks": per_track}))
    return 0


def _print_row(row: Summary) -> None:
    median = f"{row.median:.3f}" if row.median is not None else "-"
    print(
        f"{row.model}  {row.setting}: lapped {row.lapped} of {row.tracks}, laps {row.laps:.1%}, median {median}",
        flush=True,
    )


if __name__ == "__main__":
    raise SystemExit(main())
