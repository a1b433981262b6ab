"""RetroRacer's simulation (physics, tracks, observation) and the pygame game built on it."""
