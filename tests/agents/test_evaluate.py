"""Evaluation: two laps per episode, flying laps, reference ratio, the JSON the CLI prints."""

import json
import math

import numpy as np
import pytest

from agents.evaluate import (
    EvalResult,
    as_actor,
    episode_step_limit,
    evaluate,
    incident_places,
    load_track_file,
    main,
)
from game.drivers.actor import Actor, save_actor
from game.sim.observation_layout import OBSERVATION_SIZE
from game.sim.track.io import save_track

JSON_KEYS = {
    "episodes",
    "laps_completed",
    "completion_rate",
    "flying_lap_times_s",
    "best_lap_s",
    "reference_lap_s",
    "ratio",
}


class CentrelineDriver:
    """Follows the middle of the road at a steady speed (observation only), batched like an Actor."""

    def __init__(self, target_speed=25.0):
        self.target_speed = target_speed

    def act(self, obs):
        obs = np.asarray(obs, np.float32)
        speed = obs[:, 0] * 90.0
        steer = np.clip(2.0 * obs[:, 7] * math.pi - obs[:, 5] - 0.5 * obs[:, 4] * math.pi, -1, 1)
        throttle = np.clip(0.3 * (self.target_speed - speed), -1, 1)
        return np.stack([steer, throttle], axis=1).astype(np.float32)


def straight_ahead_actor():
    """Full throttle, no steering: leaves the oval at its first corner."""
    hidden = [(np.zeros((OBSERVATION_SIZE, 4), np.float32), np.zeros(4, np.float32))]
    return Actor(hidden, (np.zeros((4, 2), np.float32), np.array([0.0, 3.0], np.float32)))


def test_a_steady_driver_completes_two_laps_with_a_flying_lap(oval_track):
    result = evaluate(CentrelineDriver(), oval_track, episodes=3, seed=5)
    assert isinstance(result, EvalResult)
    assert result.episodes == 3 and result.laps_attempted == 6
    assert result.laps_completed == 6 and result.completion_rate == 1.0 and result.episodes_finished == 3
    assert len(result.flying_lap_times_s) == 3
    # the flying lap is faster than the standing-start lap
    assert all(times[1] < times[0] for times in result.lap_times_s)
    assert result.best_lap_s == min(result.flying_lap_times_s)
    assert result.mean_lap_s == pytest.approx(np.mean(result.flying_lap_times_s))
    # about the oval's length at the target speed
    assert result.best_lap_s == pytest.approx(oval_track.length / 25.0, rel=0.15)
    assert result.off_track_episodes == 0 and result.off_track_rate == 0.0
    assert result.reference_lap_s is not None and 0 < result.reference_lap_s < result.best_lap_s
    assert result.ratio == pytest.approx(result.best_lap_s / result.reference_lap_s)


def test_episodes_differ_by_the_start_perturbation(oval_track):
    result = evaluate(CentrelineDriver(), oval_track, episodes=3, seed=0, with_reference=False)
    first_laps = [times[0] for times in result.lap_times_s]
    assert len(set(first_laps)) == 3
    again = evaluate(CentrelineDriver(), oval_track, episodes=3, seed=0, with_reference=False)
    assert again.lap_times_s == result.lap_times_s  # same seed, same result


def test_a_crashing_driver_reports_off_track_and_no_laps(oval_track):
    result = evaluate(straight_ahead_actor(), oval_track, episodes=2, with_reference=False)
    assert result.laps_completed == 0 and result.completion_rate == 0.0
    assert result.flying_lap_times_s == [] and result.best_lap_s is None and result.ratio is None
    assert result.off_track_episodes == 2 and result.off_track_rate == 1.0
    # where: both at the oval's first corner (straight on from the grid), at speed
    assert [(i["episode"], i["slot"], i["kind"], i["lap"]) for i in result.incidents] == [
        (0, 0, "off track", 0),
        (1, 1, "off track", 0),
    ]
    assert all(0.0 <= i["at_m"] < oval_track.length and i["speed_m_s"] > 10.0 for i in result.incidents)
    assert abs(result.incidents[0]["at_m"] - result.incidents[1]["at_m"]) < 15.0
    first = min(i["at_m"] for i in result.incidents)
    assert incident_places(result.incidents).startswith(f"off track at {first:.0f} m x2")


def test_incident_places_group_by_kind_and_place():
    incidents = [
        {"kind": "off track", "at_m": 100.0, "speed_m_s": 30.0},
        {"kind": "off track", "at_m": 110.0, "speed_m_s": 40.0},
        {"kind": "off track", "at_m": 900.0, "speed_m_s": 20.0},
        {"kind": "stuck", "at_m": 105.0, "speed_m_s": 0.0},
    ]
    assert incident_places(incidents) == (
        "off track at 100 m x2 (126 km/h); off track at 900 m x1 (72 km/h); stuck at 105 m x1 (0 km/h)"
    )
    assert incident_places(incidents, limit=1) == "off track at 100 m x2 (126 km/h); 2 other places"
    assert incident_places(incidents[:2], with_kind=False) == "at 100 m x2 (126 km/h)"


def test_step_limit_allows_two_slow_laps(oval_track):
    assert episode_step_limit(oval_track) * 0.05 > 2 * oval_track.length / 10.0


def test_cli_json_has_the_documented_keys(oval_track, tmp_path, capsys):
    save_actor(straight_ahead_actor(), tmp_path / "driver.npz")
    save_track(oval_track, tmp_path / "oval.json")
    code = main(
        ["--model", str(tmp_path / "driver.npz"), "--track", str(tmp_path / "oval.json"), "--episodes", "2", "--json"]
    )
    assert code == 0
    out = capsys.readouterr().out
    data = json.loads(out)  # one JSON object, nothing else on stdout
    assert JSON_KEYS <= set(data)
    assert data["episodes"] == 2 and data["laps_completed"] == 0 and data["ratio"] is None
    assert data["reference_lap_s"] > 0


def test_cli_text_output(oval_track, tmp_path, capsys):
    save_actor(straight_ahead_actor(), tmp_path / "driver.npz")
    save_track(oval_track, tmp_path / "oval.json")
    assert (
        main(["--model", str(tmp_path / "driver.npz"), "--track", str(tmp_path / "oval.json"), "--episodes", "1"]) == 0
    )
    out = capsys.readouterr().out
    assert "laps completed" in out and "reference lap" in out


def test_cli_reports_a_bad_model_file(oval_track, tmp_path, capsys):
    (tmp_path / "bad.npz").write_bytes(b"junk")
    save_track(oval_track, tmp_path / "oval.json")
    assert main(["--model", str(tmp_path / "bad.npz"), "--track", str(tmp_path / "oval.json")]) == 2
    assert "bad.npz" in capsys.readouterr().err


def test_cli_reports_a_missing_track(tmp_path, capsys):
    save_actor(straight_ahead_actor(), tmp_path / "driver.npz")
    assert main(["--model", str(tmp_path / "driver.npz"), "--track", str(tmp_path / "none.json")]) == 2
    assert "none.json" in capsys.readouterr().err


def test_circuit_csv_tracks_load(tmp_path):
    angles = np.linspace(0, 2 * np.pi, 60, endpoint=False)
    rows = ["# x_m,y_m,w_tr_right_m,w_tr_left_m"]
    rows += [f"{300 * np.cos(a):.3f},{200 * np.sin(a):.3f},5.0,5.0" for a in angles]
    (tmp_path / "Circle.csv").write_text("\n".join(rows) + "\n")
    track = load_track_file(tmp_path / "Circle.csv")
    assert track.length == pytest.approx(2 * np.pi * 250, rel=0.1)


def test_as_actor_rejects_other_things():
    with pytest.raises(TypeError):
        as_actor(42)


def self_crossing_file(folder):
    """The shipped figure-eight without its ``crossing`` metadata: a track that runs into itself."""
    from pathlib import Path

    data = json.loads((Path(__file__).resolve().parents[2] / "tracks" / "viaduct_eight.json").read_text())
    data["metadata"] = {}
    path = folder / "crossing_no_bridge.json"
    path.write_text(json.dumps(data))
    return path


def test_a_self_crossing_track_without_a_bridge_is_refused(tmp_path, capsys):
    """Issue 17 #12: the editor refused it, evaluate drove it."""
    save_actor(straight_ahead_actor(), tmp_path / "driver.npz")
    assert main(["--model", str(tmp_path / "driver.npz"), "--track", str(self_crossing_file(tmp_path))]) == 2
    assert "runs into itself" in capsys.readouterr().err


@pytest.mark.parametrize("episodes", ["0", "-3"])
def test_cli_rejects_episodes_below_one(tmp_path, capsys, episodes):
    """Issue 17 #10: --episodes 0 printed a ValueError traceback."""
    save_actor(straight_ahead_actor(), tmp_path / "driver.npz")
    with pytest.raises(SystemExit) as caught:
        main(["--model", str(tmp_path / "driver.npz"), "--track", "tracks/norisring.json", "--episodes", episodes])
    assert caught.value.code == 2
    err = capsys.readouterr().err
    assert "error:" in err and "--episodes" in err and "Traceback" not in err


def test_a_driver_is_evaluated_on_its_own_racing_line(oval_track, monkeypatch):
    import agents.evaluate as evaluation

    lines = []
    real_env = evaluation.RetroRacerEnv

    def spy(*args, **kwargs):
        lines.append(kwargs["line_clearance"])
        return real_env(*args, **kwargs)

    monkeypatch.setattr(evaluation, "RetroRacerEnv", spy)
    actor = straight_ahead_actor()
    actor.line_clearance = 1.0
    result = evaluate(actor, oval_track, episodes=2, with_reference=False)
    assert lines == [1.0, 1.0] and result.line_clearance == 1.0
    assert evaluate(straight_ahead_actor(), oval_track, episodes=1, with_reference=False).line_clearance == 0.15
