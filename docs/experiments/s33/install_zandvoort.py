"""Install Zandvoort's stage-7 driver (docs/experiments/s33/RULE.md, 03:36 UTC): part 2 of the polish of part 1.

``assets/models/tracks/zandvoort.{npz,json}`` become part 2's (``runs/s33/zv/p2``); the sidecars and curves it replaces
or grew from go to ``tracks/history/``: stage 5 the driver installed in session 29 (its sidecar), stage 6 part 1 from
stage 7 (``runs/s33/zv/p1``), stage 7 its polish (``runs/s33/zv/pol``). All files together, the replaced kept in
``assets/models/backup/``. Usage, from the repository root:
PYTHONPATH=. python docs/experiments/s33/install_zandvoort.py
"""

from pathlib import Path

from game.sim.files import install_together

TRACKS = Path("assets/models/tracks")
HISTORY = TRACKS / "history"
P1, POLISH, P2 = Path("runs/s33/zv/p1"), Path("runs/s33/zv/pol"), Path("runs/s33/zv/p2")

install_together(
    {
        HISTORY / "zandvoort-stage5.json": TRACKS / "zandvoort.json",
        HISTORY / "zandvoort-stage6.json": P1 / "zandvoort.json",
        HISTORY / "zandvoort-stage6.curve.csv": P1 / "zandvoort.curve.csv",
        HISTORY / "zandvoort-stage7.json": POLISH / "zandvoort.json",
        HISTORY / "zandvoort-stage7.curve.csv": POLISH / "zandvoort.curve.csv",
        TRACKS / "zandvoort.json": P2 / "zandvoort.json",
        TRACKS / "zandvoort.npz": P2 / "zandvoort.npz",  # the file the game loads, last
    },
    backup_dir=Path("assets/models/backup"),
)
print(f"installed {P2 / 'zandvoort.npz'} as {TRACKS / 'zandvoort.npz'}")
