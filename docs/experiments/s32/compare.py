"""Session 30's rule (steps 2-3) between two sweep folders: the installed racecraft's and a candidate's.

    PYTHONPATH=. python docs/experiments/s32/compare.py INSTALLED_SWEEP_DIR CANDIDATE_SWEEP_DIR

Session 30's compare.py reads the installed races from runs/s28 and runs/s29, which were lost with the development
machine's runs/ folder; the race benchmark is deterministic, so session 32 raced them again into one folder
(``runs/s32/sw/installed``, kept as ``docs/experiments/s32/sweeps/installed.tar.gz``). Rows, totals and verdict are
session 30's.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path


def _load(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


s30 = _load("s30_compare", Path(__file__).parents[1] / "s30" / "compare.py")
s29, s28 = s30.s29, s30.s28


def main(installed: Path, sweep: Path) -> None:
    """Print one row per track with the grids in ``sweep`` so far, the totals and step 3's verdict."""
    print("| track | installed racecraft | new |")
    print("|---|---|---|")
    before, now, rows = [], [], []
    for track in [*s28.SHIPPED, *s28.CIRCUITS]:
        stem = track if track in s28.SHIPPED else f"circuits-{track}"
        both = zip(s29.files(installed, stem), s29.files(sweep, stem), strict=True)
        pairs = [(o, n) for o, n in both if n.exists()]
        if not pairs:
            continue
        old, new = [o for o, _ in pairs], [n for _, n in pairs]
        before += old
        now += new
        rows.append((track, s28.summary(old), s28.summary(new)))
        print(f"| {track} | {s28.cell(rows[-1][1])} | {s28.cell(rows[-1][2])} |")
    totals = s28.summary(before), s28.summary(now)
    print(f"| **{len(now)} race pairs** | {s28.cell(totals[0])} | {s28.cell(totals[1])} |")
    missed = s30.verdict(rows, *totals)
    final = "" if len(now) == 120 else f" so far ({len(now)} of 120 race pairs)"
    print(f"step 3{final}: " + ("met" if not missed else "missed: " + "; ".join(missed)))


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
