"""Per track, the installed driver's races against a candidate's, both with today's racecraft and slow car.

    PYTHONPATH=. python docs/experiments/s29/compare.py TRACK_STEM CANDIDATE_SWEEP_DIR [...]
    PYTHONPATH=. python docs/experiments/s29/compare.py --all

Installed: runs/s28/sw/base (grids game, 1-5); candidate: the sweep folder given (the same grids). One row each:
rescues (field + slow car), all 7 past the slow car, passes and the share clean, the most field contacts in a race,
the slow car's contacts and its measured pace (session 28's summary).
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

GRIDS = ["game", "1", "2", "3", "4", "5"]
# The drivers installed in this session, by track: their sweep folders under runs/s29/sw.
INSTALLED = {"brands_hatch": "p2-bh", "viaduct_eight": "p2-ve", "zandvoort": "p2-zv-s2", "hungaroring": "p2-hun-p1s2"}
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


def totals() -> None:
    """The 20 tracks x 6 grids with the drivers installed now.

    Session 28's sweep, with the sweeps of the drivers installed in this session in place of the ones they replaced
    (the race code is the same).
    """
    before, now = [], []
    for track in [*s28.SHIPPED, *s28.CIRCUITS]:
        stem = track if track in s28.SHIPPED else f"circuits-{track}"
        old = files(Path("runs/s28/sw/base"), stem)
        before += old
        now += files(Path(f"runs/s29/sw/{INSTALLED[track]}"), stem) if track in INSTALLED else old
    print("| 120 race pairs | rescues | all 7 past | passes (clean) | field max | slow-car contacts | its pace |")
    print("|---" * 7 + "|")
    print(f"| session 28's drivers | {s28.cell(s28.summary(before))} |")
    print(f"| installed now | {s28.cell(s28.summary(now))} |")


if __name__ == "__main__":
    totals() if sys.argv[1:] == ["--all"] else main(sys.argv[1:])
