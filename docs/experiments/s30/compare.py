"""Step 2 of RULE.md: per track, the installed racecraft's races (session 29's set) against a sweep folder's.

    PYTHONPATH=. python docs/experiments/s30/compare.py SWEEP_DIR

One row per track with the grids whose race files are in SWEEP_DIR so far (the sweep runs grid by grid over every
track), the installed racecraft's races on the same grids beside them, then the totals, in session 28's summary cells.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

_spec = importlib.util.spec_from_file_location("s29_compare", Path(__file__).parents[1] / "s29" / "compare.py")
s29 = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(s29)
s28 = s29.s28
INSTALLED = {"brands_hatch": "p2-bh", "viaduct_eight": "p2-ve", "zandvoort": "p2-zv-s2", "hungaroring": "p2-hun-p1s2"}


def installed_files(track: str, stem: str) -> list[Path]:
    """The six races of the installed driver with the installed racecraft (session 28's or 29's sweep)."""
    folder = Path(f"runs/s29/sw/{INSTALLED[track]}") if track in INSTALLED else Path("runs/s28/sw/base")
    return s29.files(folder, stem)


def main(sweep: Path) -> None:
    """Print the rows and the totals."""
    print("| track | installed racecraft | new |")
    print("|---|---|---|")
    before, now = [], []
    for track in [*s28.SHIPPED, *s28.CIRCUITS]:
        stem = track if track in s28.SHIPPED else f"circuits-{track}"
        both = zip(installed_files(track, stem), s29.files(sweep, stem), strict=True)
        pairs = [(o, n) for o, n in both if n.exists()]
        if not pairs:
            continue
        old, new = [o for o, _ in pairs], [n for _, n in pairs]
        before += old
        now += new
        print(f"| {track} | {s28.cell(s28.summary(old))} | {s28.cell(s28.summary(new))} |")
    print(f"| **{len(now)} race pairs** | {s28.cell(s28.summary(before))} | {s28.cell(s28.summary(now))} |")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
