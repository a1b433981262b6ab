"""The picture of a race for ``python -m agents.race_bench --plot``: race position over race time, one line a car.

One panel per scenario (the field race, the slow-car race), position 1 at the top. Bumps are marked with a dot on
both cars' lines, rescues with a cross, the leader's finish with a dashed line; the slow car's line is thick and
black. matplotlib is used through ``matplotlib.figure.Figure`` with the Agg canvas (no pyplot, no window); the PNG
is written atomically.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

import numpy as np

from agents.race_bench.record import RaceRecord
from agents.race_bench.scenarios import SLOW_PACE, BenchRun, ScenarioResult
from game.sim.files import atomic_open

PLOT_STEP_S = 0.1  # [s] one point of a line every this long (the record has one a tick)
COLOURS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#17becf")


def plot_run(path: str | os.PathLike[str], run: BenchRun, track_name: str, laps: int, difficulty: str) -> None:
    """Both races of a benchmark run side by side (the field race, the slow car on pole), titled with its setting."""
    panels = [
        ("field race", run.field_record, run.field),
        (f"pole car at {SLOW_PACE:.0%} of its pace", run.slow_car_record, run.slow_car),
    ]
    plot_positions(path, panels, f"{track_name}: {laps} laps, {difficulty}, {run.driver_name}")


def plot_positions(
    path: str | os.PathLike[str],
    panels: Sequence[tuple[str, RaceRecord, ScenarioResult]],
    title: str,
) -> None:
    """Draw race position against time for each (panel title, record, result), side by side, to a PNG.

    Args:
        path: The PNG file (written atomically; its folder is made if needed).
        panels: One panel per race.
        title: Figure title.
    """
    from matplotlib.figure import Figure  # the Agg canvas is used by savefig; no pyplot, no window

    fig = Figure(figsize=(6.5 * len(panels), 5.0), dpi=100, layout="constrained")
    axes = fig.subplots(1, len(panels), squeeze=False)[0]
    for ax, (panel_title, record, result) in zip(axes, panels, strict=True):
        _draw_panel(ax, panel_title, record, result)
    fig.suptitle(title)
    with atomic_open(path, "wb") as handle:
        fig.savefig(handle, format="png")


def _draw_panel(ax: object, title: str, record: RaceRecord, result: ScenarioResult) -> None:
    times = record.times
    n = record.n_cars
    step = max(int(round(PLOT_STEP_S / (times[1] - times[0]))), 1) if len(times) > 1 else 1
    keep = np.arange(0, len(times), step)
    for car in range(n):
        slow = car == result.slow_car
        label = f"{record.names[car]} (slot {car}, P{result.positions[car]})" + (" slow" if slow else "")
        ax.step(
            times[keep],
            record.positions[keep, car],
            where="post",
            color="black" if slow else COLOURS[car % len(COLOURS)],
            linewidth=3.0 if slow else 1.5,
            label=label,
        )
    for bump in result.contact_log:
        tick = min(int(np.searchsorted(times, bump["time_s"])), len(times) - 1)
        for car in bump["cars"]:
            if car >= 0:
                ax.plot(times[tick], record.positions[tick, car], "o", color="0.3", markersize=4, zorder=3)
    for time, car in record.rescues:
        tick = min(int(np.searchsorted(times, time)), len(times) - 1)
        ax.plot(times[tick], record.positions[tick, car], "x", color="red", markersize=9, mew=2.5, zorder=4)
    out = np.flatnonzero(~record.racing.all(axis=1))
    if out.size:
        ax.axvline(times[out[0]], color="0.5", linestyle="--", linewidth=1.0, label="chequered flag")
    ax.plot([], [], "o", color="0.3", markersize=4, label="contact")
    ax.plot([], [], "x", color="red", markersize=9, mew=2.5, label="rescue")
    ax.set_ylim(n + 0.5, 0.5)
    ax.set_yticks(range(1, n + 1))
    ax.set_xlabel("race time [s]")
    ax.set_ylabel("race position")
    summary = (
        f"{result.contacts} contacts, {result.rescues} rescues, {result.passes} passes ({result.clean_passes} clean)"
    )
    ax.set_title(f"{title}\n{summary}", fontsize=10)
    ax.grid(True, alpha=0.3)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.13), fontsize=8, ncols=3, frameon=False)
