"""RetroRacer's AI drivers: the Gymnasium environment, training, evaluation and model files.

Importing this package registers ``RetroRacer-v1`` (observation layout v4) with Gymnasium::

    import gymnasium as gym
    import agents  # noqa: F401  (registers the environment)

    env = gym.make("RetroRacer-v1", randomize_track=True)
"""

from gymnasium.envs.registration import register

register(id="RetroRacer-v1", entry_point="agents.env:RetroRacerEnv")
