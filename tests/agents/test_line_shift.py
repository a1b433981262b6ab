"""Line-shift practice: the line the driver reads moves as the racecraft moves it; the reward reads the moved line."""

from __future__ import annotations

import numpy as np
import pytest

from agents.config import config_for_mode
from agents.env import RetroRacerEnv
from agents.line_shift import LineShift, LineShiftSettings
from agents.reward import RewardConfig, limit_speed_share
from agents.run_env import make_vec_env
from game.drivers.racecraft import DECISION_DT
from game.sim.observation import observe_line_shift
from game.sim.racing_line import LINE_CURVATURE, LINE_LIMIT_SPEED, line_table
from game.sim.simulation import place_car


def test_the_line_moves_to_both_sides_and_back_at_most_at_the_rate(twisty_track):
    settings = LineShiftSettings(share=1.0)
    shift = LineShift(settings)
    rng = np.random.default_rng(1)
    shift.reset(twisty_track, line_table(twisty_track), rng)
    assert shift.active
    shifts = np.array([shift.step(1.5 * k, 30.0, rng) for k in range(6000)])  # 30 m/s round the lap, 5 minutes
    assert np.abs(np.diff(shifts)).max() <= settings.rate_high * DECISION_DT + 1e-12
    assert np.abs(shifts).max() <= settings.max_shift
    assert shifts.min() < -1.0 and shifts.max() > 1.0  # both sides
    assert 0.1 < np.mean(shifts == 0.0) < 0.9  # and often the driver's own line


def test_only_the_drawn_share_of_episodes_moves_and_never_one_asked_for(twisty_track):
    line = line_table(twisty_track)
    rng = np.random.default_rng(2)
    half = LineShift(LineShiftSettings(share=0.5))
    drawn = []
    for _ in range(400):
        half.reset(twisty_track, line, rng)
        drawn.append(half.active)
    assert 0.4 < np.mean(drawn) < 0.6
    always = LineShift(LineShiftSettings(share=1.0))
    always.reset(twisty_track, line, rng, allowed=False)
    assert not always.active and always.step(100.0, 30.0, rng) == 0.0
    never = LineShift(LineShiftSettings(share=0.0))
    never.reset(twisty_track, line, rng)
    assert not never.active
    with pytest.raises(ValueError, match="share"):
        LineShiftSettings(share=1.5)


def _drive(env, steps=80):
    """(reward, observation, info, car states) of each step of a slow drive from the env's start, the same actions
    for every env."""
    obs, info = env.reset(seed=1)  # a seed whose line moves within the drive
    rows = [(0.0, obs, info, env.cars.copy())]
    for _ in range(steps):
        obs, reward, terminated, truncated, info = env.step(np.array([0.0, 0.25], dtype=np.float32))
        rows.append((reward, obs, info, env.cars.copy()))
        assert not (terminated or truncated)
    return rows


def test_the_observation_and_the_line_penalty_read_the_moved_line(oval_track):
    reward = RewardConfig(line_penalty=0.1)
    plain = _drive(RetroRacerEnv(track=oval_track, start="grid", reward=reward))
    env = RetroRacerEnv(track=oval_track, start="grid", reward=reward, line_shift_share=1.0)
    moved = _drive(env)
    shifts = np.array([info["line_shift"] for _, _, info, _ in moved])
    assert np.abs(shifts).max() > 0.5
    line = line_table(oval_track)
    for k in range(1, len(moved)):
        (plain_reward, plain_obs, _, state), (reward_k, obs, _, moved_state) = plain[k], moved[k]
        np.testing.assert_array_equal(moved_state, state)  # the line moves, never the car
        np.testing.assert_array_equal(np.delete(obs, 6), np.delete(plain_obs, 6))
        # Feature 6 of the returned observation: the offset from the line moved by this decision's shift.
        expected = plain_obs[None, :].copy()
        observe_line_shift(state, oval_track.table, line, oval_track.spacing, np.array([shifts[k]]), expected)
        assert obs[6] == pytest.approx(expected[0, 6], abs=1e-6)
        # The step's line penalty: from the line the driver was following (the last decision's shift).
        followed = plain_obs[None, :].copy()
        observe_line_shift(state, oval_track.table, line, oval_track.spacing, np.array([shifts[k - 1]]), followed)
        penalty_change = reward.line_penalty * (followed[0, 6] ** 2 - plain_obs[6] ** 2)
        assert reward_k == pytest.approx(plain_reward - penalty_change, abs=1e-5)


def test_the_limit_bonus_is_the_moved_lines_in_a_corner(twisty_track):
    line = line_table(twisty_track)
    k = int(np.argmax(np.abs(line[:, LINE_CURVATURE])))
    inside = 3.0 * np.sign(line[k, LINE_CURVATURE])
    reward = RewardConfig(line_penalty=0.0, limit_bonus=0.5, limit_zone=0.5)
    rewards, states = [], []
    for shift in (0.0, inside):
        env = RetroRacerEnv(track=twisty_track, reward=reward, line_shift_share=1.0)
        env.reset(seed=0)
        env._shift[0] = shift  # the line this decision follows
        place_car(env.cars, 0, twisty_track, (k - 10) * twisty_track.spacing, 0.0, line[k, LINE_LIMIT_SPEED], 0.0)
        rewards.append(env.step(np.zeros(2, dtype=np.float32))[1])
        states.append(env.cars[0].copy())
    np.testing.assert_array_equal(states[0], states[1])
    own, moved = (limit_speed_share(states[0], line, twisty_track.spacing, shift) for shift in (0.0, inside))
    assert moved > own + 0.02  # nearer the limit of the tighter line than of its own
    expected = reward.limit_bonus * (abs(moved) - abs(own)) / reward.limit_zone
    assert rewards[0] - rewards[1] == pytest.approx(expected, abs=1e-6)


def test_an_episode_asked_for_drives_the_own_line(oval_track):
    env = RetroRacerEnv(track=oval_track, line_shift_share=1.0)
    env.reset(seed=4, options={"start": "grid"})
    for _ in range(60):
        *_, info = env.step(np.array([0.0, 0.25], dtype=np.float32))
        assert info["line_shift"] == 0.0


def test_the_limit_of_a_line_moved_to_the_inside_is_lower(twisty_track):
    line = line_table(twisty_track)
    arc = float(np.argmax(np.abs(line[:, LINE_CURVATURE])) * twisty_track.spacing)
    curvature = line[int(arc / twisty_track.spacing), LINE_CURVATURE]
    limit = line[int(arc / twisty_track.spacing), LINE_LIMIT_SPEED]
    cars = np.zeros((1, RetroRacerEnv(track=twisty_track).cars.shape[1]))
    place_car(cars, 0, twisty_track, arc, 0.0, limit, 0.0)
    inside = 2.0 * np.sign(curvature)
    own = limit_speed_share(cars[0], line, twisty_track.spacing)
    assert limit_speed_share(cars[0], line, twisty_track.spacing, -inside) == pytest.approx(own)  # no faster outside
    tighter = limit_speed_share(cars[0], line, twisty_track.spacing, inside)
    assert tighter == pytest.approx((own + 1.0) / np.sqrt(1.0 - abs(curvature) * 2.0) - 1.0, rel=1e-3)
    assert tighter > own + 0.01


def test_the_share_reaches_the_env_and_the_sidecar_settings():
    from agents.run_env import environment_settings

    config = config_for_mode("base", n_envs=1, line_shift_share=0.3)
    venv = make_vec_env(config, [])
    assert venv.envs[0].unwrapped._line_shift.settings.share == 0.3
    venv.close()
    assert environment_settings(config, 4)["line_shift_share"] == 0.3
    assert config_for_mode("base").line_shift_share == 0.0  # off unless asked for
