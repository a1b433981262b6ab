"""Corner practice: the episode after a failure restarts from the car's state shortly before it, once."""

from __future__ import annotations

import numpy as np
import pytest

from agents.env import RetroRacerEnv
from agents.practice import BACK_MIN, DECISION_DT, RECALL, CornerPractice
from game.sim.physics import CAR_VX, CAR_VY, N_CAR_COLUMNS


def numbered(count: int) -> CornerPractice:
    """A practice (share 1) that recorded ``count`` states, state k filled with k."""
    practice = CornerPractice(1.0)
    for k in range(count):
        practice.record(np.full(N_CAR_COLUMNS, float(k)))
    return practice


def test_a_failure_keeps_a_state_from_one_to_four_seconds_before_and_offers_it_once(oval_track, twisty_track):
    rng = np.random.default_rng(0)
    backs = set()
    for _ in range(200):
        practice = numbered(500)
        practice.failed(oval_track, rng)
        state = practice.restart(oval_track, rng)
        backs.add(499 - int(state[0]))
        assert practice.restart(oval_track, rng) is None  # once
    assert min(backs) == round(BACK_MIN / DECISION_DT) and max(backs) == round(RECALL / DECISION_DT) - 1
    practice = numbered(500)
    practice.failed(oval_track, rng)
    assert practice.restart(twisty_track, rng) is None  # another track: the state means nothing there
    assert practice.restart(oval_track, rng) is None  # ... and it is dropped


def test_a_short_episode_goes_back_to_its_start_and_share_zero_records_nothing(oval_track):
    rng = np.random.default_rng(1)
    practice = numbered(5)
    practice.failed(oval_track, rng)
    assert practice.restart(oval_track, rng)[0] == 0.0
    off = CornerPractice(0.0)
    off.record(np.ones(N_CAR_COLUMNS))
    off.failed(oval_track, rng)
    assert off.restart(oval_track, rng) is None
    with pytest.raises(ValueError, match="practice share"):
        CornerPractice(1.5)


def crash(env: RetroRacerEnv) -> list[np.ndarray]:
    """Full throttle and full lock until the episode ends; the car's state after every step."""
    states = []
    for _ in range(400):
        _, _, terminated, truncated, _ = env.step(np.array([1.0, 1.0], dtype=np.float32))
        states.append(env.cars[0].copy())
        if terminated or truncated:
            assert terminated
            return states
    raise AssertionError("the car never left the road")


def test_the_env_restarts_before_the_failure_and_never_when_options_are_given(twisty_track):
    env = RetroRacerEnv(track=twisty_track, start="random", practice_share=1.0)
    env.reset(seed=3)
    states = crash(env)
    env.reset()
    restarted = env.cars[0].copy()
    back = [len(states) - 1 - k for k, state in enumerate(states) if np.array_equal(state, restarted)]
    assert back and min(round(BACK_MIN / DECISION_DT), len(states) - 1) <= back[0] < round(RECALL / DECISION_DT)
    assert restarted[CAR_VX] ** 2 + restarted[CAR_VY] ** 2 > 1.0  # moving, as it was
    crash(env)  # off again: a new restart is kept ...
    env.reset(options={"start": "grid"})  # ... but an evaluation's start is as asked, and the restart dropped
    assert env.cars[0][CAR_VX] == 0.0 and env.cars[0][CAR_VY] == 0.0
    env.reset()
    assert not any(np.array_equal(env.cars[0], state) for state in states)


def test_without_practice_the_episodes_are_as_before(twisty_track):
    plain, off = RetroRacerEnv(track=twisty_track), RetroRacerEnv(track=twisty_track, practice_share=0.0)
    for env in (plain, off):
        env.reset(seed=5)
        crash(env)
    assert np.array_equal(plain.reset()[0], off.reset()[0])
