"""The study: its storage, sampler and pruner, created or resumed, and the worker processes that add trials to it."""

from __future__ import annotations

import multiprocessing
import sys
from pathlib import Path
from typing import Any

from agents.tune.settings import TuneSettings

JOURNAL_PREFIX = "journal:"
SQLITE_TIMEOUT_S = 60  # how long a worker waits for another one's write to the SQLite file
IDENTITY_ATTR = "agents.tune"  # the study's user attribute holding TuneSettings.identity()


class StudyError(ValueError):
    """A storage or study that cannot be used as asked (the command line says ``error:``)."""


def default_storage(study_dir: str | Path) -> str:
    """The default storage: the SQLite file ``study.db`` in the study's folder."""
    return f"sqlite:///{Path(study_dir).resolve() / 'study.db'}"


def storage_url(text: str) -> str:
    """A storage URL from the command line: a database URL, ``journal:PATH``, a ``.log`` or a ``.db`` path.

    Raises:
        StudyError: Anything else.
    """
    if "://" in text or text.startswith(JOURNAL_PREFIX):
        return text
    if text.endswith((".log", ".journal")):
        return JOURNAL_PREFIX + text
    if text.endswith((".db", ".sqlite", ".sqlite3")):
        return f"sqlite:///{Path(text).resolve()}"
    raise StudyError(
        f"--storage wants a database URL (sqlite:///PATH, postgresql://...), journal:PATH or a .db/.log path, "
        f"got {text!r}"
    )


def open_storage(url: str) -> Any:
    """The Optuna storage of a URL (a journal file, or a database through SQLAlchemy)."""
    import optuna
    from optuna.storages.journal import JournalFileBackend, JournalStorage

    if url.startswith(JOURNAL_PREFIX):
        path = Path(url[len(JOURNAL_PREFIX) :])
        path.parent.mkdir(parents=True, exist_ok=True)
        return JournalStorage(JournalFileBackend(str(path)))
    if url.startswith("sqlite:///"):
        Path(url[len("sqlite:///") :]).parent.mkdir(parents=True, exist_ok=True)
        return optuna.storages.RDBStorage(url, engine_kwargs={"connect_args": {"timeout": SQLITE_TIMEOUT_S}})
    try:
        return optuna.storages.RDBStorage(url)
    except Exception as exc:  # SQLAlchemy's and the drivers' errors have no common base
        raise StudyError(f"cannot open storage {url}: {exc}") from exc


def make_sampler(settings: TuneSettings, worker: int = 0, n_existing: int = 0) -> Any:
    """TPE (or random), seeded from ``sampler_seed``, the worker and the trials already in the study.

    The seed takes in the trials already there so that a resumed study does not draw its first trials' settings
    again, and the worker so that workers started together do not draw the same ones. Random in seeds-only mode
    (nothing is sampled).
    """
    import numpy as np
    import optuna

    seed = int(np.random.SeedSequence([settings.sampler_seed, worker, n_existing]).generate_state(1)[0])
    if settings.sampler == "random" or settings.seeds_only:
        return optuna.samplers.RandomSampler(seed=seed)
    if settings.sampler == "tpe":
        return optuna.samplers.TPESampler(seed=seed, n_startup_trials=settings.startup_trials, constant_liar=True)
    raise StudyError(f"sampler must be tpe or random, got {settings.sampler!r}")


def make_pruner(settings: TuneSettings) -> Any:
    """Median pruner after ``startup_trials`` complete trials and ``warmup_evals`` evaluations; none for seeds."""
    import optuna

    if settings.pruner == "none" or settings.seeds_only:
        return optuna.pruners.NopPruner()
    if settings.pruner == "median":
        eval_every = int(settings.fixed.get("eval_every") or 1)
        return optuna.pruners.MedianPruner(
            n_startup_trials=settings.startup_trials, n_warmup_steps=settings.warmup_evals * eval_every
        )
    raise StudyError(f"pruner must be median or none, got {settings.pruner!r}")


def open_study(settings: TuneSettings, worker: int = 0, create: bool = True) -> Any:
    """Create the study (maximising) or load it; a loaded one must have been made with the same settings.

    Raises:
        StudyError: The study exists with other settings, or (``create=False``) does not exist.
    """
    import optuna

    storage = open_storage(settings.storage)
    existing = {s.study_name: s.n_trials for s in optuna.get_all_study_summaries(storage)}
    if settings.study_name not in existing and not create:
        raise StudyError(f"no study {settings.study_name!r} in {settings.storage}")
    study = optuna.create_study(
        storage=storage,
        sampler=make_sampler(settings, worker, existing.get(settings.study_name, 0)),
        pruner=make_pruner(settings),
        study_name=settings.study_name,
        direction="maximize",
        load_if_exists=True,
    )
    identity = settings.identity()
    stored = study.user_attrs.get(IDENTITY_ATTR)
    if stored is None and create:
        study.set_user_attr(IDENTITY_ATTR, identity)
    elif stored is not None and create and stored != identity:
        differ = sorted(k for k in identity if stored.get(k) != identity[k])
        raise StudyError(
            f"study {settings.study_name!r} was made with other settings ({', '.join(differ)}): stored "
            f"{ {k: stored.get(k) for k in differ} }, given { {k: identity[k] for k in differ} }; give the same "
            f"settings or another --study-name"
        )
    return study


def run_worker(settings: TuneSettings, n_trials: int, worker: int = 0) -> None:
    """Add ``n_trials`` trials to the study, one after another, in this process."""
    from agents.tune.objective import run_trial

    if n_trials <= 0:
        return
    study = open_study(settings, worker)
    study.optimize(lambda trial: run_trial(settings, trial), n_trials=n_trials, catch=(Exception,), gc_after_trial=True)


def _worker_main(settings: TuneSettings, n_trials: int, worker: int) -> None:
    try:
        run_worker(settings, n_trials, worker)
    except KeyboardInterrupt:
        sys.exit(130)


def run_workers(settings: TuneSettings, n_trials: int, jobs: int) -> list[int]:
    """Run ``n_trials`` trials in ``jobs`` processes (one: in this process); returns the workers' exit codes."""
    open_study(settings)  # create it once, before the workers race to
    shares = [n_trials // jobs + (1 if k < n_trials % jobs else 0) for k in range(jobs)]
    if jobs == 1:
        run_worker(settings, n_trials)
        return [0]
    context = multiprocessing.get_context("spawn")
    processes = [
        context.Process(target=_worker_main, args=(settings, share, k), name=f"tune-worker-{k}")
        for k, share in enumerate(shares)
        if share > 0
    ]
    for process in processes:
        process.start()
    try:
        for process in processes:
            process.join()
    except KeyboardInterrupt:  # the workers got the Ctrl-C too: they save their runs and stop
        for process in processes:
            process.join()
    return [int(process.exitcode or 0) for process in processes]
