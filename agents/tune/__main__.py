"""``python -m agents.tune``: see :mod:`agents.tune`."""

import sys

from agents.tune.cli import main

sys.exit(main())
