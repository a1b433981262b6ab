"""One markdown table from many ``python -m agents.race_bench --json`` files, a row per file, and the goals' tally.

    python -m agents.race_bench.table runs/cands/v3/*.json [--label v3] ...
    python -m agents.race_bench.table --summary runs/cands/v3 runs/cands/stage2 ...   (one row per folder)

Each file is one track's two races (the field race, the slow car on pole). The tally under the table counts the
races that meet issue 14's goals: all 7 rivals past the slow car, at least 90% of passes clean, at most 8 contacts
and no rescue in the field race.
"""

from __future__ import annotations

import argparse
import json
import statistics
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
        f"| {slow['passes']} ({slow['clean_passes']}) | {slow['rivals_past']} | P{slow['slow_car_position']} "
        f"| {_share(slow.get('slow_car_pace'))} |"
    )


def _share(value: float | None) -> str:
    """A share as a percentage; "-" where it is unknown (no lap, or a file from before it was measured)."""
    return "-" if value is None else f"{value:.0%}"


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


def clean_share_text(counts: dict[str, Any]) -> str:
    """A tally's share of clean passes as a percentage, or "-" when there was no pass."""
    return "-" if counts["clean_share"] is None else f"{counts['clean_share']:.0%}"


SUMMARY_HEADER = (
    "| driver | races | field: contacts, median (max) | races <= 8 | rescues | slow car: contacts, median "
    "| rescues | rivals past, mean | all 7 past | passes | clean |\n|---|---|---|---|---|---|---|---|---|---|---|"
)


def summary_row(results: list[dict[str, Any]], label: str) -> str:
    """One row for a driver over many races: medians, sums and the goals' counts."""
    field = [r["field"]["contacts"] for r in results]
    slow = [r["slow_car"]["contacts"] for r in results]
    past = [r["slow_car"]["rivals_past"] for r in results]
    t = tally(results)
    share = clean_share_text(t)
    return (
        f"| {label} | {len(results)} | {statistics.median(field):g} ({max(field)}) "
        f"| {t['field_contacts_within_goal']} | {sum(r['field']['rescues'] for r in results)} "
        f"| {statistics.median(slow):g} | {sum(r['slow_car']['rescues'] for r in results)} "
        f"| {statistics.mean(past):.2f} | {t['all_rivals_past']} | {t['passes']} | {share} |"
    )


def _read(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


HEADER = (
    "| track | driver | field: contacts | rescues | passes (clean) | lap / ref | slow car: contacts | rescues "
    "| passes (clean) | rivals past | slow car finish | its pace |\n|---|---|---|---|---|---|---|---|---|---|---|---|"
)


def main(argv: list[str] | None = None) -> int:
    """Print the table of the files given; 2 when one cannot be read."""
    parser = argparse.ArgumentParser(prog="python -m agents.race_bench.table", description=__doc__.split("\n")[0])
    parser.add_argument("files", nargs="+", type=Path, help="race_bench --json outputs (folders of them: --summary)")
    parser.add_argument("--label", default="", help="the driver column [default: the model's folder]")
    parser.add_argument("--summary", action="store_true", help="one row per folder of .json files, over its races")
    args = parser.parse_args(argv)
    try:
        if args.summary:
            groups = {path.name: [_read(f) for f in sorted(path.glob("*.json"))] for path in args.files}
        else:
            results = [_read(path) for path in args.files]
    except (OSError, json.JSONDecodeError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.summary:
        empty = [name for name, rows in groups.items() if not rows]
        if empty:
            print(f"error: no .json files in {', '.join(empty)}", file=sys.stderr)
            return 2
        print(SUMMARY_HEADER)
        for name, rows in groups.items():
            print(summary_row(rows, name))
        return 0
    print(HEADER)
    for result in results:
        label = args.label or Path(str(result.get("model") or "-")).parent.name
        print(row(result, label))
    t = tally(results)
    share = clean_share_text(t)
    print(
        f"\n{t['tracks']} tracks: all 7 past the slow car on {t['all_rivals_past']}, field contacts <= "
        f"{CONTACT_GOAL} on {t['field_contacts_within_goal']}, no rescue in either race on {t['no_rescue']}; "
        f"clean passes {t['clean_passes']} of {t['passes']} ({share})"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
