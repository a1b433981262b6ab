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

if __name__ == "__main__":
    s30.main(Path(sys.argv[2]), installed=Path(sys.argv[1]))
