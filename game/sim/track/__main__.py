"""``python -m game.sim.track import CIRCUIT.csv --out tracks/NAME.json``: see :mod:`game.sim.track.csv_import`."""

import sys

from game.sim.track.csv_import import main

sys.exit(main())
