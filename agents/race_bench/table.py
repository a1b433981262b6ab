"""One markdown table from many ``python -m agents.race_bench --json`` files, a row per file, and the goals' tally.

    python -m agents.race_bench.table runs/cands/v3/*.json [--label v3] ...

Each file is one track's two races (the field race, the slow car on pole). The tally under the table counts the
races that meet issue 14's goals: all 7 rivals past the slow car, at least 90% of passes clean, at most 8 contacts
and no rescue in the field race.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

CONTACT_GOAL = 8  # at most this many contacts in the field race
CLEAN_SHARE_GOAL = 0.9  # at least this share of all passes clean
RIVALS = 7


def _laps(ratios: list[float | None]) -> str:
    known = [r for r in ratios if r is not None]
    return f"{min(known):.3f}-{max(known):.3f}" if known else "-"


def row(result: dict[str, Any], label: str) -> str:
    """The table row of one track's benchmark."""
    field, slow = result["field"], result["slow_car"]
    return (
        f"| {result['track']} | {label} | {field['contacts']} | {field['rescues']} | {field['passes']} "
        f"({field['clean_passes']}) | {_laps(field['best_lap_ratios'])} | {slow['contacts']} | {slow['rescues']} "
        f"| {slow['passes']} ({slow['clean_passes']}) | {slow['rivals_past']} | P{slow['slow_car_position']} |"
    )


def tally(results: list[dict[str, Any]]) -> dict[str, Any]:
    """How many tracks meet each goal, and the share of clean passes over every race."""
    passes = sum(r[s]["passes"] for r in results for s in ("field", "slow_car"))
    clean = sum(r[s]["clean_passes"] for r in results for s in ("field", "slow_car"))
    return {
        "tracks": len(results),
        "all_rivals_past": sum(r["slow_car"]["rivals_past"] == RIVALS for r in results),
        "field_contacts_within_goal": sum(r["field"]["contacts"] <= CONTACT_GOAL for r in results),
        "no_rescue": sum(r["field"]["rescues"] == 0 and r["slow_car"]["rescues"] == 0 for r in results),
        "passes": passes,
        "clean_passes": clean,
        "clean_share": clean / passes if passes else None,
    }


HEADER = (
    "| track | driver | field: contacts | rescues | passes (clean) | lap / ref | slow car: contacts | rescues "
    "| passes (clean) | rivals past | slow car finish |\n|---|---|---|---|---|---|---|---|---|---|---|"
)


def main(argv: list[str] | None = None) -> int:
    """Print the table of the files given; 2 when one cannot be read."""
    parser = argparse.ArgumentParser(prog="python -m agents.race_bench.table", description=__doc__.split("\n")[0])
    parser.add_argument("files", nargs="+", type=Path, help="race_bench --json outputs")
    parser.add_argument("--label", default="", help="the driver column [default: the model's folder]")
    args = parser.parse_args(argv)
    results = []
    for path in args.files:
        try:
            results.append(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, json.JSONDecodeError) as exc:
            print(f"error: {path}: {exc}", file=sys.stderr)
            return 2
    print(HEADER)
    for result in results:
        label = args.label or Path(str(result.get("model") or "-")).parent.name
        print(row(result, label))
    t = tally(results)
    share = "-" if t["clean_share"] is None else f"{t['clean_share']:.0%}"
    print(
        f"\n{t['tracks']} tracks: all 7 past the slow car on {t['all_rivals_past']}, field contacts <= "
        f"{CONTACT_GOAL} on {t['field_contacts_within_goal']}, no rescue in either race on {t['no_rescue']}; "
        f"clean passes {t['clean_passes']} of {t['passes']} ({share})"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
