"""``python -m agents.tune``: the command line of the sweeps (see :mod:`agents.tune`)."""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import Any

from agents.config import add_config_arguments, config_for_mode
from agents.tune.settings import EVAL_MIX_SPREAD, EVAL_TRACK_SEED, EVAL_WIDE_SHARE, TRIAL_OWNED, TuneSettings
from agents.tune.space import build_space, parse_param, to_setting
from agents.tune.study import StudyError, default_storage, open_study, run_workers, storage_url
from game.paths import CIRCUITS_DIR, RUNS_DIR
from game.sim.track import TrackError

TUNE_MODES = ("base", "finetune")
STUDY_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
TUNE_OPTIONS = (
    "study_name",
    "storage",
    "trials",
    "jobs",
    "mode",
    "sampler",
    "sampler_seed",
    "pruner",
    "startup_trials",
    "warmup_evals",
    "seeds_only",
    "param",
    "only",
    "tune_dir",
    "export",
    "eval_mix_spread",
    "eval_wide_share",
    "show_space",
)


def build_parser() -> argparse.ArgumentParser:
    """The sweep's options, then every ``agents.train`` option (fixed for all trials) but the trial's own."""
    parser = argparse.ArgumentParser(
        prog="python -m agents.tune",
        description="Sweep training settings or seeds on Optuna; every trial trains through agents.train into "
        "runs/tune/<study>/trial-<n>. Training options given here are fixed for every trial (and leave the search).",
    )
    sweep = parser.add_argument_group("sweep")
    sweep.add_argument("--study-name", required=True, help="name of the study (and of its folder under --tune-dir)")
    sweep.add_argument(
        "--storage",
        help="database URL (sqlite:///PATH, postgresql://...), journal:PATH, or a .db / .log path; workers given "
        "the same storage and study name share the study [default: sqlite <tune-dir>/<study>/study.db]",
    )
    sweep.add_argument("--trials", type=int, default=10, help="trials to add in this run, all workers together [10]")
    sweep.add_argument("--jobs", type=int, default=1, help="worker processes on this machine [1]")
    sweep.add_argument("--mode", choices=TUNE_MODES, default="base", help="training mode of every trial [base]")
    sweep.add_argument("--sampler", choices=("tpe", "random"), default="tpe", help="Optuna sampler [tpe]")
    sweep.add_argument(
        "--sampler-seed",
        type=int,
        default=0,
        help="sampler seed (each worker and each resumption draws from its own stream) [0]",
    )
    sweep.add_argument("--pruner", choices=("median", "none"), default="median", help="Optuna pruner [median]")
    sweep.add_argument("--startup-trials", type=int, default=5, help="complete trials before pruning and TPE start [5]")
    sweep.add_argument("--warmup-evals", type=int, default=1, help="evaluations of a trial before it may be pruned [1]")
    sweep.add_argument(
        "--seeds-only",
        action="store_true",
        help="search nothing: trial n trains the fixed settings with seed --seed + n (every seed is reported; "
        "no pruning)",
    )
    sweep.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="NAME=SPEC",
        help="add or replace a searched setting: float:LOW:HIGH[:log], int:LOW:HIGH[:log] or cat:A,B,...",
    )
    sweep.add_argument("--only", nargs="+", metavar="NAME", help="search only these settings")
    sweep.add_argument("--show-space", action="store_true", help="print the search space these options give, and exit")
    sweep.add_argument("--tune-dir", default=str(RUNS_DIR / "tune"), help="folder of the studies [runs/tune]")
    sweep.add_argument(
        "--export",
        nargs="?",
        const="",
        metavar="PATH",
        help="write the trials as PATH.csv and PATH.md [default: <tune-dir>/<study>/trials]",
    )
    sweep.add_argument(
        "--eval-mix-spread",
        type=float,
        default=EVAL_MIX_SPREAD,
        help=f"track_mix_spread of the generated evaluation tracks [{EVAL_MIX_SPREAD}]",
    )
    sweep.add_argument(
        "--eval-wide-share",
        type=float,
        default=EVAL_WIDE_SHARE,
        help=f"wide_track_share of the generated evaluation tracks [{EVAL_WIDE_SHARE}]",
    )
    training = parser.add_argument_group("training (fixed for every trial; defaults of agents.train base)")
    add_config_arguments(training, "base", skip=TRIAL_OWNED)  # type: ignore[arg-type]
    return parser


def settings_from_args(tune: dict[str, Any], fixed: dict[str, Any]) -> TuneSettings:
    """The sweep's settings from the parsed options; generates the evaluation tracks of a new sweep.

    Raises:
        ValueError: Settings that cannot work (the message says which).
    """
    if not STUDY_NAME.match(tune["study_name"]):
        raise ValueError(f"--study-name must be letters, digits, '.', '_' or '-', got {tune['study_name']!r}")
    if tune["trials"] < 0 or tune["jobs"] < 1 or tune["startup_trials"] < 0 or tune["warmup_evals"] < 0:
        raise ValueError("--trials, --startup-trials and --warmup-evals must not be negative, --jobs at least 1")
    mode = tune["mode"]
    first_seed = int(fixed.pop("seed", 0))
    base_config = config_for_mode(mode, **fixed)  # raises for bad fixed settings
    fixed.setdefault("eval_every", base_config.eval_every)
    if base_config.eval_every == 0 and base_config.final_eval_episodes == 0:
        raise ValueError("a sweep measures its trials: give --eval-every > 0 or --final-eval-episodes > 0")
    space: tuple[Any, ...] = ()
    if not tune["seeds_only"]:
        overrides = [parse_param(text) for text in tune["param"]]
        space = build_space(overrides, tune["only"], fixed=fixed)
        for param in space:  # every bound and choice must make a valid config
            values = param.choices if param.kind == "cat" else (param.low, param.high)
            for value in values:
                value = int(value) if param.kind == "int" else value
                config_for_mode(mode, **{**fixed, param.name: to_setting(param.name, value)})
    study_dir = Path(tune["tune_dir"]) / tune["study_name"]
    storage = storage_url(tune["storage"]) if tune["storage"] else default_storage(study_dir)
    settings = TuneSettings(
        study_name=tune["study_name"],
        storage=storage,
        study_dir=str(study_dir),
        mode=mode,
        fixed=fixed,
        space=space,
        seeds_only=tune["seeds_only"],
        first_seed=first_seed,
        sampler=tune["sampler"],
        sampler_seed=tune["sampler_seed"],
        pruner=tune["pruner"],
        startup_trials=tune["startup_trials"],
        warmup_evals=tune["warmup_evals"],
    )
    if tune["trials"] > 0 and mode == "base" and not base_config.tracks and not base_config.eval_tracks:
        spread, wide = tune["eval_mix_spread"], tune["eval_wide_share"]
        paths = write_eval_tracks(study_dir, base_config.eval_generated, spread, wide)
        settings = settings.with_fixed(eval_tracks=[str(p) for p in paths])
    for path in base_config.eval_tracks:
        if Path(path).resolve().parent == CIRCUITS_DIR:
            print(f"note: {path} is a validation circuit: a sweep that selects on it uses it up", file=sys.stderr)
    return settings


def write_eval_tracks(study_dir: Path, count: int, mix_spread: float, wide_share: float) -> list[Path]:
    """The sweep's generated evaluation tracks as JSON files in ``<study>/eval-tracks`` (seeds 800001, ...)."""
    from game.sim.track.generator import GeneratorSettings, generate_track
    from game.sim.track.io import save_track

    generator = GeneratorSettings(feature_mix_spread=mix_spread, wide_share=wide_share)
    folder = study_dir / "eval-tracks"
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for seed in range(EVAL_TRACK_SEED, EVAL_TRACK_SEED + count):
        path = folder / f"generated-{seed}.json"
        if not path.is_file():
            save_track(generate_track(seed, generator), path)
        paths.append(path)
    return paths


def check_new_study_folder(settings: TuneSettings) -> None:
    """A study not in the storage yet must not find trial folders of an older one in its folder."""
    import optuna

    from agents.tune.study import open_storage

    names = [s.study_name for s in optuna.get_all_study_summaries(open_storage(settings.storage))]
    if settings.study_name not in names and any(Path(settings.study_dir).glob("trial-*")):
        raise StudyError(
            f"{settings.study_dir} holds trial folders of another study named {settings.study_name!r}: move them "
            f"away or give another --study-name"
        )


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status (2 for bad input, 1 if a worker failed)."""
    import optuna

    args = vars(build_parser().parse_args(argv))
    tune = {name: args.pop(name) for name in TUNE_OPTIONS}
    try:
        if tune["show_space"]:  # the space these options search: the default, --param, --only, minus fixed settings
            space = () if tune["seeds_only"] else build_space(map(parse_param, tune["param"]), tune["only"], args)
            print("\n".join(p.describe() for p in space) or "(nothing: every setting is fixed)")
            return 0
        settings = settings_from_args(tune, args)
        if tune["trials"] > 0:
            check_new_study_folder(settings)
            codes = run_workers(settings, tune["trials"], tune["jobs"])
        else:
            codes = []
        study = open_study(settings, create=False)
    except (ValueError, TrackError) as exc:  # StudyError is a ValueError
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if tune["export"] is not None:
        from agents.tune.export import export

        path = tune["export"] or Path(settings.study_dir) / "trials"
        csv_path, md_path = export(study, path)
        print(f"wrote {csv_path} and {md_path}")
    trials = study.get_trials(deepcopy=False)
    states = {s.name: sum(t.state == s for t in trials) for s in optuna.trial.TrialState}
    print(f"study {settings.study_name}: " + ", ".join(f"{n} {s.lower()}" for s, n in states.items() if n))
    if any(t.state == optuna.trial.TrialState.COMPLETE for t in trials):
        best = study.best_trial
        print(f"best: trial {best.number}, value {best.value:.4f}, params {best.params}")
    return 1 if any(codes) else 0
