"""Session 33: a model (or a soup of checkpoints) on the 15 validation circuits, as a base run's final evaluation.

Usage, from the repository root:
    PYTHONPATH=. python docs/experiments/s33/circuit_eval.py NAME=MODEL.zip[,MODEL.zip...] [...] [--out results.jsonl]

A NAME with several models is a uniform soup of them (``agents.soup``), made under runs/s33/soups/NAME. Each line
printed: circuits lapped in full (>= 95% of laps), the median best-lap ratio (a circuit not lapped in full counts
as the worst), the goal of issue 15 (every circuit, median <= 1.12), and the circuits missed.
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import time
from pathlib import Path

CIRCUITS = "BrandsHatch Budapest Catalunya Hockenheim IMS Melbourne Montreal Monza MoscowRaceway Norisring Shanghai "
CIRCUITS += "Silverstone Suzuka YasMarina Zandvoort"


def main() -> None:
    """Evaluate each NAME=MODEL[,MODEL...] given on the command line."""
    from agents.evaluate import load_track_file
    from agents.install import final_evaluation
    from agents.models import actor_from_model, load_sb3
    from agents.soup import make_soup

    parser = argparse.ArgumentParser()
    parser.add_argument("models", nargs="+")
    parser.add_argument("--out", default=None)
    parser.add_argument("--episodes", type=int, default=8)
    parser.add_argument("--tracks", nargs="+", default=None, help="track files instead of the 15 circuits")
    parser.add_argument("--line-clearance", type=float, default=1.0, help="the recipe's --drive-line-clearance")
    args = parser.parse_args()
    files = args.tracks or [f"tracks/circuits/{name}.csv" for name in CIRCUITS.split()]
    tracks = [load_track_file(path, rules=False) for path in files]
    for spec in args.models:
        name, _, paths = spec.partition("=")
        parts = paths.split(",")
        started = time.perf_counter()
        if len(parts) > 1:
            soup = Path("runs/s33/soups") / name / "base.zip"
            if not soup.exists():
                make_soup(parts, soup)
            path = soup
        else:
            path = Path(parts[0])
        driver = actor_from_model(load_sb3(path, device="cpu"), line_clearance=args.line_clearance)
        evaluation = final_evaluation(driver, tracks, args.episodes)
        laps = [ev["completion_rate"] for ev in evaluation]
        ratios = [
            ev["ratio"] if rate >= 0.95 and ev["ratio"] is not None else math.inf
            for ev, rate in zip(evaluation, laps, strict=True)
        ]
        lapped = sum(rate >= 0.95 for rate in laps)
        median = statistics.median(ratios)
        missed = [f"{ev['track']} {rate:.1%}" for ev, rate in zip(evaluation, laps, strict=True) if rate < 0.95]
        goal = lapped == len(tracks) and median <= 1.12
        print(
            f"{name}: {lapped}/{len(tracks)} median {median:.3f} range {min(ratios):.3f}-{max(ratios):.3f} "
            f"{'MET' if goal else 'not met'} {' '.join(missed)} ({time.perf_counter() - started:.0f} s)",
            flush=True,
        )
        if args.out:
            with open(args.out, "a") as out:
                out.write(
                    json.dumps(
                        {
                            "name": name,
                            "models": parts,
                            "lapped": lapped,
                            "median": median,
                            "goal": goal,
                            "evaluation": evaluation,
                        }
                    )
                    + "\n"
                )


if __name__ == "__main__":
    main()
