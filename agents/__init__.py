"""RetroRacer's AI drivers: the Gymnasium environment, training, evaluation and model files.

Importing this package registers ``RetroRacer-v0`` with Gymnasium::

    import gymnasium as gym
    import agents  # noqa: F401  (registers the environment)

    env = gym.make("RetroRacer-v0", randomize_track=True)
"""

from gymnasium.envs.registration import register

register(id="RetroRacer-v0", entry_point="agents.env:RetroRacerEnv")
