"""What a training run drives on: its tracks, the vector env (one car per env, or fields in traffic), the reward."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from agents.config import TrainConfig
from game.sim.track import Track

EVAL_TRACK_SEED = 900_001  # first seed of the generated evaluation tracks (fixed, so that curves compare)
FINAL_EVAL_SEED = 20_000  # first seed of the final evaluation's episodes


def training_tracks(config: TrainConfig) -> list[Track]:
    """The fixed tracks of a run (empty: random tracks every episode)."""
    from agents.evaluate import load_track_file

    if config.track:
        return [load_track_file(config.track)]
    return [load_track_file(path) for path in config.tracks]


def evaluation_tracks(config: TrainConfig, train_tracks: list[Track]) -> list[Track]:
    """``--eval-tracks``, else the training tracks (three at most), else three generated tracks."""
    from agents.evaluate import load_track_file

    if config.eval_tracks:
        return [load_track_file(path, rules=False) for path in config.eval_tracks]  # measured as they are
    if train_tracks:
        return train_tracks[:3]
    from game.sim.track.generator import generate_track

    settings = generator_settings(config)
    return [generate_track(EVAL_TRACK_SEED + i, settings) for i in range(config.eval_generated)]


def generator_settings(config: TrainConfig) -> Any:
    """The random tracks' settings, with the config's variety."""
    from game.sim.track.generator import GeneratorSettings

    return GeneratorSettings(
        feature_mix_spread=config.track_mix_spread,
        wide_share=config.wide_track_share,
        circuit_corner_share=config.circuit_corner_share,
        width_zones=config.track_width_zones,
        brake_zone_share=config.track_brake_zone_share,
        linked_corner_share=config.linked_corner_share,
    )


def make_vec_env(
    config: TrainConfig, tracks: list[Track], observation_version: int | None = None, plain: bool = False
) -> Any:
    """``n_envs`` RetroRacerEnv (each in SB3's Monitor, for episode returns) in one vector env.

    The vector env is :class:`agents.fresh_info_vec_env.FreshInfoVecEnv`, SB3's DummyVecEnv less its deep copies.

    ``observation_version``: the layout the model reads (default: the current one; a fine-tune of a model made
    for layout v3 trains on v3 observations). ``plain``: SB3's own ``DummyVecEnv`` (``agents.bench_train``).
    """
    from stable_baselines3.common.monitor import Monitor

    from agents.env import RetroRacerEnv
    from agents.fresh_info_vec_env import FreshInfoVecEnv

    if config.traffic:
        from agents.traffic.training import make_traffic_vec_env

        return make_traffic_vec_env(config, tracks, None if tracks else generator_settings(config))
    from game.sim.observation_layout import OBSERVATION_VERSION

    def make() -> Any:
        env = RetroRacerEnv(
            tracks=tracks or None,
            randomize_track=not tracks,
            start=config.start,
            max_episode_steps=config.max_episode_steps,
            reward=reward_config(config),
            episodes_per_track=config.episodes_per_track,
            generator=None if tracks else generator_settings(config),
            grid_slots=config.grid_slots,
            standing_start_prob=config.standing_start_share,
            practice_share=config.practice_share,
            line_shift_share=config.line_shift_share,
            held_pace_share=config.held_pace_share,
            held_speed_share=config.held_speed_share,
            observation_version=observation_version or OBSERVATION_VERSION,
            line_clearance=line_clearance_of(config),
        )
        return Monitor(env)

    if plain:
        from stable_baselines3.common.vec_env import DummyVecEnv

        return DummyVecEnv([make for _ in range(config.n_envs)])
    return FreshInfoVecEnv([make for _ in range(config.n_envs)])


def line_clearance_of(config: TrainConfig) -> float:
    """The run's line clearance [m].

    ``--line-clearance``; else, for a fine-tune, the line its base was trained on (the SB3 model says, not the
    driver file, which may have been put on a wider line for the game); else the reference lap's line's.
    """
    from game.sim.observation_layout import LINE_CLEARANCE

    if config.line_clearance is not None:
        return float(config.line_clearance)
    if config.mode == "finetune" and config.base:
        from agents.models import trained_line_clearance

        return trained_line_clearance(config.base)
    return LINE_CLEARANCE


def reward_config(config: TrainConfig) -> Any:
    """The env's reward settings, with the config's overrides."""
    from agents.config import REWARD_OVERRIDES
    from agents.reward import RewardConfig

    overrides = {name: getattr(config, name) for name in REWARD_OVERRIDES if getattr(config, name) is not None}
    reward = dataclasses.replace(RewardConfig(), **overrides)
    if config.stuck_penalty is None:  # never cheaper to stop than to crash
        reward = dataclasses.replace(reward, stuck_penalty=max(reward.stuck_penalty, reward.off_track_penalty))
    return reward


def environment_settings(config: TrainConfig, observation_version: int) -> dict[str, Any]:
    """Reward, car and episode settings of the env, for the sidecar."""
    from agents.env import FRAME_SKIP
    from game.sim.observation_layout import observation_size
    from game.sim.physics import DEFAULT_CAR, PHYSICS_DT

    return {
        "observation_size": observation_size(observation_version),
        "observation_version": observation_version,
        "line_clearance": line_clearance_of(config),
        "frame_skip": FRAME_SKIP,
        "physics_dt": PHYSICS_DT,
        "start": config.start,
        "grid_slots": config.grid_slots,
        "standing_start_share": config.standing_start_share,
        "practice_share": config.practice_share,
        "line_shift_share": config.line_shift_share,
        "held_pace_share": config.held_pace_share,
        "held_speed_share": config.held_speed_share,
        "max_episode_steps": config.max_episode_steps,
        "track_generator": dataclasses.asdict(generator_settings(config)),
        "reward": dataclasses.asdict(reward_config(config)),
        "car": dataclasses.asdict(DEFAULT_CAR),
    }


def observation_version_to_train(config: TrainConfig, state: Any) -> int:
    """The observation layout of the run: the checkpoint's when resuming, the base's for a fine-tune, else current."""
    from agents.models import observation_version_of_file
    from game.sim.observation_layout import OBSERVATION_VERSION

    if state is not None:
        return observation_version_of_file(Path(config.run_dir) / state.model)
    if config.mode == "finetune" and not config.traffic:  # traffic widens the base to the current layout
        return observation_version_of_file(config.base)
    return OBSERVATION_VERSION
