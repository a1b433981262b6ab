"""``python -m agents.track_stats SET [SET ...]``: measure sets of tracks and print them side by side.

A SET is ``circuits`` (the validation circuits, ``tracks/circuits/*.csv``), ``generated:N`` (N tracks of
``game.sim.track.generator`` at its default settings, seeds 1..N), ``generated:N:FIELD=VALUE,...`` (with those
``GeneratorSettings`` fields), or track files (a path or a glob, ``.json`` or racetrack-database ``.csv``).
"""

from __future__ import annotations

import argparse
import dataclasses
import glob
import sys
from collections.abc import Iterator
from pathlib import Path

from agents.track_stats.compare import comparison_table, per_track_table
from agents.track_stats.measures import TrackStats, measure
from game.paths import CIRCUITS_DIR
from game.sim.track import Track, TrackError

CIRCUITS = CIRCUITS_DIR


def generator_settings(spec: str) -> object:
    """``GeneratorSettings`` from ``FIELD=VALUE,...`` (numbers as floats; ints where the field is an int).

    Raises:
        ValueError: Unknown field or bad value.
    """
    from game.sim.track.generator import GeneratorSettings

    kinds = {f.name: f.type for f in dataclasses.fields(GeneratorSettings)}
    values: dict[str, object] = {}
    for item in filter(None, spec.split(",")):
        name, sep, text = item.partition("=")
        if not sep or name not in kinds:
            raise ValueError(f"unknown generator setting in {item!r}: {', '.join(kinds)}")
        try:
            values[name] = int(text) if kinds[name] in ("int", int) else float(text)
        except ValueError:
            raise ValueError(f"bad value in {item!r}") from None
    return GeneratorSettings(**values)  # type: ignore[arg-type]


def tracks_of(spec: str, first_seed: int = 1) -> Iterator[Track]:
    """The tracks of one SET (see the module docstring).

    Raises:
        ValueError: A SET that names nothing.
    """
    from agents.evaluate import load_track_file

    if spec.startswith("generated"):
        from game.sim.track.generator import generate_track

        _, _, rest = spec.partition(":")
        count_text, _, fields = rest.partition(":")
        try:
            count = int(count_text or 200)
        except ValueError:
            raise ValueError(f"generated:N wants a number of tracks, got {spec!r}") from None
        settings = generator_settings(fields)
        for seed in range(first_seed, first_seed + count):
            yield generate_track(seed, settings)  # type: ignore[arg-type]
        return
    paths = sorted(CIRCUITS.glob("*.csv")) if spec == "circuits" else sorted(Path(p) for p in glob.glob(spec))
    if not paths:
        raise ValueError(f"no tracks in {spec!r}")
    for path in paths:
        yield load_track_file(path, rules=False)  # measured as they are, not judged


def build_parser() -> argparse.ArgumentParser:
    """The command line."""
    parser = argparse.ArgumentParser(
        prog="python -m agents.track_stats",
        description="Corner, straight, braking and width statistics of sets of tracks, side by side (markdown).",
    )
    parser.add_argument("sets", nargs="+", metavar="SET", help="circuits, generated:N[:FIELD=VALUE,...], or files")
    parser.add_argument("--labels", nargs="+", help="column names (default: the SETs)")
    parser.add_argument("--first-seed", type=int, default=1, help="seed of the first generated track [1]")
    parser.add_argument("--per-track", action="store_true", help="also a table per set with a line per track")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns 0, or 2 for bad input."""
    args = build_parser().parse_args(argv)
    labels = args.labels or args.sets
    if len(labels) != len(args.sets):
        print("error: give one label per SET", file=sys.stderr)
        return 2
    sets: dict[str, list[TrackStats]] = {}
    try:
        for label, spec in zip(labels, args.sets, strict=True):
            sets[label] = [measure(track) for track in tracks_of(spec, args.first_seed)]
    except (ValueError, TrackError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(comparison_table(sets))
    if args.per_track:
        for label, stats in sets.items():
            print(f"\n### {label}\n\n{per_track_table(stats)}")
    return 0
