"""What the report measured, and the bar that judges it: plain records, no measuring and no files."""

from __future__ import annotations

import argparse
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from agents.evaluate import EvalResult
from agents.report.plots import CurvePoint
from game.drivers.actor import Actor
from game.paths import CIRCUITS_DIR, MODELS_DIR, REPO_ROOT, TRACKS_DIR
from game.sim.grid import GRID_SLOTS

if TYPE_CHECKING:
    from agents.report.racing import Racing

DEFAULT_MODELS = MODELS_DIR
DEFAULT_TRACKS = TRACKS_DIR
DEFAULT_CIRCUITS = CIRCUITS_DIR
DEFAULT_OUT = REPO_ROOT / "docs" / "RESULTS.md"
DEFAULT_EPISODES = GRID_SLOTS  # one from each grid slot: the game may start a driver from any of them
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
    """"shipped" (tracks/), "circuit" (the validation circuits, tracks/circuits) or "own" (elsewhere)."""


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
    base_siblings: list[ModelReport] = field(default_factory=list)
    """Stages in ``history/`` that are not the base's ancestors (an earlier base it did not go on from)."""
    images: dict[str, Path] = field(default_factory=dict)
    bar: list[BarRow] = field(default_factory=list)
    argv: list[str] = field(default_factory=list)
    racing: Racing | None = None
    """The race benchmark of every track, None when not raced (--quick, --no-racing)."""
    git: dict[str, Any] = field(default_factory=dict)
    """The checkout's commit and whether it had uncommitted changes, read before the report wrote anything
    (:func:`agents.models.git_revision`; empty: read it when rendering)."""


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


def display_path(path: Path) -> str:
    """``path`` relative to the repository (or to the folder beside it), else absolute."""
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
