"""Hyperparameter and seed sweeps on Optuna, in the manner of rl-baselines3-zoo's ``--optimize``.

Usage::

    python -m agents.tune --study-name lr-batch --trials 20 --jobs 2 --steps 400000 --eval-every 100000
    python -m agents.tune --study-name seeds --seeds-only --trials 3 --steps 2600000 --track-mix-spread 0.3
    python -m agents.tune --study-name lr-batch --trials 0 --export          # only write the table
    python -m agents.tune --help                                              # every option

Each trial trains through ``agents.train.train`` (the same code path as ``python -m agents.train``) into its own
folder ``runs/tune/<study>/trial-<n>``, never into ``assets/models``. The study lives in a storage: by default
the SQLite file ``runs/tune/<study>/study.db``; ``--storage`` takes any Optuna database URL
(``postgresql://...``, ``sqlite:///path``) or a journal file (``journal:PATH`` or a path ending in ``.log``), so
several worker processes (``--jobs``), and workers on other machines given the same ``--storage`` and
``--study-name``, add trials to one study. Running the command again resumes the study.

* :mod:`agents.tune.space`: the search space, in one place, and the ``--param`` grammar that overrides it.
* :mod:`agents.tune.objective`: a trial's config, its training run, the value, pruning on the periodic evaluation.
* :mod:`agents.tune.study`: storage, sampler (TPE, seeded), pruner (median), worker processes.
* :mod:`agents.tune.export`: the trials as a CSV and a markdown table.
* :mod:`agents.tune.cli`: the command line.
"""
