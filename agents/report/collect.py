"""Measure every model on its tracks for the report (:func:`collect`) and draw the learning curves."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from agents.evaluate import evaluate, load_driver, load_track_file, reference_lap_time
from agents.models import ModelPaths, file_sha256, read_sidecar
from agents.report.plots import CurveError, CurvePoint, plot_curves, read_curve
from agents.report.records import (
    BASE_CURVE_PNG,
    COMPLETION_BAR,
    FINETUNE_CURVES_PNG,
    RATIO_AIM,
    RATIO_BAR,
    REPO_ROOT,
    ModelReport,
    Report,
    Run,
    TrackSpec,
    display_path,
    format_seconds,
)
from game.drivers.actor import Actor, ModelError
from game.paths import TRACK_MODELS_FOLDER
from game.sim.track import Track, TrackError


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
                # The shared circuits as they are: Shanghai and Yas Marina have corners under the editor's 10 m.
                self._tracks[spec.path] = load_track_file(spec.path, rules=False)
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
    for npz in sorted((models_dir / TRACK_MODELS_FOLDER).glob("*.npz")):
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
    history = [load_model_report(p.stem, p.with_suffix(".npz")) for p in sorted(models_dir.glob("history/base-*.json"))]
    stages, siblings = base_lineage(base, history, notes)
    return Report(
        options, episodes, base, finetuned, shipped, circuits, notes, base_stages=stages, base_siblings=siblings
    )


def base_lineage(
    base: ModelReport, history: Sequence[ModelReport], notes: list[str]
) -> tuple[list[ModelReport], list[ModelReport]]:
    """The installed base's ancestors among the ``history`` stages, in order, and the other stages (its siblings).

    The base's sidecar names its ancestors (``lineage``: history stage names, oldest first), written when it is
    installed: a base may go on from an earlier stage than the one installed before it. A sidecar without it
    (older bases) takes every stage as an ancestor, in name order. A named stage missing from ``history/`` is noted.
    """
    lineage = (base.sidecar or {}).get("lineage")
    if not isinstance(lineage, list):
        return list(history), []
    by_name = {stage.name: stage for stage in history}
    missing = [name for name in lineage if name not in by_name]
    if missing:
        notes.append(f"The base's lineage names stages not in `history/`: {', '.join(map(str, missing))}.")
    ancestors = [by_name[name] for name in lineage if name in by_name]
    return ancestors, [stage for stage in history if stage.name not in lineage]


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
