"""``python -m agents.race_bench``: see :mod:`agents.race_bench.cli`."""

import sys

from agents.race_bench.cli import main

sys.exit(main())
