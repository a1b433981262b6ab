"""``python -m agents.report``: see :mod:`agents.report.cli`."""

import sys

from agents.report.cli import main

sys.exit(main())
