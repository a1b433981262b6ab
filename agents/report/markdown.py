"""The markdown of ``python -m agents.report``: the bar, the tables, the curves, training cost, how to reproduce.

:func:`render` turns a :class:`agents.report.records.Report` (measured and judged by ``agents.report``) into the text of
``docs/RESULTS.md``. Nothing here measures anything or writes a file.
"""

from __future__ import annotations

import datetime as _dt
import importlib.metadata
import os
import platform
import shlex
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from agents.evaluate import LAPS_PER_EPISODE, incident_places
from agents.models import git_revision
from agents.report.records import (
    COMPLETION_BAR,
    FAIL,
    MISSING,
    PASS,
    RATIO_AIM,
    RATIO_BAR,
    ModelReport,
    Report,
    Run,
    display_path,
    format_completion,
    format_seconds,
    verdict,
)
from game.sim.grid import GRID_SLOTS


def _cell(text: Any) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _table(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return lines


def _result_cells(run: Run | None) -> list[str]:
    """Completion, best, mean, reference, ratio, off track, stuck."""
    if run is None:
        return ["-"] * 7
    result = run.result
    if result is None:
        return [f"error: {run.error}"] + ["-"] * 6
    return [
        format_completion(result),
        format_seconds(result.best_lap_s),
        format_seconds(result.mean_lap_s),
        format_seconds(result.reference_lap_s),
        "-" if result.ratio is None else f"{result.ratio:.3f}",
        _ended(result.off_track_episodes, result, "off track"),
        _ended(result.stuck_episodes, result, "stuck"),
    ]


def _ended(count: int, result: Any, kind: str) -> str:
    """The cell of episodes that ended one way, and where: "3/8: at 263 m x3 (130 km/h)"."""
    cell = f"{count}/{result.episodes}"
    places = [i for i in result.incidents if i["kind"] == kind]
    return f"{cell}: {incident_places(places, limit=2, with_kind=False)}" if places else cell


def _duration(seconds: float) -> str:
    minutes = seconds / 60.0
    return f"{minutes:.1f} min" if minutes < 120 else f"{minutes / 60.0:.2f} h"


def machine_of(sidecar: dict[str, Any]) -> str:
    """The machine a model trained on, as recorded in its sidecar."""
    machine = sidecar.get("machine") if isinstance(sidecar.get("machine"), dict) else {}
    versions = sidecar.get("versions") or {}
    hyper = sidecar.get("hyperparameters") or {}
    parts = [str(machine.get("platform") or versions.get("platform") or "platform not recorded")]
    cpus = machine.get("cpu_count", sidecar.get("cpu_count"))
    parts.append(f"{cpus} CPUs" if cpus else "CPU count not recorded")
    for key, label in (("device", "device"), ("n_envs", "n_envs"), ("torch_threads", "torch threads")):
        if hyper.get(key) is not None:
            parts.append(f"{label} {hyper[key]}")
    if versions.get("torch"):
        parts.append(f"torch {versions['torch']}")
    return ", ".join(parts)


def report_machine() -> str:
    """The machine this report runs on: platform, CPU count, Python, torch and numpy versions."""

    def version(name: str) -> str:
        try:
            return importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            return "not installed"

    return (
        f"{platform.platform()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"torch {version('torch')}, numpy {version('numpy')}"
    )


def training_lines(models: Sequence[ModelReport]) -> list[str]:
    """The training table (from the sidecars) and each model's command line."""
    rows, commands = [], []
    for model in models:
        sidecar = model.sidecar
        if sidecar is None:
            rows.append([model.name, f"no sidecar ({model.sidecar_problem})", "-", "-", "-", "-", "-"])
            continue
        steps, wall = sidecar.get("steps"), sidecar.get("wall_time_s")
        rate = f"{steps / wall:.0f}" if isinstance(steps, int | float) and wall else "-"
        git = sidecar.get("git") or {}
        commit = (git.get("commit") or "-")[:10] + (" (dirty)" if git.get("dirty") else "")
        kind = str(sidecar.get("kind", "-")) + (" (interrupted)" if sidecar.get("interrupted") else "")
        if model.sidecar_problem:
            kind += f"; WARNING: {model.sidecar_problem}"
        rows.append(
            [
                model.name,
                kind,
                f"{steps:,}" if isinstance(steps, int) else "-",
                _duration(wall) if isinstance(wall, int | float) else "-",
                rate,
                machine_of(sidecar),
                f"{sidecar.get('created', '-')}, git {commit}",
            ]
        )
        commands.append((model.name, sidecar.get("command")))
    header = ["model", "kind", "steps", "wall time", "env steps/s", "machine", "trained"]
    lines = _table(header, rows)
    lines += [
        "",
        "env steps/s is steps / wall time; the wall time includes the periodic evaluations and checkpoints. "
        "Commands that trained each model (run from the repository root):",
        "",
        "```sh",
    ]
    lines += [f"# {name}\n{command or '# (no command recorded)'}" for name, command in commands]
    lines.append("```")
    return lines


def render(report: Report, out: Path) -> str:
    """The markdown text of the report."""
    sections = [
        _header(report),
        _bar_section(report),
        _base_section(report),
        _finetuned_section(report),
        _racing_section(report, out),
        ["", "## Learning curves", "", *_curve_lines(report, out)],
        _training_section(report),
        ["", "## Machine", "", f"This report ran on: {report_machine()}.", _MACHINE_NOTE],
        _reproduce_section(report),
        _method_section(report),
    ]
    return "\n".join(line for section in sections for line in section)


_MACHINE_NOTE = "The training machine of each model is in the table above, from its sidecar."


def _racing_section(report: Report, out: Path) -> list[str]:
    if report.racing is None:
        return []
    from agents.report.racing import racing_lines

    picture = report.racing.picture
    link = None if picture is None else Path(os.path.relpath(picture, out.parent)).as_posix()
    return racing_lines(report.racing, link)


def _header(report: Report) -> list[str]:
    git = report.git or git_revision()
    commit = (git.get("commit") or "unknown")[:10] + (" (uncommitted changes)" if git.get("dirty") else "")
    now = _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds")
    lines = [
        "# RetroRacer results",
        "",
        f"Generated {now} by `python -m agents.report` at git {commit}; {report.episodes} episode(s) of "
        f"{LAPS_PER_EPISODE} laps per model and track from a standing start, seed {report.options.seed}. "
        "Regenerate with the commands under [Reproduce](#reproduce).",
        "",
    ]
    if report.options.quick:
        lines += [
            f"> **Quick smoke run** (`--quick`, {report.episodes} episode(s) per track): not the results. "
            "Run without `--quick` for the real numbers.",
            "",
        ]
    return lines + [f"> {note}" for note in report.notes]


def _bar_section(report: Report) -> list[str]:
    rows = report.bar
    counts = {status: sum(r.status == status for r in rows) for status in (PASS, FAIL, MISSING)}
    lines = ["", "## The bar", ""]
    lines.append(
        f"**Overall: {verdict(rows)}** — {counts[PASS]} pass, {counts[FAIL]} fail, {counts[MISSING]} missing "
        f"(MISSING: nothing was measured, which is not a pass)."
    )
    lines += [
        "",
        f"* The base model completes at least {100 * COMPLETION_BAR:.0f}% of laps on every shipped track and every "
        "validation circuit (none of them seen in training: it trains on random tracks).",
        f"* Each fine-tuned model's best flying lap is within {100 * (RATIO_BAR - 1):.0f}% of the reference lap on its "
        f"own track (ratio <= {RATIO_BAR:.2f}); the aim is {100 * (RATIO_AIM - 1):.0f}%.",
        "",
    ]
    return lines + _table(
        ["check", "track", "measured", "target", "status", "note"],
        [[r.check, f"`{r.track}`", r.measured, r.target, f"**{r.status}**", r.note] for r in rows],
    )


def _base_section(report: Report) -> list[str]:
    base = report.base
    lines = ["", "## Base model on every track", ""]
    lines.append(f"Model `{display_path(base.npz)}`" + (f": **{base.problem}**." if base.problem else _line(base)))
    if base.runs:
        lines += [""] + _table(
            ["track", "source", "laps completed", "best lap", "mean lap", "reference", "ratio", "off track", "stuck"],
            [[f"`{display_path(r.track.path)}`", r.track.source, *_result_cells(r)] for r in base.runs],
        )
    return lines


def _line(model: Any) -> str:
    """The sentence's end: the racing line the model follows (its own line clearance), or just "."."""
    clearance = getattr(model.actor, "line_clearance", None)
    if clearance is None:
        return "."
    return f", on a racing line that keeps the car's side {clearance:.2f} m from the edges."


def _finetuned_section(report: Report) -> list[str]:
    lines = ["", "## Fine-tuned models on their own track", ""]
    if not report.finetuned:
        return [*lines, f"No fine-tuned models in `{display_path(Path(report.options.models) / 'tracks')}`."]
    lines += ["Each fine-tuned model next to the base model on the same track (same episodes and seed).", ""]
    table = []
    for model in report.finetuned:
        run = model.runs[0]
        track = f"`{display_path(run.track.path)}`"
        name = f"`{model.npz.name}`" + (f" ({model.problem})" if model.problem else "")
        table.append([track, name, *_result_cells(run)[:5]])
        table.append([track, "base", *_result_cells(model.base_run)[:5]])
        table.append([track, "gain", *_gain(run, model.base_run)])
    return lines + _table(["track", "model", "laps completed", "best lap", "mean lap", "reference", "ratio"], table)


def _training_section(report: Report) -> list[str]:
    models = [m for m in [*report.base_stages, *report.base_siblings] if m.sidecar is not None]
    models += [m for m in [report.base, *report.finetuned] if m.sidecar is not None or m.actor is not None]
    return ["", "## Training", "", *(training_lines(models) if models else ["No models, so no sidecars."])]


def _reproduce_section(report: Report) -> list[str]:
    base = report.base
    model = display_path(base.npz)
    example = display_path(base.runs[0].track.path) if base.runs else "tracks/NAME.json"
    seed = report.options.seed
    return [
        "",
        "## Reproduce",
        "",
        "From the repository root:",
        "",
        "```sh",
        "# this report, exactly as it was run",
        shlex.join(["python", "-m", "agents.report", *report.argv]),
        "# the full report with the default settings",
        "python -m agents.report",
        "# one row: a model on a track, the same episodes and seed",
        f"python -m agents.evaluate --model {model} --track {example} --episodes {report.episodes} --seed {seed}",
        "```",
    ]


def _method_section(report: Report) -> list[str]:
    return [
        "",
        "## How the numbers are measured",
        "",
        "`agents.evaluate.evaluate`: each episode starts on the grid where the game may put the car, episode i "
        f"from grid slot i mod {GRID_SLOTS} (slot 0 is pole, left of the middle; slot 1 half a row back on the "
        f"right; and so on), with a small random perturbation (seed {report.options.seed} + i), and drives the "
        f"deterministic policy for {LAPS_PER_EPISODE} laps, until it leaves the track, gets stuck or runs out of "
        "time. *Laps completed* counts both laps of every episode; the first is the standing-start lap, the second "
        "the flying lap. *Best* and *mean lap* are over flying laps. The *reference lap* (`game.sim.reference`) is "
        "the fastest lap the car's physics allow on a minimum-curvature line; *ratio* is the best flying lap over "
        "it (1.0 would be perfect; slightly below 1 is possible). *Off track* and *stuck* count episodes that "
        "ended that way, and say where: the distance along the lap from the start line, how many episodes ended "
        "there and their mean speed.",
        "",
    ]


def _gain(run: Run, base_run: Run | None) -> list[str]:
    """Laps completed, best lap, mean lap, reference, ratio: fine-tuned minus base."""
    tuned = run.result
    base = base_run.result if base_run is not None else None
    if tuned is None or base is None:
        return ["-"] * 5

    def diff(a: float | None, b: float | None, fmt: str) -> str:
        return "-" if a is None or b is None else format(a - b, fmt)

    best = diff(tuned.best_lap_s, base.best_lap_s, "+.2f")
    if best != "-":
        best += f" s ({100 * (tuned.best_lap_s / base.best_lap_s - 1):+.1f}%)"
    mean = diff(tuned.mean_lap_s, base.mean_lap_s, "+.2f")
    completion = f"{100 * (tuned.completion_rate - base.completion_rate):+.0f} points"
    return [completion, best, mean if mean == "-" else mean + " s", "", diff(tuned.ratio, base.ratio, "+.3f")]


def _curve_lines(report: Report, out: Path) -> list[str]:
    lines = [
        "Evaluations during training, from `<model>.curve.csv` beside each model (each point the mean over that "
        "run's evaluation tracks): lap completion and best lap / reference lap against wall-clock minutes and env "
        "steps.",
        "",
    ]
    base = report.base
    if "base" in report.images:
        rel = os.path.relpath(report.images["base"], out.parent)
        lines += [f"![Base model learning curve]({Path(rel).as_posix()})", ""]
        if report.base_stages:
            names = ", ".join(f"`{m.name}`" for m in report.base_stages)
            lines += [
                f"The base model was trained in stages: {names} (in `history/`), then `base`, each going on from "
                "the one before; the plot counts each stage's steps and minutes on from the end of the previous "
                "one, the table below restarts them.",
                "",
            ]
        if report.base_siblings:
            names = ", ".join(f"`{m.name}`" for m in report.base_siblings)
            lines += [
                f"Not in that chain (installed earlier, in `history/` and the training table, but not an ancestor "
                f"of `base`): {names}.",
                "",
            ]
        lines += _curve_summary([*[m for m in report.base_stages if m.curve], base])
    else:
        lines.append(f"Base model: no learning curve ({base.curve_problem or 'no evaluations in it'}).")
    lines.append("")
    if "finetuned" in report.images:
        rel = os.path.relpath(report.images["finetuned"], out.parent)
        lines += [f"![Fine-tuned models learning curves]({Path(rel).as_posix()})", ""]
        lines += _curve_summary([m for m in report.finetuned if m.curve])
    without = [m for m in report.finetuned if not m.curve]
    for model in without:
        lines.append(f"* {model.name}: no learning curve ({model.curve_problem or 'no evaluations in it'}).")
    if not report.finetuned:
        lines.append("No fine-tuned models, so no fine-tuning curves.")
    return lines


def _curve_summary(models: Sequence[ModelReport]) -> list[str]:
    """First and last point of each curve."""
    rows = []
    for model in models:
        assert model.curve
        first, last = model.curve[0], model.curve[-1]
        rows.append(
            [
                model.name,
                len(model.curve),
                f"{first.steps:,} / {last.steps:,}",
                f"{first.wall_time_min:.1f} / {last.wall_time_min:.1f}",
                f"{100 * first.completion_rate:.0f}% / {100 * last.completion_rate:.0f}%",
                f"{_ratio(first.ratio)} / {_ratio(last.ratio)}",
            ]
        )
    header = ["model", "evaluations", "steps (first / last)", "minutes", "completion", "ratio"]
    return _table(header, rows) + [""]


def _ratio(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"
