"""Per track, the installed drivers' races with the old slow car (lever-held) and the new one (80% of its own pace).

    PYTHONPATH=. python docs/experiments/s28/compare.py

Old: the twenty-fifth to twenty-seventh sessions' sweeps of the installed drivers (grids game, 1-5); new:
runs/s28/sw/base (today's racecraft, the new slow car, the same grids). One row per track: rescues (field + slow
car), all 7 past the slow car (grids of 6), passes and the share clean, the most field contacts in a race, and the
slow car's measured pace (its best lap against its own in the field race; min-max).
"""

from __future__ import annotations

import json
from pathlib import Path

CIRCUITS = [
    "BrandsHatch",
    "Budapest",
    "Catalunya",
    "Hockenheim",
    "IMS",
    "Melbourne",
    "Montreal",
    "Monza",
    "MoscowRaceway",
    "Norisring",
    "Silverstone",
    "Suzuka",
    "Zandvoort",
]
SHIPPED = {
    "brands_hatch": "p2-brands_hatch",
    "harbour_hairpins": "p2-harbour_hairpins-s2",
    "hungaroring": "p2-hungaroring",
    "kestrel_ridge": "p2-kestrel_ridge",
    "norisring": "p2-norisring",
    "viaduct_eight": "p2-viaduct_eight",
    "zandvoort": "p2-zandvoort-s2",
}
GRIDS = ["game", "1", "2", "3", "4", "5"]


def old_files(track: str) -> list[Path]:
    """The old slow car's races of the installed driver on a track, grids game and 1-5."""
    if track in SHIPPED:
        return [Path(f"runs/s26/sw/{SHIPPED[track]}/{track}-g{g}.json") for g in GRIDS]
    if track == "Suzuka":
        return [Path(f"runs/s27/sw/v4o-500k-suzuka/circuits-Suzuka-g{g}.json") for g in GRIDS]
    return [
        Path(f"runs/s25/sw/v4o-500k{'' if g in ('game', '1', '2') else '-345'}/circuits-{track}-g{g}.json")
        for g in GRIDS
    ]


def new_files(track: str) -> list[Path]:
    """The new slow car's races (runs/s28/sw/base), grids game and 1-5."""
    stem = track if track in SHIPPED else f"circuits-{track}"
    return [Path(f"runs/s28/sw/base/{stem}-g{g}.json") for g in GRIDS]


def summary(files: list[Path]) -> dict:
    """Sums and extremes over the race files that exist."""
    races = [json.loads(f.read_text()) for f in files if f.is_file()]
    own = [(r["field"]["best_lap_ratios"][0], r["slow_car"]["best_lap_ratios"][0]) for r in races]
    paces = [a / b for a, b in own if a and b]
    passes = sum(r[s]["passes"] for r in races for s in ("field", "slow_car"))
    clean = sum(r[s]["clean_passes"] for r in races for s in ("field", "slow_car"))
    return {
        "races": len(races),
        "rescues": (sum(r["field"]["rescues"] for r in races), sum(r["slow_car"]["rescues"] for r in races)),
        "all_past": sum(r["slow_car"]["rivals_past"] == 7 for r in races),
        "passes": passes,
        "clean": clean / passes if passes else float("nan"),
        "field_max": max(r["field"]["contacts"] for r in races) if races else None,
        "slow_contacts": sum(r["slow_car"]["contacts"] for r in races),
        "pace": (min(paces), max(paces)) if paces else (float("nan"), float("nan")),
    }


def cell(s: dict) -> str:
    """A summary as table cells."""
    return (
        f"{s['rescues'][0]} + {s['rescues'][1]} | {s['all_past']} of {s['races']} | {s['passes']} "
        f"({s['clean']:.0%}) | {s['field_max']} | {s['slow_contacts']} | {s['pace'][0]:.2f}-{s['pace'][1]:.2f}"
    )


def main() -> None:
    """Print the table."""
    print(
        "| track | old: rescues | all 7 past | passes (clean) | field max | slow-car contacts | its pace "
        "| new: rescues | all 7 past | passes (clean) | field max | slow-car contacts | its pace |"
    )
    print("|---" * 13 + "|")
    totals = {"old": [], "new": []}
    for track in [*SHIPPED, *CIRCUITS]:
        old, new = old_files(track), new_files(track)
        totals["old"] += old
        totals["new"] += new
        print(f"| {track} | {cell(summary(old))} | {cell(summary(new))} |")
    print(f"| **all** | {cell(summary(totals['old']))} | {cell(summary(totals['new']))} |")


if __name__ == "__main__":
    main()
