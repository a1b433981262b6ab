"""The results report: every model on its tracks, the bar with PASS/FAIL per row, learning curves, training cost.

Usage::

    python -m agents.report [--episodes N] [--quick] [--models DIR] [--tracks DIR] [--circuits DIR]
                            [--out docs/RESULTS.md] [--images DIR] [--seed S] [--check]

It writes ``docs/RESULTS.md`` and PNG learning curves in ``docs/images/`` (both atomically), measured now with
:func:`agents.evaluate.evaluate`:

* the base model (``MODELS/base.npz``) on every shipped track (``tracks/*.json``) and every shared circuit
  (``../shared/circuits/*.csv``); base trains on random tracks only, so all of them are unseen;
* each fine-tuned model (``MODELS/tracks/<stem>.npz``) on its own track, beside the base model's numbers there;
* the learning curves of ``<model>.curve.csv`` (lap completion and ratio to the reference lap against wall-clock
  minutes and env steps);
* from each ``<model>.json`` sidecar: steps, wall time, env steps/s, machine, the command line that trained it;
* the bar: the base model completes at least 95 % of laps on every shipped track and every shared circuit;
  each fine-tuned model's best flying lap is within 10 % of the reference lap on its own track (aim 5 %).

A missing or unreadable model, sidecar, curve or track is reported as such in the markdown, never a crash, and a
bar row without a measurement reads MISSING, not PASS. ``--check`` exits with status 1 unless every row passes.

This module measures and judges (:func:`collect`, :func:`bar_rows`); ``agents.report_markdown`` writes the text,
``agents.plots`` reads the curves and draws the PNGs.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from agents.actor import Actor, ModelError
from agents.evaluate import EvalResult, evaluate, load_driver, load_track_file, reference_lap_time
from agents.models import ModelPaths, file_sha256, read_sidecar
from agents.plots import CurveError, CurvePoint, plot_curves, read_curve
from game.files import atomic_write_text
from game.track import Track, TrackError

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_MODELS = REPO_ROOT / "assets" / "models"
DEFAULT_TRACKS = REPO_ROOT / "tracks"
DEFAULT_CIRCUITS = REPO_ROOT.parent / "shared" / "circuits"
DEFAULT_OUT = REPO_ROOT / "docs" / "RESULTS.md"
DEFAULT_EPISODES = 5
QUICK_EPISODES = 1
COMPLETION_BAR = 0.95  # base model: share of laps completed on every track
RATIO_BAR = 1.10  # fine-tuned model: best flying lap / reference lap on its own track
RATIO_AIM = 1.05
BASE_CURVE_PNG = "learning_curve_base.png"
FINETUNE_CURVES_PNG = "learning_curves_finetuned.png"
PASS, FAIL, MISSING = "PASS", "FAIL", "MISSING"


# -- what is measured -----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class TrackSpec:
    """A track file to evaluate on."""

    path: Path
    source: str
    """"shipped" (tracks/), "circuit" (the shared circuits) or "own" (a fine-tune's track from elsewhere)."""


@dataclass
class Run:
    """One model on one track: the result, or why there is none."""

    track: TrackSpec
    result: EvalResult | None = None
    error: str | None = None


@dataclass
class ModelReport:
    """A model file, its sidecar and curve, and its runs."""

    name: str
    """"base", or the stem of a fine-tuned model (its track's file stem)."""
    npz: Path
    actor: Actor | None = None
    problem: str | None = None
    """Why the model could not be evaluated (missing or unreadable), None when it could."""
    sidecar: dict[str, Any] | None = None
    sidecar_problem: str | None = None
    curve: list[CurvePoint] | None = None
    curve_problem: str | None = None
    runs: list[Run] = field(default_factory=list)
    base_run: Run | None = None
    """Fine-tuned models: the base model on the same track, same episodes and seed."""


@dataclass
class BarRow:
    """One row of the bar."""

    check: str
    track: str
    measured: str
    target: str
    status: str
    note: str = ""


@dataclass
class Report:
    """Everything the markdown shows."""

    options: argparse.Namespace
    episodes: int
    base: ModelReport
    finetuned: list[ModelReport]
    shipped: list[TrackSpec]
    circuits: list[TrackSpec]
    notes: list[str]
    base_stages: list[ModelReport] = field(default_factory=list)
    """Earlier training stages of the base model (``history/base-stage*.json``): sidecar and curve, not evaluated."""
    images: dict[str, Path] = field(default_factory=dict)
    bar: list[BarRow] = field(default_factory=list)
    argv: list[str] = field(default_factory=list)


class Evaluator:
    """Runs :func:`agents.evaluate.evaluate`, loading each track and its reference lap once."""

    def __init__(self, episodes: int, seed: int, log: Callable[[str], None]) -> None:
        self.episodes = episodes
        self.seed = seed
        self.log = log
        self._tracks: dict[Path, Track | str] = {}
        self._references: dict[Path, float | None] = {}

    def track(self, spec: TrackSpec) -> Track | str:
        """The loaded track, or the error message."""
        if spec.path not in self._tracks:
            try:
                self._tracks[spec.path] = load_track_file(spec.path)
            except TrackError as exc:
                self._tracks[spec.path] = str(exc)
        return self._tracks[spec.path]

    def run(self, name: str, actor: Actor, spec: TrackSpec) -> Run:
        """``actor`` on ``spec`` (errors become the run's ``error``)."""
        track = self.track(spec)
        if isinstance(track, str):
            self.log(f"{name} on {spec.path.name}: {track}")
            return Run(spec, error=track)
        if spec.path not in self._references:
            self._references[spec.path] = reference_lap_time(track)
        try:
            result = evaluate(
                actor,
                track,
                episodes=self.episodes,
                seed=self.seed,
                reference_lap_s=self._references[spec.path],
                with_reference=False,
            )
        except Exception as exc:  # noqa: BLE001  (one broken run must not lose the rest of the report)
            self.log(f"{name} on {spec.path.name}: evaluation failed: {type(exc).__name__}: {exc}")
            return Run(spec, error=f"evaluation failed: {type(exc).__name__}: {exc}")
        ratio = "-" if result.ratio is None else f"{result.ratio:.3f}"
        self.log(
            f"{name} on {spec.path.name}: {result.laps_completed}/{result.laps_attempted} laps, "
            f"best {format_seconds(result.best_lap_s)}, ratio {ratio} ({result.wall_time_s:.1f} s)"
        )
        return Run(spec, result=result)


def load_model_report(name: str, npz: Path) -> ModelReport:
    """The model, sidecar and curve beside ``npz``, each with the reason it is unusable (never raises)."""
    report = ModelReport(name=name, npz=npz)
    paths = ModelPaths.of(npz)
    if not npz.is_file():
        report.problem = "missing" + (" (the SB3 .zip is there: export its .npz)" if paths.zip.is_file() else "")
    else:
        try:
            report.actor = load_driver(npz)
        except ModelError as exc:
            report.problem = f"unreadable: {exc}"
    try:
        report.sidecar = read_sidecar(paths.sidecar)
    except ModelError as exc:
        report.sidecar_problem = str(exc)
    if report.sidecar is not None and npz.is_file():
        recorded = (report.sidecar.get("files") or {}).get("npz_sha256")
        if recorded and recorded != file_sha256(npz):
            report.sidecar_problem = f"{paths.sidecar.name} describes another {npz.name} (SHA-256 differs)"
    try:
        report.curve = read_curve(paths.curve)
    except CurveError as exc:
        report.curve_problem = str(exc)
    return report


def own_track(name: str, sidecar: dict[str, Any] | None, tracks_dir: Path, circuits_dir: Path) -> TrackSpec | None:
    """The track a fine-tuned model was trained on: tracks/<stem>.json, the sidecar's track_file, a circuit CSV."""
    shipped = tracks_dir / f"{name}.json"
    if shipped.is_file():
        return TrackSpec(shipped, "shipped")
    recorded = (sidecar or {}).get("track_file")
    if recorded:
        path = Path(recorded)
        for candidate in (path, REPO_ROOT / path) if not path.is_absolute() else (path,):
            if candidate.is_file():
                return TrackSpec(candidate.resolve(), "own")
    circuit = circuits_dir / f"{name}.csv"
    if circuit.is_file():
        return TrackSpec(circuit, "circuit")
    return None


def collect(options: argparse.Namespace, episodes: int, log: Callable[[str], None]) -> Report:
    """Evaluate every model on its tracks and read the sidecars and curves."""
    models_dir, tracks_dir, circuits_dir = Path(options.models), Path(options.tracks), Path(options.circuits)
    notes: list[str] = []
    shipped = [TrackSpec(p, "shipped") for p in sorted(tracks_dir.glob("*.json"))]
    if not shipped:
        notes.append(f"No shipped tracks found in `{display_path(tracks_dir)}`.")
    circuits = [TrackSpec(p, "circuit") for p in sorted(circuits_dir.glob("*.csv"))]
    if not circuits:
        notes.append(f"No shared circuits found in `{display_path(circuits_dir)}` (give --circuits DIR).")
    evaluator = Evaluator(episodes, options.seed, log)

    base = load_model_report("base", models_dir / "base.npz")
    if base.actor is not None:
        base.runs = [evaluator.run("base", base.actor, spec) for spec in shipped + circuits]
    else:
        log(f"base model {display_path(base.npz)}: {base.problem}")

    finetuned = []
    for npz in sorted((models_dir / "tracks").glob("*.npz")):
        model = load_model_report(npz.stem, npz)
        spec = own_track(npz.stem, model.sidecar, tracks_dir, circuits_dir)
        if spec is None:
            model.runs = [Run(TrackSpec(tracks_dir / f"{npz.stem}.json", "own"), error="own track file not found")]
        elif model.actor is not None:
            model.runs = [evaluator.run(npz.stem, model.actor, spec)]
        else:
            model.runs = [Run(spec, error=f"model {model.problem}")]
            log(f"fine-tuned model {display_path(npz)}: {model.problem}")
        if spec is not None and base.actor is not None:
            model.base_run = next((r for r in base.runs if r.track.path == spec.path), None)
            if model.base_run is None:
                model.base_run = evaluator.run("base", base.actor, spec)
        finetuned.append(model)
    stages = [load_model_report(p.stem, p.with_suffix(".npz")) for p in sorted(models_dir.glob("history/base-*.json"))]
    return Report(options, episodes, base, finetuned, shipped, circuits, notes, base_stages=stages)


def chained_curves(stages: Sequence[ModelReport], last: ModelReport) -> dict[str, list[CurvePoint]]:
    """Curves of training stages that each went on from the one before, on one axis.

    Each stage's steps and minutes count on from the total of the stages before it (from their sidecars, else
    their last curve point).
    """
    curves: dict[str, list[CurvePoint]] = {}
    steps, minutes = 0, 0.0
    for stage in [*stages, last]:
        if stage.curve:
            curves[stage.name] = [
                replace(p, steps=p.steps + steps, wall_time_min=p.wall_time_min + minutes) for p in stage.curve
            ]
        sidecar = stage.sidecar or {}
        final = stage.curve[-1] if stage.curve else None
        steps += int(sidecar.get("steps") or (final.steps if final else 0))
        wall = sidecar.get("wall_time_s")
        minutes += wall / 60.0 if isinstance(wall, int | float) else (final.wall_time_min if final else 0.0)
    return curves


# -- the bar --------------------------------------------------------------------------------------------------------
def bar_rows(report: Report) -> list[BarRow]:
    """PASS/FAIL/MISSING per track for the base model, per fine-tuned model (and per shipped track without one)."""
    rows = []
    check = f"base completes >= {100 * COMPLETION_BAR:.0f}% of laps"
    target = f">= {100 * COMPLETION_BAR:.0f}%"
    runs = {run.track.path: run for run in report.base.runs}
    for spec in report.shipped + report.circuits:
        run = runs.get(spec.path)
        label = display_path(spec.path)
        if run is None:
            rows.append(BarRow(check, label, "-", target, MISSING, f"base model {report.base.problem}"))
        elif run.result is None:
            rows.append(BarRow(check, label, "-", target, FAIL, run.error or "no result"))
        else:
            rate = run.result.completion_rate
            rows.append(
                BarRow(check, label, format_completion(run.result), target, PASS if rate >= COMPLETION_BAR else FAIL)
            )
    if not report.circuits:
        rows.append(BarRow(check, "shared circuits", "-", target, MISSING, "no circuit files found"))

    check = f"fine-tuned within {100 * (RATIO_BAR - 1):.0f}% of the reference lap"
    target = f"ratio <= {RATIO_BAR:.2f} (aim {RATIO_AIM:.2f})"
    for model in report.finetuned:
        run = model.runs[0]
        label = display_path(run.track.path)
        result = run.result
        if result is None:
            rows.append(BarRow(check, label, "-", target, FAIL, run.error or "no result"))
        elif result.ratio is None:
            reason = "no flying lap" if result.reference_lap_s is not None else "no reference lap"
            rows.append(BarRow(check, label, "-", target, FAIL, reason))
        else:
            status = PASS if result.ratio <= RATIO_BAR else FAIL
            note = "aim met" if result.ratio <= RATIO_AIM else "aim not met"
            rows.append(BarRow(check, label, f"{result.ratio:.3f}", target, status, note))
    tuned = {model.name for model in report.finetuned}
    for spec in report.shipped:
        if spec.path.stem not in tuned:
            note = f"no fine-tuned model {spec.path.stem}.npz"
            rows.append(BarRow(check, display_path(spec.path), "-", target, MISSING, note))
    return rows


def verdict(rows: Sequence[BarRow]) -> str:
    """FAIL if any row fails, else INCOMPLETE if any is missing, else PASS."""
    statuses = {row.status for row in rows}
    if FAIL in statuses or not rows:
        return FAIL
    return "INCOMPLETE" if MISSING in statuses else PASS


# -- plots ----------------------------------------------------------------------------------------------------------
def write_plots(report: Report, images_dir: Path) -> dict[str, Path]:
    """The base model's learning curve and the fine-tuned models' curves together, as PNGs (where there are any)."""
    images = {}
    if report.base.curve:
        images["base"] = plot_curves(
            chained_curves(report.base_stages, report.base),
            images_dir / BASE_CURVE_PNG,
            "Base model: evaluation during training (mean over its evaluation tracks)",
            completion_bar=COMPLETION_BAR,
        )
    curves = {model.name: model.curve for model in report.finetuned if model.curve}
    if curves:
        images["finetuned"] = plot_curves(
            curves,
            images_dir / FINETUNE_CURVES_PNG,
            "Fine-tuned models: evaluation on their own track during fine-tuning",
            ratio_bar=RATIO_BAR,
            ratio_aim=RATIO_AIM,
        )
    return images


def display_path(path: Path) -> str:
    """``path`` relative to the repository (``../shared/...`` beside it), else absolute."""
    path = Path(path).resolve()
    if path.is_relative_to(REPO_ROOT.parent):
        return os.path.relpath(path, REPO_ROOT)
    return str(path)


def format_seconds(value: float | None) -> str:
    """A time [s] for a table, "-" for none."""
    return "-" if value is None else f"{value:.2f} s"


def format_completion(result: EvalResult) -> str:
    """Laps completed of laps attempted, with the percentage."""
    return f"{result.laps_completed}/{result.laps_attempted} ({100 * result.completion_rate:.0f}%)"


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
        "--circuits", default=str(DEFAULT_CIRCUITS), help="shared circuits folder [default: ../shared/circuits]"
    )
    parser.add_argument("--out", default=str(DEFAULT_OUT), help="markdown to write [default: docs/RESULTS.md]")
    parser.add_argument("--images", default=None, help="folder for the PNGs [default: images/ beside --out]")
    parser.add_argument("--seed", type=int, default=0, help="seed of the first episode [default: 0]")
    parser.add_argument("--check", action="store_true", help="exit with status 1 unless every bar row passes")
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

    report = collect(options, episodes, log)
    report.argv = argv
    report.bar = bar_rows(report)
    report.images = write_plots(report, images_dir)
    from agents.report_markdown import render

    atomic_write_text(out, render(report, out))
    outcome = verdict(report.bar)
    print(f"wrote {out} ({', '.join(str(p) for p in report.images.values()) or 'no plots'}): bar {outcome}")
    for row in report.bar:
        if row.status != PASS:
            print(f"  {row.status}: {row.check}: {row.track} {row.measured} {row.note}".rstrip())
    return 1 if options.check and outcome != PASS else 0


if __name__ == "__main__":
    sys.exit(main())
