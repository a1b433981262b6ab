"""The race in traffic: the field, its scenarios and opponents, the reward for contact, and both env APIs."""

from __future__ import annotations

import numpy as np
import pytest

from agents.reward import RewardConfig, pass_reward
from agents.traffic.field import RETRY_BACK, TrafficField
from agents.traffic.opponents import Opponents
from agents.traffic.scenarios import FAST_GAP, PACK_PACE, SLOW_GAP, SLOW_PACE, SLOW_POLE_PACE, lineup
from agents.traffic.vec_env import TrafficVecEnv
from game.drivers.actor import Actor
from game.sim.grid import grid_slot
from game.sim.observation_layout import OBS_CARS, OBSERVATION_SIZE, SLOT_PRESENCE
from game.sim.physics import CAR_ARC_LENGTH, CAR_OFF_TRACK, CAR_PROGRESS, CAR_VX, CAR_VY, DEFAULT_CAR
from game.sim.simulation import place_car


def constant_driver(throttle: float, size: int = 22, version: int = 3) -> Actor:
    """A driver that steers straight at a fixed throttle (its last layer's bias), of layout ``version``."""
    hidden = [(np.zeros((size, 4), np.float32), np.zeros(4, np.float32))]
    mu_bias = np.array([0.0, np.arctanh(throttle)], np.float32)
    return Actor(hidden, (np.zeros((4, 2), np.float32), mu_bias), observation_version=version)


def test_scenarios_place_the_cars_as_they_say(twisty_track):
    rng = np.random.default_rng(0)
    slow = lineup("slow_ahead", twisty_track, 2, 2, rng, DEFAULT_CAR.grip)
    for k in range(2):
        gap = (slow.placements[2 + k].arc - slow.placements[k].arc) % twisty_track.length
        assert SLOW_GAP[0] <= gap <= SLOW_GAP[1] and SLOW_PACE[0] <= slow.paces[k] <= SLOW_PACE[1]
    fast = lineup("fast_behind", twisty_track, 2, 2, rng, DEFAULT_CAR.grip)
    gap = (fast.placements[0].arc - fast.placements[2].arc) % twisty_track.length
    assert FAST_GAP[0] <= gap <= FAST_GAP[1] and fast.paces == [1.0, 1.0]
    pack = lineup("pack", twisty_track, 3, 5, rng, DEFAULT_CAR.grip)
    slots = {grid_slot(twisty_track, k) for k in range(8)}
    assert pack.standing and {(p.arc, p.lateral) for p in pack.placements} == slots
    for seed in range(10):  # whoever the draw put there, the slow opponent takes pole and every slot is filled once
        pole = lineup("slow_pole", twisty_track, 4, 4, np.random.default_rng(seed), DEFAULT_CAR.grip)
        assert (pole.placements[4].arc, pole.placements[4].lateral) == grid_slot(twisty_track, 0)[:2]
        assert {(p.arc, p.lateral) for p in pole.placements} == slots and pole.standing
        assert SLOW_POLE_PACE[0] <= pole.paces[0] <= SLOW_POLE_PACE[1]
        assert all(PACK_PACE[0] <= pace <= PACK_PACE[1] for pace in pole.paces[1:])
    solo = lineup("solo", twisty_track, 4, 4, rng, DEFAULT_CAR.grip)
    assert len(solo.placements) == 4 and not solo.paces  # solo laps: no opponents
    with pytest.raises(ValueError, match="unknown scenario"):
        lineup("drag_race", twisty_track, 1, 0, rng, DEFAULT_CAR.grip)


def test_learners_see_each_other_and_opponents_sit_out_of_solo_laps(oval_track):
    field = TrafficField([oval_track], 2, 2, Opponents([constant_driver(0.5)]), {"pack": 1.0}, seed=0)
    obs = field.reset()
    assert obs.shape == (2, OBSERVATION_SIZE) and field.n_cars == 4
    assert obs[:, OBS_CARS + SLOT_PRESENCE].all()  # on the grid every car has another just ahead or behind
    field = TrafficField([oval_track], 2, 2, Opponents([constant_driver(0.5)]), {"solo": 1.0}, seed=0)
    field.reset()
    assert field.n_cars == 2


def test_running_into_the_car_ahead_costs_more_than_being_hit(oval_track):
    reward = RewardConfig(contact_penalty=0.5, rear_end_penalty=2.0)
    field = TrafficField([oval_track], 2, 0, reward=reward, scenario_weights={"solo": 1.0}, seed=0)
    field.reset()
    place_car(field.cars, 0, oval_track, 100.0, 0.0, 30.0)  # the rear car, fast
    place_car(field.cars, 1, oval_track, 106.0, 0.0, 10.0)  # the car ahead, slow
    field.cars[:, CAR_PROGRESS] = field.cars[:, CAR_ARC_LENGTH]
    field._scratch[:, 3] = field.cars[:, CAR_PROGRESS]  # best progress: nobody is stuck
    seen = {0: [], 1: []}
    for _ in range(6):
        field.step(np.array([[0.0, 1.0], [0.0, 0.0]]))
        for car in (0, 1):
            seen[car].append(field.car_info(car))
    assert any(i["rear_end"] for i in seen[0]) and not any(i["rear_end"] for i in seen[1])
    assert any(i["contact"] for i in seen[1])  # a contact costs both cars a little
    assert field.cars[1, CAR_VX] ** 2 + field.cars[1, CAR_VY] ** 2 > 10.0**2  # the push moved the car ahead on


def test_the_passing_bonus_pays_for_clean_ground_gained_on_cars_close_around():
    cfg = RewardConfig(pass_bonus=0.1).as_array()
    before = np.array([100.0, 130.0, 85.0, 300.0])  # car 0; one 30 m ahead, one 15 m behind, one out of range
    after = before + np.array([5.0, 3.0, 4.0, 1.0])
    never = np.full(4, -1e9)
    # 0.1 * ((5 - 3) + (5 - 4)): ground on the car ahead and the car behind, none on the far one
    assert pass_reward(0, after, before, never, cfg, 10.0) == pytest.approx(0.3)
    assert pass_reward(2, after, before, never, cfg, 10.0) == pytest.approx(-0.1)  # losing ground costs
    assert pass_reward(1, after, before, never, cfg, 10.0) == 0.0  # car 0 is 30 m behind it: out of range
    touched = never.copy()
    touched[1] = 9.0  # car 1 touched a car a second ago: that pair scores nothing
    assert pass_reward(0, after, before, touched, cfg, 10.0) == pytest.approx(0.1)
    touched[0] = 9.0  # and after its own contact car 0 earns nothing at all
    assert pass_reward(0, after, before, touched, cfg, 10.0) == 0.0
    assert pass_reward(0, after, before, never, RewardConfig().as_array(), 10.0) == 0.0  # off by default


def test_the_field_pays_the_passing_bonus_to_the_car_that_passes(oval_track):
    def rewards(pass_bonus):
        field = TrafficField(
            [oval_track], 2, 0, reward=RewardConfig(pass_bonus=pass_bonus), scenario_weights={"solo": 1.0}, seed=0
        )
        field.reset()
        place_car(field.cars, 0, oval_track, 100.0, -2.5, 30.0)  # fast, beside the line of the car ahead
        place_car(field.cars, 1, oval_track, 110.0, 2.5, 15.0)
        field.cars[:, CAR_PROGRESS] = field.cars[:, CAR_ARC_LENGTH]
        field._scratch[:, 3] = field.cars[:, CAR_PROGRESS]
        total = np.zeros(2)
        for _ in range(5):
            _, reward, _, _ = field.step(np.array([[0.0, 0.5], [0.0, 0.0]]))
            assert not field.car_info(0)["contact"]
            total += reward
        return total

    plain, bonus = rewards(0.0), rewards(0.1)
    gained = bonus[0] - plain[0]
    assert gained > 0.2 and bonus[1] - plain[1] == pytest.approx(-gained)  # what one gains the other loses


def test_a_push_earns_no_progress(oval_track):
    field = TrafficField([oval_track], 2, 0, scenario_weights={"solo": 1.0}, seed=0)
    field.reset()
    place_car(field.cars, 0, oval_track, 200.0, 0.0, 0.0)
    place_car(field.cars, 1, oval_track, 200.0, 1.0, 0.0)  # overlapping, standing: the contact pushes them apart
    field.cars[:, CAR_PROGRESS] = field.cars[:, CAR_ARC_LENGTH]
    before = field.cars[:, CAR_PROGRESS].copy()
    field.step(np.array([[0.0, 0.0], [0.0, 0.0]]))
    assert np.all(np.abs(field.cars[:, CAR_PROGRESS] - before) < 0.05)


def test_nan_actions_are_refused(oval_track):
    field = TrafficField([oval_track], 2, 0, seed=0)
    field.reset()
    with pytest.raises(ValueError, match="finite"):
        field.step(np.array([[0.0, np.nan], [0.0, 0.0]]))


def test_opponents_keep_the_first_driver_and_read_their_own_layout():
    first, v4 = constant_driver(0.5), constant_driver(0.2, OBSERVATION_SIZE, 4)
    pool = Opponents([first], max_size=3)
    for _ in range(4):
        pool.add(v4)
    assert len(pool) == 3 and pool.drivers[0] is first
    controls = pool.act(np.zeros((2, OBSERVATION_SIZE), np.float32), np.array([0, 1]))
    assert controls[:, 1] == pytest.approx([0.5, 0.2], abs=1e-5)


def test_vector_env_slots_respawn_after_a_crash_and_end_together(oval_track):
    fields = [
        TrafficField([oval_track], 2, 0, scenario_weights={"solo": 1.0}, max_episode_steps=40, seed=s) for s in (0, 1)
    ]
    venv = TrafficVecEnv(fields)
    assert venv.num_envs == 4
    venv.seed(0)
    obs = venv.reset()
    assert obs.shape == (4, OBSERVATION_SIZE)
    crashes = truncations = 0
    for _ in range(40):
        actions = np.tile([1.0, 1.0], (4, 1))  # full lock at full throttle: off the road soon
        obs, rewards, dones, infos = venv.step(actions)
        for done, info in zip(dones, infos, strict=True):
            if done:
                assert info["terminal_observation"].shape == (OBSERVATION_SIZE,) and "episode" in info
                crashes += not info["TimeLimit.truncated"]
                truncations += info["TimeLimit.truncated"]
    assert crashes > 0 and truncations == 4  # every slot ends together at the horizon


def test_parallel_env_passes_the_pettingzoo_api_test(oval_track, monkeypatch):
    import os

    monkeypatch.setenv("SDL_AUDIODRIVER", "dummy")
    from agents.traffic.parallel_env import RetroRacerParallelEnv  # imports pettingzoo, which sets it to "dsp"

    assert os.environ["SDL_AUDIODRIVER"] == "dummy"  # put back: the game's sound in this process still works
    from pettingzoo.test import parallel_api_test

    env = RetroRacerParallelEnv(n_cars=3, tracks=[oval_track], max_episode_steps=60, seed=0)
    parallel_api_test(env, num_cycles=100)
    observations, _ = env.reset(seed=1)
    assert set(observations) == {"car_0", "car_1", "car_2"}


def crash(field):
    """Full lock at full throttle until the learner leaves the road; returns its progress there."""
    for _ in range(400):
        _, _, terminated, _ = field.step(np.array([[1.0, 1.0]]))
        if terminated[0]:
            assert field.cars[0, CAR_OFF_TRACK] > 0.5
            return float(field.cars[0, CAR_PROGRESS])
    pytest.fail("the learner never left the road")


@pytest.mark.parametrize("retry_share", [0.0, 1.0])
def test_a_learner_that_left_the_track_retries_the_corner_from_before_it(twisty_track, retry_share):
    field = TrafficField([twisty_track], 1, 0, scenario_weights={"solo": 1.0}, seed=3, retry_share=retry_share)
    field.reset(seed=3)
    for _ in range(3):  # several crashes: each retry starts 80-250 m back, on the line, at pace; or stands
        left_at = crash(field)
        field.respawn(0)
        car = field.cars[0]
        speed = float(np.hypot(car[CAR_VX], car[CAR_VY]))
        back = left_at - float(car[CAR_PROGRESS])
        assert car[CAR_OFF_TRACK] == 0.0
        if retry_share:
            assert RETRY_BACK[0] - 3.0 <= back <= RETRY_BACK[1] + 3.0  # the segment, not the exact point
            assert speed > 5.0
        else:
            assert abs(back) < 3.0 and speed == 0.0
    with pytest.raises(ValueError, match="retry_share"):
        TrafficField([twisty_track], 1, 0, retry_share=1.5)
