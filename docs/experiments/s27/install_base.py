"""Install v4-o 500k's driver file as the game's base (docs/experiments/s27/RULE.md), if the rule is met.

``assets/models/base.npz`` becomes v4-o 500k's actor exported on the 1.0 m line (layout v4: it sees the cars; every
weight outside the car block is stage 6's to the bit). ``base.zip`` stays stage 6: fine-tunes start from it and stay
blind. ``base.json`` keeps describing the zip and records the new driver file under ``driver_reissue`` (as the
first session's re-issue on the 1.0 m line did), with the command and settings that made it and the previous file's
SHA-256. Usage: PYTHONPATH=. python docs/experiments/s27/install_base.py   (from the repository root)
"""

import json
from datetime import UTC, datetime
from pathlib import Path

from game.sim.files import atomic_write_bytes, atomic_write_text
from game.sim.identity import file_sha256

CHECKPOINT = Path("runs/s25/v4-o/run/ckpt_000500000.json")
DRIVER = Path("runs/s25/models/v4o-500k/base.npz")
SHIPPED = Path("assets/models")

made = json.loads(CHECKPOINT.read_text())
sidecar_path = SHIPPED / "base.json"
sidecar = json.loads(sidecar_path.read_text())
previous = file_sha256(SHIPPED / "base.npz")
sidecar["driver_reissue"] = {
    "created": datetime.now(UTC).isoformat(timespec="seconds"),
    "command": f"python -m agents.export {CHECKPOINT.with_suffix('.zip')} --out {DRIVER.parent} --line-clearance 1.0",
    "what": (
        "base.npz: layout v4 (it sees the cars around it), v4-o's actor at step 500k: stage 6's driving weights to the "
        "bit and the first layer's weights from the cars learnt in 500k steps of traffic (--keep-driving), on the "
        "1.0 m line; alone it drives as stage 6. base.zip is unchanged (stage 6, blind): fine-tunes start from it."
    ),
    "why": (
        "docs/experiments/s27/RULE.md: on 12 circuits x 3 grids no candidate had raced, issue 14's goals in every race "
        "and contacts in all over 9 grids within 1.10 x stage 6's (docs/RACING.md, twenty-seventh session)."
    ),
    "made_by": {key: made[key] for key in ("command", "run_name", "config", "versions")},
    "made_by_steps": made["num_timesteps"],
    "made_by_wall_time_s": made["wall_time_s"],
    "previous_npz_sha256": previous,
}
atomic_write_bytes(SHIPPED / "base.npz", DRIVER.read_bytes())
sidecar["files"]["npz_sha256"] = file_sha256(SHIPPED / "base.npz")
atomic_write_text(sidecar_path, json.dumps(sidecar, indent=2) + "\n")
print(f"installed {DRIVER} as {SHIPPED / 'base.npz'} (was {previous[:12]}); {sidecar_path} updated")
