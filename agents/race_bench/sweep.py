"""The race benchmark over many tracks and grids, for tuning the racecraft: one JSON file per race pair, then a row.

    python -m agents.race_bench.sweep --out runs/craft/NAME [--grids game 1 2] [--jobs 2]
        [--racecraft-set NAME=VALUE ...] [--tracks FILE ...]

Each track and grid runs ``python -m agents.race_bench --track T --json [--seed G]`` in its own process (``game``
is the game's grid, a number moves every slot as ``--seed`` does), ``--jobs`` at a time, and its output is saved as
``OUT/<track>-g<grid>.json``. A file already there is kept and not raced again, so a stopped sweep resumes (use a
new folder for other settings). At the end it prints the summary row of ``agents.race_bench.table --summary`` over
the folder and the races that miss a goal. Default tracks: the shipped tracks and the circuits of
``tracks/circuits`` that pass the track rules.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from agents.evaluate import load_track_file
from agents.race_bench.cli import DEFAULT_LAPS, racecraft_settings
from agents.race_bench.table import CONTACT_GOAL, RIVALS, SUMMARY_HEADER, summary_row
from game.paths import CIRCUITS_DIR, REPO_ROOT, TRACKS_DIR
from game.sim.rules import MAX_LAPS
from game.sim.track import TrackError

GAME_GRID = "game"


def default_tracks() -> list[Path]:
    """The shipped tracks and the circuits that pass the track rules (the others cannot be raced)."""
    found = sorted(TRACKS_DIR.glob("*.json")) + sorted(CIRCUITS_DIR.glob("*.csv"))
    usable = []
    for path in found:
        try:
            load_track_file(path)
        except TrackError:
            continue
        usable.append(path)
    return usable


def race_name(track: Path, grid: str) -> str:
    """The file name of one track's races on one grid: ``circuits-Monza-g1.json``, ``norisring-ggame.json``."""
    try:
        parts = track.resolve().relative_to(TRACKS_DIR.resolve()).with_suffix("").parts
    except ValueError:
        parts = (track.stem,)
    return f"{'-'.join(parts)}-g{grid}.json"


def race_command(track: Path, grid: str, changes: list[str], extra: tuple[str, ...] = ()) -> list[str]:
    """The race benchmark's command line for one track and grid (``extra``: more of its options)."""
    command = [sys.executable, "-m", "agents.race_bench", "--track", str(track), "--json", *extra]
    if grid != GAME_GRID:
        command += ["--seed", grid]
    for change in changes:
        command += ["--racecraft-set", change]
    return command


def run_one(track: Path, grid: str, changes: list[str], out: Path, extra: tuple[str, ...] = ()) -> str | None:
    """Race one track on one grid into ``out`` (atomically); None, or the error."""
    target = out / race_name(track, grid)
    if target.exists():
        return None
    command = race_command(track, grid, changes, extra)
    done = subprocess.run(command, capture_output=True, text=True, cwd=REPO_ROOT)
    if done.returncode != 0:
        return f"{track} grid {grid}: exit {done.returncode}: {done.stderr.strip()[-400:]}"
    partial = target.with_suffix(".json.partial")
    partial.write_text(done.stdout, encoding="utf-8")
    os.replace(partial, target)
    return None


def misses(result: dict[str, Any]) -> list[str]:
    """The goals one track's races miss, in words."""
    field, slow = result["field"], result["slow_car"]
    found = []
    if slow["rivals_past"] < RIVALS:
        found.append(f"{slow['rivals_past']} of {RIVALS} past")
    if field["contacts"] > CONTACT_GOAL:
        found.append(f"{field['contacts']} field contacts")
    if field["rescues"] or slow["rescues"]:
        found.append(f"rescues {field['rescues']} + {slow['rescues']}")
    return found


def main(argv: list[str] | None = None) -> int:
    """Run the sweep; 2 for bad input, 1 when a race failed."""
    parser = argparse.ArgumentParser(prog="python -m agents.race_bench.sweep", description=__doc__.split("\n")[0])
    parser.add_argument("--out", required=True, type=Path, help="the folder for the JSON files (made if missing)")
    parser.add_argument("--tracks", nargs="+", type=Path, help="track files [default: shipped and circuits]")
    parser.add_argument("--grids", nargs="+", default=[GAME_GRID], help="'game' or seeds [default: game]")
    parser.add_argument("--jobs", type=int, default=2, help="races at a time [default: 2]")
    parser.add_argument("--racecraft-set", metavar="NAME=VALUE", action="append", default=[], help="as race_bench's")
    parser.add_argument("--models", type=Path, help="a models folder, as race_bench's [default: the game's]")
    parser.add_argument("--laps", type=int, default=DEFAULT_LAPS, help=f"race distance [default: {DEFAULT_LAPS}]")
    args = parser.parse_args(argv)
    try:
        racecraft_settings(args.racecraft_set)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    bad = [g for g in args.grids if g != GAME_GRID and not g.isdigit()]
    if bad or args.jobs < 1 or not 1 <= args.laps <= MAX_LAPS:
        print(
            f"error: grids are '{GAME_GRID}' or seeds >= 0 (got {bad}); --jobs at least 1; --laps 1..{MAX_LAPS}",
            file=sys.stderr,
        )
        return 2
    if args.models is not None and not args.models.is_dir():
        print(f"error: --models {args.models} is not a folder", file=sys.stderr)
        return 2
    extra = ("--laps", str(args.laps))
    if args.models is not None:
        extra += ("--models", str(args.models.resolve()))
    tracks = args.tracks or default_tracks()
    missing = [str(t) for t in tracks if not t.is_file()]
    if missing:
        print(f"error: no such track file: {', '.join(missing)}", file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    jobs = [(t.resolve(), g) for g in args.grids for t in tracks]
    with ThreadPoolExecutor(args.jobs) as pool:
        errors = [e for e in pool.map(lambda job: run_one(*job, args.racecraft_set, args.out, extra), jobs) if e]
    for error in errors:
        print(f"error: {error}", file=sys.stderr)
    results = {}
    for track, grid in jobs:
        path = args.out / race_name(track, grid)
        if path.exists():
            results[path.name] = json.loads(path.read_text(encoding="utf-8"))
    if results:
        print(SUMMARY_HEADER)
        print(summary_row(list(results.values()), args.out.name))
        for name, result in results.items():
            found = misses(result)
            if found:
                print(f"  {name}: {'; '.join(found)}")
    return 1 if errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
