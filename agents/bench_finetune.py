"""The editor's fine-tune, timed and judged: ``python -m agents.bench_finetune --tracks T [T ...] [--seeds S ...]``.

Issue 15 asks the editor's fine-tune, at its default, for 100% of laps at 1.06 times the reference lap or better,
in at most 5 minutes on a machine where plain SAC (``python -m agents.bench_train 1:1:1:1:plain``) runs 120 steps/s.
Machines differ, so this measures that yardstick here, before and after, runs ``python -m agents.train finetune``
on each track and seed (as the editor does, plus ``--seed`` and an 8-episode final evaluation from every grid slot),
and prints each run's laps, ratio and wall time, the time scaled to the yardstick (wall x yardstick / 120) and
whether it meets the goal. Options after ``--`` go to ``agents.train`` (for instance ``-- --steps 800000``).

``--parallel 2`` runs two fine-tunes at a time (sooner, each on a core; the times then include each other's load);
the default runs one at a time, as the editor does. Every run's model, sidecar and log stay in ``--out``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

YARDSTICK_RATE = 120.0  # [env steps/s] plain SAC on the machine issue 15's 5 minutes are for
GOAL_RATIO = 1.06
GOAL_MINUTES = 5.0
FINAL_EVAL_EPISODES = 8  # one per grid slot


@dataclass(frozen=True)
class FinetuneRun:
    """One timed fine-tune and its final evaluation."""

    track: str
    seed: int
    returncode: int
    wall_s: float
    completion_rate: float | None = None
    ratio: float | None = None

    def minutes_at_yardstick(self, yardstick: float) -> float:
        """The run's time on a machine where plain SAC runs :data:`YARDSTICK_RATE` steps/s [min]."""
        return self.wall_s * yardstick / YARDSTICK_RATE / 60.0

    def meets_goal(self, yardstick: float) -> bool:
        """100% of laps, the ratio at most :data:`GOAL_RATIO`, within :data:`GOAL_MINUTES` at the yardstick."""
        return (
            self.returncode == 0
            and self.completion_rate == 1.0
            and self.ratio is not None
            and self.ratio <= GOAL_RATIO
            and self.minutes_at_yardstick(yardstick) <= GOAL_MINUTES
        )


def measure_yardstick(repeats: int) -> float:
    """Plain SAC's env steps/s here: ``agents.bench_train``'s ``1:1:1:1:plain`` (SB3's own update), a median.

    Plain: the yardstick is SB3's SAC as issue 15 defines it, not ours (:func:`agents.sac.fast_updates`).
    """
    from agents.bench_train import Setting, measure

    ((_setting, _ratio, rates),) = measure([Setting.parse("1:1:1:1:plain")], repeats=repeats)
    return statistics.median(rates)


def _run_dir(out: Path, track: str, seed: int) -> Path:
    """The folder of one run (its model, sidecar and checkpoints); its log is beside it, ``<folder>.log``."""
    return out / f"{Path(track).stem}-seed{seed}"


def _command(track: str, seed: int, out: Path, extra: list[str]) -> list[str]:
    run_dir = _run_dir(out, track, seed)
    return [
        sys.executable, "-m", "agents.train", "finetune", "--track", track, "--seed", str(seed),
        "--final-eval-episodes", str(FINAL_EVAL_EPISODES), "--no-progress", "--logdir", "",
        "--run-dir", str(run_dir), "--out", str(run_dir / f"{Path(track).stem}.zip"),
        *extra,
    ]  # fmt: skip


def _finished(track: str, seed: int, out: Path, returncode: int, wall_s: float) -> FinetuneRun:
    sidecar = _run_dir(out, track, seed) / f"{Path(track).stem}.json"
    try:
        (evaluation,) = json.loads(sidecar.read_text())["evaluation"]
    except (OSError, ValueError, KeyError, TypeError):
        return FinetuneRun(track, seed, returncode or 1, wall_s)
    return FinetuneRun(track, seed, returncode, wall_s, evaluation["completion_rate"], evaluation["ratio"])


def run_finetunes(jobs: list[tuple[str, int]], out: Path, extra: list[str], parallel: int) -> list[FinetuneRun]:
    """Run ``agents.train finetune`` for each (track, seed), ``parallel`` at a time; logs go to ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    waiting, running, done = list(jobs), [], {}
    while waiting or running:
        while waiting and len(running) < parallel:
            track, seed = waiting.pop(0)
            run_dir = _run_dir(out, track, seed)
            log = run_dir.with_name(run_dir.name + ".log").open("w")
            process = subprocess.Popen(_command(track, seed, out, extra), stdout=log, stderr=subprocess.STDOUT)
            running.append((track, seed, process, time.perf_counter(), log))
        time.sleep(0.2)
        for entry in [entry for entry in running if entry[2].poll() is not None]:
            track, seed, process, started, log = entry
            log.close()
            running.remove(entry)
            done[track, seed] = _finished(track, seed, out, process.returncode, time.perf_counter() - started)
    return [done[job] for job in jobs]


def _table(runs: list[FinetuneRun], yardstick: float) -> str:
    lines = [f"{'track':<24} {'seed':>4} {'laps':>6} {'ratio':>6} {'wall':>7} {'at 120':>8}  goal"]
    for run in runs:
        laps = "-" if run.completion_rate is None else f"{run.completion_rate:.0%}"
        ratio = "-" if run.ratio is None else f"{run.ratio:.3f}"
        at = run.minutes_at_yardstick(yardstick)
        verdict = "met" if run.meets_goal(yardstick) else ("failed" if run.returncode else "not met")
        name = Path(run.track).stem
        lines.append(f"{name:<24} {run.seed:>4} {laps:>6} {ratio:>6} {run.wall_s:>6.0f}s {at:>6.1f} min  {verdict}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Time and judge the default fine-tune on the given tracks and seeds; 0 when every run finished."""
    argv = list(sys.argv[1:] if argv is None else argv)
    extra = argv[argv.index("--") + 1 :] if "--" in argv else []
    argv = argv[: argv.index("--")] if "--" in argv else argv
    parser = argparse.ArgumentParser(prog="python -m agents.bench_finetune", description=__doc__.split("\n\n")[0])
    parser.add_argument("--tracks", nargs="+", required=True, help="track JSONs or racetrack-database circuit CSVs")
    parser.add_argument("--seeds", nargs="+", type=int, default=[1], help="seeds of each track's runs [default: 1]")
    parser.add_argument("--parallel", type=int, default=1, help="fine-tunes at a time [default: 1]")
    parser.add_argument("--out", type=Path, default=None, help="runs folder [default: runs/bench_finetune/<time>]")
    parser.add_argument("--yardstick", type=float, default=None, help="plain SAC steps/s here, if already known")
    parser.add_argument("--yardstick-repeats", type=int, default=5, help="chunks of the yardstick [default: 5]")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of the table")
    args = parser.parse_args(argv)
    missing = [track for track in args.tracks if not Path(track).is_file()]
    if missing or args.parallel < 1 or min(args.seeds) < 0 or (args.yardstick is not None and args.yardstick <= 0):
        rules = "--parallel must be at least 1, --seeds not negative, --yardstick positive"
        problem = f"no such track file: {missing[0]}" if missing else rules
        print(f"error: {problem}", file=sys.stderr)
        return 2
    from game.paths import RUNS_DIR

    out = args.out or Path(RUNS_DIR) / "bench_finetune" / time.strftime("%Y%m%d-%H%M%S")
    before = args.yardstick or measure_yardstick(args.yardstick_repeats)
    runs = run_finetunes([(track, seed) for track in args.tracks for seed in args.seeds], out, extra, args.parallel)
    after = args.yardstick or measure_yardstick(args.yardstick_repeats)
    yardstick = statistics.mean([before, after])
    if args.json:
        rows = [{**asdict(run), "minutes_at_yardstick": run.minutes_at_yardstick(yardstick)} for run in runs]
        print(json.dumps({"yardstick": yardstick, "yardstick_before": before, "yardstick_after": after,
                          "train_options": extra, "parallel": args.parallel, "runs": rows}, indent=1))  # fmt: skip
    else:
        print(
            f"plain SAC here: {before:.0f} steps/s before, {after:.0f} after; 'at 120' = wall x {yardstick:.0f} / 120"
        )
        print(f"goal: 100% of laps, ratio <= {GOAL_RATIO}, <= {GOAL_MINUTES:.0f} min at 120; runs in {out}")
        print(_table(runs, yardstick))
    return 0 if all(run.returncode == 0 for run in runs) else 1


if __name__ == "__main__":
    raise SystemExit(main())
