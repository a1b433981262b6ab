"""The figure-eight's bridge: its deck covers the crossing, cars on it are told from cars under it."""

from __future__ import annotations

import numpy as np
import pygame

from game.paths import TRACKS_DIR
from game.sim.physics import new_cars
from game.sim.simulation import place_car
from game.sim.track.io import load_track
from game.ui.render.bridge import bridge_for
from game.ui.render.palette import TARMAC


def test_bridge_deck_over_the_crossing(ring_track):
    assert bridge_for(ring_track) is None
    track = load_track(TRACKS_DIR / "viaduct_eight.json")
    info = track.metadata["bridge"]
    bridge = bridge_for(track)
    assert bridge is not None and 10.0 < bridge.span < 60.0
    cars = new_cars(2)
    place_car(cars, 0, track, info["over_arc_length"])
    place_car(cars, 1, track, info["under_arc_length"])
    assert list(bridge.on_deck(cars)) == [True, False]
    # Drawn with the camera on the crossing, the deck's tarmac covers the lower road's centre there.
    pygame.display.init()
    surface = pygame.Surface((480, 270))
    surface.fill((0, 0, 0))
    x, y, _ = track.pose_at(info["under_arc_length"])
    bridge.draw(surface, (x * bridge.ppm, -y * bridge.ppm))
    pixels = pygame.surfarray.array3d(surface)
    assert tuple(pixels[240, 135]) == TARMAC
    assert np.mean(np.all(pixels == 0, axis=2)) > 0.5  # and only the deck is drawn
