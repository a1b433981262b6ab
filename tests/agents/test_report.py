"""The results report: tiny models, a fake curve and sidecar, one small track made in code."""

import csv

import numpy as np
import pytest

from agents.callbacks.evaluation import CURVE_COLUMNS
from agents.models import SIDECAR_FORMAT, file_sha256, write_sidecar
from agents.report.cli import main
from agents.report.plots import CurveError, read_curve
from agents.report.records import BASE_CURVE_PNG, FINETUNE_CURVES_PNG
from game.drivers.actor import Actor, save_actor
from game.sim.observation_layout import OBSERVATION_SIZE
from game.sim.track.io import save_track

SECTIONS = (
    "# RetroRacer results",
    "## The bar",
    "## Base model on every track",
    "## Fine-tuned models on their own track",
    "## Learning curves",
    "## Training",
    "## Machine",
    "## Reproduce",
)
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def tiny_actor(seed):
    rng = np.random.default_rng(seed)
    hidden = [(rng.normal(0, 0.1, (OBSERVATION_SIZE, 8)).astype(np.float32), np.zeros(8, np.float32))]
    return Actor(hidden, (rng.normal(0, 0.1, (8, 2)).astype(np.float32), np.zeros(2, np.float32)))


def write_model(stem_path, seed, command, kind, track=None):
    npz = stem_path.with_suffix(".npz")
    save_actor(tiny_actor(seed), npz)
    record = {
        "format": SIDECAR_FORMAT,
        "kind": kind,
        "track": track,
        "files": {"npz": npz.name, "npz_sha256": file_sha256(npz)},
        "steps": 12_000,
        "wall_time_s": 60.0,
        "command": command,
        "hyperparameters": {"device": "cpu", "n_envs": 4, "torch_threads": 1},
        "versions": {"platform": "Linux-test-machine", "torch": "9.9"},
        "machine": {"cpu_count": 2},
        "git": {"commit": "0123456789abcdef", "dirty": False},
    }
    write_sidecar(stem_path.with_suffix(".json"), record)
    rows = [
        {"steps": s, "wall_time_min": m, "track": t, "completion_rate": c, "ratio": r}
        for s, m, c, r in ((4000, 1.0, 0.0, ""), (8000, 2.0, 0.5, "1.4"), (12000, 3.0, 1.0, "1.2"))
        for t in ("a", "b")
    ]
    with open(stem_path.with_name(stem_path.name + ".curve.csv"), "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=CURVE_COLUMNS, restval="")
        writer.writeheader()
        writer.writerows(rows)


@pytest.fixture
def layout(tmp_path, oval_track):
    tracks, circuits, models = tmp_path / "tracks", tmp_path / "circuits", tmp_path / "models"
    save_track(oval_track, tracks / "oval.json")
    circuits.mkdir()
    x, y = oval_track.control_points[:, 0], oval_track.control_points[:, 1]
    lines = ["# x_m,y_m,w_tr_right_m,w_tr_left_m"] + [f"{a:.3f},{b:.3f},6.0,6.0" for a, b in zip(x, y, strict=True)]
    (circuits / "Ovalring.csv").write_text("\n".join(lines) + "\n")
    out = tmp_path / "docs" / "RESULTS.md"
    args = ["--quick", "--models", str(models), "--tracks", str(tracks), "--circuits", str(circuits), "--out", str(out)]
    return tmp_path, models, out, args


def test_report_with_base_and_finetuned_models(layout, capsys):
    tmp_path, models, out, args = layout
    write_model(models / "base", 1, "python -m agents.train base --steps 12000", "base")
    write_model(models / "tracks" / "oval", 2, "python -m agents.train finetune --track oval.json", "finetune", "oval")

    assert main(args) == 0
    text = out.read_text()
    for section in SECTIONS:
        assert section in text
    assert "Quick smoke run" in text
    # base on the shipped track and the circuit, fine-tune on its own track beside the base model
    assert "oval.json" in text and "Ovalring.csv" in text
    assert "| gain |" in text
    # the bar: random actors complete no laps, so the rows fail, and nothing says PASS overall
    assert "**Overall: FAIL**" in text
    assert text.count("**FAIL**") == 3  # base on oval.json and Ovalring.csv, the fine-tune on oval.json
    # training facts from the sidecars, steps/s computed
    assert "python -m agents.train base --steps 12000" in text
    assert "python -m agents.train finetune --track oval.json" in text
    assert "| 200 |" in text  # 12000 steps / 60 s
    assert "2 CPUs" in text and "Linux-test-machine" in text
    assert "python -m agents.report --quick" in text
    # the plots exist, are PNGs, and the markdown links them relative to itself
    images = out.parent / "images"
    for name in (BASE_CURVE_PNG, FINETUNE_CURVES_PNG):
        assert (images / name).read_bytes()[:8] == PNG_MAGIC
        assert f"(images/{name})" in text
    assert not list(out.parent.glob(".*.tmp")) and not list(images.glob(".*.tmp"))
    assert "bar FAIL" in capsys.readouterr().out
    assert main([*args, "--check"]) == 1


def test_earlier_base_stages_are_listed_and_their_curves_chained(layout):
    from agents.report.collect import chained_curves, load_model_report

    tmp_path, models, out, args = layout
    write_model(models / "history" / "base-stage1", 3, "python -m agents.train base --steps 12000", "base")
    (models / "history" / "base-stage1.npz").unlink()  # earlier stages ship their sidecar and curve only
    write_model(models / "base", 1, "python -m agents.train finetune --base stage1.zip --out base.zip", "finetune")

    assert main(args) == 0
    text = out.read_text()
    assert "`base-stage1`" in text and "python -m agents.train base --steps 12000" in text
    assert "--base stage1.zip" in text
    stages = [load_model_report("base-stage1", models / "history" / "base-stage1.npz")]
    curves = chained_curves(stages, load_model_report("base", models / "base.npz"))
    assert [p.steps for p in curves["base-stage1"]] == [4000, 8000, 12000]
    assert [p.steps for p in curves["base"]] == [16000, 20000, 24000]  # on from the 12000 steps of stage 1
    assert [p.wall_time_min for p in curves["base"]] == [2.0, 3.0, 4.0]  # on from its 60 s


def test_the_base_lineage_leaves_a_sibling_stage_out_of_the_chain(layout):
    """A base that went on from stage 1, not from stage 2 (installed between them), chains stage 1 only."""
    from agents.models import read_sidecar

    tmp_path, models, out, args = layout
    for n in (1, 2):
        write_model(models / "history" / f"base-stage{n}", n, f"python -m agents.train base --seed {n}", "base")
    write_model(models / "base", 3, "python -m agents.train finetune --base stage1.zip", "finetune")
    record = read_sidecar(models / "base.json")
    write_sidecar(models / "base.json", {**record, "lineage": ["base-stage1", "base-stage0"]})

    assert main(args) == 0
    text = out.read_text()
    assert "stages: `base-stage1` (in `history/`), then `base`" in text
    assert "not an ancestor of `base`): `base-stage2`." in text
    assert "python -m agents.train base --seed 2" in text  # still in the training table
    assert "stages not in `history/`: base-stage0" in text


def test_missing_models_are_reported_not_crashed(layout):
    tmp_path, models, out, args = layout
    assert main(args) == 0
    text = out.read_text()
    for section in SECTIONS:
        assert section in text
    assert "base.npz`: **missing**" in text
    assert "**Overall: INCOMPLETE**" in text and "**MISSING**" in text and "**PASS**" not in text
    assert "no fine-tuned model oval.npz" in text
    assert not (out.parent / "images").exists()


def test_broken_model_and_missing_circuits(layout):
    tmp_path, models, out, args = layout
    (models / "tracks").mkdir(parents=True)
    (models / "base.npz").write_bytes(b"not a zip")
    save_actor(tiny_actor(3), models / "tracks" / "nowhere.npz")
    empty = tmp_path / "no-circuits"
    args = [*args, "--circuits", str(empty)]
    assert main(args) == 0
    text = out.read_text()
    assert "unreadable" in text
    assert "own track file not found" in text
    assert "no circuit files found" in text
    assert "**Overall: FAIL**" in text


def test_read_curve_averages_tracks_per_evaluation(tmp_path):
    write_model(tmp_path / "m", 0, "cmd", "base")
    points = read_curve(tmp_path / "m.curve.csv")
    assert [p.steps for p in points] == [4000, 8000, 12000]
    assert points[0].ratio is None and points[1].ratio == pytest.approx(1.4)
    assert points[2].completion_rate == 1.0 and points[2].tracks == 2
    (tmp_path / "bad.curve.csv").write_text("steps,foo\n1,2\n")
    with pytest.raises(CurveError, match="wall_time_min"):
        read_curve(tmp_path / "bad.curve.csv")
    with pytest.raises(CurveError, match="no such"):
        read_curve(tmp_path / "none.csv")


def test_episodes_must_be_positive(layout, capsys):
    tmp_path, models, out, args = layout
    assert main([*args, "--episodes", "0"]) == 2
    assert "at least 1" in capsys.readouterr().err
    assert not out.exists()


def fake_result(completion, ratio):
    from agents.evaluate import EvalResult

    laps = round(10 * completion)
    return EvalResult("t", 5, 0, 10, laps, completion, laps // 2, ratio=ratio, best_lap_s=ratio, reference_lap_s=1.0)


def test_bar_pass_and_fail_thresholds(tmp_path):
    import argparse

    from agents.report.records import FAIL, PASS, ModelReport, Report, Run, TrackSpec, bar_rows, verdict

    specs = [TrackSpec(tmp_path / f"{name}.json", "shipped") for name in ("a", "b", "c")]
    circuit = TrackSpec(tmp_path / "C.csv", "circuit")
    base = ModelReport("base", tmp_path / "base.npz")
    base.runs = [Run(s, fake_result(c, None)) for s, c in zip([*specs, circuit], (1.0, 0.9, 1.0, 1.0), strict=True)]
    tuned = []
    for spec, ratio in zip(specs, (1.04, 1.08, 1.2), strict=True):
        model = ModelReport(spec.path.stem, tmp_path / "tracks" / f"{spec.path.stem}.npz")
        model.runs = [Run(spec, fake_result(1.0, ratio))]
        tuned.append(model)
    report = Report(argparse.Namespace(), 5, base, tuned, specs, [circuit], [])
    rows = bar_rows(report)
    assert [r.status for r in rows] == [PASS, FAIL, PASS, PASS, PASS, PASS, FAIL]
    assert [r.note for r in rows[4:]] == ["aim met", "aim not met", "aim not met"]
    assert verdict(rows) == FAIL
    assert verdict([r for r in rows if r.status == PASS]) == PASS


def test_racing_section_races_every_track_with_the_game_s_model(layout, monkeypatch):
    tmp_path, models, out, args = layout
    # Random drivers never finish: stop their races at once, as a broken driver's (else minutes of simulated racing).
    monkeypatch.setattr("agents.race_bench.record.MIN_AVERAGE_SPEED", 1000.0)
    monkeypatch.setattr("agents.race_bench.record.FLAG_TIMEOUT", 5.0)
    write_model(models / "base", 1, "python -m agents.train base --steps 12000", "base")
    write_model(models / "tracks" / "oval", 2, "python -m agents.train finetune --track oval.json", "finetune", "oval")
    (tmp_path / "circuits" / "Broken.csv").write_text("# x_m,y_m,w_tr_right_m,w_tr_left_m\n0,0,5,5\n")
    assert main([*args, "--racing"]) == 0
    text = out.read_text()
    racing = text[text.index("## Racing") : text.index("## Learning curves")]
    assert "| Test Oval | oval.npz |" in racing  # the fine-tune races on its track, the base on the circuit
    assert "| base.npz |" in racing and "Of 2 tracks:" in racing
    assert "* Not raced: " in racing and "Broken.csv: only 1 point(s)" in racing
    assert "![A race](images/race_positions.png)" in racing
    assert (out.parent / "images" / "race_positions.png").read_bytes().startswith(PNG_MAGIC)
    assert main(args) == 0 and "## Racing" not in out.read_text()  # --quick races nothing


def test_the_header_says_the_checkout_as_it_was_before_the_report_wrote_anything(layout, monkeypatch):
    import agents.report.cli as report_cli
    import agents.report.markdown as report_markdown

    tmp_path, models, out, args = layout
    write_model(models / "base", 1, "python -m agents.train base --steps 12000", "base")
    states = iter([{"commit": "a" * 40, "dirty": False}])  # read once, at the start
    monkeypatch.setattr(report_cli, "git_revision", lambda: next(states))
    monkeypatch.setattr(report_markdown, "git_revision", lambda: {"commit": "b" * 40, "dirty": True})
    assert main(args) == 0
    text = out.read_text()
    assert f"at git {'a' * 10};" in text and "uncommitted" not in text
