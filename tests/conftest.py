"""Shared fixtures: small tracks built in code, so tests don't depend on shipped files."""

from __future__ import annotations

import os

import numpy as np
import pytest

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

from game.sim.track import Track  # noqa: E402


def make_oval(length_scale: float = 1.0) -> Track:
    """An oval of about 1.5 km, 12 m wide."""
    angles = np.linspace(0.0, 2.0 * np.pi, 40, endpoint=False)
    points = np.stack([300.0 * np.cos(angles), 150.0 * np.sin(angles)], axis=1) * length_scale
    return Track("Test Oval", points, np.full(40, 6.0), np.full(40, 6.0))


def make_twisty() -> Track:
    """A 2 km circuit with tighter corners and widths that vary."""
    angles = np.linspace(0.0, 2.0 * np.pi, 24, endpoint=False)
    radius = 300.0 + 70.0 * np.sin(3 * angles) + 35.0 * np.cos(5 * angles)
    points = np.stack([radius * np.cos(angles), 0.8 * radius * np.sin(angles)], axis=1)
    widths = 5.0 + 1.5 * np.sin(2 * angles)
    return Track("Test Twisty", points, widths, widths[::-1].copy())


@pytest.fixture(scope="session")
def oval_track() -> Track:
    return make_oval()


@pytest.fixture(scope="session")
def twisty_track() -> Track:
    return make_twisty()
