"""A blind driver's driving with a seeing driver's car weights, as driver files (.npz).

The graft of the twenty-fourth session without a training run (the same actor to the bit). The first layer's rows
for the car block (layout v4) come from SEEING, every other weight from BLIND; the line clearance is BLIND's (its
fine-tune drove that line).

Usage: PYTHONPATH=. python docs/experiments/s25/graft.py BLIND.npz SEEING.npz OUT.npz
"""

import sys

import numpy as np

from game.drivers.actor import Actor, load_actor, save_actor
from game.sim.observation_layout import OBS_CARS


def graft(blind: Actor, seeing: Actor) -> Actor:
    """``blind`` (layout v3) widened to ``seeing``'s layout with ``seeing``'s first-layer car-block rows."""
    (first, bias), *rest = blind.hidden
    wide = seeing.hidden[0][0]
    if first.shape[0] != OBS_CARS or wide.shape[0] <= OBS_CARS or wide.shape[1] != first.shape[1]:
        raise ValueError(f"need a blind (v3) and a seeing (v4) driver of one width: {blind!r}, {seeing!r}")
    weight = np.vstack([first, wide[OBS_CARS:]])
    metadata = {**blind.metadata, "graft_car_weights_from": seeing.metadata}
    return Actor(
        [(weight, bias), *rest], blind.mu, blind.activation, blind.action_low, blind.action_high, metadata,
        seeing.observation_version, blind.line_clearance,
    )  # fmt: skip


if __name__ == "__main__":
    blind_path, seeing_path, out = sys.argv[1:]
    save_actor(graft(load_actor(blind_path, None), load_actor(seeing_path, None)), out)
