"""The weights-only driver file: same actions as SB3, no pickle, clear errors for bad files."""

import json

import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agents.env import RetroRacerEnv
from agents.models import actor_from_model, export_actor, save_model
from game.drivers.actor import ACTOR_VERSION, Actor, ModelError, load_actor, save_actor
from game.sim.observation import OBSERVATION_HIGH
from game.sim.observation_layout import OBSERVATION_SIZE, OBSERVATION_VERSION


@pytest.fixture(scope="module")
def sac_model(oval_track):
    from stable_baselines3 import SAC

    torch.manual_seed(0)
    env = RetroRacerEnv(track=oval_track)
    model = SAC(
        "MlpPolicy",
        env,
        policy_kwargs={"net_arch": [64, 48]},
        learning_starts=50,
        batch_size=32,
        buffer_size=500,
        seed=1,
        device="cpu",
    )
    model.learn(120)  # a few updates, so the weights are not the initial ones
    return model


@pytest.fixture(scope="module")
def actor_file(sac_model, tmp_path_factory):
    path = tmp_path_factory.mktemp("actor") / "driver.npz"
    export_actor(sac_model, path, metadata={"kind": "test"})
    return path


def observations(n, seed=0):
    rng = np.random.default_rng(seed)
    obs = rng.uniform(-1.0, 1.0, (n, OBSERVATION_SIZE)).astype(np.float32)
    obs[:, 5] *= 2.0
    return obs


def test_observation_size_matches_the_game():
    assert OBSERVATION_HIGH.shape == (OBSERVATION_SIZE,)


def test_the_file_records_the_observation_layout(actor_file):
    assert int(entries_of(actor_file)["observation_version"]) == OBSERVATION_VERSION
    assert load_actor(actor_file).observation_version == OBSERVATION_VERSION


def v3_actor_file(tmp_path):
    rng = np.random.default_rng(0)
    hidden = [(rng.normal(size=(22, 8)).astype(np.float32), np.zeros(8, np.float32))]
    actor = Actor(hidden, (rng.normal(size=(8, 2)).astype(np.float32), np.zeros(2, np.float32)), observation_version=3)
    save_actor(actor, tmp_path / "v3.npz")
    return tmp_path / "v3.npz"


def test_a_driver_for_another_layout_is_refused_with_a_clear_message(tmp_path):
    entries = entries_of(v3_actor_file(tmp_path))
    entries["observation_version"] = np.array(2)  # v2 had 22 numbers too: only the version tells them apart
    write_entries(tmp_path / "old.npz", entries)
    with pytest.raises(ModelError, match="observation layout v2"):
        load_actor(tmp_path / "old.npz")
    assert load_actor(tmp_path / "old.npz", observation_version=None).observation_version == 2


def test_a_v3_driver_still_drives_from_v4_observations(tmp_path):
    actor = load_actor(v3_actor_file(tmp_path))
    assert actor.observation_version == 3 and actor.observation_size == 22
    with pytest.raises(ModelError, match="layout v4"):
        v4 = Actor(
            [(np.zeros((42, 4), np.float32), np.zeros(4, np.float32))],
            (np.zeros((4, 2), np.float32),) * 1 + (np.zeros(2, np.float32),),
        )
        save_actor(v4, tmp_path / "v4.npz")
        load_actor(tmp_path / "v4.npz", observation_version=3)  # a v4 driver cannot read v3 observations


def test_files_from_before_versions_were_stored_are_layout_3(tmp_path):
    entries = entries_of(v3_actor_file(tmp_path))
    entries["version"] = np.array(1)
    del entries["observation_version"]
    write_entries(tmp_path / "format1.npz", entries)
    assert load_actor(tmp_path / "format1.npz").observation_version == 3


def test_exported_actor_matches_sb3_deterministic_predict(sac_model, actor_file):
    obs = observations(500)
    expected, _ = sac_model.predict(obs, deterministic=True)
    actor = load_actor(actor_file)
    actions = actor.act(obs)
    assert actions.shape == (500, 2) and actions.dtype == np.float32
    np.testing.assert_allclose(actions, expected, atol=1e-5, rtol=0)
    assert np.abs(expected).max() > 0.01  # not a degenerate all-zero comparison


def test_actor_on_real_observations_and_single_obs(sac_model, actor_file, oval_track):
    env = RetroRacerEnv(track=oval_track)
    obs, _ = env.reset(seed=4)
    actor = load_actor(actor_file)
    for _ in range(50):
        action = actor.act(obs)
        expected, _ = sac_model.predict(obs, deterministic=True)
        assert action.shape == (2,)
        np.testing.assert_allclose(action, expected, atol=1e-5, rtol=0)
        obs, _, terminated, truncated, _ = env.step(action)
        if terminated or truncated:
            obs, _ = env.reset()


def test_save_load_round_trip_keeps_actions_and_metadata(sac_model, tmp_path):
    actor = actor_from_model(sac_model, metadata={"track": "oval", "steps": 120})
    save_actor(actor, tmp_path / "a.npz")
    loaded = load_actor(tmp_path / "a.npz")
    obs = observations(64, seed=1)
    np.testing.assert_array_equal(loaded.act(obs), actor.act(obs))
    assert loaded.metadata == {"track": "oval", "steps": 120}
    assert f"{OBSERVATION_SIZE}x64x48x2" in repr(loaded)


def test_act_rejects_wrong_observation_shape(actor_file):
    with pytest.raises(ValueError, match="shape"):
        load_actor(actor_file).act(np.zeros((3, 21), np.float32))


# -- bad files ------------------------------------------------------------------------------------------------------
def entries_of(path):
    with np.load(path, allow_pickle=False) as archive:
        return {name: archive[name] for name in archive.files}


def write_entries(path, entries):
    with open(path, "wb") as handle:
        np.savez(handle, **entries)


def test_missing_file(tmp_path):
    with pytest.raises(ModelError, match="no such model file"):
        load_actor(tmp_path / "nope.npz")


def test_folder(tmp_path):
    with pytest.raises(ModelError, match="folder"):
        load_actor(tmp_path)


@pytest.mark.parametrize(
    "content",
    [b"", b"hello world, not a model", b"PK\x03\x04" + b"\x00" * 40, json.dumps({"format": "x"}).encode()],
)
def test_garbage_files(tmp_path, content):
    path = tmp_path / "bad.npz"
    path.write_bytes(content)
    with pytest.raises(ModelError, match="bad.npz"):
        load_actor(path)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(fraction=st.floats(0.0, 0.999))
def test_truncated_file(actor_file, tmp_path, fraction):
    data = actor_file.read_bytes()
    path = tmp_path / "truncated.npz"
    path.write_bytes(data[: int(fraction * len(data))])
    with pytest.raises(ModelError):
        load_actor(path)


def test_corrupted_weights_fail_the_checksum(actor_file, tmp_path):
    data = bytearray(actor_file.read_bytes())
    middle = len(data) // 2
    data[middle : middle + 8] = bytes(8)
    path = tmp_path / "corrupt.npz"
    path.write_bytes(bytes(data))
    with pytest.raises(ModelError, match="corrupt"):
        load_actor(path)


def test_sb3_zip_is_foreign(sac_model, tmp_path):
    save_model(sac_model, tmp_path / "model.zip")
    with pytest.raises(ModelError, match="export"):
        load_actor(tmp_path / "model.zip")


def test_single_npy_array_is_foreign(tmp_path):
    np.save(tmp_path / "weights.npy", np.zeros(3))
    with pytest.raises(ModelError, match="not an .npz"):
        load_actor(tmp_path / "weights.npy")


def test_pickled_object_array_is_refused(actor_file, tmp_path):
    entries = entries_of(actor_file)
    entries["metadata"] = np.array([{"evil": 1}], dtype=object)
    write_entries(tmp_path / "pickled.npz", entries)
    with pytest.raises(ModelError):
        load_actor(tmp_path / "pickled.npz")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda e: e.pop("format"), "no 'format'"),
        (lambda e: e.update(format=np.array("someone-else")), "someone-else"),
        (lambda e: e.update(version=np.array(ACTOR_VERSION + 1)), f"version {ACTOR_VERSION + 1} is not supported"),
        (lambda e: e.pop("observation_version"), "observation_version"),
        (lambda e: e.update(observation_version=np.array(99)), "unknown observation layout v99"),
        (lambda e: e.update(version=np.array("one")), "version"),
        (lambda e: e.update(activation=np.array("gelu")), "activation"),
        (lambda e: e.pop("mu_bias"), "missing entry: mu_bias"),
        (lambda e: e.pop("layer1_bias"), "layer1_bias"),
        (lambda e: e.update(layer0_weight=e["layer0_weight"].astype(np.float64)), "float32"),
        (lambda e: e.update(layer0_weight=e["layer0_weight"][:21]), r"layer0_weight has shape \(21, 64\)"),
        (lambda e: e.update(layer1_weight=e["layer1_weight"][:, :10]), "layer1_bias has shape"),
        (lambda e: e.update(mu_weight=e["mu_weight"][:, :1]), "mu_weight"),
        (lambda e: e["layer1_bias"].__setitem__(3, np.nan), "non-finite"),
        (lambda e: e.update(action_low=np.ones(2, np.float32)), "action_low"),
        (lambda e: e.update(metadata=np.array("{not json")), "metadata"),
    ],
)
def test_malformed_entries(actor_file, tmp_path, change, message):
    entries = entries_of(actor_file)
    change(entries)
    write_entries(tmp_path / "malformed.npz", entries)
    with pytest.raises(ModelError, match=message):
        load_actor(tmp_path / "malformed.npz")


def test_model_error_is_a_value_error():
    assert issubclass(ModelError, ValueError)


def test_actor_validates_its_arrays():
    with pytest.raises(ModelError, match="mu_weight"):
        Actor([(np.zeros((OBSERVATION_SIZE, 4), np.float32), np.zeros(4, np.float32))], (np.zeros((5, 2)), np.zeros(2)))


def test_a_training_model_for_another_layout_is_refused(sac_model, tmp_path):
    from agents.models import load_sb3, sidecar_record, write_sidecar

    save_model(sac_model, tmp_path / "m.zip")
    assert load_sb3(tmp_path / "m.zip").observation_space.shape == (OBSERVATION_SIZE,)
    write_sidecar(tmp_path / "m.json", sidecar_record(observation_version=2))
    with pytest.raises(ModelError, match="observation layout v2"):
        load_sb3(tmp_path / "m.zip")


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_random_bytes_say_not_a_model_file(tmp_path, seed):
    """Issue 17 #17: random bytes read as "pickled data ... allow_pickle", which tells a user nothing."""
    path = tmp_path / "noise.npz"
    path.write_bytes(np.random.default_rng(seed).bytes(4096))
    with pytest.raises(ModelError) as caught:
        load_actor(path)
    message = str(caught.value)
    assert "noise.npz" in message and "not a model file" in message and "pickle" not in message


# -- the racing line a driver follows -------------------------------------------------------------------------------
def test_the_file_records_the_line_clearance_and_older_files_drive_on_the_reference_line(tmp_path, sac_model):
    from game.sim.observation_layout import LINE_CLEARANCE

    entries = entries_of(v3_actor_file(tmp_path))
    assert float(entries["line_clearance"]) == LINE_CLEARANCE  # the default, written out
    del entries["line_clearance"]
    write_entries(tmp_path / "older.npz", entries)
    assert load_actor(tmp_path / "older.npz").line_clearance == LINE_CLEARANCE
    sac_model.line_clearance = 1.0  # agents.train sets it on the model; the export carries it
    try:
        export_actor(sac_model, tmp_path / "wide.npz")
    finally:
        del sac_model.line_clearance
    assert load_actor(tmp_path / "wide.npz").line_clearance == 1.0


@pytest.mark.parametrize("value", [np.array(-0.5), np.array(99.0), np.array(np.nan), np.array("1.0")])
def test_a_bad_line_clearance_is_refused(tmp_path, value):
    entries = entries_of(v3_actor_file(tmp_path))
    entries["line_clearance"] = value
    write_entries(tmp_path / "bad.npz", entries)
    with pytest.raises(ModelError, match="line clearance|line_clearance"):
        load_actor(tmp_path / "bad.npz")


def test_the_game_drives_a_model_on_its_own_line(tmp_path, oval_track):
    from game.drivers.model import ActorDriver
    from game.sim.physics import DEFAULT_CAR
    from game.sim.racing_line import line_table

    actor = load_actor(v3_actor_file(tmp_path))
    actor.line_clearance = 1.0
    driver = ActorDriver(actor, oval_track, DEFAULT_CAR)
    assert driver.line is line_table(oval_track, 1.0) and driver.line is not line_table(oval_track)
