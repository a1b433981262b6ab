"""The command line of the race benchmark: ``python -m agents.race_bench --track T ...`` (see the package)."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import fields, replace
from pathlib import Path
from typing import Any

from agents.evaluate import load_track_file, reference_lap_time
from agents.race_bench.counting import CLEAN_WINDOW_S
from agents.race_bench.scenarios import SLOW_PACE, BenchRun, ScenarioResult, run_levels, run_scenarios
from game.drivers.racecraft import RacecraftSettings
from game.drivers.track_racecraft import SETTING_NAMES, setting_change, track_racecraft
from game.sim.characters import AUTOPILOT
from game.sim.rules import DIFFICULTIES, DIFFICULTY_PACE, MAX_LAPS
from game.sim.track import TrackError

DEFAULT_LAPS = 2


def build_parser() -> argparse.ArgumentParser:
    """The command-line interface."""
    parser = argparse.ArgumentParser(
        prog="python -m agents.race_bench",
        description="Race 8 AI cars on a track (a field race, and one with the pole car at 80%% pace) and count "
        "contacts, rescues, passes, clean passes, rivals past the slow car and best laps against the reference.",
    )
    parser.add_argument("--track", required=True, help="a track JSON or a racetrack-database circuit CSV")
    parser.add_argument("--laps", type=int, default=DEFAULT_LAPS, help=f"race distance [default: {DEFAULT_LAPS}]")
    parser.add_argument("--difficulty", choices=DIFFICULTIES, default="hard", help="rivals' pace [default: hard]")
    parser.add_argument(
        "--seed",
        type=int,
        default=None,
        help="move every grid slot a little, the same way for the same seed [default: the game's grid exactly]",
    )
    parser.add_argument(
        "--models",
        metavar="DIR",
        default=None,
        help="a models folder laid out like assets/models (base.npz, tracks/<stem>.npz) [default: the game's]",
    )
    parser.add_argument(
        "--no-racecraft",
        dest="racecraft",
        action="store_false",
        help="the models drive alone, as trained, without the game's racecraft (game.drivers.racecraft)",
    )
    parser.add_argument(
        "--racecraft-set",
        metavar="NAME=VALUE",
        action="append",
        default=[],
        help="race with one racecraft setting changed (game.drivers.racecraft.RacecraftSettings; repeatable), "
        "for tuning: e.g. --racecraft-set max_shift=6",
    )
    parser.add_argument(
        "--levels",
        action="store_true",
        help="instead of the two races: the field race at each difficulty, each rival's best lap per level",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object on stdout instead of text")
    parser.add_argument("--plot", metavar="PNG", help="draw race position over time, both races, to this PNG")
    return parser


def _shown_path(path: Path | None) -> str | None:
    """A path relative to the working folder where it is inside it (shorter to read), else as it is."""
    if path is None:
        return None
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _ratio(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def scenario_lines(title: str, result: ScenarioResult) -> list[str]:
    """The text report of one scenario."""
    lines = [
        f"{title}: {result.contacts} contacts ({result.contact_events} contact events), {result.rescues} rescues, "
        f"{result.passes} passes ({result.clean_passes} clean), {result.finished} of {len(result.names)} finished "
        f"in {result.race_time_s:.1f} s" + ("" if result.complete else " (stopped: too slow to finish)")
    ]
    if result.rescue_log:
        off = sum(r["kind"] == "off track" for r in result.rescue_log)
        knocked = sum(r["after_contact"] for r in result.rescue_log)
        places = ", ".join(f"{r['at_m']:.0f} m" for r in result.rescue_log)
        lines.append(
            f"  rescues: {off} off the track, {len(result.rescue_log) - off} stuck; {knocked} within "
            f"{CLEAN_WINDOW_S:.0f} s of a contact; at {places}"
        )
    if result.slow_car is not None:
        rivals = len(result.names) - 1
        lines.append(
            f"  slow car {result.names[result.slow_car]}: finished P{result.slow_car_position}; "
            f"{result.rivals_past} of {rivals} rivals past it at the end ({result.rivals_ever_ahead} ever ahead)"
        )
        pace = "-" if result.slow_car_pace is None else f"{result.slow_car_pace:.0%}"
        lines.append(
            f"  slow car held to {result.slow_car_held_to:.3f} of the reference lap's speed; its best lap was at "
            f"{pace} of its pace in the field race"
        )
    cars = [
        f"{name} {_ratio(ratio)}"
        for car, (name, ratio) in enumerate(zip(result.names, result.best_lap_ratios, strict=True))
        if car != result.slow_car
    ]
    lines.append("  best lap / reference: " + ", ".join(cars))
    return lines


def _driver(header: dict[str, Any]) -> str:
    """The driver as the report names it: the model (or the scripted driver), with or without racecraft.

    With racecraft, the settings that differ from the game's follow (a track's own, or ``--racecraft-set``).
    """
    name = header["model"] or header["driver"]
    if not header["racecraft"] and header["driver"] == "model":
        return f"{name} (no racecraft)"
    changes = header.get("racecraft_changes") or {}
    if not changes or header["driver"] != "model":
        return name
    return f"{name} (racecraft: " + ", ".join(f"{key}={value:g}" for key, value in sorted(changes.items())) + ")"


def report(run: BenchRun, header: dict[str, Any]) -> str:
    """The whole text report."""
    reference = header["reference_lap_s"]
    lines = [
        f"{header['track']} ({header['track_file']}), {header['difficulty']}, {header['laps']} laps, "
        f"driver: {_driver(header)}, reference lap " + ("-" if reference is None else f"{reference:.2f} s"),
        *scenario_lines("field race (8 AI cars)", run.field),
        *scenario_lines(f"slow car (pole car at {SLOW_PACE:.0%} of its pace)", run.slow_car),
    ]
    return "\n".join(lines)


def levels_report(results: dict[str, ScenarioResult], header: dict[str, Any]) -> str:
    """The text report of ``--levels``: one row a car, one column a difficulty."""
    reference = header["reference_lap_s"]
    levels = list(results)
    lines = [
        f"{header['track']} ({header['track_file']}), field race (8 AI cars) at each level, {header['laps']} laps, "
        f"driver: {_driver(header)}, reference lap " + ("-" if reference is None else f"{reference:.2f} s"),
        "best lap / reference:",
        f"  {'car':<20}{'paces at top':<14}" + "".join(f"{level:>11}" for level in levels),
    ]
    first = results[levels[0]]
    for car, name in enumerate(first.names):
        level = DIFFICULTY_PACE[levels[0]]
        paces = f"{first.pace[car] / level:.2f} / {first.corner_pace[car] / level:.2f}"
        label = f"{name} (player's car)" if name == AUTOPILOT.name else name
        cells = "".join(f"{_ratio(results[level].best_lap_ratios[car]):>11}" for level in levels)
        lines.append(f"  {label:<20}{paces:<14}{cells}")
    cells = ""
    for level in levels:
        result = results[level]
        ratios = [r for name, r in zip(result.names, result.best_lap_ratios, strict=True) if name != AUTOPILOT.name]
        known = [r for r in ratios if r is not None]
        cells += f"{f'{min(known):.3f}-{max(known):.3f}' if known else '-':>13}"
    lines.append(f"  {'rivals':<20}{'':<12}{cells}")
    lines.append(
        f"  {'passes (clean)':<32}"
        + "".join(f"{f'{results[level].passes} ({results[level].clean_passes})':>11}" for level in levels)
    )
    lines.append(f"  {'contacts':<32}" + "".join(f"{results[level].contacts:>11}" for level in levels))
    lines.append(
        "paces at top: straight-line / cornering pace of the character at level 1.0; levels: "
        + ", ".join(f"{level} {DIFFICULTY_PACE[level]:.2f}" for level in levels)
    )
    return "\n".join(lines)


def racecraft_settings(pairs: list[str], base: RacecraftSettings | None = None) -> RacecraftSettings:
    """``base`` (default: the game's racecraft settings) with ``NAME=VALUE`` changes; ValueError names a bad one."""
    changes: dict[str, float] = {}
    for pair in pairs:
        name, sep, text = pair.partition("=")
        if not sep or name not in SETTING_NAMES:
            raise ValueError(
                f"--racecraft-set {pair!r}: expected NAME=VALUE with NAME one of {', '.join(sorted(SETTING_NAMES))}"
            )
        try:
            value = float(text)
        except ValueError:
            raise ValueError(f"--racecraft-set {pair!r}: {text!r} is not a number") from None
        try:
            changes[name] = setting_change(name, value)
        except ValueError as exc:  # not finite
            raise ValueError(f"--racecraft-set {pair!r}: {exc}") from None
    return replace(base or RacecraftSettings(), **changes)


def settings_on_track(track_path: str | Path, models_dir: Path | None, pairs: list[str]) -> RacecraftSettings:
    """The racecraft the game races on a track (its own file's, else the game's) with ``NAME=VALUE`` changes.

    ValueError names a bad change, or the track's racecraft file where it cannot be used (the game would race the
    game's settings there, with a message; a benchmark stops).
    """
    base, message = track_racecraft(track_path, models_dir)
    if message:
        raise ValueError(message)
    return racecraft_settings(pairs, base)


def changed(settings: RacecraftSettings) -> dict[str, float]:
    """The settings that differ from the game's, by name."""
    game = RacecraftSettings()
    return {
        f.name: getattr(settings, f.name)
        for f in fields(settings)
        if getattr(settings, f.name) != getattr(game, f.name)
    }


def _header(
    args: argparse.Namespace,
    track_name: str,
    driver: str,
    model_path: Path | None,
    reference: float | None,
    settings: RacecraftSettings,
) -> dict[str, Any]:
    """What every JSON report starts with: the track, the driver and the settings it raced with."""
    return {
        "track": track_name,
        "track_file": str(args.track),
        "driver": driver,
        "model": _shown_path(model_path),
        "racecraft": args.racecraft,
        "laps": args.laps,
        "seed": args.seed,
        "reference_lap_s": reference,
        "racecraft_changes": changed(settings),
    }


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status (2 for bad input)."""
    args = build_parser().parse_args(argv)
    try:
        settings = racecraft_settings(args.racecraft_set)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.racecraft_set and not args.racecraft:
        print("error: --racecraft-set changes the racecraft; it does not go with --no-racecraft", file=sys.stderr)
        return 2
    if not 1 <= args.laps <= MAX_LAPS:
        print(f"error: --laps must be 1..{MAX_LAPS}, got {args.laps}", file=sys.stderr)
        return 2
    if args.seed is not None and args.seed < 0:
        print(f"error: --seed must not be negative, got {args.seed}", file=sys.stderr)
        return 2
    if args.models is not None and not Path(args.models).is_dir():
        print(f"error: --models {args.models} is not a folder", file=sys.stderr)
        return 2
    try:
        track = load_track_file(args.track)
    except TrackError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    models = Path(args.models) if args.models is not None else None
    if args.racecraft:
        try:
            settings = settings_on_track(args.track, models, args.racecraft_set)
        except ValueError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
    reference = reference_lap_time(track)
    drivers: dict[str, Any] = {"models_dir": models, "racecraft": args.racecraft, "settings": settings}
    if args.levels:
        if args.plot:
            print("error: --plot draws the two races; it does not go with --levels", file=sys.stderr)
            return 2
        levels = run_levels(track, args.track, args.laps, reference, args.seed, **drivers)
        header = _header(args, track.name, levels.driver, levels.model_path, reference, settings)
        header["level"] = {level: DIFFICULTY_PACE[level] for level in levels.results}
        if args.json:
            results = {level: result.to_dict() for level, result in levels.results.items()}
            print(json.dumps({**header, "levels": results}, allow_nan=False))
        else:
            print(levels_report(levels.results, header))
        return 0
    run = run_scenarios(track, args.track, args.laps, args.difficulty, reference, args.seed, **drivers)
    header = _header(args, track.name, run.driver, run.model_path, reference, settings)
    header.update(difficulty=args.difficulty, slow_pace=SLOW_PACE)
    if args.plot:
        from agents.race_bench.plots import plot_run

        try:
            plot_run(args.plot, run, track.name, args.laps, args.difficulty)
        except OSError as exc:
            print(f"error: cannot write {args.plot}: {exc}", file=sys.stderr)
            return 2
    if args.json:
        print(json.dumps({**header, "field": run.field.to_dict(), "slow_car": run.slow_car.to_dict()}, allow_nan=False))
    else:
        print(report(run, header))
    return 0
