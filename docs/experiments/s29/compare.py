"""Per track, the installed driver's races against a candidate's, both with today's racecraft and slow car.

    PYTHONPATH=. python docs/experiments/s29/compare.py TRACK_STEM CANDIDATE_SWEEP_DIR [...]

Installed: runs/s28/sw/base (grids game, 1-5); candidate: the sweep folder given (the same grids). One row each:
rescues (field + slow car), all 7 past the slow car, passes and the share clean, the most field contacts in a race,
the slow car's contacts and its measured pace (session 28's summary).
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

GRIDS = ["game", "1", "2", "3", "4", "5"]
_spec = importlib.util.spec_from_file_location("s28_compare", Path(__file__).parents[1] / "s28" / "compare.py")
s28 = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(s28)


def files(folder: Path, stem: str) -> list[Path]:
    """A track's six race files in a sweep folder."""
    return [folder / f"{stem}-g{g}.json" for g in GRIDS]


def main(args: list[str]) -> None:
    """Print the rows: installed, then each candidate."""
    stem, candidates = args[0], args[1:]
    print("| driver | rescues | all 7 past | passes (clean) | field max | slow-car contacts | its pace |")
    print("|---" * 7 + "|")
    print(f"| installed | {s28.cell(s28.summary(files(Path('runs/s28/sw/base'), stem)))} |")
    for folder in candidates:
        print(f"| {folder} | {s28.cell(s28.summary(files(Path(folder), stem)))} |")


if __name__ == "__main__":
    main(sys.argv[1:])
