"""Held-pace practice: a share of the episodes holds the car as the game holds a slower rival or the slow car."""

from __future__ import annotations

import numpy as np
import pytest

from agents.config import config_for_mode
from agents.env import HELD_PACE, RetroRacerEnv
from agents.run_env import environment_settings, make_vec_env
from game.sim.physics import CAR_VX
from game.sim.simulation import place_car

FULL_THROTTLE = np.array([0.0, 1.0], dtype=np.float32)


def _top_speed(env: RetroRacerEnv, seed: int, steps: int = 400) -> tuple[float, float]:
    """(this episode's pace, the highest speed flat out down the oval's straight from the grid)."""
    env.reset(seed=seed, options=None)
    top = 0.0
    for _ in range(steps):
        *_, terminated, truncated, info = env.step(FULL_THROTTLE)
        top = max(top, info["speed"])
        if terminated or truncated:
            break
    return env.pace, top


def test_a_held_episode_is_slower_flat_out_and_a_free_one_is_not(oval_track):
    free = RetroRacerEnv(track=oval_track, start="grid")
    held = RetroRacerEnv(track=oval_track, start="grid", held_pace_share=1.0)
    pace_free, top_free = _top_speed(free, seed=3)
    pace_held, top_held = _top_speed(held, seed=3)
    assert pace_free == 1.0
    assert HELD_PACE[0] <= pace_held <= HELD_PACE[1]
    assert top_held < top_free - 2.0  # the throttle is capped at pace**3 and lifted over the pace limit


def test_the_brakes_stay_the_drivers(oval_track):
    """Braking is never held: the same braking from 40 m/s slows a held car exactly as a free one."""
    states = []
    for share in (0.0, 1.0):
        env = RetroRacerEnv(track=oval_track, start="grid", held_pace_share=share)
        env.reset(seed=5)
        place_car(env.cars, 0, oval_track, 100.0, 0.0, 40.0, 0.0)
        for _ in range(30):
            env.step(np.array([0.0, -1.0], dtype=np.float32))
        states.append(env.cars[0].copy())
    assert states[0][CAR_VX] < 35.0  # it did brake
    np.testing.assert_array_equal(states[0], states[1])


def test_the_share_of_held_episodes_and_none_when_an_episode_is_asked_for(oval_track):
    env = RetroRacerEnv(track=oval_track, held_pace_share=0.5)
    paces = []
    for k in range(200):
        env.reset(seed=k)
        paces.append(env.pace)
    held = np.array(paces) < 1.0
    assert 0.35 < held.mean() < 0.65
    assert len(set(np.round(np.array(paces)[held], 6))) > 50  # drawn, not one pace
    for k in range(20):
        env.reset(seed=k, options={"start": "grid"})  # an evaluation: the car's all
        assert env.pace == 1.0


def test_bad_share():
    with pytest.raises(ValueError, match="held_pace_share"):
        RetroRacerEnv(randomize_track=True, held_pace_share=1.5)
    with pytest.raises(ValueError, match="held_pace_share"):
        config_for_mode("base", held_pace_share=-0.1)
    with pytest.raises(ValueError, match="held_pace_share"):
        config_for_mode("base", held_pace_share=0.3, traffic=True)


def test_the_share_reaches_the_env_and_the_sidecar_settings():
    config = config_for_mode("base", n_envs=1, held_pace_share=0.3)
    venv = make_vec_env(config, [])
    assert venv.envs[0].unwrapped.held_pace_share == 0.3
    venv.close()
    assert environment_settings(config, 4)["held_pace_share"] == 0.3
    assert config_for_mode("base").held_pace_share == 0.0  # off unless asked for


# -- speed-held practice: the speed held to a share of the line's limit speed, braking when over ----------------------
def test_a_speed_held_episode_brakes_down_to_its_share_of_the_line_speed(oval_track):
    from agents.env import HELD_SPEED
    from game.sim.physics import CAR_SEGMENT, CAR_VY
    from game.sim.racing_line import LINE_LIMIT_SPEED, line_table

    env = RetroRacerEnv(track=oval_track, start="grid", held_speed_share=1.0)
    env.reset(seed=4)
    assert HELD_SPEED[0] <= env.speed_hold <= HELD_SPEED[1] and env.pace == 1.0
    place_car(env.cars, 0, oval_track, 100.0, 0.0, 60.0, 0.0)  # far over the hold, on full throttle
    for _ in range(60):
        *_, info = env.step(FULL_THROTTLE)
    line = line_table(oval_track)
    cap = env.speed_hold * line[int(env.cars[0, CAR_SEGMENT]), LINE_LIMIT_SPEED]
    assert info["speed_hold"] == env.speed_hold
    assert np.hypot(env.cars[0, CAR_VX], env.cars[0, CAR_VY]) < cap + 1.0  # braked to the hold and kept there


def test_the_share_of_speed_held_episodes_beside_the_pace_held_ones(oval_track):
    env = RetroRacerEnv(track=oval_track, held_pace_share=0.3, held_speed_share=0.4)
    kinds = []
    for k in range(300):
        env.reset(seed=k)
        assert env.pace == 1.0 or env.speed_hold is None  # one hold an episode at most
        kinds.append("pace" if env.pace < 1.0 else "speed" if env.speed_hold is not None else "free")
    assert 0.2 < kinds.count("pace") / 300 < 0.4 and 0.3 < kinds.count("speed") / 300 < 0.5
    env.reset(seed=1, options={"start": "grid"})  # an evaluation: free
    assert env.speed_hold is None and env.pace == 1.0
    free = RetroRacerEnv(track=oval_track, held_pace_share=0.3)
    assert [free.reset(seed=k) and free.pace for k in range(20)] == [env.reset(seed=k) and env.pace for k in range(20)]


def test_bad_speed_share():
    with pytest.raises(ValueError, match="held_speed_share"):
        RetroRacerEnv(randomize_track=True, held_pace_share=0.7, held_speed_share=0.5)
    with pytest.raises(ValueError, match="held_speed_share"):
        config_for_mode("base", held_speed_share=-0.1)
    with pytest.raises(ValueError, match="held_speed_share"):
        config_for_mode("base", held_speed_share=0.3, traffic=True)
    config = config_for_mode("base", n_envs=1, held_speed_share=0.3)
    assert environment_settings(config, 4)["held_speed_share"] == 0.3


def test_a_driver_for_one_track_practises_held_speeds_unless_told_otherwise():
    """The editor's fine-tune (``finetune --track``) practises held speeds; the base, traffic, a given share not."""
    assert config_for_mode("finetune", track="tracks/norisring.json").held_speed_share == 0.3
    assert config_for_mode("finetune", track="tracks/norisring.json", held_speed_share=0.0).held_speed_share == 0.0
    assert config_for_mode("finetune", track="t.json", held_pace_share=0.8).held_speed_share == pytest.approx(0.2)
    assert config_for_mode("finetune", track="t.json", traffic=True, practice_share=0.0).held_speed_share == 0.0
    assert config_for_mode("finetune", out="more_base.zip").held_speed_share == 0.0
    assert config_for_mode("base").held_speed_share == 0.0
