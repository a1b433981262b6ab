"""The trials of a study as a table: CSV (one column per parameter) and markdown, every trial, best first."""

from __future__ import annotations

import csv
import io
import statistics
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from agents.tune.objective import RATIO_WEIGHT
from game.sim.files import atomic_write_text

FIXED_COLUMNS = ("number", "state", "value", "seed", "completion", "ratio", "steps", "duration_min")


def trial_rows(trials: Sequence[Any]) -> tuple[list[str], list[dict[str, Any]]]:
    """``(columns, rows)`` of Optuna ``FrozenTrial`` s: complete trials by value (best first), then the others."""
    params = sorted({name for t in trials for name in t.params})
    columns = [*FIXED_COLUMNS, *params]

    def row(t: Any) -> dict[str, Any]:
        duration = t.duration.total_seconds() / 60.0 if t.duration is not None else None
        values = {
            "number": t.number,
            "state": t.state.name,
            "value": t.value,
            "seed": t.user_attrs.get("seed"),
            "completion": t.user_attrs.get("completion"),
            "ratio": t.user_attrs.get("ratio"),
            "steps": t.user_attrs.get("steps", t.last_step),
            "duration_min": None if duration is None else round(duration, 2),
        }
        return {**values, **{name: t.params.get(name) for name in params}}

    complete = sorted((t for t in trials if t.value is not None), key=lambda t: -t.value)
    others = sorted((t for t in trials if t.value is None), key=lambda t: t.number)
    return columns, [row(t) for t in [*complete, *others]]


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.4g}" if abs(value) < 1e-3 and value != 0.0 else f"{value:.4f}".rstrip("0").rstrip(".")
    return str(value)


def to_csv(columns: Sequence[str], rows: Sequence[dict[str, Any]]) -> str:
    """The table as CSV (values as stored, empty where none)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(columns), lineterminator="\n")
    writer.writeheader()
    writer.writerows({k: "" if v is None else v for k, v in r.items()} for r in rows)
    return buffer.getvalue()


def to_markdown(study_name: str, columns: Sequence[str], rows: Sequence[dict[str, Any]]) -> str:
    """The table as markdown, with a summary line: trials by state, and the spread of values over complete ones."""
    states: dict[str, int] = {}
    for r in rows:
        states[r["state"]] = states.get(r["state"], 0) + 1
    values = [r["value"] for r in rows if r["value"] is not None]
    lines = [f"# Study {study_name}", ""]
    lines.append("Trials: " + (", ".join(f"{n} {s.lower()}" for s, n in sorted(states.items())) or "none") + ".")
    if values:
        lines.append(
            f"Value (lap completion - {RATIO_WEIGHT:g} x (ratio - 1)) over {len(values)} complete: "
            f"best {max(values):.4f}, median {statistics.median(values):.4f}, worst {min(values):.4f}."
        )
    lines += ["", "| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(_cell(r[c]) for c in columns) + " |" for r in rows]
    return "\n".join(lines) + "\n"


def export(study: Any, path: str | Path) -> tuple[Path, Path]:
    """Write ``<path>.csv`` and ``<path>.md`` (``path`` without or with either suffix); returns both paths."""
    base = Path(path)
    if base.suffix in (".csv", ".md"):
        base = base.with_suffix("")
    columns, rows = trial_rows(study.get_trials(deepcopy=False))
    csv_path, md_path = base.with_suffix(".csv"), base.with_suffix(".md")
    csv_path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(csv_path, to_csv(columns, rows))
    atomic_write_text(md_path, to_markdown(study.study_name, columns, rows))
    return csv_path, md_path
