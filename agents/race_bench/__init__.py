"""The race benchmark (issue 14): how today's rivals race each other, counted on the project's own ``Race``.

Usage::

    python -m agents.race_bench --track TRACK [--laps 2] [--difficulty hard] [--seed S] [--json] [--plot OUT.png]
    python -m agents.race_bench --track TRACK --levels [--laps 2] [--seed S] [--json]

TRACK is a track JSON or a racetrack-database circuit CSV; the cars are driven by the model the game would use
there (the track's fine-tuned model, else the base model). Two races, headless, no pygame
(:mod:`agents.race_bench.scenarios`): an 8-car all-AI field race, and the same race with the pole car held to 80 %
of the difficulty's pace. For each it prints contacts (bumps: one per pair of cars per touch, and the raw contact
events of ``Race``), rescues (why and where), passes and clean passes, each car's best lap against the reference
lap, and for the slow-car race how many of the 7 rivals got past the slow car and where it finished. The
definitions are in :mod:`agents.race_bench.counting`; the baseline of today's rivals is ``docs/RACING.md``.

``--json`` prints one JSON object: the track, driver and settings, then ``field`` and ``slow_car``, each with
``contacts``, ``contact_events``, ``rescues``, ``passes``, ``clean_passes``, ``best_lap_ratios`` (per car, by grid
slot), ``positions``, and logs of every contact, pass and rescue (where on the lap, off the track or stuck, and
whether a contact came in the 2 s before: a knock, not the driving); ``slow_car`` adds ``rivals_past`` (of 7),
``rivals_ever_ahead`` and ``slow_car_position`` (1-8). ``--plot`` draws race position over time for both races
(:mod:`agents.race_bench.plots`). ``--levels`` runs the field race once at each difficulty instead and prints each
car's best lap against the reference per level, with its character's two paces (:mod:`game.sim.characters`);
with ``--json``, one object whose ``levels`` holds each difficulty's field result. A missing or broken track,
or ``--laps`` out of 1..20, prints an ``error:`` line and exits with status 2.

The package: ``record`` runs and records a race, ``counting`` holds the counters (pure functions over a record),
``scenarios`` the two races and their results, ``plots`` the picture, ``cli`` the command line.
"""
