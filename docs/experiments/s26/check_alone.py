"""Alone, a part 2 driver drives as the blind fine-tune it came from: every weight but the car block's is the same.

With no car around the car block reads 0, so equal weights elsewhere give equal actions (to float rounding). Prints
the largest difference of those weights and of the actions on random observations with the car block at 0.
Usage: PYTHONPATH=. python docs/experiments/s26/check_alone.py BLIND.npz SEEING.npz
"""

import sys

import numpy as np

from game.drivers.actor import load_actor
from game.sim.observation_layout import OBS_CARS

blind, seeing = (load_actor(p, None) for p in sys.argv[1:3])
weights = [(blind.hidden[0][0], seeing.hidden[0][0][:OBS_CARS]), (blind.hidden[0][1], seeing.hidden[0][1])]
for (wa, ba), (wb, bb) in zip(blind.hidden[1:], seeing.hidden[1:], strict=True):
    weights += [(wa, wb), (ba, bb)]
weights += list(zip(blind.mu, seeing.mu, strict=True))
gap = max(float(np.abs(a - b).max()) for a, b in weights)
rng = np.random.default_rng(0)
obs = rng.normal(size=(512, seeing.hidden[0][0].shape[0])).astype(np.float32)
obs[:, OBS_CARS:] = 0.0
acts = max(float(np.abs(blind.act(o[:OBS_CARS]) - seeing.act(o)).max()) for o in obs)
print(
    f"{sys.argv[2]}: weights outside the car block differ by {gap:.1e}, actions alone by {acts:.1e}, "
    f"line clearance {blind.line_clearance} / {seeing.line_clearance}"
)
