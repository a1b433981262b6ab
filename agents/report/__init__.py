"""The results report: every model on its tracks, the bar with PASS/FAIL per row, learning curves, training cost.

Usage::

    python -m agents.report [--episodes N] [--quick] [--models DIR] [--tracks DIR] [--circuits DIR]
                            [--out docs/RESULTS.md] [--images DIR] [--seed S] [--check]

It writes ``docs/RESULTS.md`` and PNG learning curves in ``docs/images/`` (both atomically), measured now with
:func:`agents.evaluate.evaluate`:

* the base model (``MODELS/base.npz``) on every shipped track (``tracks/*.json``) and every validation
  circuit (``tracks/circuits/*.csv``, a copy of the shared set); base trains on random tracks only, so all of
  them are unseen;
* each fine-tuned model (``MODELS/tracks/<stem>.npz``) on its own track, beside the base model's numbers there;
* the learning curves of ``<model>.curve.csv`` (lap completion and ratio to the reference lap against wall-clock
  minutes and env steps);
* from each ``<model>.json`` sidecar: steps, wall time, env steps/s, machine, the command line that trained it;
* the bar: the base model completes at least 95 % of laps on every shipped track and every validation circuit;
  each fine-tuned model's best flying lap is within 10 % of the reference lap on its own track (aim 5 %).

A missing or unreadable model, sidecar, curve or track is reported as such in the markdown, never a crash, and a
bar row without a measurement reads MISSING, not PASS. ``--check`` exits with status 1 unless every row passes.

The package: ``records`` holds what is measured and the bar (:func:`~agents.report.records.bar_rows`),
``collect`` measures, ``markdown`` writes the text, ``plots`` reads the curves and draws the PNGs, ``cli`` is the
command line.
"""
