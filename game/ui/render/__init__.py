"""Drawing the game with pygame: a low-resolution picture scaled up by a whole number, nearest-neighbour.

Everything draws onto a ``LOW_WIDTH`` x ``LOW_HEIGHT`` surface; the window shows it ``scale`` times larger.
The world is drawn at ``PIXELS_PER_METRE``: metres in the simulation, pixels only here.
"""

LOW_WIDTH = 480  # [px]
LOW_HEIGHT = 270  # [px]
PIXELS_PER_METRE = 3.0  # [px/m] world scale: a 4.4 m car is 13 px long
