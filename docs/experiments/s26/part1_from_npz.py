"""A part 1 for docs/experiments/s25/part2.sh from a driver file (.npz) alone: the shipped per-track fine-tunes.

Used for the session's first three part 2 runs, before ``agents.train --init-from`` took a driver file; it now
writes what ``agents.traffic.training.starting_driver`` makes: BASE.zip (the blind stage 6 the fine-tunes started
from) with DRIVER.npz's actor mean (hidden layers and mu), the critics, log-std head and entropy coefficient the
base's. Checked: the written model's deterministic actions equal DRIVER.npz's on random observations.

Usage: PYTHONPATH=. python docs/experiments/s26/part1_from_npz.py BASE.zip DRIVER.npz OUT.zip
"""

import sys

import numpy as np

from agents.models import actor_from_model
from agents.traffic.training import starting_driver
from game.drivers.actor import load_actor


def main(base_path: str, driver_path: str, out: str) -> None:
    """Write OUT.zip and check its actions."""
    model = starting_driver(driver_path, base_path)
    driver, written = load_actor(driver_path, None), actor_from_model(model)
    observations = np.random.default_rng(0).normal(size=(256, driver.hidden[0][0].shape[0])).astype(np.float32)
    gap = max(float(np.abs(written.act(o) - driver.act(o)).max()) for o in observations)
    if gap > 1e-5:
        raise SystemExit(f"the written actor differs from {driver_path} by {gap}")
    model.save(out)
    print(f"{out}: {driver_path}'s actor (max action gap {gap:.1e}) on {base_path}'s critics")


if __name__ == "__main__":
    main(*sys.argv[1:])
