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
INSTALLED = s29.INSTALLED


def installed_files(track: str, stem: str) -> list[Path]:
    """The six races of the installed driver with the installed racecraft (session 28's or 29's sweep)."""
    folder = Path(f"runs/s29/sw/{INSTALLED[track]}") if track in INSTALLED else Path("runs/s28/sw/base")
    return s29.files(folder, stem)


def verdict(rows: list[tuple[str, dict, dict]], before: dict, now: dict) -> list[str]:
    """Step 3 of RULE.md over the race pairs in: the conditions missed (none: it becomes the default)."""
    missed = []
    if sum(now["rescues"]):
        missed.append(f"rescues {now['rescues'][0]} + {now['rescues'][1]}")
    if now["all_past"] <= before["all_past"]:
        missed.append(f"all 7 past on {now['all_past']} grids, not more than {before['all_past']}")
    missed += [
        f"{t}: all 7 past on {n['all_past']}, fewer than {o['all_past']}"
        for t, o, n in rows
        if n["all_past"] < o["all_past"]
    ]
    if now["clean"] < 0.96:
        missed.append(f"{now['clean']:.1%} of passes clean, under 96%")
    missed += [f"{t}: {n['clean']:.0%} clean" for t, o, n in rows if n["clean"] < 0.90 <= o["clean"]]
    if now["field_max"] is not None and now["field_max"] > 8:
        missed.append(f"a field race with {now['field_max']} contacts")
    if now["slow_contacts"] > 1.2 * before["slow_contacts"]:
        missed.append(f"slow-car contacts {now['slow_contacts']}, over 1.2 x {before['slow_contacts']}")
    return missed


def main(sweep: Path, installed: Path | None = None) -> None:
    """Print the rows, the totals and step 3's verdict (final only with all 120 race pairs in).

    ``installed``: a sweep folder of the installed racecraft's races (default: sessions 28 and 29's, as above).
    """
    print("| track | installed racecraft | new |")
    print("|---|---|---|")
    before, now, rows = [], [], []
    for track in [*s28.SHIPPED, *s28.CIRCUITS]:
        stem = track if track in s28.SHIPPED else f"circuits-{track}"
        old_files = installed_files(track, stem) if installed is None else s29.files(installed, stem)
        both = zip(old_files, s29.files(sweep, stem), strict=True)
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
    missed = verdict(rows, *totals)
    final = "" if len(now) == 120 else f" so far ({len(now)} of 120 race pairs)"
    print(f"step 3{final}: " + ("met" if not missed else "missed: " + "; ".join(missed)))


if __name__ == "__main__":
    main(Path(sys.argv[1]))
