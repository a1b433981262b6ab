"""Learning curves for ``agents.report``: read a model's ``<model>.curve.csv`` and plot it as a PNG.

The curve CSV (written by ``agents.callbacks.EvalCallback``) has one row per evaluation track per evaluation, with
the columns of :data:`agents.callbacks.CURVE_COLUMNS`. :func:`read_curve` averages the tracks of each evaluation
into one :class:`CurvePoint`. :func:`plot_curves` draws lap completion and the ratio to the reference lap against
wall-clock minutes and against env steps, one line per model, with the report's bars as dashed lines.

matplotlib is used through ``matplotlib.figure.Figure`` with the Agg canvas: no pyplot, no window, no global
backend state. PNGs are written atomically (a temp file beside the target, then a rename).
"""

from __future__ import annotations

import csv
import math
import os
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from game.sim.files import atomic_open, read_text_file

REQUIRED_COLUMNS = ("steps", "wall_time_min", "completion_rate")


class CurveError(ValueError):
    """A learning-curve CSV that cannot be read."""


@dataclass(frozen=True)
class CurvePoint:
    """One evaluation during training, averaged over its evaluation tracks."""

    steps: int
    wall_time_min: float
    completion_rate: float
    ratio: float | None
    """Mean best-lap / reference-lap over the tracks that had a flying lap; None when none had."""
    tracks: int


def curve_rows(
    path: str | os.PathLike[str], columns: Sequence[str] = REQUIRED_COLUMNS
) -> list[tuple[int, list[Mapping[str, str]]]]:
    """The rows of a curve CSV grouped by evaluation: (steps, one row per track), in step order.

    Raises:
        CurveError: Missing file, one of ``columns`` missing, or steps that are not a number.
    """
    path = Path(path)
    text = read_text_file(path, "curve file", CurveError)
    reader = csv.DictReader(text.splitlines())
    missing = [c for c in columns if c not in (reader.fieldnames or [])]
    if missing:
        raise CurveError(f"{path}: missing column(s) {', '.join(missing)}")
    groups: dict[int, list[Mapping[str, str]]] = {}
    for line_number, row in enumerate(reader, start=2):
        try:
            steps = int(float(row["steps"]))
        except (TypeError, ValueError):
            raise CurveError(f"{path}, line {line_number}: steps {row.get('steps')!r} is not a number") from None
        groups.setdefault(steps, []).append(row)
    return sorted(groups.items())


def read_curve(path: str | os.PathLike[str]) -> list[CurvePoint]:
    """The points of a curve CSV, by steps (rows of one evaluation, one per track, averaged).

    Raises:
        CurveError: Missing file, missing columns, or a cell that is not a number.
    """
    points = []
    for steps, rows in curve_rows(path):
        try:
            wall = max(_number(r["wall_time_min"]) or 0.0 for r in rows)
            completion = [c for c in (_number(r["completion_rate"]) for r in rows) if c is not None]
            ratios = [x for x in (_number(r.get("ratio")) for r in rows) if x is not None]
        except ValueError as exc:
            raise CurveError(f"{path}, at {steps} steps: {exc}") from None
        points.append(
            CurvePoint(
                steps=steps,
                wall_time_min=wall,
                completion_rate=statistics.fmean(completion) if completion else 0.0,
                ratio=statistics.fmean(ratios) if ratios else None,
                tracks=len(rows),
            )
        )
    return points


def _number(cell: str | None) -> float | None:
    """A CSV cell as a finite float; empty cell (no value) gives None."""
    if cell is None or not cell.strip():
        return None
    value = float(cell)
    if not math.isfinite(value):
        return None
    return value


def plot_curves(
    curves: Mapping[str, Sequence[CurvePoint]],
    path: str | os.PathLike[str],
    title: str,
    completion_bar: float | None = None,
    ratio_bar: float | None = None,
    ratio_aim: float | None = None,
) -> Path:
    """Write a 2 x 2 PNG: completion and ratio (rows) against wall-clock minutes and env steps (columns).

    Args:
        curves: Label -> points, one line per label.
        path: The PNG to write (atomically).
        title: Figure title.
        completion_bar: Dashed line on the completion plots (e.g. 0.95).
        ratio_bar: Dashed line on the ratio plots (e.g. 1.10).
        ratio_aim: Dotted line on the ratio plots (e.g. 1.05).

    Returns:
        The path written.
    """
    from matplotlib.figure import Figure  # the Agg canvas is used by savefig; no pyplot, no window

    fig = Figure(figsize=(11, 7.5), dpi=100, layout="constrained")
    axes = fig.subplots(2, 2, sharey="row")
    fig.suptitle(title)
    x_axes = (("wall_time_min", "wall-clock minutes"), ("steps", "env steps"))
    for col, (x_name, x_label) in enumerate(x_axes):
        top, bottom = axes[0][col], axes[1][col]
        for label, points in curves.items():
            xs = [getattr(p, x_name) for p in points]
            top.plot(xs, [100.0 * p.completion_rate for p in points], marker=".", label=label)
            rated = [(getattr(p, x_name), p.ratio) for p in points if p.ratio is not None]
            bottom.plot([x for x, _ in rated], [r for _, r in rated], marker=".", label=label)
        if completion_bar is not None:
            top.axhline(100.0 * completion_bar, color="tab:red", linestyle="--", linewidth=1, label="bar")
        if ratio_bar is not None:
            bottom.axhline(ratio_bar, color="tab:red", linestyle="--", linewidth=1, label="bar")
        if ratio_aim is not None:
            bottom.axhline(ratio_aim, color="tab:green", linestyle=":", linewidth=1, label="aim")
        bottom.axhline(1.0, color="grey", linewidth=0.8)
        top.set_ylim(-2, 102)
        top.set_ylabel("laps completed [%]")
        bottom.set_ylabel("best lap / reference lap")
        bottom.set_xlabel(x_label)
        for ax in (top, bottom):
            ax.grid(True, alpha=0.3)
    for ax in (axes[0][0], axes[1][0]):
        ax.legend(loc="best", fontsize="small")
    path = Path(path)
    with atomic_open(path, "wb") as handle:
        fig.savefig(handle, format="png")
    return path
