"""A run's evaluations, one line each: ``python -m agents.report.curve RUN.curve.csv [...]``.

For every evaluation of a training run's curve (``<out stem>.curve.csv``, written as it trains): the share of all
laps completed, the median best-lap ratio over the tracks with a track not lapped in full counted as the worst (as
``docs/BASE.md`` counts), whether issue 15's base goal is met there (every track at least 95% of its laps, median at
most 1.12, as ``--keep-goal-median`` keeps), and the tracks not lapped in full. Reads while the run goes on.
"""

from __future__ import annotations

import argparse
import math
import statistics
import sys
from dataclasses import dataclass
from pathlib import Path

from agents.report.plots import REQUIRED_COLUMNS, CurveError, curve_rows

GOAL_LAPS = 0.95  # of each track's laps (agents.callbacks.evaluation.GOAL_TRACK_LAPS)
GOAL_RATIO = 1.12


@dataclass(frozen=True)
class Evaluation:
    """One periodic evaluation of a run over its evaluation tracks."""

    steps: int
    laps: float  # share of all laps completed (every track the same number of episodes)
    median: float  # median best-lap ratio, a track not lapped in full counted as the worst (inf)
    missed: tuple[str, ...]  # tracks not lapped in full, with their share
    worst: float = 1.0  # the lowest share of laps completed on one track

    @property
    def meets_goal(self) -> bool:
        """Issue 15's base goal: every track at least 95% of its laps and a median ratio of at most 1.12."""
        return self.worst >= GOAL_LAPS and self.median <= GOAL_RATIO


def read_curve(path: Path) -> list[Evaluation]:
    """The evaluations of one curve file, in step order.

    Raises:
        CurveError: A file that cannot be read as a training curve.
    """
    evaluations = []
    for steps, tracks in curve_rows(path, (*REQUIRED_COLUMNS, "track", "ratio")):
        try:
            completion = [float(row["completion_rate"]) for row in tracks]
            pairs = list(zip(tracks, completion, strict=True))
            ratios = [float(row["ratio"]) if rate >= 1.0 else math.inf for row, rate in pairs]
        except ValueError as error:
            raise CurveError(f"{path}, at {steps} steps: {error}") from None
        missed = tuple(f"{row['track']} {rate:.0%}" for row, rate in pairs if rate < 1.0)
        evaluations.append(
            Evaluation(steps, statistics.fmean(completion), statistics.median(ratios), missed, min(completion))
        )
    return evaluations


def main(argv: list[str] | None = None) -> int:
    """Print every evaluation of each curve; 2 on a file that cannot be read as one."""
    parser = argparse.ArgumentParser(prog="python -m agents.report.curve", description=__doc__.splitlines()[0])
    parser.add_argument("curves", nargs="+", type=Path, help="training curve files (<out stem>.curve.csv)")
    args = parser.parse_args(argv)
    for path in args.curves:
        try:
            evaluations = read_curve(path)
        except CurveError as error:
            print(f"error: {error}", file=sys.stderr)
            return 2
        print(f"{path}: {len(evaluations)} evaluations")
        for e in evaluations:
            goal = "goal" if e.meets_goal else "    "
            print(f"  {e.steps:>9,}  laps {e.laps:6.1%}  median {e.median:6.3f}  {goal}  {', '.join(e.missed)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
