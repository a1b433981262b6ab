"""``python -m agents.track_stats``: see :mod:`agents.track_stats`."""

import sys

from agents.track_stats.cli import main

sys.exit(main())
