"""What a sweep is: the study, the fixed training settings, the search space; one picklable record for the workers."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from agents.tune.space import Param

# The generated evaluation tracks of a sweep: seeds 800001, 800002, ... (not the training runs' 900001..., not the
# training tracks' random seeds), drawn with the shipped base's variety so that a trial that narrows the variety of
# its own training tracks is still measured on the same, varied tracks.
EVAL_TRACK_SEED = 800_001
EVAL_MIX_SPREAD = 0.3
EVAL_WIDE_SHARE = 0.3
# Settings a trial sets itself (its folder, its name); the command line may not.
TRIAL_OWNED = ("mode", "out", "run_dir", "resume", "status_file", "run_name")
# Settings that may differ between the workers of one study (they do not change what is trained).
MACHINE_LOCAL = ("progress", "torch_threads", "device", "logdir")


@dataclass(frozen=True)
class TuneSettings:
    """One sweep.

    Attributes:
        study_name: Name of the Optuna study.
        storage: Storage URL (``sqlite:///...``, ``postgresql://...``) or ``journal:PATH``.
        study_dir: Folder of the trials' run folders (``trial-<n>``) and the exported tables.
        mode: Training mode of every trial (base or finetune).
        fixed: TrainConfig settings shared by every trial (from the command line).
        space: Searched settings (empty in seeds-only mode).
        seeds_only: Every trial trains with the fixed settings and seed ``first_seed + trial number``.
        first_seed: The training seed (seeds-only: of trial 0).
        sampler: tpe or random.
        sampler_seed: Seed of the sampler (with the worker and the trials already there: see ``make_sampler``).
        pruner: median or none.
        startup_trials: Completed trials before the pruner prunes (and before TPE stops sampling at random).
        warmup_evals: Periodic evaluations of a trial before it may be pruned.
    """

    study_name: str
    storage: str
    study_dir: str
    mode: str = "base"
    fixed: dict[str, Any] = field(default_factory=dict)
    space: tuple[Param, ...] = ()
    seeds_only: bool = False
    first_seed: int = 0
    sampler: str = "tpe"
    sampler_seed: int = 0
    pruner: str = "median"
    startup_trials: int = 5
    warmup_evals: int = 1

    def identity(self) -> dict[str, Any]:
        """What every worker of one study must agree on (stored in the study, checked when it is resumed)."""
        fixed = {k: v for k, v in sorted(self.fixed.items()) if k not in MACHINE_LOCAL}
        if "eval_tracks" in fixed:  # the same tracks may lie in different folders on different machines
            fixed["eval_tracks"] = [Path(path).name for path in fixed["eval_tracks"]]
        return {
            "mode": self.mode,
            "fixed": fixed,
            "space": [p.describe() for p in self.space],
            "seeds_only": self.seeds_only,
            "first_seed": self.first_seed,
        }

    def trial_dir(self, number: int) -> Path:
        """Run folder of trial ``number``."""
        return Path(self.study_dir) / f"trial-{number}"

    def with_fixed(self, **values: Any) -> TuneSettings:
        """A copy with more fixed settings."""
        return dataclasses.replace(self, fixed={**self.fixed, **values})
