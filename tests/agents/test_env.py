import math
import pickle
import warnings

import gymnasium as gym
import numpy as np
import pytest
from gymnasium.utils.env_checker import check_env as gym_check_env
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from stable_baselines3.common.env_checker import check_env as sb3_check_env

import agents  # noqa: F401  (registers RetroRacer-v1)
from agents.env import RetroRacerEnv, RewardConfig
from game.sim.observation_layout import OBS_CARS, OBSERVATION_SIZE
from game.sim.physics import CAR_OFF_TRACK, CAR_PROGRESS, CAR_X, CAR_Y
from game.sim.track import widths_at


def line_driver(obs: np.ndarray, target_speed: float = 20.0) -> np.ndarray:
    """Steer back to the racing line and along it, hold a speed: uses only the observation."""
    speed = obs[0] * 90.0
    heading_error = obs[4] * math.pi
    offset = obs[6]
    look = obs[7] * math.pi  # the line's direction 16 m ahead relative to the car
    steer = np.clip(2.0 * look - 1.0 * offset - 0.5 * heading_error, -1, 1)
    throttle = np.clip(0.3 * (target_speed - speed), -1, 1)
    return np.array([steer, throttle], dtype=np.float32)


def test_gymnasium_check_env_passes_without_warnings(oval_track):
    env = gym.make("RetroRacer-v1", track=oval_track, render_mode="rgb_array").unwrapped  # has a spec
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        gym_check_env(env)


def test_sb3_check_env_passes_without_warnings(oval_track):
    env = RetroRacerEnv(track=oval_track)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        sb3_check_env(env, warn=True)


def test_gym_make_after_importing_agents(oval_track):
    env = gym.make("RetroRacer-v1", track=oval_track)
    obs, _ = env.reset(seed=3)
    assert obs.shape == (OBSERVATION_SIZE,) and obs.dtype == np.float32
    assert not obs[OBS_CARS:].any()  # a car alone sees no other car


def rollout(env, seed, steps=300):
    obs, _ = env.reset(seed=seed)
    rng = np.random.default_rng(seed)
    trace = [obs]
    for _ in range(steps):
        obs, reward, terminated, truncated, _ = env.step(rng.uniform(-1, 1, 2).astype(np.float32))
        trace.append(np.append(obs, reward))
        if terminated or truncated:
            trace.append(env.reset()[0])
    return np.concatenate(trace)


def test_same_seed_same_rollout(twisty_track):
    a = rollout(RetroRacerEnv(track=twisty_track), seed=7)
    b = rollout(RetroRacerEnv(track=twisty_track), seed=7)
    c = rollout(RetroRacerEnv(track=twisty_track), seed=8)
    assert np.array_equal(a, b)
    assert not np.array_equal(a, c)


def test_pickle_round_trip_steps_identically(twisty_track):
    env = RetroRacerEnv(track=twisty_track)
    env.reset(seed=1)
    for _ in range(20):
        env.step(np.array([0.1, 0.8], dtype=np.float32))
    twin = pickle.loads(pickle.dumps(env))
    for k in range(100):
        action = np.array([math.sin(k / 9), 0.7], dtype=np.float32)
        out_a, out_b = env.step(action), twin.step(action)
        assert np.array_equal(out_a[0], out_b[0])
        assert out_a[1:4] == out_b[1:4]


def test_non_finite_action_raises_and_out_of_range_is_clipped(oval_track):
    env = RetroRacerEnv(track=oval_track, start="grid")
    env.reset(seed=0)
    with pytest.raises(ValueError, match="finite"):
        env.step(np.array([np.nan, 0.5], dtype=np.float32))
    with pytest.raises(ValueError, match="finite"):
        env.step(np.array([0.0, np.inf], dtype=np.float32))
    a = RetroRacerEnv(track=oval_track, start="grid")
    b = RetroRacerEnv(track=oval_track, start="grid")
    a.reset(seed=0)
    b.reset(seed=0)
    for _ in range(30):
        out_a = a.step(np.array([5.0, 40.0], dtype=np.float32))
        out_b = b.step(np.array([1.0, 1.0], dtype=np.float32))
        assert np.array_equal(out_a[0], out_b[0])


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    seed=st.integers(0, 2**31 - 1),
    actions=st.lists(
        st.tuples(
            st.one_of(st.floats(-1, 1), st.sampled_from([-1.0, 1.0, -50.0, 50.0])),
            st.one_of(st.floats(-1, 1), st.sampled_from([-1.0, 1.0, -50.0, 50.0])),
        ),
        min_size=1,
        max_size=8,
    ),
)
def test_random_actions_keep_observations_finite_and_off_track_noticed(twisty_track, seed, actions):
    env = RetroRacerEnv(track=twisty_track, start="random")
    obs, _ = env.reset(seed=seed)
    space = env.observation_space
    track = env.track
    for step in range(400):
        steer, throttle = actions[step % len(actions)]
        obs, reward, terminated, truncated, info = env.step(np.array([steer, throttle], dtype=np.float32))
        assert np.all(np.isfinite(obs)) and math.isfinite(reward)
        assert space.contains(obs)
        # Independent check of the edge: a car beyond the track edge ends the episode with off_track set.
        car = env.cars[0]
        _, s, lateral = track.project(car[0], car[1], int(car[8]))
        width_left, width_right = widths_at(track.table, track.spacing, s)
        outside = lateral > width_left or lateral < -width_right
        assert outside == (car[CAR_OFF_TRACK] > 0.5) == info["off_track"]
        if outside:
            assert terminated
        if terminated or truncated:
            obs, _ = env.reset()


def drive(env, driver, max_steps, **options):
    obs, info = env.reset(seed=0, options=options)
    for _ in range(max_steps):
        obs, _, terminated, truncated, info = env.step(driver(obs))
        if terminated or truncated:
            break
    return info


def test_line_driver_completes_a_lap(oval_track):
    env = RetroRacerEnv(track=oval_track, max_episode_steps=5000)
    info = drive(env, line_driver, 5000, start="grid")
    assert info["laps"] >= 1, info
    assert not info["off_track"]
    # Lap 1 from a standing start at about 20 m/s: a bit over length / 20 m/s.
    assert oval_track.length / 20.0 < info["lap_times"][0] < oval_track.length / 20.0 * 1.3


def test_reversing_over_the_line_does_not_complete_a_lap(oval_track):
    env = RetroRacerEnv(track=oval_track, max_episode_steps=5000, reward=RewardConfig(stuck_time=1e9))
    obs, _ = env.reset(seed=0, options={"start": "grid"})
    # Drive forwards over the line, reverse back over it, and forwards again, several times.
    for _ in range(4):
        for _ in range(200):
            obs, _, terminated, _, info = env.step(line_driver(obs, target_speed=8.0))
            if env.cars[0, CAR_PROGRESS] > 4.0:  # over the line
                break
        for _ in range(200):
            obs, _, terminated, _, info = env.step(np.array([0.0, -1.0], dtype=np.float32))
            if env.cars[0, CAR_PROGRESS] < -4.0:  # back behind it
                break
        assert env.cars[0, CAR_PROGRESS] < -4.0 and not terminated
    assert info["laps"] == 0 and info["lap_times"] == []


def test_stuck_car_ends_the_episode(oval_track):
    env = RetroRacerEnv(track=oval_track, start="grid")
    env.reset(seed=0)
    for step in range(200):  # noqa: B007  (read after the loop)
        _, reward, terminated, _, info = env.step(np.array([0.0, 0.0], dtype=np.float32))
        if terminated:
            break
    assert terminated and info["stuck"] and reward < 0
    assert step * 0.05 == pytest.approx(3.0, abs=0.1)


def test_leaving_the_track_ends_the_episode(oval_track):
    env = RetroRacerEnv(track=oval_track, start="grid")
    env.reset(seed=0)
    for _ in range(400):
        _, reward, terminated, _, info = env.step(np.array([-1.0, 1.0], dtype=np.float32))
        if terminated:
            break
    assert terminated and info["off_track"] and reward < 0


def test_random_start_gives_varied_positions_and_speeds(oval_track):
    env = RetroRacerEnv(track=oval_track, start="random")
    starts = [env.reset(seed=s)[1] for s in range(20)]
    assert len({round(info["progress"]) for info in starts}) > 15
    assert len({round(info["speed"], 1) for info in starts}) > 15


def test_grid_slots_start_where_the_game_puts_its_cars(oval_track):
    from game.sim.grid import GRID_SLOTS, grid_slot
    from game.sim.physics import CAR_LATERAL

    env = RetroRacerEnv(track=oval_track, start="grid", grid_slots=GRID_SLOTS)
    slots = {grid_slot(oval_track, k) for k in range(GRID_SLOTS)}
    seen = set()
    for seed in range(40):
        _, info = env.reset(seed=seed)
        car = env.cars[0]
        assert info["speed"] == 0.0
        arc = car[CAR_PROGRESS] % oval_track.length
        start = min(slots, key=lambda s: abs(s[1] - car[CAR_LATERAL]) + abs(s[0] - arc))
        assert (arc, car[CAR_LATERAL]) == pytest.approx(start, abs=1e-3)
        seen.add(start)
    assert seen == slots  # every slot, the right and left columns included
    middle = RetroRacerEnv(track=oval_track, start="grid")  # grid_slots=0: the middle of the road at pole
    middle.reset(seed=0)
    assert middle.cars[0, CAR_LATERAL] == pytest.approx(0.0, abs=1e-9)
    with pytest.raises(ValueError, match="grid_slots"):
        RetroRacerEnv(track=oval_track, grid_slots=GRID_SLOTS + 1)
    middle.reset(seed=0, options={"start": "grid", "slot": 3})
    assert middle.cars[0, CAR_LATERAL] == pytest.approx(grid_slot(oval_track, 3)[1], abs=1e-3)
    with pytest.raises(ValueError, match="slot"):
        middle.reset(seed=0, options={"start": "grid", "slot": GRID_SLOTS})


def test_standing_random_starts(oval_track):
    env = RetroRacerEnv(track=oval_track, start="random", standing_start_prob=0.5)
    starts = [env.reset(seed=s)[1] for s in range(40)]
    standing = [info for info in starts if info["speed"] == 0.0]
    assert 10 <= len(standing) <= 30  # about half, anywhere on the track
    assert len({round(info["progress"]) for info in standing}) == len(standing)
    never = RetroRacerEnv(track=oval_track, start="random")
    assert all(never.reset(seed=s)[1]["speed"] > 0.0 for s in range(20))
    with pytest.raises(ValueError, match="standing_start_prob"):
        RetroRacerEnv(track=oval_track, standing_start_prob=2.0)


def test_rgb_array_render_shows_the_track(oval_track):
    env = RetroRacerEnv(track=oval_track, render_mode="rgb_array")
    env.reset(seed=0)
    frame = env.render()
    assert frame.ndim == 3 and frame.shape[2] == 3 and frame.dtype == np.uint8
    from agents.env_render import CAR_COLOURS, GRASS, TARMAC, world_to_pixels

    centre = world_to_pixels(oval_track, oval_track.centerline[::10]).astype(int)
    on_road = frame[centre[:, 1], centre[:, 0]]
    assert np.mean(np.all(on_road == TARMAC, axis=1)) > 0.8  # the road is drawn where the track is
    assert tuple(frame[2, 2]) == GRASS and tuple(frame[-3, -3]) == GRASS  # the corners are grass
    car = np.argwhere(np.all(frame == CAR_COLOURS[0], axis=2))
    assert len(car) > 10
    expected = world_to_pixels(oval_track, env.cars[0, [CAR_X, CAR_Y]])
    assert np.hypot(*(car.mean(axis=0)[::-1] - expected)) < 3.0  # the car is drawn where it is


def test_random_tracks_change_every_episodes_per_track_episodes():
    env = RetroRacerEnv(randomize_track=True, episodes_per_track=2)
    env.reset(seed=3)
    names = [env.track.name]
    for _ in range(4):
        env.reset()
        names.append(env.track.name)
    assert names[0] == names[1] and names[2] == names[3] and names[4] != names[3] and names[1] != names[2]
    env.reset(seed=3)  # an explicit seed always starts afresh: same seed, same track
    assert env.track.name == names[0]


def test_reward_penalises_leaving_the_racing_line(oval_track):
    rewards = {}
    for penalty in (0.0, 1.0):
        env = RetroRacerEnv(track=oval_track, reward=RewardConfig(line_penalty=penalty))
        obs, _ = env.reset(seed=0, options={"start": "grid"})
        _, rewards[penalty], _, _, _ = env.step(np.zeros(2, dtype=np.float32))
        offset = obs[6]  # the car starts in the middle of the road; the line is elsewhere at the start
    assert offset != 0.0
    assert rewards[1.0] < rewards[0.0]


def test_overspeed_penalty_costs_only_when_too_fast_for_the_corners_ahead(twisty_track):
    from game.sim.simulation import place_car

    rewards = {}
    for penalty in (0.0, 2.0):
        env = RetroRacerEnv(track=twisty_track, reward=RewardConfig(overspeed_penalty=penalty))
        env.reset(seed=0, options={"start": "grid"})
        _, slow, _, _, _ = env.step(np.zeros(2, dtype=np.float32))  # standing: far below the corners' speed
        place_car(env.cars, 0, twisty_track, 0.0, 0.0, 80.0, 0.0)  # much too fast for the bends ahead
        obs, fast, _, _, _ = env.step(np.zeros(2, dtype=np.float32))
        rewards[penalty] = (slow, fast)
    assert obs[3] > 0.0
    assert rewards[2.0][0] == rewards[0.0][0]
    assert rewards[2.0][1] == pytest.approx(rewards[0.0][1] - 2.0 * obs[3])


def test_limit_bonus_pays_only_near_the_limit_speed_and_most_at_it(twisty_track):
    from agents.reward import limit_speed_share
    from game.sim.racing_line import LINE_LIMIT_SPEED, line_table
    from game.sim.reference import reference_lap
    from game.sim.simulation import place_car

    # The line's limit speed is the reference lap's speed profile on the same line.
    np.testing.assert_allclose(line_table(twisty_track)[:, LINE_LIMIT_SPEED], reference_lap(twisty_track).speed)

    def step_at(speed, bonus):
        env = RetroRacerEnv(track=twisty_track, reward=RewardConfig(limit_bonus=bonus, limit_zone=0.2))
        env.reset(seed=0, options={"start": "grid"})
        place_car(env.cars, 0, twisty_track, 0.0, 0.0, speed, 0.0)
        _, reward, _, _, _ = env.step(np.zeros(2, dtype=np.float32))
        return float(limit_speed_share(env.cars[0], line_table(twisty_track), twisty_track.spacing)), reward

    paid = {}
    for speed in (2.0, *np.linspace(10.0, 80.0, 36)):
        share, plain = step_at(speed, 0.0)
        _, with_bonus = step_at(speed, 0.5)
        assert with_bonus == pytest.approx(plain + 0.5 * max(0.0, 1.0 - abs(share) / 0.2))
        paid[share] = with_bonus - plain
    slowest = min(paid)
    assert slowest < -0.2 and paid[slowest] == pytest.approx(0.0)  # far under the limit: nothing
    near = min(paid, key=abs)
    assert abs(near) < 0.05 and paid[near] > 0.35  # at the limit: nearly the whole bonus
    fastest = max(paid)
    assert fastest > 0.2 and paid[fastest] == pytest.approx(0.0)  # far over it: nothing either


def test_a_limit_zone_of_nothing_is_refused():
    with pytest.raises(ValueError, match="limit_zone"):
        RewardConfig(limit_zone=0.0)


def test_edge_penalty_costs_only_in_the_zone_by_the_edge(oval_track):
    from game.sim.simulation import place_car

    half = 0.5 * float(oval_track.width_left[0] + oval_track.width_right[0])
    rewards = {}
    for penalty in (0.0, 2.0):
        env = RetroRacerEnv(track=oval_track, reward=RewardConfig(edge_penalty=penalty, edge_zone=0.8))
        env.reset(seed=0, options={"start": "grid"})
        rewards[penalty] = []
        for lateral in (0.0, 0.9 * half):
            place_car(env.cars, 0, oval_track, 20.0, lateral, 10.0, 0.0)
            obs, reward, _, _, _ = env.step(np.zeros(2, dtype=np.float32))
            rewards[penalty].append((abs(obs[5]), reward))
    (middle, free), (near_edge, charged) = rewards[2.0]
    assert middle < 0.8 < near_edge < 1.0
    assert free == rewards[0.0][0][1]
    assert charged == pytest.approx(rewards[0.0][1][1] - 2.0 * ((near_edge - 0.8) / 0.2) ** 2)


def test_bad_options_are_refused(oval_track, tmp_path):
    with pytest.raises(ValueError, match="start"):
        RetroRacerEnv(track=oval_track, start="sideways")
    with pytest.raises(ValueError, match="not both"):
        RetroRacerEnv(track=oval_track, randomize_track=True)
    with pytest.raises(ValueError, match="episodes_per_track"):
        RetroRacerEnv(episodes_per_track=0)
    bad = tmp_path / "bad.json"
    bad.write_text("{")
    with pytest.raises(ValueError, match="bad.json"):
        RetroRacerEnv(track=bad)


def test_an_edge_zone_that_reaches_the_edge_is_refused():
    with pytest.raises(ValueError, match="edge_zone"):
        RewardConfig(edge_zone=1.0)
