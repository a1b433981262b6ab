"""The report's command line: ``python -m agents.report``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from agents.models import git_revision
from agents.report.collect import collect, write_plots
from agents.report.markdown import render
from agents.report.records import (
    DEFAULT_CIRCUITS,
    DEFAULT_EPISODES,
    DEFAULT_MODELS,
    DEFAULT_OUT,
    DEFAULT_TRACKS,
    PASS,
    QUICK_EPISODES,
    bar_rows,
    verdict,
)
from game.sim.files import atomic_write_text


# -- command line ---------------------------------------------------------------------------------------------------
def build_parser() -> argparse.ArgumentParser:
    """The command-line interface."""
    parser = argparse.ArgumentParser(
        prog="python -m agents.report",
        description="Evaluate the base and fine-tuned models, check them against the bar and write docs/RESULTS.md "
        "with learning-curve PNGs.",
    )
    parser.add_argument(
        "--episodes",
        type=int,
        default=None,
        help=f"episodes per model and track, two laps each [default: "
        f"{DEFAULT_EPISODES}, or {QUICK_EPISODES} with --quick]",
    )
    parser.add_argument("--quick", action="store_true", help="a smoke run: fewer episodes, marked as such")
    parser.add_argument("--models", default=str(DEFAULT_MODELS), help="models folder [default: assets/models]")
    parser.add_argument("--tracks", default=str(DEFAULT_TRACKS), help="shipped tracks folder [default: tracks]")
    parser.add_argument(
        "--circuits", default=str(DEFAULT_CIRCUITS), help="validation circuits folder [default: tracks/circuits]"
    )
    parser.add_argument("--out", default=str(DEFAULT_OUT), help="markdown to write [default: docs/RESULTS.md]")
    parser.add_argument("--images", default=None, help="folder for the PNGs [default: images/ beside --out]")
    parser.add_argument("--seed", type=int, default=0, help="seed of the first episode [default: 0]")
    parser.add_argument("--check", action="store_true", help="exit with status 1 unless every bar row passes")
    parser.add_argument(
        "--racing",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="race every track with the race benchmark (a minute or two) [default: yes, no with --quick]",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    options = build_parser().parse_args(argv)
    episodes = options.episodes
    if episodes is None:
        episodes = QUICK_EPISODES if options.quick else DEFAULT_EPISODES
    if episodes < 1:
        print(f"error: --episodes must be at least 1, got {episodes}", file=sys.stderr)
        return 2
    out = Path(options.out)
    images_dir = Path(options.images) if options.images else out.parent / "images"

    def log(message: str) -> None:
        print(f"[report] {message}", file=sys.stderr, flush=True)

    git = git_revision()  # before the report's own pictures and markdown change the checkout
    report = collect(options, episodes, log)
    report.argv = argv
    report.git = git
    if options.racing if options.racing is not None else not options.quick:
        from agents.report.racing import RACE_PNG, race_tracks

        report.racing = race_tracks(report.shipped + report.circuits, Path(options.models), log, images_dir / RACE_PNG)
    report.bar = bar_rows(report)
    report.images = write_plots(report, images_dir)
    atomic_write_text(out, render(report, out))
    outcome = verdict(report.bar)
    print(f"wrote {out} ({', '.join(str(p) for p in report.images.values()) or 'no plots'}): bar {outcome}")
    for row in report.bar:
        if row.status != PASS:
            print(f"  {row.status}: {row.check}: {row.track} {row.measured} {row.note}".rstrip())
    return 1 if options.check and outcome != PASS else 0
